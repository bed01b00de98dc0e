"""Shift swaps through the approvals mechanism (DUTY-9): a leader approves, the published rota changes
and gets a new version; a refusal or withdrawal changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from watchroom.accounts.tests.factories import PASSWORD, make_user
from watchroom.approvals import services as approvals
from watchroom.duty import services
from watchroom.duty.models import Assignment, Rota, ShiftSwap
from watchroom.lib.errors import DomainError
from watchroom.notifications.models import Notification

from .helpers import at, last_event, operators, rota, shift


def _published(room: Any, director: Any) -> tuple[Rota, list[Any]]:
    ops = operators(room)
    r = rota(room, director, ops)
    services.publish_rota(r, actor=director)
    return r, ops


def _mine(person: Any, day: int, code: str, room: Any) -> Assignment:
    return shift(room, day, code).assignments.get(person=person)


@pytest.mark.django_db
@time_machine.travel(at(1, 9), tick=False)
def test_an_approved_swap_changes_the_rota_and_makes_a_version(
    room_a: Any, director: Any, leader: Any
) -> None:
    r, ops = _published(room_a, director)
    mine = shift(room_a, 10, "D").assignments.first()
    me = mine.person
    other = shift(room_a, 12, "N").assignments.first()  # day pairs and night pairs differ
    assert not shift(room_a, 10, "D").assignments.filter(person=other.person).exists()
    swap = services.request_swap(
        mine, actor=me, counterpart=other.person, counterpart_assignment=other, reason="家中有事"
    )
    assert swap.status == ShiftSwap.Status.PENDING and swap.approval.kind == "duty.swap"
    assert last_event("duty.swap_requested").changes["counterpart"] == other.person.pk
    approvals.decide(swap.approval, actor=leader, decision="approved", reason="同意", password=PASSWORD)
    swap.refresh_from_db()
    mine.refresh_from_db()
    other.refresh_from_db()
    r.refresh_from_db()
    assert swap.status == ShiftSwap.Status.APPROVED
    assert (mine.person_id, other.person_id) == (swap.counterpart_id, me.pk)
    assert r.version == 2 and r.versions.count() == 2
    assert last_event("duty.swap_decided").changes["rota_versions"] == [[r.pk, 2]]
    told = set(Notification.objects.filter(kind="duty.swap").values_list("recipient_id", flat=True))
    assert {me.pk, swap.counterpart_id} <= told


@pytest.mark.django_db
@time_machine.travel(at(1, 9), tick=False)
def test_a_rejected_or_withdrawn_swap_changes_nothing(room_a: Any, director: Any, leader: Any) -> None:
    r, ops = _published(room_a, director)
    a = shift(room_a, 10, "D").assignments.first()
    free = make_user("op9", "operator", campuses=[room_a.campus], rooms=[room_a])
    swap = services.request_swap(a, actor=a.person, counterpart=free, reason="病假")
    assert swap.kind == ShiftSwap.Kind.SUBSTITUTE
    approvals.decide(swap.approval, actor=leader, decision="rejected", reason="人手不足", password=PASSWORD)
    swap.refresh_from_db()
    a.refresh_from_db()
    r.refresh_from_db()
    assert swap.status == ShiftSwap.Status.REJECTED and a.person_id != free.pk and r.version == 1

    swap2 = services.request_swap(a, actor=a.person, counterpart=free, reason="病假")
    services.withdraw_swap(swap2, actor=a.person, reason="不需要了")
    assert swap2.status == ShiftSwap.Status.WITHDRAWN
    a.refresh_from_db()
    assert a.person_id != free.pk
    assert last_event("duty.swap_decided").changes["status"] == ["pending", "withdrawn"]


@pytest.mark.django_db
@time_machine.travel(at(1, 9), tick=False)
def test_a_substitute_takes_the_shift_on_approval(room_a: Any, director: Any, leader: Any) -> None:
    r, ops = _published(room_a, director)
    a = shift(room_a, 10, "N").assignments.first()
    giver = a.person
    free = make_user("op9", "operator", campuses=[room_a.campus], rooms=[room_a])
    swap = services.request_swap(a, actor=giver, counterpart=free, reason="进修")
    approvals.decide(swap.approval, actor=leader, decision="approved", reason="同意", password=PASSWORD)
    a.refresh_from_db()
    assert a.person_id == free.pk
    assert {"person": "op9", "post": a.post}.items() <= next(
        row
        for row in r.versions.get(number=2).snapshot
        if row["date"] == "2026-03-10" and row["shift"] == "N" and row["person"] == "op9"
    ).items()


@pytest.mark.django_db
@time_machine.travel(at(1, 9), tick=False)
def test_it_refuses_swaps_that_break_the_rules(room_a: Any, director: Any, campus_b: Any) -> None:
    ops = operators(room_a)
    r = rota(room_a, director, ops)
    a = shift(room_a, 10, "D").assignments.first()
    free = make_user("op9", "operator", campuses=[room_a.campus], rooms=[room_a])
    with pytest.raises(DomainError) as exc:
        services.request_swap(a, actor=a.person, counterpart=free, reason="x")
    assert exc.value.code == "rota_not_published"
    services.publish_rota(r, actor=director)
    stranger = make_user("opb", "operator", campuses=[campus_b])
    partner = shift(room_a, 10, "D").assignments.exclude(pk=a.pk).first()
    cases = [
        ({"actor": free, "counterpart": stranger, "reason": "x"}, "not_allowed"),
        ({"actor": a.person, "counterpart": free, "reason": " "}, "reason_required"),
        ({"actor": a.person, "counterpart": stranger, "reason": "x"}, "person_not_eligible"),
        ({"actor": a.person, "counterpart": partner.person, "reason": "x"}, "double_booked"),
    ]
    for kwargs, code in cases:
        with pytest.raises(DomainError) as exc:
            services.request_swap(a, **kwargs)
        assert exc.value.code == code
    services.request_swap(a, actor=a.person, counterpart=free, reason="x")
    with pytest.raises(DomainError) as exc:
        services.request_swap(a, actor=a.person, counterpart=free, reason="x")
    assert exc.value.code == "swap_pending"
    assert str(exc.value.message) == "本班次已有换班申请等待审批。"
    assert ShiftSwap.objects.count() == 1
    with time_machine.travel(at(10, 8, 30), tick=False):
        early = shift(room_a, 10, "D").assignments.exclude(pk=a.pk).first()
        with pytest.raises(DomainError) as exc:
            services.request_swap(early, actor=early.person, counterpart=free, reason="x")
        assert exc.value.code == "shift_started"
