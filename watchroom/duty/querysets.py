"""Scoping and reading of duty records: a user sees the duty of the campuses they are given
(``sites.querysets``); hospital-wide roles see all."""

from __future__ import annotations

from typing import Any

from django.db import connections, models
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


# collecting and sorting this many index matches costs ≈ 35 ms on SQLite (bench/duty_bench.py);
# above it, probing along the time index is cheaper
PROBE_ABOVE = 10_000


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

    def search(self, text: str, *, ordered: bool = True, category: str = "") -> models.QuerySet:
        """Entries whose text fields (``LogEntry.search_fields``) contain every term of `text`, found
        through the full-text index (``watchroom.lib.fulltext``) and then checked exactly.

        Two ways to use the index on SQLite: collect its matches and look each up (the cost grows
        with the matches), or probe it for each row read along the time index
        (``fulltext.search_probing``: the cost grows with the rows read until a page matches).
        `ordered` (the rows are read newest first, a page at a time): probe when the index has more
        than ``PROBE_ABOVE`` matches. Otherwise (a count, capped at ``paging.COUNT_CAP``) collect:
        measured on 1,000,000 entries, that is as fast or faster even for a word in 30 % of them.
        PostgreSQL's planner makes the choice itself, from its statistics of the tsvector column
        and, for the exact check, ``duty_entry_text_stats`` (migration 0006).

        `category`: the caller filters on it as well; the index then intersects the text with the
        category's token (``LogEntry.extra_tokens``), so a word and a category are counted and read
        from the rows that have both rather than from every row with the word."""
        from watchroom.lib import fulltext

        from .models import category_token

        also = [category_token(category)] if category else []
        if ordered and connections[self.db].vendor == "postgresql":
            # PostgreSQL takes the word's and the category's tokens for independent, expects a
            # handful of rows and sorts every match (420 ms for a word in 10 % of the log, all of
            # it in the category) instead of walking the room/category/time index (0.1 ms). The
            # ordered form is read when the count found many rows: leave the token to the count.
            also = []
        matches = fulltext.index_count(self.model, text, using=self.db, also=also) if ordered else None
        if matches is not None and matches > PROBE_ABOVE:
            return fulltext.search_probing(self, text, also=also)
        return fulltext.search(self, text, also=also)


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
