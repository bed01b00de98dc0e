"""The navigation, by permission. Modules append their entries here (one place, in order)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: Any
    url_name: str
    icon: str
    permission: str | None = None
    badge: str | None = None  # key in the navigation context holding a count


NAV: list[NavItem] = [
    NavItem(_("Home"), "dashboard:home", "house"),
    NavItem(
        _("Approvals"), "approvals:inbox", "check2-square", "approvals.decide", badge="approvals_waiting"
    ),
    NavItem(_("My requests"), "approvals:mine", "send", "approvals.request"),
    NavItem(_("All requests"), "approvals:all", "list-check", "approvals.view_all"),
    NavItem(_("Alarm console"), "incidents:console", "bell", "incidents.view"),
    NavItem(_("Incidents"), "incidents:incident_list", "exclamation-octagon", "incidents.view"),
    NavItem(_("Duty"), "duty:board", "clipboard-check", "duty.view"),
    NavItem(_("Camera health"), "health:overview", "activity", "health.view"),
    NavItem(_("Footage requests"), "footage:request_list", "film", "footage.view"),
    NavItem(_("Equipment"), "equipment:device_list", "tools", "equipment.view"),
    NavItem(_("Faults"), "equipment:fault_list", "exclamation-triangle", "equipment.view"),
    NavItem(_("Cameras"), "sites:camera_list", "camera-video", "sites.view"),
    NavItem(_("Sites"), "sites:campus_list", "building", "sites.view"),
    NavItem(_("Recorders"), "sites:recorder_list", "hdd-rack", "sites.view"),
    NavItem(_("Regulations"), "regulations:list", "journal-text", "regulations.view"),
    NavItem(_("Audit trail"), "audit:event_list", "shield-check", "audit.view"),
    NavItem(_("Users"), "accounts:user_list", "people", "accounts.manage"),
    NavItem(_("Approval policies"), "approvals:policy_list", "diagram-3", "approvals.manage_policy"),
    NavItem(_("Roles and permissions"), "accounts:role_table", "person-badge", "accounts.view_roles"),
    NavItem(_("Timed jobs"), "jobs:job_list", "clock-history", "jobs.view"),
    NavItem(_("System configuration"), "admin:index", "gear", "system.admin"),
]
