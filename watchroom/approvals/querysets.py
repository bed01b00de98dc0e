"""Scoping of approval requests (GOV-2, GOV-3).

A user sees their own requests, the requests they decided or may decide now, and, with
``approvals.view_all``, every request of the campuses in their scope (a request with no campus is
hospital-wide and visible to every ``view_all`` holder).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from watchroom.sites.querysets import visible_campus_ids


def decidable_q(user: Any, *, now: Any = None) -> Q | None:
    """The condition "``user`` may decide this request at its current level now", or None if never."""
    if (
        not getattr(user, "is_authenticated", False)
        or not user.is_active
        or not user.has_perm("approvals.decide")
    ):
        return None
    roles = list(user.role_codes)
    if not roles:
        return None
    from .models import ApprovalStep

    now = now or timezone.now()
    q = Q(status="pending", current_role__in=roles) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    q &= ~Q(requester=user)
    q &= ~Q(pk__in=ApprovalStep.objects.filter(decided_by=user).values("request_id"))
    campuses = visible_campus_ids(user)
    if campuses is not None:
        q &= Q(current_same_campus=False) | Q(campus__isnull=True) | Q(campus__in=campuses)
    return q


class ApprovalRequestQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> models.QuerySet:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        from .models import ApprovalStep

        q = Q(requester=user) | Q(pk__in=ApprovalStep.objects.filter(decided_by=user).values("request_id"))
        decidable = decidable_q(user)
        if decidable is not None:
            q |= decidable
        if user.has_perm("approvals.view_all"):
            campuses = visible_campus_ids(user)
            if campuses is None:
                return self.all()
            q |= Q(campus__isnull=True) | Q(campus__in=campuses)
        return self.filter(q)

    def decidable_by(self, user: Any) -> models.QuerySet:
        q = decidable_q(user)
        return self.none() if q is None else self.filter(q)

    def pending(self) -> models.QuerySet:
        return self.filter(status="pending")
