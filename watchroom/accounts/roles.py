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
    "system.admin": _("System configuration (Django admin, timed jobs)"),
    "jobs.view": _("See timed jobs and their state"),
}

_BUSINESS_VIEW = {"sites.view", "approvals.request", "regulations.view"}
_APPROVER = _BUSINESS_VIEW | {"approvals.decide", "approvals.view_all"}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.LEADER: frozenset(_APPROVER),
    Role.SECURITY_HEAD: frozenset(_APPROVER | {"accounts.view_roles", "regulations.manage"}),
    Role.DIRECTOR: frozenset(
        _APPROVER | {"sites.manage", "sites.view_credentials", "accounts.view_roles", "regulations.manage"}
    ),
    Role.DEPUTY: frozenset(_APPROVER | {"sites.manage", "sites.view_credentials"}),
    Role.OPERATOR: frozenset(_BUSINESS_VIEW),
    Role.ENGINEER: frozenset(_BUSINESS_VIEW | {"sites.manage", "sites.view_credentials"}),
    Role.IT: frozenset(_BUSINESS_VIEW | {"approvals.decide"}),
    Role.DEPT_HEAD: frozenset(_BUSINESS_VIEW),
    Role.AUDITOR: frozenset({"sites.view", "approvals.view_all", "audit.view", "audit.export", "regulations.view"}),
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
