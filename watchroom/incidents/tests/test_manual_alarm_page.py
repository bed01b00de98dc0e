"""Manual alarms from the console and the duty log (INC-1, DUTY-5): `incidents:manual_alarm`, with
`?log_entry=<id>` prefilling place, camera and description from a duty-log entry and linking to it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from watchroom.audit.models import AuditEvent
from watchroom.incidents.models import Alarm


def _entry(room: Any, author: Any, camera: Any = None, text: str = "可疑人员徘徊") -> Any:
    """A duty-log entry (the duty module's models, created directly as its role matrix does)."""
    from watchroom.duty.models import LogEntry, Rota, Shift, ShiftTemplate

    tpl = ShiftTemplate.objects.create(
        room=room, code="D", name="白班", start_time=dt.time(8), end_time=dt.time(20)
    )
    rota = Rota.objects.create(room=room, month=dt.date(2026, 3, 1))
    day = dt.date(2026, 3, 10)
    start, end = tpl.bounds(day)
    shift = Shift.objects.create(room=room, rota=rota, template=tpl, date=day, starts_at=start, ends_at=end)
    return LogEntry.objects.create(
        shift=shift, room=room, author=author, occurred_at=timezone.now(), category="routine",
        camera=camera, area=camera.area if camera else None, description=text,
    )  # fmt: skip


def test_a_log_entry_prefills_the_form_and_the_alarm_links_to_it(
    login: Any, operator: Any, room_a: Any, camera_a: Any
) -> None:
    entry = _entry(room_a, operator, camera_a)
    client = login(operator)
    page = client.get(reverse("incidents:manual_alarm"), {"log_entry": entry.pk})
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["camera"] == camera_a.pk and form.initial["description"] == "可疑人员徘徊"
    assert form.initial["log_entry"] == entry.pk and form.initial["room"] == room_a.pk
    data = {"alarm_type": "manual_video", "priority": 2, "room": room_a.pk, "camera": camera_a.pk,
            "place": "", "description": "可疑人员徘徊", "log_entry": entry.pk}  # fmt: skip
    assert client.post(reverse("incidents:manual_alarm"), data).status_code == 302
    alarm = Alarm.objects.get()
    assert alarm.duty_log_entry == entry and alarm.room == room_a
    assert AuditEvent.objects.get(action="incidents.alarm_raised").changes["log_entry"] == entry.pk


def test_a_log_entry_of_another_campus_is_404(
    login: Any, operator: Any, outsider: Any, room_b: Any, camera_b: Any
) -> None:
    entry = _entry(room_b, outsider, camera_b)
    response = login(operator).get(reverse("incidents:manual_alarm"), {"log_entry": entry.pk})
    assert response.status_code == 404
    assert login(operator).get(reverse("incidents:manual_alarm"), {"log_entry": "x"}).status_code == 404


def test_it_raises_an_alarm_from_the_page(login: Any, operator: Any, room_a: Any, camera_a: Any) -> None:
    data = {"alarm_type": "manual_video", "priority": 1, "room": room_a.pk, "camera": camera_a.pk,
            "place": "", "description": "急诊打架"}  # fmt: skip
    response = login(operator).post(reverse("incidents:manual_alarm"), data)
    alarm = Alarm.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "incidents:alarm_detail", args=[alarm.pk]
    )
    assert (alarm.raised_by, alarm.camera, alarm.room, alarm.priority) == (operator, camera_a, room_a, 1)
    assert alarm.duty_log_entry is None
    assert AuditEvent.objects.get(action="incidents.alarm_raised").target_id == str(alarm.pk)


def test_a_place_without_camera_needs_text(login: Any, operator: Any, room_a: Any) -> None:
    data = {"alarm_type": "manual_video", "priority": 2, "room": room_a.pk, "place": "", "description": ""}
    response = login(operator).post(reverse("incidents:manual_alarm"), data)
    assert response.status_code == 200 and not Alarm.objects.exists()


def test_an_auditor_may_not_raise_alarms(login: Any, auditor: Any, room_a: Any) -> None:
    data = {"alarm_type": "manual_video", "priority": 2, "room": room_a.pk, "place": "门诊大厅"}
    assert login(auditor).post(reverse("incidents:manual_alarm"), data).status_code == 403
    assert not Alarm.objects.exists()
