"""Scoping: what a user may see of sites and cameras (GOV-2; 等保 8.1.4.2 access control).

A user sees everything with `scope_all`; otherwise the campuses they are given, plus the campuses of
their monitoring rooms and camera groups. Cameras are narrower: all cameras of a granted campus,
the cameras of the groups watched from a granted room, and the cameras of granted groups.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q


def _scope_ids(user: Any) -> tuple[set[int], set[int], set[int]] | None:
    """(campus ids, room ids, group ids), or None for the whole hospital; cached on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return (set(), set(), set())
    if user.scope_all:
        return None
    cached = getattr(user, "_scope_ids_cache", None)
    if cached is None:
        from watchroom.sites.models import CameraGroup, MonitoringRoom

        campuses = set(user.campuses.values_list("pk", flat=True))
        rooms = set(user.rooms.values_list("pk", flat=True))
        groups = set(user.camera_groups.values_list("pk", flat=True))
        campuses |= set(MonitoringRoom.objects.filter(pk__in=rooms).values_list("campus_id", flat=True))
        campuses |= set(CameraGroup.objects.filter(pk__in=groups).values_list("campus_id", flat=True))
        cached = (campuses, rooms, groups)
        user._scope_ids_cache = cached
    return cached


def visible_campus_ids(user: Any) -> set[int] | None:
    scope = _scope_ids(user)
    return None if scope is None else scope[0]


class CampusScopedQuerySet(models.QuerySet):
    """For models with a path to a campus; subclasses name it in `campus_path`."""

    campus_path = "campus"

    def visible_to(self, user: Any) -> models.QuerySet:
        campuses = visible_campus_ids(user)
        if campuses is None:
            return self
        return self.filter(**{f"{self.campus_path}__in": campuses})


class CampusQuerySet(CampusScopedQuerySet):
    campus_path = "pk"


class BuildingQuerySet(CampusScopedQuerySet):
    campus_path = "campus"


class FloorQuerySet(CampusScopedQuerySet):
    campus_path = "building__campus"


class AreaQuerySet(CampusScopedQuerySet):
    campus_path = "campus"


class RoomQuerySet(CampusScopedQuerySet):
    campus_path = "campus"


class CameraGroupQuerySet(CampusScopedQuerySet):
    campus_path = "campus"


class RecorderQuerySet(CampusScopedQuerySet):
    campus_path = "campus"


class CameraQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> models.QuerySet:
        scope = _scope_ids(user)
        if scope is None:
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        direct = set(user.campuses.values_list("pk", flat=True))
        _campuses, rooms, groups = scope
        return self.filter(Q(area__campus__in=direct) | Q(group__room__in=rooms) | Q(group__in=groups))

    def in_service(self) -> models.QuerySet:
        return self.exclude(status="retired")
