"""Probe results of a sweep are recorded in batches: one transaction for many cameras, the same
episodes, transitions and audit events as one at a time; a bad batch changes nothing."""

from __future__ import annotations

import pytest

from watchroom.audit.models import AuditEvent
from watchroom.health import services
from watchroom.health.models import CameraHealth, HealthTransition, ProbeResult
from watchroom.health.probe import run
from watchroom.lib.errors import ValidationFailed
from watchroom.sites.tests import factories as sf


def _ok() -> run.ProbeOutcome:
    return run.ProbeOutcome(url="rtsp://x", tier=2, status="ok", metrics={"luma_mean": 100})


def _offline() -> run.ProbeOutcome:
    return run.ProbeOutcome(url="rtsp://x", tier=1).fail("unreachable", "refused")


@pytest.fixture
def three(camera_a):
    more = [sf.CameraFactory(area=camera_a.area, group=camera_a.group, number=f"A-9{i}") for i in range(2)]
    return [camera_a, *more]


def test_a_batch_records_every_camera_with_its_transition_and_audit(three, engineer, health_dir):
    probes = services.record_probes(
        [(three[0], _ok()), (three[1], _offline()), (three[2], _ok())], actor=engineer
    )
    assert [p.camera_id for p in probes] == [c.pk for c in three]
    assert all(p.pk for p in probes)
    states = dict(CameraHealth.objects.values_list("camera_id", "status"))
    assert states == {three[0].pk: "ok", three[1].pk: "offline", three[2].pk: "ok"}
    assert CameraHealth.objects.get(camera=three[1]).last_probe_id == probes[1].pk
    assert HealthTransition.objects.count() == 3
    assert AuditEvent.objects.filter(action="health.status_changed").count() == 3


def test_a_steady_batch_writes_no_transition(three, engineer, health_dir):
    services.record_probes([(c, _ok()) for c in three], actor=engineer)
    services.record_probes([(c, _ok()) for c in three], actor=engineer)
    assert ProbeResult.objects.count() == 6
    assert HealthTransition.objects.count() == 3
    assert AuditEvent.objects.filter(action="health.status_changed").count() == 3


def test_a_camera_twice_in_one_batch_is_refused_and_nothing_is_recorded(three, engineer, health_dir):
    with pytest.raises(ValidationFailed):
        services.record_probes([(three[0], _ok()), (three[0], _ok())], actor=engineer)
    assert not ProbeResult.objects.exists() and not CameraHealth.objects.exists()
    assert not AuditEvent.objects.filter(action="health.status_changed").exists()
