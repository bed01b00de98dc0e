"""A swap whose approval expires, or whose shift begins before a leader decides (DUTY-9): the rota
stays as published, the swap and its approval request are closed as expired and the people are told;
nothing is left pending on a shift that has begun, and a late approval of it is refused."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from watchroom.accounts.tests.factories import PASSWORD
from watchroom.approvals import services as approvals
from watchroom.approvals.models import ApprovalRequest
from watchroom.duty import services
from watchroom.duty.models import Assignment, Rota, ShiftSwap
from watchroom.lib.errors import DomainError
from watchroom.notifications.models import Notification

from .helpers import at, last_event, operators, rota, shift


def _pending(room: Any, director: Any, *, day: int = 10) -> tuple[Rota, ShiftSwap, Assignment, Any]:
    ops = operators(room)
    r = rota(room, director, ops)
    services.publish_rota(r, actor=director)
    mine = shift(room, day, "D").assignments.order_by("post").first()
    sub = next(p for p in ops if not shift(room, day, "D").assignments.filter(person=p).exists())
    swap = services.request_swap(mine, actor=mine.person, counterpart=sub, reason="家中有事")
    return r, swap, mine, sub


@pytest.mark.django_db
def test_an_expired_approval_closes_the_swap_and_leaves_the_rota(room_a: Any, director: Any) -> None:
    with time_machine.travel(at(1, 9), tick=False):
        r, swap, mine, _sub = _pending(room_a, director)
    with time_machine.travel(at(4, 10), tick=False):  # 72 hours later, before the shift of the 10th
        assert approvals.expire_due() == 1
    swap.refresh_from_db()
    mine.refresh_from_db()
    r.refresh_from_db()
    assert swap.approval.status == ApprovalRequest.Status.EXPIRED
    assert swap.status == ShiftSwap.Status.EXPIRED and swap.decided_at == at(4, 10)
    assert mine.person == swap.requester and r.version == 1
    event = last_event("duty.swap_decided")
    assert event.changes["status"] == ["pending", "expired"]


@pytest.mark.django_db
def test_a_swap_not_decided_before_its_shift_begins_expires_then(
    room_a: Any, director: Any, leader: Any
) -> None:
    with time_machine.travel(at(9, 9), tick=False):
        r, swap, mine, sub = _pending(room_a, director)
    # the leader is too late: the shift has begun, the approval is refused with the reason
    with time_machine.travel(at(10, 8, 30), tick=False):
        with pytest.raises(DomainError) as exc:
            approvals.decide(
                swap.approval, actor=leader, decision="approved", reason="同意", password=PASSWORD
            )
        assert exc.value.code == "shift_started"
        # the timed work closes what can no longer happen, without waiting 72 hours
        counts = services.check_attendance()
        assert counts["swaps_expired"] == 1
    swap.refresh_from_db()
    mine.refresh_from_db()
    r.refresh_from_db()
    assert swap.status == ShiftSwap.Status.EXPIRED and swap.decided_at == at(10, 8, 30)
    assert mine.person == swap.requester and r.version == 1
    assert not ShiftSwap.objects.pending().exists()
    assert last_event("duty.swap_decided").changes["status"] == ["pending", "expired"]
    told = set(Notification.objects.filter(kind="duty.swap").values_list("recipient_id", flat=True))
    assert {swap.requester_id, sub.pk} <= told
    # its approval request is closed with it: approvers no longer see it, and deciding is refused
    assert swap.approval.status == ApprovalRequest.Status.EXPIRED
    assert last_event("approvals.request_expired").changes == {"early": True}
    with time_machine.travel(at(10, 9), tick=False):
        with pytest.raises(DomainError) as exc:
            approvals.decide(
                swap.approval, actor=leader, decision="approved", reason="同意", password=PASSWORD
            )
        assert exc.value.code == "not_pending"
    swap.refresh_from_db()
    assert swap.status == ShiftSwap.Status.EXPIRED
    # a later run finds nothing left to do
    with time_machine.travel(at(12, 10), tick=False):
        assert approvals.expire_due() == 0
        assert services.check_attendance()["swaps_expired"] == 0
