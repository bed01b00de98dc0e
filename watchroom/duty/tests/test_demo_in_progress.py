"""The demo's shift in progress (DUTY-3, 6, 8): operator1 and operator2 arrived before it began
however late in the day the demo is loaded, and the inspections whose reminders are past are done,
each a few minutes after its reminder, so nothing shows as late or missed."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine

from watchroom.accounts.tests.factories import make_user
from watchroom.duty import demo, services
from watchroom.duty.models import InspectionReminder, Shift
from watchroom.sites.tests import factories as sf

from .helpers import SH

NOW = dt.datetime(2026, 3, 20, 17, 30, tzinfo=SH)  # nine and a half hours into the day shift


@pytest.fixture
def room(campus_a: Any, director: Any, leader: Any) -> Any:
    """The main room with operator1…4 (the demo's names), the demo loaded at NOW."""
    room = sf.RoomFactory(campus=campus_a, code="JK-BB", name="本部监控中心")
    for i in range(1, 5):
        make_user(f"operator{i}", "operator", campuses=[campus_a], rooms=[room], real_name=f"值班员{i}")
    with time_machine.travel(NOW, tick=False):
        demo.seed(io.StringIO())
    return room


@pytest.mark.django_db
def test_the_shift_in_progress_began_on_time(room: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        shift = Shift.objects.filter(room=room).at(NOW).get()
        assert shift.state == Shift.State.ON_DUTY
        people = {a.person.username: a for a in shift.assignments.select_related("person")}
        assert set(people) == {"operator1", "operator2"}
        for a in people.values():
            assert a.signed_in_at is not None and a.signed_in_at < shift.starts_at
            assert a.minutes_late == 0 and not a.handover_late
        reminders = list(shift.reminders.order_by("due_at"))
        past = [r for r in reminders if r.due_at + dt.timedelta(minutes=12) < NOW]
        assert past, "a shift nine hours in has reminders behind it"
        for r in reminders:
            if r in past:
                assert r.inspection is not None and r.inspection.on_time
                assert r.due_at < r.inspection.started_at < r.inspection.finished_at <= r.window_end
            elif r.due_at > NOW:
                assert r.inspection is None
        done, required = services.inspection_counts(shift)
        assert (done, required) == (len([r for r in reminders if r.inspection_id]), 4)
        # loading the demo again changes nothing
        demo.seed(io.StringIO())
        assert services.inspection_counts(shift) == (done, required)


@pytest.mark.django_db
def test_the_history_s_inspections_answer_their_reminders(room: Any) -> None:
    """Each past shift's four inspections satisfy its four reminders, on time: the past summaries
    show nothing missed, and the overdue job has nothing to alert."""
    with time_machine.travel(NOW, tick=False):
        past = Shift.objects.filter(room=room, state=Shift.State.HANDED_OVER)
        assert past.count() > 10
        reminders = InspectionReminder.objects.filter(shift__in=past)
        assert reminders.count() == 4 * past.count()
        assert not reminders.filter(inspection__isnull=True).exists()
        assert not reminders.filter(inspection__on_time=False).exists()
        summary = services.build_summary(
            room, services.summary_period("daily", NOW.date() - dt.timedelta(days=2))
        )
        assert summary["inspections"]["missed"] == 0 and summary["inspections"]["done"] == 8
        assert services.check_reminders()["overdue"] == 0
