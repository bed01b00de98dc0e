"""Unapproved changes found by hand (EQP-6): recorded through `record_unapproved_change` from the
violations page or the API, listed with filters, voided with a reason (never deleted)."""

from __future__ import annotations

from typing import Any

import pytest

from watchroom.equipment import services
from watchroom.equipment.models import ChangeViolation
from watchroom.lib.errors import InvalidTransition, ValidationFailed
from watchroom.notifications.models import Notification

from .factories import last_event


def test_an_operator_records_a_change_found_on_patrol(
    camera_a: Any, operator: Any, director: Any, login: Any
) -> None:
    r = login(operator).post(
        "/equipment/violations/new/",
        {"camera": camera_a.pk, "kind": "field_of_view", "how_found": "巡查", "detail": "镜头被转向病房门"},
    )
    assert r.status_code == 302
    v = ChangeViolation.objects.get()
    assert (v.camera, v.kind, v.detected_by, v.recorded_by) == (camera_a, "field_of_view", "巡查", operator)
    event = last_event("equipment.unapproved_change")
    assert event.outcome == "failure" and event.changes["kind"] == "field_of_view"
    assert Notification.objects.filter(recipient=director, kind="equipment.unapproved_change").exists()


def test_the_form_needs_a_detail(camera_a: Any, operator: Any, login: Any) -> None:
    r = login(operator).post(
        "/equipment/violations/new/",
        {"camera": camera_a.pk, "kind": "move", "how_found": "巡查", "detail": ""},
    )
    assert r.status_code == 400 and ChangeViolation.objects.count() == 0


def test_a_camera_outside_the_scope_cannot_be_chosen(camera_b: Any, operator: Any, login: Any) -> None:
    r = login(operator).post(
        "/equipment/violations/new/", {"camera": camera_b.pk, "kind": "move", "how_found": "x", "detail": "y"}
    )
    assert r.status_code == 400 and ChangeViolation.objects.count() == 0


def test_the_list_filters_by_change_and_state(
    camera_a: Any, operator: Any, director: Any, login: Any
) -> None:
    a = services.record_unapproved_change(
        camera_a, actor=operator, detected_by="巡查", detail="a", kind="move"
    )
    b = services.record_unapproved_change(camera_a, actor=operator, detected_by="health", detail="b")
    services.void_unapproved_change(b, actor=director, reason="误报")
    client = login(director)
    page = client.get("/equipment/violations/", {"kind": "move"}).context["page"]
    assert [v.pk for v in page] == [a.pk]
    page = client.get("/equipment/violations/", {"state": "void"}).context["page"]
    assert [v.pk for v in page] == [b.pk]
    assert client.get("/equipment/violations/").context["count"] == 2


def test_the_director_voids_with_a_reason_and_the_row_stays(
    camera_a: Any, operator: Any, director: Any, login: Any
) -> None:
    v = services.record_unapproved_change(
        camera_a, actor=operator, detected_by="巡查", detail="x", kind="move"
    )
    with pytest.raises(ValidationFailed):
        services.void_unapproved_change(v, actor=director, reason=" ")
    r = login(director).post(f"/equipment/violations/{v.pk}/void/", {"reason": "已补办审批"})
    assert r.status_code == 302
    v.refresh_from_db()
    assert v.is_void and v.void_reason == "已补办审批" and v.voided_by == director
    assert last_event("equipment.unapproved_change_voided").note == "已补办审批"
    with pytest.raises(InvalidTransition) as exc:
        services.void_unapproved_change(v, actor=director, reason="again")
    assert "已作废" in str(exc.value.message)
    assert login(operator).post(f"/equipment/violations/{v.pk}/void/", {"reason": "x"}).status_code == 403


def test_a_violation_of_another_campus_is_404(
    camera_a: Any, operator: Any, outsider: Any, login: Any
) -> None:
    services.record_unapproved_change(camera_a, actor=operator, detected_by="巡查", detail="x")
    assert login(outsider).get("/equipment/violations/").context["count"] == 0


def test_the_api_records_lists_and_voids(camera_a: Any, operator: Any, director: Any, api: Any) -> None:
    r = api(operator).post(
        "/api/v1/equipment/violations/",
        {"camera": camera_a.pk, "kind": "privacy_mask", "detected_by": "调阅录像", "detail": "遮挡被取消"},
        format="json",
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["kind"] == "privacy_mask"
    assert api(operator).get("/api/v1/equipment/violations/?kind=privacy_mask").json()["count"] == 1
    assert (
        api(operator)
        .post(f"/api/v1/equipment/violations/{pk}/void/", {"reason": "x"}, format="json")
        .status_code
        == 403
    )
    r = api(director).post(f"/api/v1/equipment/violations/{pk}/void/", {"reason": "误报"}, format="json")
    assert r.status_code == 200 and r.json()["void_reason"] == "误报"
    r = api(director).post(f"/api/v1/equipment/violations/{pk}/void/", {"reason": "误报"}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "already_void"
