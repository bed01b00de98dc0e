"""Holds (INC-5) and destruction (DATA-9): the record stays, the file goes, never under a hold."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from watchroom.accounts.services import system_user
from watchroom.accounts.tests.factories import PASSWORD
from watchroom.approvals import services as approvals
from watchroom.audit.models import AuditEvent
from watchroom.footage import services, vault
from watchroom.footage.models import EvidenceFile, Hold
from watchroom.lib.errors import InvalidTransition, PermissionRefused


def _release_hold(hold: Any, operator: Any, director: Any, leader: Any) -> None:
    services.request_hold_release(hold.pk, actor=operator, reason="案件已结")
    hold.refresh_from_db()
    for person in (director, leader):
        approvals.decide(
            hold.release_approval, actor=person, decision="approved", reason="同意", password=PASSWORD
        )


def test_an_operator_places_a_hold_before_any_request(operator: Any, camera_a: Any) -> None:
    now = timezone.now()
    hold = services.place_hold(
        actor=operator,
        cameras=[camera_a],
        start=now - timedelta(hours=2),
        end=now,
        reason="急诊冲突",
        source="manual",
    )
    assert hold.status == "active" and hold.campus == camera_a.area.campus
    assert AuditEvent.objects.filter(action="footage.hold_placed", target_id=str(hold.pk)).exists()


def test_alarms_place_holds_with_the_system_actor(camera_a: Any) -> None:
    now = timezone.now()
    hold = services.place_hold(
        actor=system_user(),
        cameras=[camera_a],
        start=now - timedelta(minutes=5),
        end=now,
        reason="报警",
        source="alarm",
    )
    assert hold.source == "alarm"


def test_an_outsider_cannot_hold_another_campus(outsider: Any, camera_a: Any) -> None:
    now = timezone.now()
    with pytest.raises(PermissionRefused):
        services.place_hold(
            actor=outsider, cameras=[camera_a], start=now - timedelta(hours=1), end=now, reason="x"
        )


def test_held_evidence_cannot_be_destroyed(exported: Any, director: Any) -> None:
    evidence, _upload = exported
    with pytest.raises(InvalidTransition) as exc:
        services.request_destruction(evidence.pk, actor=director, reason="到期")
    assert exc.value.code == "under_hold"


def test_releasing_a_hold_needs_an_approval(exported: Any, operator: Any, director: Any, leader: Any) -> None:
    evidence, _upload = exported
    hold = services.holds_covering(evidence)[0]
    services.request_hold_release(hold.pk, actor=operator, reason="案件已结")
    hold.refresh_from_db()
    assert hold.status == Hold.Status.RELEASE_PENDING and services.holds_covering(evidence)
    for person in (director, leader):
        approvals.decide(
            hold.release_approval, actor=person, decision="approved", reason="同意", password=PASSWORD
        )
    hold.refresh_from_db()
    assert hold.status == Hold.Status.RELEASED
    assert AuditEvent.objects.filter(action="footage.hold_released").exists()


def test_destruction_with_a_leaders_approval_keeps_the_record(
    exported: Any, operator: Any, director: Any, leader: Any, django_capture_on_commit_callbacks: Any
) -> None:
    evidence, _upload = exported
    _release_hold(services.holds_covering(evidence)[0], operator, director, leader)
    approval = services.request_destruction(evidence.pk, actor=director, reason="保存期满，案件已结")
    path = vault.raw_path(evidence.vault_path)
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        approvals.decide(approval, actor=leader, decision="approved", reason="同意销毁", password=PASSWORD)
    evidence = EvidenceFile.objects.get(pk=evidence.pk)
    assert evidence.status == "destroyed" and evidence.sha256 and evidence.destroyed_reason
    assert not path.exists()
    assert evidence.custody.filter(action="destroyed").exists()
    assert AuditEvent.objects.filter(action="footage.evidence_destroyed", outcome="success").exists()
