"""Arriving late needs a named substitute and a full handover (DUTY-9): the person (or the director
on their behalf) names a substitute who covers the post; the substitute signs in; when the late
person arrives the substitute hands over in person and both sign. The lateness is still recorded."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from watchroom.accounts.tests.factories import PASSWORD, make_user
from watchroom.duty import services
from watchroom.duty.models import Assignment, LateArrival
from watchroom.lib.errors import DomainError
from watchroom.sites.tests import factories as sf

from .helpers import at, last_event, operators, rota, shift, staff


def _setup(room: Any, director: Any) -> tuple[Any, Any, Any, Any]:
    op1, op2, op3, op4 = operators(room)
    rota(room, director, [op1, op2, op3, op4])
    day = shift(room, 10, "D")
    staff(day, director, op1, op2)
    sub = make_user("op9", "operator", campuses=[room.campus], rooms=[room], real_name="替班员")
    return day, Assignment.objects.get(shift=day, person=op1), op2, sub


@pytest.mark.django_db
def test_a_substitute_covers_until_the_late_person_takes_over(room_a: Any, director: Any) -> None:
    day, mine, partner, sub = _setup(room_a, director)
    op1 = mine.person
    with time_machine.travel(at(10, 7, 30), tick=False):
        late = services.arrange_late_arrival(
            mine, actor=op1, substitute=sub, reason="地铁故障", expected_at=at(10, 9)
        )
    cover = late.substitute
    assert (cover.person, cover.post, cover.shift) == (sub, mine.post, day)
    assert last_event("duty.late_arrival_arranged").changes["substitute"] == sub.pk
    with time_machine.travel(at(10, 7, 50), tick=False):
        services.sign_in(day, actor=sub)
        services.sign_in(day, actor=partner)
    with time_machine.travel(at(10, 8, 30), tick=False):
        services.add_entry(day, actor=sub, category="abnormal", description="门禁异常", is_open=True)
    with time_machine.travel(at(10, 9, 10), tick=False):
        late = services.take_over_from_substitute(
            late, actor=op1, password=PASSWORD, substitute_password=PASSWORD
        )
    mine.refresh_from_db()
    cover.refresh_from_db()
    assert mine.signed_in_at == at(10, 9, 10) and mine.minutes_late == 70  # lateness still recorded
    assert cover.ended_at == at(10, 9, 10)
    assert late.taken_over_at == at(10, 9, 10)
    assert (
        late.substitute_signature.signer_id == sub.pk and late.substitute_signature.meaning == "handed_over"
    )
    assert late.late_signature.signer_id == op1.pk and late.late_signature.meaning == "received"
    open_items = next(s for s in late.packet["sections"] if s["key"] == "open_items")
    assert len(open_items["items"]) == 1
    event = last_event("duty.late_arrival_taken_over")
    assert event.changes["minutes_late"] == 70
    with time_machine.travel(at(10, 9, 20), tick=False):
        services.add_entry(day, actor=op1, category="routine", description="接岗后巡视正常")
        with pytest.raises(DomainError) as exc:
            services.add_entry(day, actor=sub, category="routine", description="x")
        assert exc.value.code == "not_on_duty"
        with pytest.raises(DomainError) as exc:
            services.take_over_from_substitute(
                late, actor=op1, password=PASSWORD, substitute_password=PASSWORD
            )
        assert exc.value.code == "already_taken_over"


@pytest.mark.django_db
def test_the_director_names_the_substitute_on_their_behalf(room_a: Any, director: Any) -> None:
    day, mine, partner, sub = _setup(room_a, director)
    with time_machine.travel(at(10, 7), tick=False):
        late = services.arrange_late_arrival(
            mine, actor=director, substitute=sub, reason="电话请假", expected_at=at(10, 10)
        )
        assert late.arranged_by == director
        with pytest.raises(DomainError) as exc:  # a colleague may not
            services.arrange_late_arrival(
                Assignment.objects.get(shift=day, person=partner),
                actor=mine.person,
                substitute=sub,
                reason="x",
                expected_at=at(10, 10),
            )
        assert exc.value.code == "not_allowed"


@pytest.mark.django_db
def test_it_refuses_what_the_rules_forbid(room_a: Any, director: Any, outsider: Any) -> None:
    day, mine, partner, sub = _setup(room_a, director)
    op1 = mine.person
    # sub is on duty in a second room of the campus at the same time
    other_room = sf.RoomFactory(campus=room_a.campus, code="RA2", name="分控室")
    busy = make_user("op8", "operator", campuses=[room_a.campus], rooms=[room_a, other_room])
    helper = make_user("op7", "operator", campuses=[room_a.campus], rooms=[other_room])
    services.generate_rota(other_room, at(1, 0).date(), actor=director, people=[busy, helper])
    base = {"actor": op1, "substitute": sub, "reason": "堵车", "expected_at": at(10, 9)}
    cases = [
        ({**base, "substitute": None}, "substitute_required"),
        ({**base, "substitute": partner}, "substitute_on_shift"),
        ({**base, "substitute": busy}, "double_booked"),
        ({**base, "substitute": outsider}, "person_not_eligible"),
        ({**base, "substitute": op1}, "person_not_eligible"),
        ({**base, "reason": " "}, "reason_required"),
        ({**base, "expected_at": at(10, 7)}, "bad_expected_time"),
        ({**base, "expected_at": at(10, 21)}, "bad_expected_time"),
    ]
    with time_machine.travel(at(10, 7, 30), tick=False):
        for kwargs, code in cases:
            with pytest.raises(DomainError) as exc:
                services.arrange_late_arrival(mine, **kwargs)
            assert exc.value.code == code, kwargs
    with time_machine.travel(at(10, 20, 30), tick=False), pytest.raises(DomainError) as exc:
        services.arrange_late_arrival(mine, **{**base, "expected_at": at(10, 21)})
    assert exc.value.code == "shift_over"
    with time_machine.travel(at(10, 7, 50), tick=False):
        services.sign_in(day, actor=partner)
        with pytest.raises(DomainError) as exc:
            services.arrange_late_arrival(
                Assignment.objects.get(shift=day, person=partner), **{**base, "actor": partner}
            )
        assert exc.value.code == "already_signed_in"
        assert "已签到" in str(exc.value.message)
        late = services.arrange_late_arrival(mine, **base)
        with pytest.raises(DomainError) as exc:
            services.arrange_late_arrival(mine, **{**base, "substitute": helper})
        assert exc.value.code == "already_arranged"
    with time_machine.travel(at(10, 9), tick=False):
        # the substitute has not signed in: no handover by telephone
        with pytest.raises(DomainError) as exc:
            services.take_over_from_substitute(
                late, actor=op1, password=PASSWORD, substitute_password=PASSWORD
            )
        assert exc.value.code == "substitute_not_on_duty"
        services.sign_in(day, actor=sub)
        with pytest.raises(DomainError) as exc:
            services.take_over_from_substitute(
                late, actor=partner, password=PASSWORD, substitute_password=PASSWORD
            )
        assert exc.value.code == "not_allowed"
        with pytest.raises(DomainError):
            services.take_over_from_substitute(
                late, actor=op1, password=PASSWORD, substitute_password="wrong"
            )
        with pytest.raises(DomainError) as exc:
            services.take_over_from_substitute(late, actor=op1, password=PASSWORD, substitute_password="")
        assert exc.value.code == "substitute_signature_required"
    mine.refresh_from_db()
    late.refresh_from_db()
    assert mine.signed_in_at is None and late.taken_over_at is None
    assert Assignment.objects.get(pk=late.substitute_id).ended_at is None
    assert LateArrival.objects.count() == 1


@pytest.mark.django_db
def test_the_pages_and_api_arrange_and_take_over(room_a: Any, director: Any, login: Any, api: Any) -> None:
    day, mine, partner, sub = _setup(room_a, director)
    op1 = mine.person
    with time_machine.travel(at(10, 7, 30), tick=True):
        client = login(op1)
        page = client.get(day.get_absolute_url())
        assert b'data-testid="late-arrange"' in page.content
        form = client.get(f"/duty/assignments/{mine.pk}/late/")
        assert form.status_code == 200 and b'data-testid="late-form"' in form.content
        bad = client.post(
            f"/duty/assignments/{mine.pk}/late/",
            {"substitute": partner.pk, "reason": "x", "expected_at": "2026-03-10T09:00"},
        )
        assert bad.status_code == 200 and not LateArrival.objects.exists()
        response = api(op1).post(
            "/api/v1/duty/late-arrivals/",
            {
                "assignment": mine.pk,
                "substitute": sub.pk,
                "reason": "堵车",
                "expected_at": at(10, 9).isoformat(),
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        late = LateArrival.objects.get()
        services.sign_in(day, actor=sub)
        detail = client.get(f"/duty/late-arrivals/{late.pk}/")
        assert detail.status_code == 200 and b"take-over" in detail.content
    with time_machine.travel(at(10, 8, 20), tick=True):
        refused = api(op1).post(
            f"/api/v1/duty/late-arrivals/{late.pk}/take-over/",
            {"password": PASSWORD, "substitute_password": "wrong"},
            format="json",
        )
        assert refused.status_code in (400, 403), refused.content
        done = login(op1).post(
            f"/duty/late-arrivals/{late.pk}/take-over/",
            {"password": PASSWORD, "substitute_password": PASSWORD},
        )
        assert done.status_code == 302
    late.refresh_from_db()
    mine.refresh_from_db()
    assert late.taken_over_at is not None and mine.minutes_late in (20, 21)
