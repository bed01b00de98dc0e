"""The retention register (DATA-2): at least 30 days; shortening needs approval and 24 h notice."""

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
from watchroom.lib.errors import ValidationFailed
from watchroom.notifications.models import Notification


def test_retention_below_30_days_is_refused(director: Any, camera_a: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.set_retention(camera_a.group, actor=director, required_days=15)
    assert exc.value.code == "retention_min"


def test_lengthening_applies_at_once(director: Any, camera_a: Any) -> None:
    rule = services.set_retention(camera_a.group, actor=director, required_days=90)
    assert rule.required_days == 90
    assert AuditEvent.objects.filter(action="footage.retention_set").exists()


def test_shortening_waits_for_approval_and_24_hours(
    director: Any, secchief: Any, deputy: Any, leader: Any, camera_a: Any
) -> None:
    services.set_retention(camera_a.group, actor=director, required_days=90)
    rule = services.set_retention(
        camera_a.group, actor=secchief, required_days=30, reason="存储扩容前临时调整"
    )
    assert rule.required_days == 90 and rule.pending_days == 30
    for person in (director, leader):
        approvals.decide(
            rule.pending_approval, actor=person, decision="approved", reason="同意", password=PASSWORD
        )
    rule.refresh_from_db()
    assert rule.required_days == 90 and rule.pending_effective_at is not None
    assert Notification.objects.filter(recipient=director).exists()
    assert services.apply_due_retention() == 0
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        assert services.apply_due_retention() == 1
    rule.refresh_from_db()
    assert rule.required_days == 30 and rule.pending_days is None


def test_compliance_uses_the_oldest_recording(director: Any, camera_a: Any) -> None:
    rule = services.record_oldest_available(
        camera_a.group, actor=director, oldest_available=timezone.localdate() - timedelta(days=20)
    )
    assert rule.compliant is False
    assert AuditEvent.objects.filter(action="footage.retention_checked").exists()
