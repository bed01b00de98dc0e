"""Pending requests expire; approvals lapse at the end of their validity (GOV-3, ACC-1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from watchroom.accounts.tests.factories import PASSWORD
from watchroom.approvals import services
from watchroom.audit.models import AuditEvent
from watchroom.lib.errors import InvalidTransition

from .factories import file_request


def test_it_expires_a_pending_request(operator, leader):
    req = file_request(operator, kind="room_entry")  # expires after 24 h
    assert services.expire_due() == 0
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        with pytest.raises(InvalidTransition) as exc:
            services.decide(req, actor=leader, decision="approved", reason="同意", password=PASSWORD)
        assert exc.value.code == "expired"
        assert services.expire_due() == 1
    req.refresh_from_db()
    assert req.status == "expired"
    event = AuditEvent.objects.get(action="approvals.request_expired")
    assert event.actor_username == "system" and event.outcome == "success"


def test_an_approval_lapses_but_stays_approved(operator, leader):
    req = services.decide(
        file_request(operator, kind="room_entry"),
        actor=leader,
        decision="approved",
        reason="同意",
        password=PASSWORD,
    )
    assert req.is_valid_now()
    with time_machine.travel(timezone.now() + timedelta(hours=9)):
        assert services.expire_due() == 0
        req.refresh_from_db()
        assert req.status == "approved" and not req.is_valid_now()


def test_the_periodic_job_is_registered():
    registry = pytest.importorskip("watchroom.jobs.registry")
    assert registry.get_periodic("approvals.expire_due").every == timedelta(minutes=1)


def test_the_subjects_module_closes_a_request_early(operator):
    """`expire_early`: the module owning the subject closes a request that can no longer be acted on
    (a swap whose shift began); it needs a reason, is audited, and leaves a closed request alone."""
    from watchroom.accounts.services import system_user
    from watchroom.lib.errors import ValidationFailed

    req = file_request(operator)
    with pytest.raises(ValidationFailed):
        services.expire_early(req, actor=system_user(), reason=" ")
    req.refresh_from_db()
    assert req.status == "pending"
    closed = services.expire_early(req, actor=system_user(), reason="shift began before a decision")
    assert closed is not None and closed.status == "expired"
    event = AuditEvent.objects.filter(action="approvals.request_expired").latest("pk")
    assert event.note == "shift began before a decision"
    assert services.expire_early(req, actor=system_user(), reason="again") is None
