"""Leaving the post before the end of the shift needs a named substitute who signs in on the spot and
takes over by signature (DUTY-9); without it the person cannot end duty early."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from watchroom.accounts.tests.factories import PASSWORD, make_user
from watchroom.duty import services
from watchroom.duty.models import Assignment, EarlyLeave
from watchroom.lib.errors import DomainError

from .helpers import at, last_event, operators, rota, shift


def _on_duty(room: Any, director: Any) -> tuple[Any, Assignment, Any]:
    ops = operators(room)
    rota(room, director, ops)
    s = shift(room, 10, "D")
    with time_machine.travel(at(10, 7, 50), tick=False):
        for a in s.assignments.all():
            services.sign_in(s, actor=a.person)
    sub = make_user("op9", "operator", campuses=[room.campus], rooms=[room], real_name="替班员")
    return s, s.assignments.order_by("post").first(), sub


@pytest.mark.django_db
def test_it_hands_the_post_to_a_substitute_who_signs_in(room_a: Any, director: Any) -> None:
    s, mine, sub = _on_duty(room_a, director)
    with time_machine.travel(at(10, 14), tick=False):
        services.add_entry(s, actor=mine.person, category="abnormal", description="门禁异常", is_open=True)
        leave = services.leave_early(
            mine,
            actor=mine.person,
            substitute=sub,
            reason="家属急病",
            password=PASSWORD,
            substitute_password=PASSWORD,
        )
    mine.refresh_from_db()
    assert mine.ended_at is not None
    new = Assignment.objects.get(shift=s, person=sub)
    assert (new.post, new.signed_in_at is not None) == (mine.post, True)
    assert leave.substitute == new and len(leave.open_items) == 1
    assert leave.leaver_signature.signer_id == mine.person_id
    assert leave.substitute_signature.signer_id == sub.pk
    assert last_event("duty.left_early").changes["substitute"] == sub.pk


@pytest.mark.django_db
def test_it_refuses_to_leave_early_without_a_substitute(room_a: Any, director: Any) -> None:
    s, mine, sub = _on_duty(room_a, director)
    partner = s.assignments.exclude(pk=mine.pk).get().person
    base = {"actor": mine.person, "reason": "有事", "password": PASSWORD, "substitute_password": PASSWORD}
    cases = [
        ({**base, "substitute": None}, "substitute_required", "班次结束前离岗必须指定接替人。"),
        ({**base, "substitute": partner}, "substitute_on_shift", None),
        ({**base, "substitute": sub, "substitute_password": ""}, "substitute_not_signed_in", None),
        ({**base, "substitute": sub, "reason": ""}, "reason_required", None),
        ({**base, "substitute": sub, "substitute_password": "wrong"}, None, None),
    ]
    with time_machine.travel(at(10, 14), tick=False):
        for kwargs, code, message in cases:
            with pytest.raises(DomainError) as exc:
                services.leave_early(mine, **kwargs)
            if code:
                assert exc.value.code == code
            if message:
                assert str(exc.value.message) == message
        # and the normal end of duty is refused before the handover
        with pytest.raises(DomainError) as exc:
            services.end_duty(mine, actor=mine.person)
        assert exc.value.code == "handover_not_signed"
    mine.refresh_from_db()
    assert mine.ended_at is None and not EarlyLeave.objects.exists()
    assert not Assignment.objects.filter(person=sub).exists()
