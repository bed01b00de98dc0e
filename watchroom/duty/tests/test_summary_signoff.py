"""Daily and weekly summaries and their sign-off by the director and a leader (DUTY-7): built from
the period's shifts, signed once per level with an electronic signature, refused before the period
has ended or while a shift of it is not handed over; a week runs Monday–Sunday in Asia/Shanghai."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from watchroom.accounts.tests.factories import PASSWORD
from watchroom.approvals.models import Signature
from watchroom.duty import services
from watchroom.duty.models import Shift, SummarySignoff
from watchroom.lib.errors import DomainError

from .helpers import ALL_OK, at, last_event, operators, rota, shift

WEEK = dt.date(2026, 3, 9)  # Monday 9 – Sunday 15 March 2026


def _hand_over(room: Any, first: dt.date, last: dt.date) -> None:
    """Test set-up: the shifts beginning on these days are handed over."""
    Shift.objects.filter(room=room, date__gte=first, date__lte=last).update(state="handed_over")


@pytest.mark.django_db
def test_the_week_runs_monday_to_sunday_in_shanghai() -> None:
    # Monday 00:30 in Shanghai is still Sunday 16:30 in UTC: the new week has begun
    monday = at(16, 0, 30)
    assert monday.astimezone(dt.UTC).date() == dt.date(2026, 3, 15)
    with time_machine.travel(monday, tick=False):
        from django.utils import timezone

        p = services.summary_period("weekly", timezone.localdate())
    assert (p.start, p.last_day) == (dt.date(2026, 3, 16), dt.date(2026, 3, 22))
    p = services.summary_period("weekly", dt.date(2026, 3, 15))
    assert (p.start, p.end) == (WEEK, dt.date(2026, 3, 16))
    assert p.ends_at == at(16, 0)
    with pytest.raises(DomainError) as exc:
        services.summary_period("monthly", WEEK)
    assert exc.value.code == "unknown_period"


@pytest.mark.django_db
def test_it_refuses_the_weekly_sign_off_across_midnight_sunday_to_monday(room_a: Any, director: Any) -> None:
    rota(room_a, director, operators(room_a))
    _hand_over(room_a, WEEK, dt.date(2026, 3, 14))  # all but Sunday
    Shift.objects.filter(room=room_a, date=dt.date(2026, 3, 15), template__code="D").update(
        state="handed_over"
    )
    sign = {"actor": director, "password": PASSWORD}
    with time_machine.travel(at(15, 23, 59), tick=False), pytest.raises(DomainError) as exc:
        services.sign_off_summary(room_a, "weekly", WEEK, **sign)
    assert exc.value.code == "period_not_ended"
    assert "周期结束" in str(exc.value.message)
    # after midnight the week has ended, but Sunday's night shift (until Monday 08:00) is still on
    with time_machine.travel(at(16, 0, 1), tick=False), pytest.raises(DomainError) as exc:
        services.sign_off_summary(room_a, "weekly", WEEK, **sign)
    assert exc.value.code == "shift_not_handed_over"
    assert not SummarySignoff.objects.exists()
    _hand_over(room_a, dt.date(2026, 3, 15), dt.date(2026, 3, 15))
    with time_machine.travel(at(16, 8, 30), tick=False):
        # any day of the week names the same week
        so = services.sign_off_summary(room_a, "weekly", dt.date(2026, 3, 12), **sign)
    assert (so.period, so.period_start, so.level) == ("weekly", WEEK, "director")
    assert so.signature.meaning == Signature.Meaning.REVIEWED
    content = so.signature.content_json
    assert '"start":"2026-03-09"' in content.replace(" ", "")
    week = services.build_summary(room_a, services.summary_period("weekly", WEEK))
    assert len(week["shifts"]) == 14
    event = last_event("duty.summary_signed_off")
    assert event.changes["period"] == "weekly" and event.changes["sha256"] == so.signature.content_sha256


@pytest.mark.django_db
def test_it_signs_once_per_level(room_a: Any, director: Any, leader: Any, operator: Any) -> None:
    rota(room_a, director, operators(room_a))
    _hand_over(room_a, dt.date(2026, 3, 10), dt.date(2026, 3, 10))
    day = dt.date(2026, 3, 10)
    with time_machine.travel(at(11, 10), tick=False):
        services.sign_off_summary(room_a, "daily", day, actor=director, password=PASSWORD)
        with pytest.raises(DomainError) as exc:
            services.sign_off_summary(room_a, "daily", day, actor=director, password=PASSWORD)
        assert exc.value.code == "already_signed"
        with pytest.raises(DomainError):
            services.sign_off_summary(room_a, "daily", day, actor=leader, password="wrong")
        assert last_event("approvals.signature_failed").outcome == "failure"
        services.sign_off_summary(room_a, "daily", day, actor=leader, password=PASSWORD, comment="已阅")
        with pytest.raises(DomainError) as exc:
            services.sign_off_summary(room_a, "daily", day, actor=operator, password=PASSWORD)
        assert exc.value.code == "not_allowed"
        with pytest.raises(DomainError) as exc:  # the 9th: its shifts are not handed over
            services.sign_off_summary(room_a, "daily", dt.date(2026, 3, 9), actor=director, password=PASSWORD)
        assert exc.value.code == "shift_not_handed_over"
        with pytest.raises(DomainError) as exc:  # February has no rota
            services.sign_off_summary(
                room_a, "daily", dt.date(2026, 2, 10), actor=director, password=PASSWORD
            )
        assert exc.value.code == "no_shifts"
    levels = sorted(SummarySignoff.objects.values_list("level", flat=True))
    assert levels == ["director", "leader"]


@pytest.mark.django_db
def test_the_summary_counts_the_days_work(room_a: Any, director: Any) -> None:
    op1, op2, op3, op4 = operators(room_a)
    rota(room_a, director, [op1, op2, op3, op4])
    day = shift(room_a, 10, "D")
    people = [a.person for a in day.assignments.all()]
    with time_machine.travel(at(10, 8, 5), tick=False):
        for p in people:
            services.sign_in(day, actor=p)
    with time_machine.travel(at(10, 11), tick=False):
        services.add_entry(day, actor=people[0], category="routine", description="正常")
        services.add_entry(day, actor=people[0], category="abnormal", description="急诊争执")
        services.add_entry(
            day, actor=people[1], category="suspicious", description="有人徘徊", suspect_appearance="黑衣"
        )
        services.record_inspection(day, actor=people[0], checklist=ALL_OK)
        services.record_violation(people[1], actor=director, kind="misuse", description="玩游戏", shift=day)
    p = services.summary_period("daily", dt.date(2026, 3, 10))
    summary = services.build_summary(room_a, p, now=at(11, 9))
    assert summary["entries_total"] == 3
    assert summary["entries_by_category"]["abnormal"] == 1
    assert [e["category"] for e in summary["notable"]] == ["abnormal", "suspicious"]
    assert summary["inspections"]["done"] == 1 and summary["inspections"]["required"] == 8
    assert summary["inspections"]["missed"] >= 3
    assert len(summary["late_sign_ins"]) == 2 and summary["late_sign_ins"][0]["minutes_late"] == 5
    assert [v["kind"] for v in summary["violations"]] == ["misuse"]
    assert [s["id"] for s in summary["shifts"]] == [day.pk, shift(room_a, 10, "N").pk]


@pytest.mark.django_db
def test_an_unsigned_summary_past_due_is_overdue(room_a: Any, director: Any, leader: Any) -> None:
    rota(room_a, director, operators(room_a))
    _hand_over(room_a, dt.date(2026, 3, 1), dt.date(2026, 3, 12))
    day = dt.date(2026, 3, 10)
    with time_machine.travel(at(11, 10), tick=False):  # due 24 h after the night shift ends
        row = next(r for r in services.recent_summaries(director) if r["period"].start == day)
        assert row["ended"] and not row["overdue"]
    with time_machine.travel(at(12, 9), tick=False):
        overdue = services.overdue_summaries(director)
        assert any(r["period"].period == "daily" and r["period"].start == day for r in overdue)
        services.sign_off_summary(room_a, "daily", day, actor=leader, password=PASSWORD)
        assert any(r["period"].start == day for r in services.overdue_summaries(director))
        services.sign_off_summary(room_a, "daily", day, actor=director, password=PASSWORD)
        overdue = services.overdue_summaries(director)
        assert not any(r["period"].period == "daily" and r["period"].start == day for r in overdue)


@pytest.mark.django_db
def test_the_pages_and_api_build_and_sign_the_summary(
    room_a: Any, director: Any, leader: Any, login: Any, api: Any, outsider: Any
) -> None:
    rota(room_a, director, operators(room_a))
    _hand_over(room_a, dt.date(2026, 3, 1), dt.date(2026, 3, 15))
    with time_machine.travel(at(16, 10), tick=True):
        client = login(director)
        url = f"/duty/summaries/{room_a.pk}/weekly/2026-03-11/"
        page = client.get(url)
        assert page.status_code == 200 and b'data-testid="summary-signoff"' in page.content
        html = page.content.decode()
        assert "<td>已交班</td>" in html and "handed_over" not in html  # the state's label, not its code
        assert 'placeholder="您的密码 *"' in html
        assert client.get(f"/duty/summaries/{room_a.pk}/weekly/2026-13-01/").status_code == 404
        assert client.get(f"/duty/summaries/{room_a.pk}/yearly/2026-03-11/").status_code == 404
        assert login(outsider).get(url).status_code == 404
        listing = client.get("/duty/summaries/")
        assert listing.status_code == 200 and b'data-period="weekly-2026-03-09"' in listing.content
        waiting = client.get("/duty/sign-offs/")
        assert b"/duty/summaries/" in waiting.content
        response = client.post(url + "sign-off/", {"password": PASSWORD, "comment": "本周正常"})
        assert response.status_code == 302
        assert SummarySignoff.objects.get().level == "director"
        assert "本周正常" in client.get(url).content.decode()
        built = api(leader).get(
            f"/api/v1/duty/summaries/build/?room={room_a.pk}&period=weekly&date=2026-03-15"
        )
        assert built.status_code == 200 and built.json()["summary"]["start"] == "2026-03-09"
        assert [s["level"] for s in built.json()["signoffs"]] == ["director"]
        signed = api(leader).post(
            "/api/v1/duty/summaries/sign-off/",
            {"room": room_a.pk, "period": "weekly", "date": "2026-03-09", "password": PASSWORD},
            format="json",
        )
        assert signed.status_code == 201 and signed.json()["level"] == "leader"
        again = api(leader).post(
            "/api/v1/duty/summaries/sign-off/",
            {"room": room_a.pk, "period": "weekly", "date": "2026-03-09", "password": PASSWORD},
            format="json",
        )
        assert again.status_code == 409 and again.json()["code"] == "already_signed"
        listed = api(director).get("/api/v1/duty/summaries/")
        assert listed.status_code == 200
