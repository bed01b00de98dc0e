"""Retention for a single camera (DATA-2, DATA-3: "per area class or camera"): the effective
retention is the longest of 30 days, the area class, the camera group and the camera's own rule;
shortening the camera's rule needs an approval and 24 hours' notice."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from watchroom.accounts.tests.factories import PASSWORD
from watchroom.approvals import services as approvals
from watchroom.audit.models import AuditEvent
from watchroom.footage import services
from watchroom.footage.models import CameraRetention
from watchroom.lib.errors import PermissionRefused, ValidationFailed
from watchroom.notifications.models import Notification


def test_below_30_days_is_refused(director: Any, camera_a: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.set_camera_retention(camera_a, actor=director, required_days=29)
    assert exc.value.code == "retention_min" and "30" in exc.value.message
    assert not CameraRetention.objects.exists()


def test_it_requires_the_retention_permission_and_the_campus(
    operator: Any, director: Any, camera_b: Any, camera_a: Any
) -> None:
    with pytest.raises(PermissionRefused):
        services.set_camera_retention(camera_a, actor=operator, required_days=90)
    with pytest.raises(PermissionRefused) as exc:
        services.set_camera_retention(camera_b, actor=director, required_days=90)
    assert exc.value.code == "out_of_scope"


def test_the_cameras_own_rule_wins_when_longest(director: Any, camera_a: Any) -> None:
    services.set_retention(camera_a.group, actor=director, required_days=60)
    rule = services.set_camera_retention(camera_a, actor=director, required_days=90, reason="反恐重点部位")
    event = AuditEvent.objects.get(action="footage.camera_retention_set")
    assert event.target_id == str(rule.pk) and event.changes["required_days"] == [None, 90]
    effective = services.effective_retention(camera_a)
    assert (effective.days, effective.source) == (90, "camera")
    # a camera rule shorter than its group's does not shorten the effective retention
    services.set_retention(camera_a.group, actor=director, required_days=120)
    assert services.effective_retention(camera_a).source == "group"


def test_discarding_uses_the_cameras_rule(director: Any, camera_a: Any) -> None:
    services.set_camera_retention(camera_a, actor=director, required_days=90)
    now = timezone.now()
    assert (
        services.may_discard_recording(camera_a, now - timedelta(days=61), now - timedelta(days=60)) is False
    )
    assert (
        services.may_discard_recording(camera_a, now - timedelta(days=92), now - timedelta(days=91)) is True
    )


def test_the_cameras_oldest_recording_decides_compliance(director: Any, camera_a: Any) -> None:
    services.record_oldest_available(
        camera_a.group, actor=director, oldest_available=timezone.localdate() - timedelta(days=10)
    )
    assert services.effective_retention(camera_a).compliant is False  # the group's figure
    services.record_camera_oldest(
        camera_a, actor=director, oldest_available=timezone.localdate() - timedelta(days=40)
    )
    assert services.effective_retention(camera_a).compliant is True  # the camera's own figure
    rule = CameraRetention.objects.get(camera=camera_a)
    assert rule.checked_source == "inspection" and rule.required_days is None
    assert AuditEvent.objects.filter(action="footage.retention_checked", target_id=str(rule.pk)).exists()


def test_shortening_waits_for_approval_and_24_hours(
    director: Any, secchief: Any, leader: Any, camera_a: Any
) -> None:
    services.set_camera_retention(camera_a, actor=director, required_days=90)
    with pytest.raises(ValidationFailed) as exc:
        services.set_camera_retention(camera_a, actor=secchief, required_days=30)
    assert exc.value.code == "reason_required"
    rule = services.set_camera_retention(camera_a, actor=secchief, required_days=45, reason="改为普通区域")
    assert rule.required_days == 90 and rule.pending_days == 45
    with pytest.raises(Exception) as again:
        services.set_camera_retention(camera_a, actor=secchief, required_days=40, reason="再改")
    assert getattr(again.value, "code", "") == "already_pending"
    assert services.effective_retention(camera_a).days == 90
    for person in (director, leader):
        approvals.decide(
            rule.pending_approval, actor=person, decision="approved", reason="同意", password=PASSWORD
        )
    rule.refresh_from_db()
    assert rule.required_days == 90 and rule.pending_effective_at is not None
    assert Notification.objects.filter(recipient=director, title__contains=camera_a.number).exists()
    assert services.apply_due_retention() == 0  # not before 24 hours
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        assert services.apply_due_retention() == 1
    rule.refresh_from_db()
    assert rule.required_days == 45 and rule.pending_days is None
    assert services.effective_retention(camera_a).days == 45


def test_a_refused_shortening_changes_nothing(director: Any, secchief: Any, camera_a: Any) -> None:
    services.set_camera_retention(camera_a, actor=director, required_days=90)
    rule = services.set_camera_retention(camera_a, actor=secchief, required_days=30, reason="调整")
    approvals.decide(
        rule.pending_approval, actor=director, decision="rejected", reason="不同意", password=PASSWORD
    )
    rule.refresh_from_db()
    assert rule.required_days == 90 and rule.pending_days is None


def test_the_page_sets_a_cameras_rule(director: Any, camera_a: Any, login: Any) -> None:
    client = login(director)
    assert client.get(reverse("footage:retention_camera_edit") + f"?camera={camera_a.pk}").status_code == 200
    response = client.post(
        reverse("footage:retention_camera_edit"),
        {"camera": camera_a.pk, "required_days": 180, "reason": "反恐"},
    )
    assert response.status_code == 302
    assert CameraRetention.objects.get(camera=camera_a).required_days == 180
    page = client.get(reverse("footage:retention_list")).content.decode()
    assert "own-camera-retention" in page and "180" in page and "retention-compliance" in page
    response = client.post(
        reverse("footage:retention_camera_edit"), {"camera": camera_a.pk, "required_days": 10}
    )
    assert response.status_code == 200 and "30" in response.content.decode()
    response = client.post(reverse("footage:retention_camera_edit"), {"camera": camera_a.pk})
    assert response.status_code == 200  # neither days nor oldest recording
    assert CameraRetention.objects.get(camera=camera_a).required_days == 180


def test_the_api_sets_a_cameras_rule_and_scopes_it(
    director: Any, camera_a: Any, camera_b: Any, outsider: Any, api: Any
) -> None:
    client = api(director)
    response = client.post(
        "/api/v1/footage/retention-cameras/", {"camera": camera_a.pk, "required_days": 90}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["required_days"] == 90
    response = client.post(
        "/api/v1/footage/retention-cameras/", {"camera": camera_a.pk, "required_days": 10}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "retention_min"
    response = client.post(
        "/api/v1/footage/retention-cameras/", {"camera": camera_b.pk, "required_days": 90}, format="json"
    )
    assert response.status_code == 400  # another campus's camera is not even a choice
    rows = client.get("/api/v1/footage/retention-areas/effective/").json()
    rows = rows.get("results", rows)
    assert {r["number"]: r for r in rows}[camera_a.number]["source"] == "camera"
    pk = CameraRetention.objects.get(camera=camera_a).pk
    assert api(outsider).get(f"/api/v1/footage/retention-cameras/{pk}/").status_code == 404
