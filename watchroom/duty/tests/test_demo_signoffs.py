"""The duty demo (DUTY-7): the past reports are already signed off by the director and the leader,
with signatures over exactly what the services sign, so the director finds only what is genuinely
waiting — yesterday's shift report and daily summary, last week's summary — and the demo can be
loaded again without signing anything twice."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine

from watchroom.accounts.tests.factories import PASSWORD, make_user
from watchroom.approvals.models import Signature
from watchroom.audit.models import AuditEvent
from watchroom.duty import demo, services
from watchroom.duty.models import ReportSignoff, Shift, SummarySignoff
from watchroom.lib.errors import InvalidTransition
from watchroom.lib.hashing import canonical_json
from watchroom.sites.tests import factories as sf

from .helpers import SH

NOW = dt.datetime(2026, 3, 20, 10, 0, tzinfo=SH)  # a Friday


@pytest.fixture
def demo_room(campus_a: Any, director: Any, leader: Any) -> Any:
    room = sf.RoomFactory(campus=campus_a, code="JK-BB", name="本部监控中心")
    for i in range(1, 5):
        make_user(f"demo_op{i}", "operator", campuses=[campus_a], rooms=[room], real_name=f"值班员{i}")
    with time_machine.travel(NOW, tick=False):
        demo.seed(io.StringIO())
    return room


@pytest.mark.django_db
def test_the_past_is_signed_off_and_only_the_recent_is_pending(demo_room: Any, director: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        overdue_reports = list(services.overdue_reports(director, NOW))
        overdue_summaries = services.overdue_summaries(director, NOW)
        pending = [
            (r["period"].period, r["period"].start)
            for r in services.recent_summaries(director, NOW)
            if r["ended"] and "director" not in r["levels"]
        ]
    # the night shift of the 18th ended yesterday morning: the only report past due
    assert [(s.date, s.template.code) for s in overdue_reports] == [(dt.date(2026, 3, 18), "N")]
    assert [(r["period"].period, r["period"].start) for r in overdue_summaries] == [
        ("weekly", dt.date(2026, 3, 9))
    ]
    assert sorted(pending) == [("daily", dt.date(2026, 3, 19)), ("weekly", dt.date(2026, 3, 9))]
    # every earlier shift of the history is signed at both levels
    signed = Shift.objects.filter(room=demo_room, ends_at__lt=dt.datetime(2026, 3, 19, tzinfo=SH))
    assert signed.count() > 40
    for shift in signed:
        assert {so.level for so in shift.signoffs.all()} == {"director", "leader"}
    assert (
        SummarySignoff.objects.filter(
            room=demo_room, period="weekly", period_start=dt.date(2026, 3, 2)
        ).count()
        == 2
    )
    event = AuditEvent.objects.get(action="duty.demo_signoffs_loaded")
    assert event.target_id == str(demo_room.pk)


@pytest.mark.django_db
def test_the_signatures_are_over_what_the_services_sign(demo_room: Any) -> None:
    report = ReportSignoff.objects.filter(shift__room=demo_room).select_related("signature", "shift").first()
    assert report is not None and report.signature.verify()
    assert report.signature.content_json == canonical_json(services.report_content(report.shift))
    summary = (
        SummarySignoff.objects.filter(room=demo_room, period="daily").select_related("signature").first()
    )
    assert summary is not None and summary.signature.verify()
    p = services.summary_period("daily", summary.period_start)
    assert summary.signature.content_json == canonical_json(
        services.build_summary(demo_room, p, now=summary.signature.signed_at)
    )
    assert all(s.verify() for s in Signature.objects.all())
    assert all(s.signed_at < NOW for s in Signature.objects.all())


@pytest.mark.django_db
def test_the_pending_ones_are_signed_through_the_service(demo_room: Any, director: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        so = services.sign_off_summary(
            demo_room, "daily", dt.date(2026, 3, 19), actor=director, password=PASSWORD
        )
        assert so.level == "director"
        with pytest.raises(InvalidTransition) as refused:
            services.sign_off_summary(
                demo_room, "daily", dt.date(2026, 3, 18), actor=director, password=PASSWORD
            )
    assert refused.value.code == "already_signed"


@pytest.mark.django_db
def test_loading_the_demo_again_signs_nothing_twice(demo_room: Any) -> None:
    before = (ReportSignoff.objects.count(), SummarySignoff.objects.count(), Signature.objects.count())
    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        demo.seed(io.StringIO())
    assert (
        ReportSignoff.objects.count(),
        SummarySignoff.objects.count(),
        Signature.objects.count(),
    ) == before
