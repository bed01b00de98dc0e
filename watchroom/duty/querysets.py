"""Scoping and reading of duty records: a user sees the duty of the campuses they are given
(``sites.querysets``); hospital-wide roles see all."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from watchroom.sites.querysets import CampusScopedQuerySet, visible_campus_ids


class RotaQuerySet(CampusScopedQuerySet):
    campus_path = "room__campus"


class ShiftQuerySet(CampusScopedQuerySet):
    campus_path = "room__campus"

    def open(self) -> models.QuerySet:
        """Shifts not yet handed over."""
        return self.exclude(state="handed_over")

    def at(self, when: Any = None) -> models.QuerySet:
        when = when or timezone.now()
        return self.filter(starts_at__lte=when, ends_at__gt=when)


class AssignmentQuerySet(CampusScopedQuerySet):
    campus_path = "shift__room__campus"


class LogEntryQuerySet(CampusScopedQuerySet):
    campus_path = "room__campus"

    def visible_to(self, user: Any) -> models.QuerySet:
        """The entries of the rooms on the user's campuses, by room id (no join: the log's indexes
        start with the room, so a million entries are counted and paged over the index alone)."""
        campuses = visible_campus_ids(user)
        if campuses is None:
            return self
        from watchroom.sites.models import MonitoringRoom

        rooms = list(MonitoringRoom.objects.filter(campus_id__in=campuses).values_list("pk", flat=True))
        return self.filter(room_id__in=rooms)

    def search(self, text: str) -> models.QuerySet:
        """Entries whose text fields (``LogEntry.search_fields``) contain every term of `text`, found
        through the full-text index (``watchroom.lib.fulltext``) and then checked exactly."""
        from watchroom.lib import fulltext

        return fulltext.search(self, text)


class HandoverQuerySet(CampusScopedQuerySet):
    campus_path = "outgoing__room__campus"


class ViolationQuerySet(CampusScopedQuerySet):
    campus_path = "shift__room__campus"

    def active(self) -> models.QuerySet:
        return self.filter(voided_at__isnull=True)


class ShiftSwapQuerySet(CampusScopedQuerySet):
    campus_path = "assignment__shift__room__campus"

    def pending(self) -> models.QuerySet:
        return self.filter(status="pending")


class CertificateQuerySet(CampusScopedQuerySet):
    """A certificate is seen by whoever sees one of the person's campuses (or the whole hospital)."""

    campus_path = "person__campuses"

    def visible_to(self, user: Any) -> models.QuerySet:
        return super().visible_to(user).distinct()

    def active(self) -> models.QuerySet:
        return self.filter(voided_at__isnull=True)

    def valid_on(self, day: Any) -> models.QuerySet:
        return self.active().filter(valid_until__gte=day)


class SummarySignoffQuerySet(CampusScopedQuerySet):
    campus_path = "room__campus"


class LateArrivalQuerySet(CampusScopedQuerySet):
    campus_path = "late__shift__room__campus"


class EntryPhotoQuerySet(CampusScopedQuerySet):
    campus_path = "room__campus"
