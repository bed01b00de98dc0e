"""Role matrix for the approvals pages and API (GOV-3). The request used is campus A's, filed by the
operator and waiting at level 1 (centre director of the same campus)."""

from __future__ import annotations

from typing import Any

from watchroom.accounts.tests.factories import PASSWORD
from watchroom.testing.matrix import Case, World

REQUESTERS = ("leader", "secchief", "director", "deputy", "operator", "engineer", "itstaff", "headnurse")
DECIDERS = ("leader", "secchief", "director", "deputy", "itstaff")
VIEW_ALL = ("leader", "secchief", "director", "deputy", "auditor")
# Who sees campus A's request filed by the operator: the requester, the level-1 approver, view_all holders.
SEES = {
    "operator": 200,
    "leader": 200,
    "secchief": 200,
    "director": 200,
    "deputy": 200,
    "auditor": 200,
    "engineer": 404,
    "itstaff": 404,
    "headnurse": 404,
}


def _request(w: World) -> Any:
    if "request" not in w.extra:
        from watchroom.approvals.tests.factories import file_request, pdf

        w.extra["request"] = file_request(w.users["operator"], campus=w.campus_a, attachments=[pdf()])
    return w.extra["request"]


def _req_args(w: World) -> list[Any]:
    return [_request(w).pk]


def _attachment_args(w: World) -> list[Any]:
    req = _request(w)
    return [req.pk, req.attachments.get().pk]


def _policy_args(w: World) -> list[Any]:
    from watchroom.approvals import services

    services.get_policy("general")
    return ["general"]


_DECIDE = {"decision": "approved", "reason": "同意", "password": PASSWORD, "otp": ""}

CASES = [
    Case("approvals:inbox", expect=dict.fromkeys(DECIDERS, 200)),
    Case("approvals:mine", expect=dict.fromkeys(REQUESTERS, 200)),
    Case("approvals:all", expect=dict.fromkeys(VIEW_ALL, 200)),
    Case("approvals:create", expect=dict.fromkeys(REQUESTERS, 200)),
    Case("approvals:detail", expect=SEES, args=_req_args, outsider=404),
    Case("approvals:attachment", expect=SEES, args=_attachment_args, outsider=404),
    Case(
        "approvals:decide",
        method="post",
        args=_req_args,
        data=_DECIDE,
        outsider=403,
        expect={"leader": 302, "secchief": 302, "director": 302, "deputy": 302, "itstaff": 404},
    ),
    Case(
        "approvals:withdraw",
        method="post",
        args=_req_args,
        data={"reason": "不需要了"},
        outsider=404,
        expect={p: 302 if s == 200 else s for p, s in SEES.items() if p != "auditor"},
    ),
    Case("approvals:policy_list", expect={"secadmin": 200}),
    Case("approvals:policy_edit", expect={"secadmin": 200}, args=_policy_args),
    Case(
        "approvals:policy_edit",
        method="post",
        expect={"secadmin": 302},
        args=_policy_args,
        label="save",
        data={
            "levels": '[{"role": "leader"}]',
            "pending_expiry_hours": 48,
            "validity_hours": 24,
            "active": "on",
        },
    ),
    # API
    Case("approvals-list", expect={**dict.fromkeys(REQUESTERS, 200), "auditor": 200}),
    Case(
        "approvals-list",
        method="post",
        label="submit",
        expect=dict.fromkeys(REQUESTERS, 201),
        data={"kind": "general", "title": "其他事项", "reason": "测试"},
    ),
    Case("approvals-detail", expect=SEES, args=_req_args, outsider=404),
    Case(
        "approvals-decide",
        method="post",
        args=_req_args,
        data=_DECIDE,
        outsider=403,
        expect={"director": 200, "itstaff": 404},
    ),
    Case(
        "approvals-withdraw",
        method="post",
        args=_req_args,
        data={"reason": "不需要了"},
        outsider=404,
        expect={"operator": 200, "engineer": 404, "itstaff": 404, "headnurse": 404},
    ),
    Case("approval-policies-list", expect={"secadmin": 200}),
    Case("approval-policies-detail", expect={"secadmin": 200}, args=_policy_args),
    Case(
        "approval-policies-detail",
        method="patch",
        label="update",
        expect={"secadmin": 200},
        args=_policy_args,
        data={"pending_expiry_hours": 48},
    ),
]
