"""Evidence hold (INC-5): one action holds the cameras near the place, through the footage module."""

from __future__ import annotations

from typing import Any

from watchroom.audit.models import AuditEvent
from watchroom.incidents import services
from watchroom.incidents.models import HoldRequest


def test_it_holds_the_cameras_and_records_the_request(operator: Any, camera_a: Any) -> None:
    incident = services.open_incident(
        actor=operator, incident_type="theft", title="病房失窃", cameras=[camera_a]
    )
    req = services.hold_evidence(incident.pk, actor=operator, minutes=15)
    assert req.status == HoldRequest.Status.PLACED, req.error
    assert req.footage_hold_id is not None
    assert list(req.cameras.all()) == [camera_a]
    assert (req.end - req.start).total_seconds() == 30 * 60
    assert AuditEvent.objects.filter(action="incidents.hold_requested", target_id=str(incident.pk)).exists()
    assert incident.timeline.filter(kind="hold").exists()


def test_it_records_the_request_when_the_footage_module_is_missing(
    operator: Any, camera_a: Any, monkeypatch: Any
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "watchroom.footage.services", None)
    incident = services.open_incident(
        actor=operator, incident_type="theft", title="病房失窃", cameras=[camera_a]
    )
    req = services.hold_evidence(incident.pk, actor=operator)
    assert req.status == HoldRequest.Status.RECORDED
