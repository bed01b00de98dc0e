"""Incidents: playbook steps must be done or skipped before closing; a skip tells the director (INC-7)."""

from __future__ import annotations

from typing import Any

import pytest

from watchroom.audit.models import AuditEvent
from watchroom.incidents import services
from watchroom.incidents.models import Alarm, Incident, TimelineEntry
from watchroom.lib.errors import InvalidTransition, PermissionRefused
from watchroom.notifications.models import Notification

from .conftest import payload

STEPS = [
    {"title": "派保安到场", "role": "operator", "mandatory": True},
    {"title": "报告保卫科与派出所警务室", "role": "operator", "mandatory": True},
    {"title": "调取并封存录像", "role": "operator", "mandatory": False},
]


@pytest.fixture
def playbook(director: Any) -> Any:
    return services.publish_playbook(
        actor=director, incident_type="violence", name="暴力伤医处置预案", steps=STEPS
    )


@pytest.fixture
def incident(source_api: Any, camera_a: Any, operator: Any, playbook: Any) -> Incident:
    alarm_id = source_api.post("/api/v1/alarms/", payload(), format="json").json()["id"]
    services.acknowledge_alarm(alarm_id, actor=operator)
    return services.open_incident(
        actor=operator,
        incident_type="violence",
        severity="high",
        title="急诊暴力伤医",
        alarms=[Alarm.objects.get(pk=alarm_id)],
    )


def test_opening_copies_the_playbook_and_links_the_alarm(incident: Incident, camera_a: Any) -> None:
    assert [s.title for s in incident.steps.all()] == [s["title"] for s in STEPS]
    assert incident.alarms.count() == 1 and list(incident.cameras.all()) == [camera_a]
    assert incident.first_alarm_at is not None and incident.first_ack_at is not None
    assert AuditEvent.objects.filter(action="incidents.incident_opened", target_id=str(incident.pk)).exists()


def test_close_is_refused_while_a_mandatory_step_is_open(incident: Incident, director: Any) -> None:
    with pytest.raises(InvalidTransition) as exc:
        services.close_incident(incident.pk, actor=director, outcome="处置完毕")
    assert exc.value.code == "mandatory_steps_open" and exc.value.details["steps"] == [1, 2]
    assert not AuditEvent.objects.filter(action="incidents.incident_closed").exists()
    incident.refresh_from_db()
    assert incident.status == "open"


def test_close_succeeds_when_steps_are_done_or_skipped(
    incident: Incident, operator: Any, director: Any
) -> None:
    s1, s2, _s3 = incident.steps.all()
    services.complete_step(s1.pk, actor=operator)
    services.skip_step(s2.pk, actor=operator, reason="警务室已在现场")
    closed = services.close_incident(incident.pk, actor=director, outcome="嫌疑人被带离", review="响应及时")
    assert closed.status == "closed" and closed.closed_by == director
    assert AuditEvent.objects.filter(action="incidents.incident_closed", outcome="success").exists()
    with pytest.raises(InvalidTransition):
        services.add_entry(incident.pk, actor=operator, kind="note", text="late")


def test_a_skip_needs_a_reason_and_notifies_the_director(
    incident: Incident, operator: Any, director: Any
) -> None:
    step = incident.steps.first()
    with pytest.raises(Exception) as exc:
        services.skip_step(step.pk, actor=operator, reason=" ")
    assert getattr(exc.value, "code", "") == "reason_required"
    services.skip_step(step.pk, actor=operator, reason="保安已在现场")
    assert Notification.objects.filter(recipient=director, kind="incidents.step_skipped").exists()
    assert AuditEvent.objects.filter(action="incidents.step_skipped", outcome="success").exists()


def test_an_operator_cannot_close(incident: Incident, operator: Any) -> None:
    with pytest.raises(PermissionRefused):
        services.close_incident(incident.pk, actor=operator, outcome="x")


def test_dispatch_is_on_the_timeline_and_sets_the_dispatch_time(incident: Incident, operator: Any) -> None:
    services.add_entry(incident.pk, actor=operator, kind="dispatch", text="派保安2名")
    services.add_entry(incident.pk, actor=operator, kind="department", text="电话通知", department="医务科")
    incident.refresh_from_db()
    assert incident.first_dispatch_at is not None
    assert list(incident.timeline.values_list("kind", flat=True)) == ["opened", "dispatch", "department"]
    assert AuditEvent.objects.filter(action="incidents.timeline_added").count() == 2


def test_the_pdf_report_renders(incident: Incident, operator: Any, login: Any) -> None:
    response = login(operator).get(f"/incidents/{incident.pk}/report.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_api_refuses_to_close_with_open_steps(incident: Incident, director: Any, api: Any) -> None:
    response = api(director).post(f"/api/v1/incidents/{incident.pk}/close/", {"outcome": "x"}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "mandatory_steps_open")


def test_an_outsider_cannot_see_the_incident(incident: Incident, outsider: Any, api: Any, login: Any) -> None:
    assert api(outsider).get(f"/api/v1/incidents/{incident.pk}/").status_code == 404
    assert login(outsider).get(f"/incidents/{incident.pk}/").status_code == 404
    assert TimelineEntry.objects.filter(incident=incident).exists()
