"""Retention per area class and the camera's effective retention (DATA-2, DATA-3, INC-5)."""

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
from watchroom.footage.models import AreaRetention
from watchroom.lib.errors import PermissionRefused, ValidationFailed
from watchroom.notifications.models import Notification
from watchroom.sites.tests import factories as sf


def _pharmacy(camera: Any) -> Any:
    camera.area.area_type = "pharmacy"
    camera.area.save(update_fields=["area_type"])
    return camera


def test_below_30_days_is_refused_in_chinese(director: Any, campus_a: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.set_area_retention(campus_a, "pharmacy", actor=director, required_days=29)
    assert exc.value.code == "retention_min"
    assert "30" in exc.value.message and "天" in exc.value.message
    assert not AreaRetention.objects.exists()
    assert not AuditEvent.objects.filter(action="footage.area_retention_set").exists()


def test_it_requires_the_retention_permission(operator: Any, campus_a: Any) -> None:
    with pytest.raises(PermissionRefused):
        services.set_area_retention(campus_a, "pharmacy", actor=operator, required_days=90)


def test_another_campus_is_refused(director: Any, campus_b: Any) -> None:
    with pytest.raises(PermissionRefused) as exc:
        services.set_area_retention(campus_b, "pharmacy", actor=director, required_days=90)
    assert exc.value.code == "out_of_scope"


def test_the_area_class_lengthens_the_cameras_effective_retention(director: Any, camera_a: Any) -> None:
    assert services.effective_retention(camera_a).days == 30
    assert services.effective_retention(camera_a).source == "minimum"
    _pharmacy(camera_a)
    policy = services.set_area_retention(
        camera_a.area.campus, "pharmacy", actor=director, required_days=90, reason="反恐重点目标"
    )
    event = AuditEvent.objects.get(action="footage.area_retention_set")
    assert event.target_id == str(policy.pk)
    effective = services.effective_retention(camera_a)
    assert (effective.days, effective.source) == (90, "area")


def test_the_camera_group_wins_when_longer(director: Any, camera_a: Any) -> None:
    _pharmacy(camera_a)
    services.set_area_retention(camera_a.area.campus, "pharmacy", actor=director, required_days=60)
    services.set_retention(camera_a.group, actor=director, required_days=180)
    assert services.effective_retention(camera_a).days == 180
    assert services.effective_retention(camera_a).source == "group"


def test_compliance_uses_the_effective_retention(director: Any, camera_a: Any) -> None:
    _pharmacy(camera_a)
    services.record_oldest_available(
        camera_a.group, actor=director, oldest_available=timezone.localdate() - timedelta(days=45)
    )
    assert services.effective_retention(camera_a).compliant is True
    services.set_area_retention(camera_a.area.campus, "pharmacy", actor=director, required_days=90)
    assert services.effective_retention(camera_a).compliant is False


def test_discarding_respects_the_effective_retention_and_holds(director: Any, camera_a: Any) -> None:
    _pharmacy(camera_a)
    services.set_area_retention(camera_a.area.campus, "pharmacy", actor=director, required_days=90)
    now = timezone.now()
    old = (now - timedelta(days=60, hours=1), now - timedelta(days=60))
    older = (now - timedelta(days=100, hours=1), now - timedelta(days=100))
    assert services.may_discard_recording(camera_a, *old) is False  # 60 days < 90 for a pharmacy
    assert services.may_discard_recording(camera_a, *older) is True
    services.place_hold(actor=director, cameras=[camera_a], start=older[0], end=older[1], reason="纠纷")
    assert services.may_discard_recording(camera_a, *older) is False  # the hold overrides retention


def test_shortening_waits_for_approval_and_24_hours(
    director: Any, secchief: Any, leader: Any, campus_a: Any
) -> None:
    services.set_area_retention(campus_a, "icu", actor=director, required_days=90)
    with pytest.raises(ValidationFailed) as exc:
        services.set_area_retention(campus_a, "icu", actor=secchief, required_days=30)
    assert exc.value.code == "reason_required"
    policy = services.set_area_retention(
        campus_a, "icu", actor=secchief, required_days=30, reason="扩容后调整"
    )
    assert policy.required_days == 90 and policy.pending_days == 30
    assert AuditEvent.objects.filter(action="footage.retention_shortening_requested").exists()
    for person in (director, leader):
        approvals.decide(
            policy.pending_approval, actor=person, decision="approved", reason="同意", password=PASSWORD
        )
    policy.refresh_from_db()
    assert policy.required_days == 90 and policy.pending_effective_at is not None
    assert Notification.objects.filter(recipient=director).exists()
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        assert services.apply_due_retention() == 1
    policy.refresh_from_db()
    assert policy.required_days == 30 and policy.pending_days is None


def test_the_page_sets_a_policy_and_shows_each_camera(director: Any, camera_a: Any, login: Any) -> None:
    _pharmacy(camera_a)
    client = login(director)
    response = client.post(
        reverse("footage:retention_area_edit"),
        {"campus": camera_a.area.campus_id, "area_type": "pharmacy", "required_days": 90, "reason": "反恐"},
    )
    assert response.status_code == 302
    assert AreaRetention.objects.get(area_type="pharmacy").required_days == 90
    page = client.get(reverse("footage:retention_list")).content.decode()
    assert camera_a.number in page and "90" in page
    response = client.post(
        reverse("footage:retention_area_edit"),
        {"campus": camera_a.area.campus_id, "area_type": "ward", "required_days": 20},
    )
    assert response.status_code == 200
    assert "30" in response.content.decode()
    assert not AreaRetention.objects.filter(area_type="ward").exists()


def test_the_api_sets_a_policy_and_lists_effective_retention(
    director: Any, camera_a: Any, campus_b: Any, api: Any
) -> None:
    _pharmacy(camera_a)
    client = api(director)
    response = client.post(
        "/api/v1/footage/retention-areas/",
        {"campus": camera_a.area.campus_id, "area_type": "pharmacy", "required_days": 90},
        format="json",
    )
    assert response.status_code == 201, response.content
    response = client.post(
        "/api/v1/footage/retention-areas/",
        {"campus": camera_a.area.campus_id, "area_type": "ward", "required_days": 10},
        format="json",
    )
    assert response.status_code == 400 and response.json()["code"] == "retention_min"
    other = sf.CameraFactory(area=sf.AreaFactory(campus=campus_b), number="B-9")
    rows = client.get("/api/v1/footage/retention-areas/effective/").json()
    rows = rows.get("results", rows)
    by_number = {r["number"]: r for r in rows}
    assert by_number[camera_a.number]["required_days"] == 90
    assert other.number not in by_number
