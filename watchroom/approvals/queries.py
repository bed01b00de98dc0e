"""Read-side helpers for the navigation badge, the inbox and the home cards (already scoped)."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import ApprovalRequest


def awaiting_decision(user: Any) -> models.QuerySet:
    """Pending requests at a level ``user`` may decide now: their role, within scope, not their own,
    not a second level of a request they already decided, not expired."""
    return ApprovalRequest.objects.decidable_by(user).select_related("requester", "campus")


def waiting_count(user: Any) -> int:
    return awaiting_decision(user).count()


def my_requests(user: Any) -> models.QuerySet:
    return ApprovalRequest.objects.filter(requester=user).select_related("campus")
