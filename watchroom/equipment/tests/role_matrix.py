"""Role-matrix cases for the equipment pages and API (GOV-3): read with equipment.view, ledger and
plans with equipment.manage, faults by equipment.report_fault / work / verify, KPIs with
equipment.kpi; campus-A objects are 404 for the campus-B operator."""

from __future__ import annotations

import datetime as dt
from typing import Any

from watchroom.accounts.services import system_user
from watchroom.accounts.tests.factories import PASSWORD
from watchroom.equipment import services
from watchroom.testing.matrix import Case

VIEWERS = ("leader", "secchief", "director", "deputy", "operator", "engineer", "itstaff", "auditor")
MANAGERS = ("director", "deputy", "engineer")
REPORTERS = ("director", "deputy", "operator", "engineer")
VERIFIERS = ("director", "deputy", "operator")
KPI = ("leader", "secchief", "director", "deputy", "engineer", "auditor")


def only(people: tuple[str, ...], status: int = 200) -> dict[str, int]:
    return dict.fromkeys(people, status)


def _device(w: Any) -> Any:
    return services.create_device(
        actor=system_user(), device_type="ups", campus=w.campus_a, name="UPS-1", serial=""
    )


def device_a(w: Any) -> list[Any]:
    return [_device(w).pk]


def _fault(w: Any, state: str = "reported") -> Any:
    fault = services.report_fault(actor=system_user(), device=_device(w), symptom="告警")
    if state in ("repaired", "verified"):
        fault = services.mark_repaired(fault, actor=system_user(), resolution="ok")
    if state == "verified":
        fault = services.verify_fault(fault, actor=w.users["deputy"])
    return fault


def fault_a(w: Any) -> list[Any]:
    return [_fault(w).pk]


def _plan(w: Any) -> Any:
    return services.create_plan(
        actor=system_user(),
        name="UPS 电池测试",
        campus=w.campus_a,
        device_type="ups",
        interval_months=3,
        checklist="电池电压\n放电测试",
        assignee=w.users["engineer"],
        next_due=dt.date.today(),
    )


def plan_a(w: Any) -> list[Any]:
    return [_plan(w).pk]


def _work_order(w: Any) -> Any:
    plan = _plan(w)
    services.issue_due_work_orders(actor=system_user())
    return plan.work_orders.get()


def wo_a(w: Any) -> list[Any]:
    return [_work_order(w).pk]


def change_a(w: Any) -> list[Any]:
    cr = services.submit_change_request(
        actor=w.users["operator"],
        camera=w.camera_a,
        kind="ptz_preset",
        before_value="预置位1: 大门",
        after_value="预置位1: 挂号窗口",
        reason="调整",
    )
    return [cr.pk]


COMPLETE = {
    "results": [{"item": "电池电压", "ok": True}, {"item": "放电测试", "ok": True}],
    "password": PASSWORD,
}
REASON = {"reason": "测试"}
NOTE = {"note": "处理说明"}

