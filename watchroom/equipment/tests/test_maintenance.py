"""Preventive maintenance (EQP-4): plans issue work orders, overdue list, signed records."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from watchroom.accounts.tests.factories import PASSWORD
from watchroom.equipment import services
from watchroom.equipment.models import WorkOrder
from watchroom.lib.errors import SignatureFailed, ValidationFailed

from .factories import last_event


def _plan(campus: Any, engineer: Any, due: dt.date) -> Any:
    return services.create_plan(
        actor=engineer,
        name="摄像机季度清洁",
        campus=campus,
        device_type="camera",
        interval_months=3,
        checklist="清洁镜头\n检查对焦",
        assignee=engineer,
        next_due=due,
    )


def test_a_quarterly_plan_issues_its_work_orders(campus_a: Any, engineer: Any) -> None:
    today = dt.date(2026, 1, 10)
    plan = _plan(campus_a, engineer, dt.date(2026, 1, 15))
    assert last_event("equipment.plan_created").outcome == "success"
    assert services.issue_due_work_orders(today) == 1
    assert services.issue_due_work_orders(today) == 0
    plan.refresh_from_db()
    assert plan.next_due == dt.date(2026, 4, 15)
    wo = plan.work_orders.get()
    assert wo.checklist == ["清洁镜头", "检查对焦"] and wo.assignee == engineer
    assert last_event("equipment.workorder_issued").outcome == "success"


def test_overdue_work_orders_are_listed(campus_a: Any, engineer: Any, login: Any) -> None:
    _plan(campus_a, engineer, dt.date.today() - dt.timedelta(days=3))
    services.issue_due_work_orders()
    assert WorkOrder.objects.overdue().count() == 1
    response = login(engineer).get("/equipment/work-orders/?overdue=true")
    assert response.context["count"] == 1


def test_it_completes_with_the_engineers_signature(campus_a: Any, engineer: Any) -> None:
    _plan(campus_a, engineer, dt.date.today())
    services.issue_due_work_orders()
    wo = WorkOrder.objects.get()
    results = [{"item": "清洁镜头", "ok": True}, {"item": "检查对焦", "ok": False, "note": "跑焦"}]
    wo = services.complete_work_order(wo, actor=engineer, results=results, password=PASSWORD)
    assert wo.status == "done" and wo.all_passed is False and wo.signature.signer == engineer
    assert wo.on_time is True
    assert last_event("equipment.workorder_completed").outcome == "success"
    assert last_event("approvals.signature_made").target_id == str(wo.pk)


def test_a_wrong_password_signs_nothing_and_is_audited(campus_a: Any, engineer: Any) -> None:
    _plan(campus_a, engineer, dt.date.today())
    services.issue_due_work_orders()
    wo = WorkOrder.objects.get()
    results = [{"item": "清洁镜头", "ok": True}, {"item": "检查对焦", "ok": True}]
    with pytest.raises(SignatureFailed):
        services.complete_work_order(wo, actor=engineer, results=results, password="wrong")
    wo.refresh_from_db()
    assert wo.status == "open"
    assert last_event("approvals.signature_failed").outcome == "failure"


def test_every_item_needs_a_result(campus_a: Any, engineer: Any) -> None:
    _plan(campus_a, engineer, dt.date.today())
    services.issue_due_work_orders()
    with pytest.raises(ValidationFailed) as exc:
        services.complete_work_order(WorkOrder.objects.get(), actor=engineer, results=[], password=PASSWORD)
    assert exc.value.code == "result_missing"
