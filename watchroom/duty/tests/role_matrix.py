"""Role-matrix cases for the duty pages and API: read with duty.view, work a shift with duty.work,
rotas with duty.manage, checks and violations with duty.supervise, sign-off with duty.signoff;
campus-A objects are 404 for the campus-B operator."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from watchroom.testing.matrix import Case

VIEWERS = ("leader", "secchief", "director", "deputy", "operator", "auditor")
WORKERS = ("director", "deputy", "operator")
MANAGERS = ("director", "deputy")
SUPERVISORS = ("secchief", "director", "deputy")
SIGNERS = ("leader", "secchief", "director", "deputy")


def _s(names: tuple[str, ...], status: int) -> dict[str, int]:
    return dict.fromkeys(names, status)


def _world(w: Any) -> dict[str, Any]:
    """A rota of room A with two shifts, an assignment, an absence, an entry, a handover."""
    if "duty" in w.extra:
        return w.extra["duty"]
    from watchroom.duty.models import (
        Absence,
        Assignment,
        Handover,
        HandoverItem,
        LogEntry,
        Rota,
        Shift,
        ShiftSwap,
        ShiftTemplate,
        Violation,
    )

    room = w.room_a
    tpl = ShiftTemplate.objects.create(
        room=room, code="D", name="白班", start_time=dt.time(8), end_time=dt.time(20)
    )
    rota = Rota.objects.create(room=room, month=dt.date(2026, 3, 1))
    day = dt.date(2026, 3, 10)
    s1 = Shift.objects.create(
        room=room, rota=rota, template=tpl, date=day, starts_at=tpl.bounds(day)[0], ends_at=tpl.bounds(day)[1]
    )
    day2 = day + dt.timedelta(days=1)
    s2 = Shift.objects.create(
        room=room,
        rota=rota,
        template=tpl,
        date=day2,
        starts_at=tpl.bounds(day2)[0],
        ends_at=tpl.bounds(day2)[1],
    )
    a = Assignment.objects.create(
        shift=s1, person=w.users["operator"], post="operator", signed_in_at=timezone.now()
    )
    absence = Absence.objects.create(assignment=a, reason="如厕")
    entry = LogEntry.objects.create(
        shift=s1,
        room=room,
        author=w.users["operator"],
        occurred_at=timezone.now(),
        category="routine",
        description="正常",
        is_open=True,
    )
    h = Handover.objects.create(outgoing=s1, incoming=s2)
    item = HandoverItem.objects.create(handover=h, section="notes", title="备注")
    v = Violation.objects.create(
        person=w.users["operator"],
        shift=s1,
        kind="other",
        occurred_at=timezone.now(),
        description="x",
        recorded_by=w.users["director"],
    )
    swap = ShiftSwap.objects.create(
        kind="substitute",
        requester=w.users["operator"],
        assignment=a,
        counterpart=w.users["deputy"],
        reason="x",
    )
    from watchroom.duty.models import Certificate

    cert = Certificate.objects.create(
        person=w.users["operator"],
        kind="security_training",
        number="AF-1",
        valid_until=dt.date(2030, 1, 1),
        recorded_by=w.users["director"],
    )
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from watchroom.accounts.tests.factories import make_user
    from watchroom.duty.models import EntryPhoto, LateArrival

    sub = make_user("matrix_sub", "operator", campuses=[w.campus_a], rooms=[room])
    cover = Assignment.objects.create(shift=s1, person=sub, post="recorder")
    late = LateArrival.objects.create(
        late=a, substitute=cover, reason="堵车", expected_at=timezone.now(), arranged_by=w.users["operator"]
    )
    name = default_storage.save("duty/photos/matrix.png", ContentFile(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16))
    photo = EntryPhoto.objects.create(
        entry=entry,
        room=room,
        file=name,
        original_name="matrix.png",
        sha256="0" * 64,
        size=24,
        content_type="image/png",
        uploaded_by=w.users["operator"],
    )
    w.extra["duty"] = {
        "late": late,
        "photo": photo,
        "cert": cert,
        "swap": swap,
        "rota": rota,
        "shift": s1,
        "assignment": a,
        "absence": absence,
        "entry": entry,
        "handover": h,
        "item": item,
        "violation": v,
    }
    return w.extra["duty"]


def obj(key: str) -> Any:
    return lambda w: [_world(w)[key].pk]


CASES = [
    Case("duty:board", expect=_s(VIEWERS, 200)),
    Case("duty:rota_list", expect=_s(VIEWERS, 200)),
    Case("duty:rota_generate", expect=_s(MANAGERS, 302), method="post", data={}),
    Case("duty:rota_detail", expect=_s(VIEWERS, 200), outsider=404, args=obj("rota")),
    Case("duty:rota_publish", expect=_s(MANAGERS, 302), method="post", args=obj("rota")),
    Case("duty:rota_copy_next", expect=_s(MANAGERS, 302), method="post", args=obj("rota")),
    Case("duty:rota_print", expect=_s(VIEWERS, 200), outsider=404, args=obj("rota")),
    Case("duty:rota_export", expect=_s(VIEWERS, 200), outsider=404, args=obj("rota")),
    Case("duty:shift_detail", expect=_s(VIEWERS, 200), outsider=404, args=obj("shift")),
    Case("duty:shift_edit", expect=_s(MANAGERS, 200), args=obj("shift")),
    Case("duty:shift_sign_in", expect=_s(WORKERS, 302), outsider=404, method="post", args=obj("shift")),
    Case("duty:entry_create", expect=_s(WORKERS, 200), outsider=404, args=obj("shift")),
    Case("duty:inspection_create", expect=_s(WORKERS, 200), outsider=404, args=obj("shift")),
    Case("duty:handover_open", expect=_s(WORKERS, 302), outsider=404, method="post", args=obj("shift")),
    Case("duty:shift_signoff", expect=_s(SIGNERS, 302), method="post", args=obj("shift")),
    Case("duty:assignment_check", expect=_s(SUPERVISORS, 302), method="post", args=obj("assignment")),
    Case("duty:absence_start", expect=_s(WORKERS, 302), outsider=404, method="post", args=obj("assignment")),
    Case("duty:end_duty", expect=_s(WORKERS, 302), outsider=404, method="post", args=obj("assignment")),
    Case("duty:absence_end", expect=_s(WORKERS, 302), outsider=404, method="post", args=obj("absence")),
    Case("duty:log_list", expect=_s(VIEWERS, 200)),
    Case("duty:entry_correct", expect=_s(WORKERS, 200), outsider=404, args=obj("entry")),
    Case("duty:entry_close", expect=_s(WORKERS, 302), outsider=404, method="post", args=obj("entry")),
    Case("duty:handover_detail", expect=_s(VIEWERS, 200), outsider=404, args=obj("handover")),
    Case("duty:handover_sign", expect=_s(WORKERS, 302), outsider=404, method="post", args=obj("handover")),
    Case("duty:handover_pdf", expect=_s(VIEWERS, 404), outsider=404, args=obj("handover")),
    Case("duty:handover_ack", expect=_s(WORKERS, 302), outsider=404, method="post", args=obj("item")),
    Case("duty:signoff_list", expect=_s(SIGNERS, 200)),
    Case("duty:violation_list", expect=_s(SUPERVISORS, 200)),
    Case("duty:violation_create", expect=_s(SUPERVISORS, 200)),
    Case(
        "duty:violation_void",
        expect=_s(SUPERVISORS, 302),
        method="post",
        args=obj("violation"),
        data={"reason": "误记"},
    ),
    Case("duty:certificate_list", expect=_s(MANAGERS, 200)),
    Case("duty:certificate_list", expect=_s(MANAGERS, 200), method="post", data={}, label="invalid"),
    Case(
        "duty:certificate_void",
        expect=_s(MANAGERS, 302),
        method="post",
        args=obj("cert"),
        data={"reason": "录入错误"},
    ),
    Case("duty:settings_list", expect=_s(MANAGERS, 200)),
    Case("duty:settings_edit", expect=_s(MANAGERS, 200), args=lambda w: [w.room_a.pk]),
    Case(
        "duty:settings_edit",
        expect=_s(MANAGERS, 200),
        method="post",
        args=lambda w: [w.room_a.pk],
        data={"min_staffing": 0},
        label="invalid",
    ),
    Case("duty:swap_list", expect=_s(VIEWERS, 200)),
    Case("duty:swap_create", expect=_s(WORKERS, 200)),
    Case("duty:swap_withdraw", expect=_s(WORKERS, 302), outsider=404, method="post", args=obj("swap")),
    Case("duty:leave_early", expect=_s(WORKERS, 200), outsider=404, args=obj("assignment")),
    Case("duty:late_arrange", expect=_s(WORKERS, 200), outsider=404, args=obj("assignment")),
    Case("duty:late_detail", expect=_s(VIEWERS, 200), outsider=404, args=obj("late")),
    Case("duty:late_take_over", expect=_s(WORKERS, 302), outsider=404, method="post", args=obj("late")),
    Case("duty:photo_add", expect=_s(WORKERS, 302), outsider=404, method="post", args=obj("entry")),
    Case("duty:photo_content", expect=_s(VIEWERS, 200), outsider=404, args=obj("photo")),
    Case("duty:summary_list", expect=_s(VIEWERS, 200)),
    Case(
        "duty:summary_detail",
        expect=_s(VIEWERS, 200),
        outsider=404,
        args=lambda w: [w.room_a.pk, "daily", "2026-03-10"],
    ),
    Case(
        "duty:summary_signoff",
        expect=_s(SIGNERS, 302),
        method="post",
        args=lambda w: [w.room_a.pk, "weekly", "2026-03-10"],
    ),
    # API
    Case("duty-rota-list", expect=_s(VIEWERS, 200)),
    Case("duty-rota-detail", expect=_s(VIEWERS, 200), outsider=404, args=obj("rota")),
    Case("duty-rota-problems", expect=_s(VIEWERS, 200), outsider=404, args=obj("rota")),
    Case("duty-rota-publish", expect=_s(MANAGERS, 400), method="post", args=obj("rota")),
    Case("duty-shift-list", expect=_s(VIEWERS, 200)),
    Case("duty-shift-detail", expect=_s(VIEWERS, 200), outsider=404, args=obj("shift")),
    Case(
        "duty-shift-sign-in",
        expect={"director": 403, "deputy": 403, "operator": 409},
        outsider=404,
        method="post",
        args=obj("shift"),
        label="over",
    ),
    Case("duty-shift-handover", expect=_s(WORKERS, 409), outsider=404, method="post", args=obj("shift")),
    Case("duty-shift-sign-off", expect=_s(SIGNERS, 400), method="post", args=obj("shift")),
    Case("duty-entry-list", expect=_s(VIEWERS, 200)),
    Case("duty-entry-detail", expect=_s(VIEWERS, 200), outsider=404, args=obj("entry")),
    Case("duty-entry-correct", expect=_s(WORKERS, 400), outsider=404, method="post", args=obj("entry")),
    Case("duty-inspection-list", expect=_s(VIEWERS, 200)),
    Case("duty-inspection-detail", expect=_s(VIEWERS, 404), outsider=404, args=lambda w: [0]),
    Case("duty-handover-list", expect=_s(VIEWERS, 200)),
    Case("duty-handover-detail", expect=_s(VIEWERS, 200), outsider=404, args=obj("handover")),
    Case(
        "duty-handover-acknowledge",
        expect=_s(WORKERS, 404),
        outsider=404,
        method="post",
        args=obj("handover"),
    ),
    Case("duty-handover-sign", expect=_s(WORKERS, 400), outsider=404, method="post", args=obj("handover")),
    Case("duty-swap-list", expect=_s(VIEWERS, 200)),
    Case("duty-swap-list", expect=_s(WORKERS, 400), method="post", data={}, label="create"),
    Case("duty-swap-detail", expect=_s(VIEWERS, 200), outsider=404, args=obj("swap")),
    Case(
        "duty-swap-withdraw",
        expect={"director": 409, "deputy": 409, "operator": 409},
        outsider=404,
        method="post",
        args=obj("swap"),
    ),
    Case("duty-rota-copy-next", expect=_s(MANAGERS, 201), method="post", args=obj("rota")),
    Case("duty-settings-detail", expect=_s(VIEWERS, 200), outsider=404, args=lambda w: [w.room_a.pk]),
    Case(
        "duty-settings-detail",
        expect=_s(MANAGERS, 400),
        method="patch",
        args=lambda w: [w.room_a.pk],
        data={"min_staffing": 0},
        label="invalid",
    ),
    Case("duty-entry-photos", expect=_s(VIEWERS, 200), outsider=404, args=obj("entry")),
    Case(
        "duty-entry-photos",
        expect={**_s(VIEWERS, 403), **_s(WORKERS, 400)},
        outsider=404,
        method="post",
        args=obj("entry"),
        data={},
        label="upload",
    ),
    Case("duty-late-arrival-list", expect=_s(VIEWERS, 200)),
    Case("duty-late-arrival-list", expect=_s(WORKERS, 400), method="post", data={}, label="create"),
    Case("duty-late-arrival-detail", expect=_s(VIEWERS, 200), outsider=404, args=obj("late")),
    Case(
        "duty-late-arrival-take-over",
        expect=_s(WORKERS, 400),
        outsider=404,
        method="post",
        args=obj("late"),
    ),
    Case("duty-summary-list", expect=_s(VIEWERS, 200)),
    Case("duty-summary-build", expect=_s(VIEWERS, 400)),
    Case("duty-summary-sign-off", expect=_s(SIGNERS, 400), method="post", data={}),
    Case("duty-certificate-list", expect=_s(MANAGERS, 200)),
    Case("duty-certificate-list", expect=_s(MANAGERS, 400), method="post", data={}, label="create"),
    Case("duty-certificate-detail", expect=_s(MANAGERS, 200), args=obj("cert")),
    Case(
        "duty-certificate-void",
        expect=_s(MANAGERS, 200),
        method="post",
        args=obj("cert"),
        data={"reason": "录入错误"},
    ),
]
