"""Change control (EQP-5, EQP-6): approval through approvals, and unapproved-change violations."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile

from watchroom.accounts.tests.factories import PASSWORD
from watchroom.approvals import services as approvals
from watchroom.equipment import services
from watchroom.equipment.models import ChangeViolation
from watchroom.lib.errors import InvalidTransition
from watchroom.notifications.models import Notification

from .factories import last_event

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _request(camera: Any, operator: Any) -> Any:
    return services.submit_change_request(
        actor=operator,
        camera=camera,
        kind="ptz_preset",
        before_value="预置位1: 南门",
        after_value="预置位1: 挂号窗口",
        reason="挂号窗口纠纷多发",
        snapshot=ContentFile(PNG, name="ref.png"),
    )


def test_a_ptz_preset_change_goes_through_approval(
    camera_a: Any, operator: Any, director: Any, leader: Any, engineer: Any
) -> None:
    """The director checks it, then a hospital leader approves it (EQP-5: a leader's approval)."""
    cr = _request(camera_a, operator)
    assert cr.status == "pending" and cr.approval.kind == "equipment.change" and len(cr.snapshot_sha256) == 64
    assert last_event("equipment.change_requested").outcome == "success"
    approvals.decide(cr.approval, actor=director, decision="approved", reason="同意", password=PASSWORD)
    cr.refresh_from_db()
    assert cr.status == "pending"
    with pytest.raises(InvalidTransition):
        services.implement_change(cr, actor=engineer)
    cr.approval.refresh_from_db()
    approvals.decide(cr.approval, actor=leader, decision="approved", reason="同意", password=PASSWORD)
    cr.refresh_from_db()
    assert cr.status == "approved"
    assert last_event("equipment.change_decided").outcome == "success"
    cr = services.implement_change(cr, actor=engineer)
    assert cr.status == "implemented"
    assert last_event("equipment.change_implemented").outcome == "success"


def test_a_rejected_change_cannot_be_carried_out(
    camera_a: Any, operator: Any, director: Any, engineer: Any
) -> None:
    cr = _request(camera_a, operator)
    approvals.decide(cr.approval, actor=director, decision="rejected", reason="不同意", password=PASSWORD)
    cr.refresh_from_db()
    assert cr.status == "rejected"
    with pytest.raises(InvalidTransition):
        services.implement_change(cr, actor=engineer)


def test_an_unapproved_change_is_a_violation(camera_a: Any, director: Any, secchief: Any) -> None:
    from watchroom.accounts.services import system_user

    v = services.record_unapproved_change(
        camera_a, actor=system_user(), detected_by="health", detail="场景变化 62%"
    )
    assert ChangeViolation.objects.filter(pk=v.pk, camera=camera_a).exists()
    event = last_event("equipment.unapproved_change")
    assert event.outcome == "failure"
    assert Notification.objects.filter(recipient=director, kind="equipment.unapproved_change").exists()
    assert Notification.objects.filter(recipient=secchief, kind="equipment.unapproved_change").exists()
