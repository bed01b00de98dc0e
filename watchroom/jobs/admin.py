"""Timed jobs in the Django admin, read-only, for the system administrator (RoleBackend)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from .models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "status", "run_at", "attempts", "max_attempts", "locked_by", "finished_at")
    list_filter = ("status", "kind")
    search_fields = ("kind", "dedupe_key", "locked_by")
    date_hierarchy = "run_at"
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
