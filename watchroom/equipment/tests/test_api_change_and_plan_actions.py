"""API actions (EQP-4, EQP-6): a change request is recorded as carried out only once approved
(director, then leader); a plan's due work orders are issued on request."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from watchroom.accounts.tests.factories import PASSWORD
from watchroom.approvals import services as approvals
from watchroom.equipment import services
from watchroom.equipment.models import WorkOrder

from .factories import last_event

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_a_change_is_implemented_through_the_api_only_once_approved(
    camera_a: Any, operator: Any, director: Any, leader: Any, engineer: Any, api: Any
) -> None:
    cr = services.submit_change_request(
        actor=operator,
        camera=camera_a,
        kind="ptz_preset",
        before_value="预置位1: 南门",
        after_value="预置位1: 挂号窗口",
        reason="纠纷多发",
        snapshot=ContentFile(PNG, name="ref.png"),
    )
    eng = api(engineer)
    url = f"/api/v1/equipment/change-requests/{cr.pk}/implement/"
    r = eng.post(url, {"note": "已调整"}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "not_approved"
    for approver in (director, leader):
        cr.approval.refresh_from_db()
        approvals.decide(cr.approval, actor=approver, decision="approved", reason="同意", password=PASSWORD)
    assert api(operator).post(url, {}, format="json").status_code == 403
    r = eng.post(url, {"note": "已调整"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "implemented"
    assert last_event("equipment.change_implemented").note == "已调整"


def test_the_due_work_orders_are_issued_through_the_api(campus_a: Any, engineer: Any, api: Any) -> None:
    due = timezone.localdate() + dt.timedelta(days=2)
    plan = services.create_plan(
        actor=engineer,
        name="摄像机季度清洁",
        campus=campus_a,
        device_type="camera",
        interval_months=3,
        checklist="镜头清洁\n对焦检查",
        assignee=engineer,
        next_due=due,
        lead_days=7,
    )
    r = api(engineer).post("/api/v1/equipment/plans/issue/", {}, format="json")
    assert r.status_code == 200 and r.json() == {"issued": 1}
    assert WorkOrder.objects.get(plan=plan).due_date == due
    plan.refresh_from_db()
    assert plan.next_due == services.add_months(due, 3)
    assert api(engineer).post("/api/v1/equipment/plans/issue/", {}, format="json").json() == {"issued": 0}
