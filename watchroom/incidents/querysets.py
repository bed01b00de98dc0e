"""Scoping of alarms, incidents, sources and contacts: by campus, like the sites (GOV-2)."""

from __future__ import annotations

from typing import Any

from django.db import models

from watchroom.sites.querysets import CampusScopedQuerySet


class CampusScoped(CampusScopedQuerySet):
    campus_path = "campus"


class Unscoped(models.QuerySet):
    """Hospital-wide reference data (playbooks): everyone with the view permission sees it."""

    def visible_to(self, user: Any) -> models.QuerySet:
        return self if getattr(user, "is_authenticated", False) else self.none()


class AlarmQuerySet(CampusScoped):
    def heads(self) -> models.QuerySet:
        return self.filter(is_group_head=True)

    def unacknowledged(self) -> models.QuerySet:
        return self.filter(ack__isnull=True)

    def real(self) -> models.QuerySet:
        return self.filter(is_drill=False)


class IncidentQuerySet(CampusScoped):
    def real(self) -> models.QuerySet:
        return self.filter(is_drill=False)

    def drills(self) -> models.QuerySet:
        return self.filter(is_drill=True)

    def open(self) -> models.QuerySet:
        return self.filter(status="open")
