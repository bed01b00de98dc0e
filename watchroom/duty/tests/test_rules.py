"""Refusals of the duty rules: sign-in only for the rota's people, lateness, corrections as new
entries, absences below minimum staffing, the automatic round, overdue alerts (DUTY-3, 4, 5, 6)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine

from watchroom.duty import services
from watchroom.duty.models import Inspection, LogEntry
from watchroom.lib.errors import DomainError
from watchroom.notifications.models import Notification

from .helpers import ALL_OK, at, last_event, operators, rota, shift, staff


@pytest.fixture
def night(room_a: Any, director: Any) -> Any:
    ops = operators(room_a)
    rota(room_a, director, ops)
    n = shift(room_a, 10, "N")
    staff(n, director, ops[0], ops[1])
    return n


@pytest.mark.django_db
def test_it_refuses_sign_in_of_someone_not_on_the_rota(night: Any, operator: Any) -> None:
    with time_machine.travel(at(10, 19, 50), tick=False), pytest.raises(DomainError) as exc:
        services.sign_in(night, actor=operator)
    assert exc.value.code == "not_on_rota"


@pytest.mark.django_db
def test_it_records_lateness_after_midnight(night: Any) -> None:
    op1 = night.assignments.get(post="operator").person
    with time_machine.travel(at(11, 0, 20), tick=False):
        a = services.sign_in(night, actor=op1)
    assert a.minutes_late == 260
    assert last_event("duty.signed_in").changes["minutes_late"] == 260


@pytest.mark.django_db
def test_it_corrects_an_entry_with_a_new_one(night: Any) -> None:
    op1 = night.assignments.get(post="operator").person
    with time_machine.travel(at(10, 20, 5), tick=False):
        services.sign_in(night, actor=op1)
        e = services.add_entry(night, actor=op1, category="routine", description="误写")
        with pytest.raises(DomainError) as exc:
            services.add_entry(night, actor=op1, category="routine", description="x", occurred_at=at(10, 21))
        assert exc.value.code == "future_event"
        c = services.correct_entry(e, actor=op1, reason="笔误", description="正确内容")
    assert c.corrects == e and LogEntry.objects.get(pk=e.pk).description == "误写"
    assert last_event("duty.entry_corrected").note == "笔误"
    with pytest.raises(DomainError):
        services.correct_entry(e, actor=op1, reason="again")


@pytest.mark.django_db
def test_it_requires_the_appearance_of_a_suspicious_person(night: Any) -> None:
    op1 = night.assignments.get(post="operator").person
    with time_machine.travel(at(10, 20, 5), tick=False):
        services.sign_in(night, actor=op1)
        with pytest.raises(DomainError) as exc:
            services.add_entry(night, actor=op1, category="suspicious", description="可疑")
    assert exc.value.code == "suspect_appearance_required"


@pytest.mark.django_db
def test_it_flags_an_absence_below_minimum_staffing(night: Any, director: Any) -> None:
    op1 = night.assignments.get(post="operator").person
    op2 = night.assignments.get(post="recorder").person
    with time_machine.travel(at(10, 19, 50), tick=False):
        a1 = services.sign_in(night, actor=op1)
        services.sign_in(night, actor=op2)
        absence = services.start_absence(a1, actor=op1, reason="如厕")
    assert absence.below_minimum is True
    assert Notification.objects.filter(recipient=director, kind="duty.below_minimum").exists()
    assert last_event("duty.absence_started").changes["below_minimum"] is True
    services.end_absence(absence, actor=op1)
    assert last_event("duty.absence_ended").outcome == "success"


@pytest.mark.django_db
def test_it_attaches_an_automated_round_to_the_shift_on_duty(night: Any, room_a: Any, engineer: Any) -> None:
    op1 = night.assignments.get(post="operator").person
    with time_machine.travel(at(10, 19, 50), tick=False):
        services.sign_in(night, actor=op1)
    with time_machine.travel(at(11, 1), tick=False):
        i = services.attach_automated_round(
            room_a,
            actor=engineer,
            started_at=at(11, 0, 55),
            finished_at=at(11, 1),
            summary={"cameras": 2, "failed": 1},
            results=[{"camera": 1, "ok": True}, {"camera": 2, "ok": False}],
        )
    assert i.shift == night and i.automatic and not i.all_ok
    assert services.inspection_counts(night)[0] == 1
    assert last_event("duty.inspection_recorded").changes["automatic"] is True


@pytest.mark.django_db
def test_it_refuses_an_automated_round_without_a_shift_on_duty(room_a: Any, engineer: Any) -> None:
    with pytest.raises(DomainError) as exc:
        services.attach_automated_round(
            room_a, actor=engineer, started_at=at(10, 1), finished_at=at(10, 2), summary={}, results=[]
        )
    assert exc.value.code == "no_shift_on_duty"


def _first_reminder_sent(night: Any) -> tuple[Any, Any]:
    """The operator signed in for the night and the shift's first inspection reminder sent."""
    op1 = night.assignments.get(post="operator").person
    with time_machine.travel(at(10, 19, 50), tick=False):
        services.sign_in(night, actor=op1)
    first = night.reminders.order_by("due_at").first()
    with time_machine.travel(first.due_at, tick=False):
        services.check_reminders()
    return op1, first


@pytest.mark.django_db
def test_it_alerts_the_director_of_an_overdue_inspection(night: Any, director: Any) -> None:
    op1, first = _first_reminder_sent(night)
    with time_machine.travel(first.window_end + timedelta(minutes=1), tick=False):
        assert services.check_reminders()["overdue"] == 1
        i = services.record_inspection(night, actor=op1, checklist=ALL_OK)
    assert Notification.objects.filter(recipient=director, kind="duty.inspection_overdue").exists()
    assert Inspection.objects.get(pk=i.pk).on_time is False
    assert last_event("duty.inspection_overdue").outcome == "failure"


@pytest.mark.django_db
def test_a_window_closed_long_ago_is_missed_without_an_alert(night: Any, director: Any) -> None:
    """The overdue alert is for the director to act now: a reminder whose window closed more than
    24 h before the job runs (the worker was stopped) is counted as missed, and not alerted."""
    op1, first = _first_reminder_sent(night)
    with time_machine.travel(first.window_end + timedelta(hours=24, minutes=1), tick=False):
        # the shift's three later windows closed within the last 24 h: alerted; the first is not
        assert services.check_reminders()["overdue"] == 3
    first.refresh_from_db()
    assert first.overdue_alerted_at is None and first.inspection is None
    assert Notification.objects.filter(recipient=director, kind="duty.inspection_overdue").count() == 3
    summary = services.build_summary(night.room, services.summary_period("daily", night.date), now=at(12, 9))
    assert summary["inspections"]["missed"] >= 1


@pytest.mark.django_db
def test_it_alerts_when_nobody_signs_in(night: Any, director: Any) -> None:
    with time_machine.travel(at(10, 20, 20), tick=False):
        assert services.check_attendance()["no_signin"] >= 1
    assert Notification.objects.filter(recipient=director, kind="duty.no_signin").exists()


@pytest.mark.django_db
def test_it_records_and_voids_a_violation(night: Any, director: Any) -> None:
    op1 = night.assignments.get(post="operator").person
    v = services.record_violation(
        op1, actor=director, kind="misuse", description="用监控电脑看视频", shift=night
    )
    assert last_event("duty.violation_recorded").changes["kind"] == "misuse"
    services.void_violation(v, actor=director, reason="误记")
    assert last_event("duty.violation_voided").outcome == "success"
