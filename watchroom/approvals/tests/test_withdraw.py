"""The requester withdraws a pending request, with a reason (GOV-3)."""

from __future__ import annotations

import pytest

from watchroom.accounts.tests.factories import PASSWORD
from watchroom.approvals import services
from watchroom.audit.models import AuditEvent
from watchroom.lib.errors import InvalidTransition, PermissionRefused, ValidationFailed

from .factories import file_request


def test_it_withdraws(operator):
    req = services.withdraw(file_request(operator), actor=operator, reason="不需要了")
    assert req.status == "withdrawn"
    event = AuditEvent.objects.get(action="approvals.request_withdrawn")
    assert event.note == "不需要了" and event.outcome == "success"


def test_only_the_requester_withdraws(operator, director):
    with pytest.raises(PermissionRefused):
        services.withdraw(file_request(operator), actor=director, reason="x")


def test_it_needs_a_reason(operator):
    with pytest.raises(ValidationFailed):
        services.withdraw(file_request(operator), actor=operator, reason="")


def test_a_decided_request_cannot_be_withdrawn(operator, leader):
    req = file_request(operator, kind="room_entry")
    services.decide(req, actor=leader, decision="approved", reason="同意", password=PASSWORD)
    with pytest.raises(InvalidTransition):
        services.withdraw(req, actor=operator, reason="x")
