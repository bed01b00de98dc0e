"""Scoping of footage records (GOV-2, DATA-7): by campus for holders of ``footage.view``; a person
who may only register requests (a head nurse) sees the requests they registered."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from watchroom.sites.querysets import visible_campus_ids


def _campus_filter(qs: models.QuerySet, user: Any, path: str, own: str | None) -> models.QuerySet:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if not user.has_perm("footage.view"):
        return qs.filter(**{own: user}) if own else qs.none()
    campuses = visible_campus_ids(user)
    if campuses is None:
        return qs
    q = Q(**{f"{path}__in": campuses})
    if own:
        q |= Q(**{own: user})
    return qs.filter(q)


class RequestQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> models.QuerySet:
        return _campus_filter(self, user, "campus", "registered_by")


class RequestChildQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> models.QuerySet:
        return _campus_filter(self, user, "request__campus", "request__registered_by")


class CampusQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> models.QuerySet:
        return _campus_filter(self, user, "campus", None)


class EvidenceQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> models.QuerySet:
        return _campus_filter(self, user, "request__campus", None)

    def stored(self) -> models.QuerySet:
        return self.filter(status="stored")
