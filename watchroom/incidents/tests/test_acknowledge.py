"""Acknowledging records who and when, as a row of its own; a storm group is acknowledged together."""

from __future__ import annotations

from typing import Any

import pytest

from watchroom.audit.models import AuditEvent
from watchroom.incidents import services
from watchroom.incidents.models import Alarm, AlarmAck
from watchroom.lib.errors import InvalidTransition, PermissionRefused

from .conftest import payload


def test_it_records_who_and_when_for_the_whole_group(source_api: Any, camera_a: Any, operator: Any) -> None:
    for i in range(3):
        source_api.post("/api/v1/alarms/", payload(event_id=f"e{i}"), format="json")
    head = Alarm.objects.order_by("id").first()
    acks = services.acknowledge_alarm(head.pk, actor=operator)
    assert len(acks) == 3 and all(a.by == operator for a in acks)
    assert AuditEvent.objects.filter(action="incidents.alarm_acknowledged", outcome="success").count() == 1
    with pytest.raises(InvalidTransition) as exc:
        services.acknowledge_alarm(head.pk, actor=operator)
    assert exc.value.code == "already_acknowledged"


def test_it_acknowledges_through_the_api(source_api: Any, camera_a: Any, operator: Any, api: Any) -> None:
    alarm_id = source_api.post("/api/v1/alarms/", payload(), format="json").json()["id"]
    response = api(operator).post(f"/api/v1/alarms/{alarm_id}/ack/", {"note": "已派保安"}, format="json")
    assert response.status_code == 200
    assert AlarmAck.objects.get(alarm_id=alarm_id).note == "已派保安"


def test_an_operator_of_another_campus_gets_404(
    source_api: Any, camera_a: Any, outsider: Any, api: Any
) -> None:
    alarm_id = source_api.post("/api/v1/alarms/", payload(), format="json").json()["id"]
    assert api(outsider).post(f"/api/v1/alarms/{alarm_id}/ack/", {}, format="json").status_code == 404
    with pytest.raises(PermissionRefused):
        services.acknowledge_alarm(alarm_id, actor=outsider)


def test_a_manual_alarm_goes_to_the_console_room(operator: Any, camera_a: Any, room_a: Any) -> None:
    alarm = services.raise_manual_alarm(actor=operator, alarm_type="intrusion", priority=2, camera=camera_a)
    assert (alarm.room, alarm.raised_by, alarm.source) == (room_a, operator, None)
    assert AuditEvent.objects.filter(action="incidents.alarm_raised", target_id=str(alarm.pk)).exists()
