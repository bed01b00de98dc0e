"""The probe worker backs off a camera that stays offline (exponential, up to a cap), keeps each
group's interval for a camera that answers, and a turn that fails does not end the loop (EQP-4)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from watchroom.accounts.services import system_user
from watchroom.health import engine, services
from watchroom.health.models import CameraHealth, ProbeResult
from watchroom.health.probe import run

OFFLINE = run.ProbeOutcome(url="rtsp://x", tier=2, status=run.OFFLINE, faults=[run.UNREACHABLE])
OK = run.ProbeOutcome(url="rtsp://x", tier=2, status=run.OK)


def test_the_delay_doubles_after_the_fault_opens_up_to_the_cap() -> None:
    delays = [services.next_delay(5, n, fail_count=2, cap_minutes=60) for n in range(9)]
    assert [d // timedelta(minutes=1) for d in delays] == [5, 5, 5, 10, 20, 40, 60, 60, 60]
    # a group probed less often than the cap keeps its own interval
    assert services.next_delay(120, 6, fail_count=2, cap_minutes=60) == timedelta(minutes=120)


def _gap(camera: Any, outcome: run.ProbeOutcome) -> int:
    at = timezone.now()
    services.record_probes([(camera, outcome)], actor=system_user(), at=at)
    health = CameraHealth.objects.get(camera=camera)
    return round((health.next_probe_at - at) / timedelta(minutes=1))


@pytest.mark.django_db
def test_an_offline_camera_is_probed_less_and_less_often_then_normally_again(
    camera_a: Any, engineer: Any, settings: Any, health_dir: Any
) -> None:
    settings.HEALTH_BACKOFF_MAX_MINUTES = 30
    services.update_thresholds(camera_a.group, {"probe_minutes": 2}, actor=engineer)
    gaps = [_gap(camera_a, OFFLINE) for _ in range(7)]
    assert gaps == [2, 2, 4, 8, 16, 30, 30]
    assert CameraHealth.objects.get(camera=camera_a).failed_probes == 7
    assert _gap(camera_a, OK) == 2  # it answers again: back to its group's interval
    assert CameraHealth.objects.get(camera=camera_a).failed_probes == 0


@pytest.mark.django_db
def test_a_failing_turn_is_logged_and_the_worker_goes_on(
    camera_a: Any, monkeypatch: Any, health_dir: Any, caplog: Any
) -> None:
    type(camera_a).objects.filter(pk=camera_a.pk).update(stream_url="rtsp://127.0.0.1:9/cam")
    real = services.claim_due
    calls = {"n": 0}

    def flaky(**kw: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("database went away")
        return real(**kw)

    monkeypatch.setattr(services, "claim_due", flaky)
    worker = engine.ProbeWorker(actor=system_user(), pool_size=2, idle=0, error_pause=0)
    worker.run(turns=3)
    assert worker.errors == 1 and worker.turns == 3
    assert "probe worker turn failed" in caplog.text
    assert worker.probed == 1 and ProbeResult.objects.filter(camera=camera_a).count() == 1
