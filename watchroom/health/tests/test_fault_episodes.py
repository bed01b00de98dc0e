"""A cause found N probes in a row opens one equipment fault; N passes close it as recovered
(EQP-3, INC-9). Flapping shorter than N is damped."""

from __future__ import annotations

from typing import Any

import pytest

from watchroom.audit.models import AuditEvent
from watchroom.health import services
from watchroom.health.models import CameraHealth, HealthTransition
from watchroom.health.probe import run


def _outcome(status: str = "ok", faults: list[str] | None = None, tier: int = 2) -> run.ProbeOutcome:
    return run.ProbeOutcome(
        url="rtsp://x", tier=tier, status=status, faults=faults or [], thumbnail=b"\xff\xd8x"
    )


@pytest.fixture
def equipment(monkeypatch: Any) -> dict[str, list]:
    calls: dict[str, list] = {"report": [], "recover": [], "change": []}

    def report_fault(**kw: Any) -> Any:
        calls["report"].append(kw)
        return kw["actor"]  # any saved model row stands in for the equipment fault

    def note_recovery(fault: Any, *, actor: Any, detail: str) -> None:
        calls["recover"].append((fault, detail))

    def record_unapproved_change(camera: Any, *, actor: Any, detected_by: str, detail: Any) -> None:
        calls["change"].append((camera, detected_by))

    fns = {
        "report_fault": report_fault,
        "note_recovery": note_recovery,
        "record_unapproved_change": record_unapproved_change,
    }
    real = services._optional
    monkeypatch.setattr(
        services,
        "_optional",
        lambda mod, name: fns.get(name) if mod.endswith("equipment.services") else real(mod, name),
    )
    return calls


def test_it_opens_one_fault_after_two_failures_and_closes_it_after_two_passes(
    camera_a, health_dir, equipment, engineer
):
    services.record_probe(camera_a, _outcome("fault", ["blurred"]), actor=engineer)
    assert equipment["report"] == []  # one failure is not enough
    services.record_probe(camera_a, _outcome("fault", ["blurred"]), actor=engineer)
    services.record_probe(camera_a, _outcome("fault", ["blurred"]), actor=engineer)
    assert len(equipment["report"]) == 1
    call = equipment["report"][0]
    assert call["camera"] == camera_a and call["source"] == "health" and call["category"] == "image"
    health = CameraHealth.objects.get(camera=camera_a)
    assert (health.status, health.faults) == ("fault", ["blurred"])
    services.record_probe(camera_a, _outcome(), actor=engineer)
    assert equipment["recover"] == []
    services.record_probe(camera_a, _outcome(), actor=engineer)
    assert len(equipment["recover"]) == 1 and equipment["recover"][0][0] == engineer
    health.refresh_from_db()
    assert (health.status, health.faults) == ("ok", [])
    rows = list(
        HealthTransition.objects.filter(camera=camera_a)
        .order_by("at", "pk")
        .values_list("to_status", "opened", "cleared")
    )
    assert rows == [("ok", [], []), ("fault", ["blurred"], []), ("ok", [], ["blurred"])]
    events = AuditEvent.objects.filter(action="health.status_changed", target_id=str(camera_a.pk))
    assert events.count() == 3 and {e.outcome for e in events} == {"success"}


def test_it_damps_flapping(camera_a, health_dir, equipment, engineer):
    for faults in (["noisy"], [], ["noisy"], [], ["noisy"]):
        services.record_probe(camera_a, _outcome("fault" if faults else "ok", faults), actor=engineer)
    assert equipment["report"] == []
    assert CameraHealth.objects.get(camera=camera_a).status == "ok"


def test_an_offline_camera_opens_an_offline_fault_and_keeps_picture_faults(
    camera_a, health_dir, equipment, engineer
):
    for _ in range(2):
        services.record_probe(camera_a, _outcome("fault", ["too_dark"]), actor=engineer)
    for _ in range(2):
        services.record_probe(camera_a, run.ProbeOutcome(url="x", tier=1).fail("unreachable"), actor=engineer)
    health = CameraHealth.objects.get(camera=camera_a)
    assert health.status == "offline" and health.faults == ["too_dark", "unreachable"]
    assert [c["category"] for c in equipment["report"]] == ["image", "network"]
    services.record_probe(camera_a, _outcome("fault", ["too_dark"]), actor=engineer)
    health.refresh_from_db()
    assert health.status == "fault" and health.faults == ["too_dark"]


def test_a_changed_view_is_an_unapproved_change(camera_a, health_dir, equipment, engineer):
    for _ in range(2):
        services.record_probe(camera_a, _outcome("fault", ["scene_changed"]), actor=engineer)
    assert equipment["change"] == [(camera_a, "health")] and equipment["report"] == []


def test_without_the_equipment_module_it_records_the_transition_only(
    camera_a, health_dir, engineer, monkeypatch
):
    monkeypatch.setattr(services, "_optional", lambda mod, name: None)
    for _ in range(2):
        services.record_probe(camera_a, _outcome("fault", ["occluded"]), actor=engineer)
    health = CameraHealth.objects.get(camera=camera_a)
    assert health.episodes["occluded"]["fault"] is None
    assert HealthTransition.objects.filter(camera=camera_a, opened=["occluded"]).exists()


def test_it_opens_a_real_equipment_fault_once_and_notes_recovery(camera_a, health_dir, engineer):
    from watchroom.equipment.models import Fault

    for _ in range(3):
        services.record_probe(camera_a, _outcome("fault", ["blurred"]), actor=engineer)
    fault = Fault.objects.get()
    assert fault.source == "health" and fault.category == "image"
    for _ in range(2):
        services.record_probe(camera_a, _outcome(), actor=engineer)
    fault.refresh_from_db()
    assert fault.status == "repaired"
    assert AuditEvent.objects.filter(action="equipment.fault_recovered").count() == 1
