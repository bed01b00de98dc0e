"""The issue's "done when": a night shift across midnight in Asia/Shanghai — sign in, write
entries, four inspections when reminded, the incoming pair early, item-by-item handover, both
sign, the director and a leader sign the report off (DUTY-3, 5, 6, 7, 8, 9, 10)."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from watchroom.accounts.tests.factories import PASSWORD
from watchroom.duty import services
from watchroom.duty.models import Handover, Inspection, Shift
from watchroom.lib.errors import DomainError
from watchroom.notifications.models import Notification

from .helpers import ALL_OK, at, last_event, operators, rota, shift, staff


@pytest.mark.django_db
def test_it_works_a_night_shift_across_midnight(room_a: Any, director: Any, leader: Any) -> None:
    op1, op2, op3, op4 = operators(room_a)
    rota(room_a, director, [op1, op2, op3, op4])
    day, night, next_day = shift(room_a, 10, "D"), shift(room_a, 10, "N"), shift(room_a, 11, "D")
    staff(day, director, op3, op4)
    staff(night, director, op1, op2)
    staff(next_day, director, op3, op4)
    assert night.starts_at == at(10, 20) and night.ends_at == at(11, 8)

    # the day shift is on duty
    with time_machine.travel(at(10, 7, 50), tick=False):
        services.sign_in(day, actor=op3)
        services.sign_in(day, actor=op4)

    # the night pair arrives: op1 15 minutes early, op2 only 5
    with time_machine.travel(at(10, 19, 45), tick=False):
        a1 = services.sign_in(night, actor=op1)
    with time_machine.travel(at(10, 19, 55), tick=False):
        a2 = services.sign_in(night, actor=op2)
    assert (a1.handover_late, a2.handover_late) == (False, True)
    assert last_event("duty.signed_in").changes["handover_late"] is True

    # day → night handover
    with time_machine.travel(at(10, 20, 0), tick=False):
        h1 = services.open_handover(day, actor=op3)
        for item in h1.items.all():
            services.acknowledge_item(item, actor=op1)
        services.sign_handover_outgoing(h1, actor=op3, password=PASSWORD)
    with time_machine.travel(at(10, 20, 2), tick=False):
        services.sign_handover_incoming(h1, actor=op1, password=PASSWORD)
    night.refresh_from_db()
    assert night.state == Shift.State.ON_DUTY
    assert services.current_shift(room_a, at(10, 21)) == night

    # entries before and after midnight; one written late with an earlier event time
    with time_machine.travel(at(10, 22, 15), tick=False):
        services.add_entry(night, actor=op1, category="routine", description="巡视画面正常")
    with time_machine.travel(at(11, 0, 30), tick=False):
        e2 = services.add_entry(
            night,
            actor=op2,
            category="suspicious",
            description="停车场可疑人员徘徊",
            suspect_appearance="黑色外套，戴帽",
            occurred_at=at(11, 0, 10),
            reported_to="保卫科值班",
            is_open=True,
        )
    assert e2.occurred_at == at(11, 0, 10) and e2.shift == night and e2.reported_at is not None
    assert last_event("duty.entry_added").outcome == "success"

    # four reminders over the shift; inspect after each one
    reminders = list(night.reminders.order_by("due_at"))
    assert len(reminders) == 4
    for r in reminders:
        assert r.window_start <= r.due_at < r.window_end
        with time_machine.travel(r.due_at, tick=False):
            result = services.check_reminders()
        assert result["reminded"] == 1
        with time_machine.travel(r.due_at + (r.window_end - r.due_at) / 2, tick=False):
            services.record_inspection(night, actor=op1, checklist=ALL_OK)
    assert Notification.objects.filter(recipient=op1, kind="duty.inspection_due").count() == 4
    assert services.inspection_counts(night) == (4, 4)
    assert all(i.on_time for i in Inspection.objects.filter(shift=night))

    # the incoming pair arrives 15 minutes early
    with time_machine.travel(at(11, 7, 45), tick=False):
        b3 = services.sign_in(next_day, actor=op3)
        services.sign_in(next_day, actor=op4)
        assert b3.handover_late is False
        h2 = services.open_handover(night, actor=op1, notes="2号摄像机画面偶有抖动")
        sections = {i.section for i in h2.items.all()}
        assert {"open_items", "inspections", "notes"} <= sections
        # the incoming cannot sign first, the outgoing cannot sign before every item is taken over
        with pytest.raises(DomainError) as exc:
            services.sign_handover_incoming(h2, actor=op3, password=PASSWORD)
        assert exc.value.code == "outgoing_signs_first"
        with pytest.raises(DomainError) as exc:
            services.sign_handover_outgoing(h2, actor=op1, password=PASSWORD)
        assert exc.value.code == "items_pending"
        for item in h2.items.all():
            services.acknowledge_item(item, actor=op3)
        services.sign_handover_outgoing(h2, actor=op1, password=PASSWORD)
        # the outgoing person cannot leave yet
        with pytest.raises(DomainError) as exc:
            services.end_duty(a2, actor=op2)
        assert exc.value.code == "handover_not_signed"
    with time_machine.travel(at(11, 7, 58), tick=False):
        services.sign_handover_incoming(h2, actor=op3, password=PASSWORD)
    h2.refresh_from_db()
    night.refresh_from_db()
    assert h2.state == Handover.State.COMPLETED
    assert h2.responsibility_passed_at == at(11, 7, 58)
    assert night.state == Shift.State.HANDED_OVER and night.responsibility_until == at(11, 7, 58)
    assert len(h2.pdf_sha256) == 64
    assert last_event("duty.handover_completed").outcome == "success"
    assert last_event("duty.handover_archived").changes["sha256"] == h2.pdf_sha256
    # responsibility (DUTY-10): the night shift until 07:58, the day shift after
    assert services.responsible_shift_at(room_a, at(11, 7, 50)) == night
    assert services.responsible_shift_at(room_a, at(11, 8, 5)) == next_day

    with time_machine.travel(at(11, 8, 1), tick=False):
        services.end_duty(a2, actor=op2)
        # the night log is locked
        with pytest.raises(DomainError) as exc:
            services.add_entry(night, actor=op1, category="routine", description="补记")
        assert exc.value.code == "shift_not_on_duty"

    # the director, then a leader, sign the report off
    with time_machine.travel(at(11, 9), tick=False):
        so = services.sign_off_report(night, actor=director, password=PASSWORD)
        services.sign_off_report(night, actor=leader, password=PASSWORD)
        with pytest.raises(DomainError) as exc:
            services.sign_off_report(night, actor=director, password=PASSWORD)
        assert exc.value.code == "already_signed"
    assert so.level == "director" and so.signature.meaning == "reviewed"
    assert night.signoffs.count() == 2
    assert last_event("duty.report_signed_off").outcome == "success"
