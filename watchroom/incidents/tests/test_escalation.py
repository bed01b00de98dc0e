"""An alarm not acknowledged within its priority's time escalates to the director (once)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine

from watchroom.audit.models import AuditEvent
from watchroom.incidents import services
from watchroom.incidents.models import Alarm, AlarmEscalation
from watchroom.notifications.models import Notification

from .conftest import payload

T0 = dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)


def _post(client: Any, **kw: Any) -> Alarm:
    return Alarm.objects.get(pk=client.post("/api/v1/alarms/", payload(**kw), format="json").json()["id"])


def test_it_escalates_after_the_priority_limit_and_notifies_the_director(
    source_api: Any, camera_a: Any, director: Any
) -> None:
    with time_machine.travel(T0, tick=False):
        alarm = _post(source_api, priority=1)
    with time_machine.travel(T0 + dt.timedelta(seconds=20), tick=False):
        assert services.escalate_overdue() == []
    with time_machine.travel(T0 + dt.timedelta(seconds=31), tick=False):
        escalations = services.escalate_overdue()
        assert [e.alarm_id for e in escalations] == [alarm.pk]
        assert services.escalate_overdue() == []  # once
    assert Notification.objects.filter(recipient=director, kind="incidents.alarm_escalated").count() == 1
    assert AuditEvent.objects.filter(action="incidents.alarm_escalated", outcome="success").count() == 1


def test_an_acknowledged_alarm_does_not_escalate(
    source_api: Any, camera_a: Any, operator: Any, director: Any
) -> None:
    with time_machine.travel(T0, tick=False):
        alarm = _post(source_api, priority=1)
        services.acknowledge_alarm(alarm.pk, actor=operator)
    with time_machine.travel(T0 + dt.timedelta(minutes=5), tick=False):
        assert services.escalate_overdue() == []
    assert not AlarmEscalation.objects.exists()


def test_priority_four_waits_longer(source_api: Any, camera_a: Any, director: Any) -> None:
    with time_machine.travel(T0, tick=False):
        _post(source_api, priority=4, event_id="p4", alarm_type="motion")
    with time_machine.travel(T0 + dt.timedelta(seconds=120), tick=False):
        assert services.escalate_overdue() == []
    with time_machine.travel(T0 + dt.timedelta(seconds=601), tick=False):
        assert len(services.escalate_overdue()) == 1


def test_the_periodic_job_is_registered() -> None:
    from watchroom.jobs import registry

    assert registry.get_periodic("incidents.escalate_unacknowledged") is not None
