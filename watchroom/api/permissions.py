"""DRF permission from the role table: `HasPermission.of("sites.view")`, with per-method codes."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission


class RolePermission(BasePermission):
    """Views set `required_permission` (read) and optionally `write_permission`."""

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        code = getattr(view, "required_permission", None)
        if request.method not in SAFE_METHODS:
            code = getattr(view, "write_permission", code)
        action = getattr(view, "action", None)
        per_action = getattr(view, "action_permissions", {})
        if action in per_action:
            code = per_action[action]
        return bool(code) and user.has_perm(code)
