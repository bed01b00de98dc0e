"""Role-matrix cases for the equipment pages and API (GOV-3): read with equipment.view, ledger and
plans with equipment.manage, faults by equipment.report_fault / work / verify, KPIs with
equipment.kpi; campus-A objects are 404 for the campus-B operator."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from watchroom.accounts.services import system_user
from watchroom.accounts.tests.factories import PASSWORD
from watchroom.equipment import services
from watchroom.testing.matrix import Case

VIEWERS = ("leader", "secchief", "director", "deputy", "operator", "engineer", "itstaff", "auditor")
MANAGERS = ("director", "deputy", "engineer")
REPORTERS = ("director", "deputy", "operator", "engineer")
VERIFIERS = ("director", "deputy", "operator")
KPI = ("leader", "secchief", "director", "deputy", "engineer", "auditor")
OVERSEERS = ("secchief", "director")
WORKERS = ("director", "deputy", "engineer")  # equipment.work or equipment.manage
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


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


def file_a(w: Any) -> list[Any]:
    item = services.attach_file(
        actor=system_user(), upload=ContentFile(PNG, name="p.png"), device=_device(w), caption="照片"
    )
    return [item.pk]


def violation_a(w: Any) -> list[Any]:
    v = services.record_unapproved_change(
        w.camera_a, actor=system_user(), detected_by="巡查", detail="视角被转动", kind="field_of_view"
    )
    return [v.pk]


def rule_a(w: Any) -> list[Any]:
    if "coverage_rule" not in w.extra:  # one line per world: a second identical line is refused
        w.extra["coverage_rule"] = services.add_coverage_rule(
            actor=system_user(), scope="area_type", area_type="lift", campus=w.campus_a
        )
    return [w.extra["coverage_rule"].pk]


def upload(w: Any) -> dict[str, Any]:
    return {"file": SimpleUploadedFile("p.png", PNG), "caption": "照片"}


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
    # photos and documents
    Case(
        "equipment:device_file_upload", method="post", expect=only(MANAGERS, 302), args=device_a, data=upload
    ),
    Case("equipment:workorder_file_upload", method="post", expect=only(WORKERS, 302), args=wo_a, data=upload),
    Case("equipment:file_content", expect=only(VIEWERS), outsider=404, args=file_a),
    Case("equipment:file_void", method="post", expect=only(MANAGERS, 302), args=file_a, data=REASON),
    # unapproved changes
    Case("equipment:violation_list", expect=only(VIEWERS)),
    Case("equipment:violation_create", expect=only(REPORTERS)),
    Case(
        "equipment:violation_void",
        method="post",
        expect=only(OVERSEERS, 302),
        args=violation_a,
        data=REASON,
    ),
    # coverage and KPIs
    Case("equipment:coverage", expect=only(VIEWERS)),
    Case("equipment:coverage_rules", expect=only(OVERSEERS)),
    Case("equipment:coverage_rule_end", method="post", expect=only(OVERSEERS, 302), args=rule_a, data=REASON),
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
    # pending (not yet approved): a manager gets past the permission to the rule, 409 not_approved
    Case("equipment-change-implement", method="post", expect=only(MANAGERS, 409), args=change_a),
    Case("equipment-plan-issue", method="post", expect=only(MANAGERS)),
    Case("equipment-file-list", expect=only(VIEWERS)),
    Case("equipment-file-detail", expect=only(VIEWERS), outsider=404, args=file_a),
    Case("equipment-file-content", expect=only(VIEWERS), outsider=404, args=file_a),
    Case("equipment-file-void", method="post", expect=only(MANAGERS), args=file_a, data=REASON),
    Case("equipment-violation-list", expect=only(VIEWERS)),
    Case("equipment-violation-detail", expect=only(VIEWERS), outsider=404, args=violation_a),
    Case(
        "equipment-violation-void",
        method="post",
        expect=only(OVERSEERS),
        args=violation_a,
        data=REASON,
    ),
    Case("equipment-coverage-rule-list", expect=only(VIEWERS)),
    Case("equipment-coverage-rule-detail", expect=only(VIEWERS), outsider=404, args=rule_a),
    Case("equipment-coverage-rule-end", method="post", expect=only(OVERSEERS), args=rule_a, data=REASON),
]
