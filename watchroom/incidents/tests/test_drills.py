"""Drills (PPL-3): marked as drills, never counted as real; corrective actions tracked to closure."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from watchroom.audit.models import AuditEvent
from watchroom.incidents import services, stats
from watchroom.incidents.models import Incident
from watchroom.lib.errors import PermissionRefused


def test_a_drill_is_not_counted(director: Any, operator: Any, campus_a: Any, camera_a: Any) -> None:
    services.publish_playbook(
        actor=director, incident_type="fire", name="火灾预案", steps=[{"title": "报警", "role": "operator"}]
    )
    drill = services.start_drill(actor=director, campus=campus_a, incident_type="fire")
    assert drill.is_drill and drill.number.startswith("DR-") and drill.steps.count() == 1
    services.open_incident(actor=operator, incident_type="theft", title="real", cameras=[camera_a])
    assert stats.compute(director)["total"] == 1
    assert list(Incident.objects.real().values_list("title", flat=True)) == ["real"]
    assert AuditEvent.objects.filter(action="incidents.drill_started").exists()


def test_an_operator_cannot_start_a_drill(operator: Any, campus_a: Any) -> None:
    with pytest.raises(PermissionRefused):
        services.start_drill(actor=operator, campus=campus_a, incident_type="fire")


def test_corrective_actions_are_tracked_to_closure(director: Any, operator: Any, campus_a: Any) -> None:
    drill = services.start_drill(actor=director, campus=campus_a, incident_type="fire")
    action = services.add_corrective_action(
        drill.pk, actor=director, description="补充灭火器", owner=operator, due=dt.date(2026, 12, 31)
    )
    closed = services.close_corrective_action(action.pk, actor=operator, note="已补充")
    assert closed.status == "done" and closed.closed_by == operator
    assert AuditEvent.objects.filter(action="incidents.action_closed", outcome="success").exists()
