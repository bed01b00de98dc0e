"""The approval decides the request; approved requests expire after their window (DATA-9)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from watchroom.accounts.tests.factories import PASSWORD
from watchroom.approvals import services as approvals
from watchroom.audit.models import AuditEvent
from watchroom.footage import services
from watchroom.footage.models import FootageRequest
from watchroom.lib.errors import SeparationOfDuties

from .conftest import approve_all, register


def test_a_leaders_signature_approves_the_request(operator: Any, leader: Any, camera_a: Any) -> None:
    req = approve_all(register(operator, camera_a), leader)
    assert req.status == FootageRequest.Status.APPROVED
    assert req.valid_until is not None
    assert req.is_valid_now()
    assert AuditEvent.objects.filter(action="footage.request_approved", target_id=str(req.pk)).exists()
    assert AuditEvent.objects.filter(action="approvals.signature_made").exists()


def test_a_rejection_ends_the_request(operator: Any, leader: Any, camera_a: Any) -> None:
    req = register(operator, camera_a)
    approvals.decide(req.approval, actor=leader, decision="rejected", reason="不符合", password=PASSWORD)
    req.refresh_from_db()
    assert req.status == FootageRequest.Status.REJECTED
    assert AuditEvent.objects.filter(action="footage.request_rejected").exists()


def test_the_registrar_cannot_approve(director: Any, camera_a: Any) -> None:
    req = register(director, camera_a)
    with pytest.raises(SeparationOfDuties):
        approvals.decide(req.approval, actor=director, decision="approved", reason="x", password=PASSWORD)


def test_an_approved_request_expires_after_its_window(operator: Any, leader: Any, camera_a: Any) -> None:
    req = approve_all(register(operator, camera_a), leader)
    with time_machine.travel(req.valid_until + timedelta(minutes=1)):
        assert services.expire_due() == 1
        assert not FootageRequest.objects.get(pk=req.pk).is_valid_now()
    req.refresh_from_db()
    assert req.status == FootageRequest.Status.EXPIRED
    assert AuditEvent.objects.filter(action="footage.request_expired").exists()
    assert timezone.now() < req.valid_until
