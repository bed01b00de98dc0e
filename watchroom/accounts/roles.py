"""Roles and their permissions: the one place in code that says who may do what (GOV-3, 等保 8.1.4.2).

A permission is a code "area.action". Views check them with `permission_required`, the API with
`HasPermission`, services with `require(user, code)`. The page /accounts/roles/ renders this table.

Administration is split three ways (三员分立): the system administrator configures and sees no
business data and no audit trail; the security administrator manages accounts, roles, scopes and
approval policies and sees no business data; the audit administrator reads the audit trail only.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    LEADER = "leader", _("Hospital leader")
    SECURITY_HEAD = "security_head", _("Security department head")
    DIRECTOR = "director", _("Centre director")
    DEPUTY = "deputy", _("Deputy director")
    OPERATOR = "operator", _("Operator")
    ENGINEER = "engineer", _("Maintenance engineer")
    IT = "it", _("IT department")
    DEPT_HEAD = "dept_head", _("Department head / head nurse")
    AUDITOR = "auditor", _("Auditor")
    SYSADMIN = "sysadmin", _("System administrator")
    SECADMIN = "secadmin", _("Security administrator")
    AUDITADMIN = "auditadmin", _("Audit administrator")


# code -> label. Later modules add their codes here.
PERMISSIONS: dict[str, Any] = {  # code -> lazy translated label
    "sites.view": _("View campuses, areas, rooms, cameras and recorders"),
    "sites.manage": _("Create, edit and import sites and cameras"),
    "sites.view_credentials": _("Read camera credentials"),
    "approvals.request": _("File approval requests"),
    "approvals.decide": _("Decide approval requests (approver)"),
    "approvals.view_all": _("See every approval request in scope"),
    "approvals.manage_policy": _("Edit approval policies"),
    "audit.view": _("Read the audit trail"),
    "audit.export": _("Export the audit trail"),
    "accounts.manage": _("Manage accounts, roles and scopes; offboard users"),
    "accounts.view_roles": _("See the role and permission table"),
    "regulations.view": _("Read the hospital's regulations"),
    "regulations.manage": _("Publish new versions of regulations"),
    # equipment (issue 5)
    "equipment.view": _("View the equipment ledger, faults and maintenance"),
    "equipment.manage": _("Edit and import the equipment ledger; maintenance plans"),
    "equipment.report_fault": _("Register equipment faults"),
    "equipment.work": _("Repair faults and carry out maintenance work orders"),
    "equipment.verify": _("Verify repaired faults"),
    "equipment.change_request": _("File change requests for camera views and settings"),
    "equipment.kpi": _("See equipment KPIs"),
    "equipment.oversee": _("Keep the required-coverage list; void recorded unapproved changes"),
    # duty (issue 3)
    "duty.view": _("See rotas, shifts, duty logs and inspections"),
    "duty.work": _("Work a shift: sign in, write the duty log, inspect, hand over"),
    "duty.manage": _("Edit and publish rotas, shift templates and duty settings"),
    "duty.supervise": _("Check sign-ins, record violations"),
    "duty.signoff": _("Sign off shift, daily and weekly reports"),
    # camera health (issue 6)
    "health.view": _("See camera health, thumbnails and probe results"),
    "health.run": _("Run a diagnosis of a camera"),
    "health.manage": _("Edit health thresholds and reference snapshots"),
    # footage and evidence (issue 4)
    "footage.view": _("See footage requests, the viewing register and holds"),
    "footage.request": _("Register footage requests"),
    "footage.operate": _("Register viewings, upload exports, release copies"),
    "footage.vault": _("Access evidence vault files (each access on the custody log)"),
    "footage.retention": _("Manage retention and holds"),
    # alarms and incidents (issue 7)
    "incidents.view": _("See alarms, incidents, drills and their statistics"),
    "incidents.handle": _("Acknowledge alarms, open and work incidents"),
    "incidents.manage": _(
        "Manage alarm sources, playbooks, contacts; close and review incidents; run drills"
    ),
    "system.admin": _("System configuration (Django admin, timed jobs)"),
    "jobs.view": _("See timed jobs and their state"),
}

_BUSINESS_VIEW = {"sites.view", "approvals.request", "regulations.view"}
_APPROVER = _BUSINESS_VIEW | {"approvals.decide", "approvals.view_all"}
_OVERSIGHT = {"equipment.view", "equipment.kpi", "duty.view", "health.view", "footage.view", "incidents.view"}
_CENTRE_LEAD = _OVERSIGHT | {
    "equipment.manage",
    "equipment.report_fault",
    "equipment.verify",
    "equipment.change_request",
    "duty.work",
    "duty.manage",
    "duty.supervise",
    "duty.signoff",
    "health.run",
    "health.manage",
    "footage.request",
    "footage.operate",
    "footage.vault",
    "footage.retention",
    "incidents.handle",
    "incidents.manage",
}
_OPERATOR = {
    "equipment.view",
    "equipment.report_fault",
    "equipment.verify",
    "equipment.change_request",
    "duty.view",
    "duty.work",
    "health.view",
    "health.run",
    "footage.view",
    "footage.request",
    "footage.operate",
    "incidents.view",
    "incidents.handle",
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.LEADER: frozenset(_APPROVER | _OVERSIGHT | {"duty.signoff"}),
    Role.SECURITY_HEAD: frozenset(
        _APPROVER
        | _OVERSIGHT
        | {
            "equipment.oversee",
            "accounts.view_roles",
            "regulations.manage",
            "duty.signoff",
            "duty.supervise",
            "footage.request",
            "footage.retention",
        }
    ),
    Role.DIRECTOR: frozenset(
        _APPROVER
        | _CENTRE_LEAD
        | {"sites.manage", "sites.view_credentials", "accounts.view_roles", "regulations.manage"}
        | {"equipment.oversee"}
    ),
    Role.DEPUTY: frozenset(_APPROVER | _CENTRE_LEAD | {"sites.manage", "sites.view_credentials"}),
    Role.OPERATOR: frozenset(_BUSINESS_VIEW | _OPERATOR),
    Role.ENGINEER: frozenset(
        _BUSINESS_VIEW
        | {
            "sites.manage",
            "sites.view_credentials",
            "equipment.view",
            "equipment.manage",
            "equipment.report_fault",
            "equipment.work",
            "equipment.change_request",
            "equipment.kpi",
            "health.view",
            "health.run",
            "health.manage",
        }
    ),
    Role.IT: frozenset(_BUSINESS_VIEW | {"approvals.decide", "equipment.view", "health.view"}),
    Role.DEPT_HEAD: frozenset(_BUSINESS_VIEW | {"footage.request"}),
    Role.AUDITOR: frozenset(
        {"sites.view", "approvals.view_all", "audit.view", "audit.export", "regulations.view"} | _OVERSIGHT
    ),
    Role.SYSADMIN: frozenset({"system.admin", "jobs.view", "accounts.view_roles"}),
    Role.SECADMIN: frozenset({"accounts.manage", "accounts.view_roles", "approvals.manage_policy"}),
    Role.AUDITADMIN: frozenset({"audit.view", "audit.export", "accounts.view_roles"}),
}

# Roles that sign approvals or administer the system must use TOTP (unless WATCHROOM_REQUIRE_2FA=false).
TWO_FACTOR_ROLES = frozenset(
    {r for r, perms in ROLE_PERMISSIONS.items() if "approvals.decide" in perms}
    | {Role.SYSADMIN, Role.SECADMIN, Role.AUDITADMIN}
)

# Roles whose scope is the whole hospital by default (their work is hospital-wide).
HOSPITAL_WIDE_ROLES = frozenset({Role.LEADER, Role.SECURITY_HEAD, Role.AUDITOR, Role.AUDITADMIN})

ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITADMIN})


def permissions_for(role_codes: list[str] | set[str] | tuple[str, ...]) -> frozenset[str]:
    result: set[str] = set()
    for code in role_codes:
        result |= ROLE_PERMISSIONS.get(code, frozenset())
    return frozenset(result)


def check_table() -> list[str]:
    """Problems in the table itself: unknown permission codes, an admin role holding business data."""
    problems = []
    for role, perms in ROLE_PERMISSIONS.items():
        for perm in perms:
            if perm not in PERMISSIONS:
                problems.append(f"{role}: unknown permission {perm}")
    business = {p for p in PERMISSIONS if not p.startswith(("accounts.", "system.", "jobs.", "audit."))}
    business.discard("approvals.manage_policy")
    for role in (Role.SYSADMIN, Role.SECADMIN, Role.AUDITADMIN):
        leaked = ROLE_PERMISSIONS[role] & business
        if leaked:
            problems.append(f"{role} holds business permissions {sorted(leaked)}")
    if ROLE_PERMISSIONS[Role.SYSADMIN] & {"audit.view", "audit.export"}:
        problems.append("sysadmin must not read the audit trail")
    return problems
