"""Permission checks from roles (roles.py), on top of password authentication."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class RoleBackend(ModelBackend):
    """Authenticates by username and password; `has_perm` answers from the role table.

    Django model permissions ("app.view_model") are granted only to the system administrator and
    only for viewing and changing configuration in the Django admin.
    """

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        return set(user_obj.permission_codes)

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if not user_obj.is_active or user_obj.is_anonymous:
            return False
        codes = user_obj.permission_codes
        if perm in codes:
            return True
        app, _, action = perm.partition(".")
        return (
            "system.admin" in codes
            and action.startswith(("view_", "change_"))
            and app in {"jobs", "notifications"}
        )

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return (
            user_obj.is_active
            and "system.admin" in user_obj.permission_codes
            and app_label
            in {
                "jobs",
                "notifications",
            }
        )
