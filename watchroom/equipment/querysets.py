"""Scoping and named queries of the equipment app: every object carries its campus, and a user sees
the campuses of their scope (sites' `visible_campus_ids`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from watchroom.sites.querysets import visible_campus_ids


class CampusScoped(models.QuerySet):
    def visible_to(self, user: Any) -> models.QuerySet:
        campuses = visible_campus_ids(user)
        if campuses is None:
            return self
        return self.filter(campus__in=campuses)


class DeviceQuerySet(CampusScoped):
    def in_service(self) -> models.QuerySet:
        return self.exclude(status="retired")

    def out_of_warranty(self, today: date | None = None) -> models.QuerySet:
        return self.in_service().filter(warranty_until__lt=today or timezone.localdate())


class FaultQuerySet(CampusScoped):
    def open(self) -> models.QuerySet:
        return self.exclude(status="closed")

    def unrepaired(self) -> models.QuerySet:
        return self.filter(status__in=["reported", "acknowledged", "in_repair"])

    def overdue(self) -> models.QuerySet:
        return self.unrepaired().filter(due_at__lt=timezone.now())


class WorkOrderQuerySet(CampusScoped):
    def open(self) -> models.QuerySet:
        return self.filter(status="open")

    def overdue(self, today: date | None = None) -> models.QuerySet:
        return self.open().filter(due_date__lt=today or timezone.localdate())


class CoverageRuleQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> models.QuerySet:
        """Lines for every campus, plus those of the user's campuses (or their areas)."""
        campuses = visible_campus_ids(user)
        if campuses is None:
            return self
        return self.filter(
            Q(campus__isnull=True, area__isnull=True) | Q(campus__in=campuses) | Q(area__campus__in=campuses)
        )

    def active(self) -> models.QuerySet:
        return self.filter(is_active=True)
