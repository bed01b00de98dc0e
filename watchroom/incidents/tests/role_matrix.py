"""Role-matrix cases of the alarms and incidents pages and API.

Expectations follow the role table itself (accounts/roles.py): a persona whose roles hold the
permission gets the success status, others 403; the campus-B operator gets 404 for campus-A
objects when operators hold the permission. So the cases stay right when the table grants
`incidents.handle`/`incidents.manage` (which it does not yet; see the issue-7 report).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from watchroom.accounts.roles import permissions_for
from watchroom.testing.matrix import PERSONA_ROLES, PERSONAS, Case

VIEW, HANDLE, MANAGE = "incidents.view", "incidents.handle", "incidents.manage"


def _has(persona: str, code: str) -> bool:
    return code in permissions_for([PERSONA_ROLES[persona]])


def _expect(code: str, ok: int) -> dict[str, int]:
    return {p: ok if _has(p, code) else 403 for p in PERSONAS}


def _outsider(code: str, status: int = 404) -> int:
    return status if _has("operator", code) else 403


def _objects(w: Any) -> dict[str, Any]:
    """One alarm, incident (with a pending mandatory step), contact and corrective action on campus A."""
    if "incident" in w.extra:
        return w.extra
    from watchroom.incidents.models import (
        Alarm,
        CorrectiveAction,
        EmergencyContact,
        Incident,
        IncidentStep,
        Playbook,
        PlaybookStep,
    )

    director = w.users["director"]
    now = timezone.now()
    alarm = Alarm.objects.create(
        occurred_at=now,
        method="video",
        alarm_type="intrusion",
        priority=2,
        campus=w.campus_a,
        room=w.room_a,
        camera=w.camera_a,
        area=w.camera_a.area,
        group_key="matrix",
    )
    playbook = Playbook.objects.create(incident_type="theft", name="失窃预案", created_by=director)
    PlaybookStep.objects.create(playbook=playbook, order=1, title="派保安", responsible_role="operator")
    incident = Incident.objects.create(
        number="INC-MATRIX-001",
        campus=w.campus_a,
        room=w.room_a,
        incident_type="theft",
        title="失窃",
        area=w.camera_a.area,
        opened_by=director,
        playbook=playbook,
    )
    incident.cameras.set([w.camera_a])
    incident.alarms.set([alarm])
    step = IncidentStep.objects.create(
        incident=incident, order=1, title="派保安", responsible_role="operator"
    )
    contact = EmergencyContact.objects.create(
        campus=w.campus_a, department="保卫科", name="王科长", phone="8000"
    )
    action = CorrectiveAction.objects.create(
        incident=incident, description="补充巡查", owner=director, due=dt.date(2026, 12, 31)
    )
    from watchroom.incidents.models import AlarmSource

    source = AlarmSource.objects.create(
        campus=w.campus_a, room=w.room_a, name="NVR-1", kind="recorder", key_prefix="wr_x", key_hash="0" * 64
    )
    from watchroom.incidents.models import RobotWebhook

    webhook = RobotWebhook.objects.create(
        campus=w.campus_a,
        name="保卫科群",
        channel="wecom",
        url="http://127.0.0.1:9/cgi-bin/webhook/send?key=k",
    )
    w.extra.update(
        webhook=webhook,
        alarm=alarm,
        incident=incident,
        step=step,
        contact=contact,
        action=action,
        playbook=playbook,
        source=source,
    )
    return w.extra


def _alarm(w: Any) -> list[Any]:
    return [_objects(w)["alarm"].pk]


def _inc(w: Any) -> list[Any]:
    return [_objects(w)["incident"].pk]


def _step(w: Any) -> list[Any]:
    o = _objects(w)
    return [o["incident"].pk, o["step"].pk]


def _contact(w: Any) -> list[Any]:
    o = _objects(w)
    return [o["incident"].pk, o["contact"].pk]


def _contact_only(w: Any) -> list[Any]:
    return [_objects(w)["contact"].pk]


def _webhook(w: Any) -> list[Any]:
    return [_objects(w)["webhook"].pk]


def _source(w: Any) -> list[Any]:
    return [_objects(w)["source"].pk]


def _action(w: Any) -> list[Any]:
    o = _objects(w)
    return [o["incident"].pk, o["action"].pk]


CASES = [
    Case("incidents:console", expect=_expect(VIEW, 200), outsider=_outsider(VIEW, 200)),
    Case(
        "incidents:console_stream",
        expect=_expect(VIEW, 200),
        # without ?room= the stream is the user's own room: the other campus's operator gets theirs
        outsider=_outsider(VIEW, 200),
        query="max=0",
        args=lambda w: _objects(w) and [],
    ),
    Case("incidents:alarm_detail", expect=_expect(VIEW, 200), outsider=_outsider(VIEW), args=_alarm),
    Case(
        "incidents:alarm_ack",
        method="post",
        expect=_expect(HANDLE, 302),
        outsider=_outsider(HANDLE),
        args=_alarm,
    ),
    Case(
        "incidents:alarm_raise",
        method="post",
        expect=_expect(HANDLE, 302),
        outsider=_outsider(HANDLE, 302),
        data=lambda w: {"alarm_type": "intrusion", "priority": 2, "camera": w.camera_a.pk},
    ),
    Case("incidents:manual_alarm", expect=_expect(HANDLE, 200), outsider=_outsider(HANDLE, 200)),
    Case("incidents:incident_list", expect=_expect(VIEW, 200), outsider=_outsider(VIEW, 200)),
    Case("incidents:incident_create", expect=_expect(HANDLE, 200), outsider=_outsider(HANDLE, 200)),
    Case(
        "incidents:drill_start", method="post", expect=_expect(MANAGE, 302), outsider=_outsider(MANAGE, 302)
    ),
    Case("incidents:incident_detail", expect=_expect(VIEW, 200), outsider=_outsider(VIEW), args=_inc),
    Case(
        "incidents:incident_entry",
        method="post",
        expect=_expect(HANDLE, 302),
        outsider=_outsider(HANDLE),
        args=_inc,
        data={"kind": "note", "text": "巡查"},
    ),
    Case(
        "incidents:incident_notify",
        method="post",
        expect=_expect(HANDLE, 302),
        outsider=_outsider(HANDLE),
        args=_contact,
    ),
    Case(
        "incidents:step_done",
        method="post",
        expect=_expect(HANDLE, 302),
        outsider=_outsider(HANDLE),
        args=_step,
    ),
    Case(
        "incidents:step_skip",
        method="post",
        expect=_expect(HANDLE, 302),
        outsider=_outsider(HANDLE),
        args=_step,
        data={"reason": "不适用"},
    ),
    Case(
        "incidents:incident_close",
        method="post",
        expect=_expect(MANAGE, 302),
        outsider=_outsider(MANAGE),
        args=_inc,
        data={"outcome": "完毕"},
    ),
    Case(
        "incidents:incident_hold",
        method="post",
        expect=_expect(HANDLE, 302),
        outsider=_outsider(HANDLE),
        args=_inc,
        data={"minutes": 10},
    ),
    Case("incidents:incident_pdf", expect=_expect(VIEW, 200), outsider=_outsider(VIEW), args=_inc),
    Case(
        "incidents:action_add",
        method="post",
        expect=_expect(MANAGE, 302),
        outsider=_outsider(MANAGE),
        args=_inc,
    ),
    Case(
        "incidents:action_close",
        method="post",
        expect=_expect(VIEW, 302),
        outsider=_outsider(VIEW),
        args=_action,
        data={"note": "完成"},
    ),
    Case("incidents:playbook_list", expect=_expect(VIEW, 200), outsider=_outsider(VIEW, 200)),
    Case("incidents:contact_list", expect=_expect(VIEW, 200), outsider=_outsider(VIEW, 200)),
    Case("incidents:source_list", expect=_expect(MANAGE, 200), outsider=_outsider(MANAGE, 200)),
    Case(
        "incidents:source_rotate",
        method="post",
        expect=_expect(MANAGE, 200),
        outsider=_outsider(MANAGE),
        args=_source,
    ),
    Case(
        "incidents:playbook_edit",
        expect=_expect(MANAGE, 200),
        outsider=_outsider(MANAGE, 200),
        args=lambda w: ["theft"],
    ),
    Case("incidents:contact_create", expect=_expect(MANAGE, 200), outsider=_outsider(MANAGE, 200)),
    Case(
        "incidents:contact_edit", expect=_expect(MANAGE, 200), outsider=_outsider(MANAGE), args=_contact_only
    ),
    Case(
        "incidents:contact_retire",
        method="post",
        expect=_expect(MANAGE, 302),
        outsider=_outsider(MANAGE),
        args=_contact_only,
        data={"reason": "调岗"},
    ),
    Case("incidents:webhook_list", expect=_expect(MANAGE, 200), outsider=_outsider(MANAGE, 200)),
    Case("incidents:webhook_edit", expect=_expect(MANAGE, 200), outsider=_outsider(MANAGE), args=_webhook),
    Case(
        "incidents:webhook_edit",
        method="post",
        expect=_expect(MANAGE, 302),
        outsider=_outsider(MANAGE),
        args=_webhook,
        data={"name": "保卫科值班群", "channel": "wecom", "url": "", "secret": ""},
    ),
    Case(
        "incidents:webhook_retire",
        method="post",
        expect=_expect(MANAGE, 302),
        outsider=_outsider(MANAGE),
        args=_webhook,
        data={"reason": "停用"},
    ),
    Case("incidents:statistics", expect=_expect(VIEW, 200), outsider=_outsider(VIEW, 200)),
    # API
    Case("incidents-alarm-list", expect=_expect(VIEW, 200), outsider=_outsider(VIEW, 200)),
    Case(
        "incidents-alarm-list",
        method="post",
        label="intake by a person",
        expect={},
        outsider=403,
        data={"event_id": "x"},
    ),
    Case("incidents-alarm-detail", expect=_expect(VIEW, 200), outsider=_outsider(VIEW), args=_alarm),
    Case(
        "incidents-alarm-ack",
        method="post",
        expect=_expect(HANDLE, 200),
        outsider=_outsider(HANDLE),
        args=_alarm,
    ),
    Case("incidents-incident-list", expect=_expect(VIEW, 200), outsider=_outsider(VIEW, 200)),
    Case(
        "incidents-incident-list",
        method="post",
        label="open",
        expect=_expect(HANDLE, 201),
        outsider=_outsider(HANDLE, 400),
        data=lambda w: {"incident_type": "theft", "title": "失窃", "camera_ids": [w.camera_a.pk]},
    ),
    Case("incidents-incident-detail", expect=_expect(VIEW, 200), outsider=_outsider(VIEW), args=_inc),
    Case(
        "incidents-incident-entry",
        method="post",
        expect=_expect(HANDLE, 200),
        outsider=_outsider(HANDLE),
        args=_inc,
        data={"kind": "dispatch", "text": "派保安"},
    ),
    Case(
        "incidents-incident-hold",
        method="post",
        expect=_expect(HANDLE, 200),
        outsider=_outsider(HANDLE),
        args=_inc,
        data={"minutes": 10},
    ),
    Case(
        "incidents-incident-close",
        method="post",
        expect=_expect(MANAGE, 409),
        outsider=_outsider(MANAGE),
        args=_inc,
        data={"outcome": "完毕"},
    ),
    Case(
        "incidents-step-detail",
        expect=_expect(VIEW, 200),
        outsider=_outsider(VIEW),
        args=lambda w: [_step(w)[1]],
    ),
    Case(
        "incidents-step-done",
        method="post",
        expect=_expect(HANDLE, 200),
        outsider=_outsider(HANDLE),
        args=lambda w: [_step(w)[1]],
    ),
    Case(
        "incidents-step-skip",
        method="post",
        expect=_expect(HANDLE, 200),
        outsider=_outsider(HANDLE),
        args=lambda w: [_step(w)[1]],
        data={"reason": "不适用"},
    ),
    Case("incidents-playbook-list", expect=_expect(VIEW, 200), outsider=_outsider(VIEW, 200)),
    Case(
        "incidents-playbook-list",
        method="post",
        label="publish",
        expect=_expect(MANAGE, 201),
        outsider=_outsider(MANAGE, 201),
        data={
            "incident_type": "fire",
            "name": "火灾预案",
            "new_steps": [{"title": "报警", "role": "operator"}],
        },
    ),
    Case(
        "incidents-playbook-detail",
        expect=_expect(VIEW, 200),
        outsider=_outsider(VIEW, 200),
        args=lambda w: [_objects(w)["playbook"].pk],
    ),
    Case("incidents-source-list", expect=_expect(MANAGE, 200), outsider=_outsider(MANAGE, 200)),
    Case(
        "incidents-source-detail",
        expect=_expect(MANAGE, 200),
        outsider=_outsider(MANAGE),
        args=lambda w: [_objects(w)["source"].pk],
    ),
]
