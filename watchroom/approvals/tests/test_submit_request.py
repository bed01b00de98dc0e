"""Filing a request (GOV-3): the policy is copied, the first level is set, the event is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from watchroom.approvals import services
from watchroom.approvals.models import ApprovalRequest
from watchroom.audit.models import AuditEvent
from watchroom.lib.errors import PermissionRefused, ValidationFailed

from .factories import file_request


def test_it_files_a_request_at_level_one(operator, campus_a):
    req = file_request(operator, campus=campus_a)
    assert req.status == ApprovalRequest.Status.PENDING
    assert (req.current_level, req.levels_required) == (1, 2)
    assert (req.current_role, req.current_same_campus) == ("director", True)
    assert req.policy_snapshot["levels"][1] == {"role": "leader", "same_campus": False}
    assert req.expires_at > timezone.now()
    event = AuditEvent.objects.get(action="approvals.request_submitted")
    assert event.target_id == str(req.pk) and event.outcome == "success"


def test_it_links_a_subject(operator, camera_a):
    req = file_request(operator, subject=camera_a)
    assert req.subject == camera_a


def test_it_refuses_a_role_without_the_permission(auditor):
    with pytest.raises(PermissionRefused):
        file_request(auditor)
    assert not ApprovalRequest.objects.exists()


def test_it_refuses_a_campus_outside_scope(operator, campus_b):
    with pytest.raises(PermissionRefused) as exc:
        file_request(operator, campus=campus_b)
    assert exc.value.code == "out_of_scope"


def test_it_requires_a_reason(operator):
    with pytest.raises(ValidationFailed) as exc:
        file_request(operator, reason="  ")
    assert exc.value.code == "reason_required"


def test_it_refuses_an_unknown_kind(operator):
    with pytest.raises(ValidationFailed) as exc:
        file_request(operator, kind="nope")
    assert exc.value.code == "unknown_kind"


def test_it_refuses_a_validity_longer_than_the_policy(operator):
    start = timezone.now() + timedelta(hours=1)
    with pytest.raises(ValidationFailed) as exc:
        file_request(operator, kind="room_entry", valid_from=start, valid_until=start + timedelta(hours=9))
    assert exc.value.code == "validity_too_long"


def test_it_refuses_a_validity_in_the_wrong_order(operator):
    start = timezone.now() + timedelta(hours=2)
    with pytest.raises(ValidationFailed) as exc:
        file_request(operator, valid_from=start, valid_until=start - timedelta(hours=1))
    assert exc.value.code == "validity_order"


def test_it_refuses_a_kind_whose_policy_is_inactive(operator, secadmin):
    policy = services.get_policy("general")
    services.update_policy(
        policy, actor=secadmin, levels=policy.levels, validity_hours=24, pending_expiry_hours=72, active=False
    )
    with pytest.raises(ValidationFailed) as exc:
        file_request(operator)
    assert exc.value.code == "kind_inactive"
