"""Offboarding hands the leaver's pending requests to the successor (DATA-14)."""

from __future__ import annotations

from watchroom.accounts import services as accounts
from watchroom.audit.models import AuditEvent

from .factories import file_request


def test_pending_requests_pass_to_the_successor(operator, engineer, secadmin, leader):
    pending = file_request(operator)
    summary = accounts.offboard_user(operator, actor=secadmin, successor=engineer, reason="离职")
    pending.refresh_from_db()
    assert pending.requester == engineer
    assert summary["handed_over"]["approvals"] == {"pending_requests": [pending.pk]}
    event = AuditEvent.objects.get(action="approvals.request_handed_over")
    assert event.actor_username == "secadmin" and event.target_id == str(pending.pk)