CASES = [
    # ledger pages
    Case("equipment:device_list", expect=only(VIEWERS)),
    Case("equipment:device_detail", expect=only(VIEWERS), outsider=404, args=device_a),
    Case("equipment:device_create", expect=only(MANAGERS)),
    Case("equipment:device_edit", expect=only(MANAGERS), args=device_a),
    Case("equipment:device_retire", method="post", expect=only(MANAGERS, 302), args=device_a, data=REASON),
    Case("equipment:device_sync", method="post", expect=only(MANAGERS, 302)),
    Case("equipment:device_import", expect=only(MANAGERS)),
    Case("equipment:device_export", expect=only(VIEWERS), query="format=xlsx"),
    Case("equipment:device_template", expect=only(MANAGERS)),
    # faults
    Case("equipment:fault_list", expect=only(VIEWERS)),
    Case("equipment:fault_detail", expect=only(VIEWERS), outsider=404, args=fault_a),
    Case("equipment:fault_report", expect=only(REPORTERS)),
    Case("equipment:sla_settings", expect=only(MANAGERS)),
    Case(
        "equipment:fault_action",
        method="post",
        expect=only(("engineer",), 302),
        args=lambda w: [_fault(w).pk, "acknowledge"],
        label="acknowledge",
    ),
    Case(
        "equipment:fault_action",
        method="post",
        expect=only(VERIFIERS, 302),
        outsider=404,
        args=lambda w: [_fault(w, "repaired").pk, "verify"],
        label="verify",
    ),
    # maintenance
    Case("equipment:plan_list", expect=only(VIEWERS)),
    Case("equipment:plan_detail", expect=only(VIEWERS), outsider=404, args=plan_a),
    Case("equipment:plan_create", expect=only(MANAGERS)),
    Case("equipment:plan_edit", expect=only(MANAGERS), args=plan_a),
    Case("equipment:plan_issue", method="post", expect=only(MANAGERS, 302)),
    Case("equipment:workorder_list", expect=only(VIEWERS)),
    Case("equipment:workorder_detail", expect=only(VIEWERS), outsider=404, args=wo_a),
    Case("equipment:workorder_complete", expect=only(("engineer",)), args=wo_a),
    Case("equipment:workorder_void", method="post", expect=only(MANAGERS, 302), args=wo_a, data=REASON),
    # change control
    Case("equipment:change_list", expect=only(VIEWERS)),
    Case("equipment:change_detail", expect=only(VIEWERS), outsider=404, args=change_a),
    Case("equipment:change_create", expect=only(REPORTERS)),
    Case("equipment:change_implement", method="post", expect=only(MANAGERS, 302), args=change_a),
    # coverage and KPIs
    Case("equipment:coverage", expect=only(VIEWERS)),
    Case("equipment:kpi", expect=only(KPI)),
    # API
    Case("equipment-device-list", expect=only(VIEWERS)),
    Case("equipment-device-detail", expect=only(VIEWERS), outsider=404, args=device_a),
    Case("equipment-device-retire", method="post", expect=only(MANAGERS), args=device_a, data=REASON),
    Case("equipment-device-import-file", method="post", expect=only(MANAGERS, 415), data={}),
    Case("equipment-fault-list", expect=only(VIEWERS)),
    Case("equipment-fault-detail", expect=only(VIEWERS), outsider=404, args=fault_a),
    Case("equipment-fault-acknowledge", method="post", expect=only(("engineer",)), args=fault_a),
    Case("equipment-fault-start-repair", method="post", expect=only(("engineer",)), args=fault_a),
    Case("equipment-fault-repaired", method="post", expect=only(("engineer",)), args=fault_a, data=NOTE),
    Case(
        "equipment-fault-verify",
        method="post",
        expect=only(VERIFIERS),
        outsider=404,
        args=lambda w: [_fault(w, "repaired").pk],
    ),
    Case(
        "equipment-fault-reopen",
        method="post",
        expect=only(VERIFIERS),
        outsider=404,
        args=lambda w: [_fault(w, "repaired").pk],
        data=NOTE,
    ),
    Case(
        "equipment-fault-close",
        method="post",
        expect=only(VERIFIERS),
        outsider=404,
        args=lambda w: [_fault(w, "verified").pk],
    ),
    Case("equipment-plan-list", expect=only(VIEWERS)),
    Case("equipment-plan-detail", expect=only(VIEWERS), outsider=404, args=plan_a),
    Case("equipment-workorder-list", expect=only(VIEWERS)),
    Case("equipment-workorder-detail", expect=only(VIEWERS), outsider=404, args=wo_a),
    Case("equipment-workorder-complete", method="post", expect=only(("engineer",)), args=wo_a, data=COMPLETE),
    Case("equipment-workorder-void", method="post", expect=only(MANAGERS), args=wo_a, data=REASON),
    Case("equipment-change-list", expect=only(VIEWERS)),
    Case("equipment-change-detail", expect=only(VIEWERS), outsider=404, args=change_a),
]
