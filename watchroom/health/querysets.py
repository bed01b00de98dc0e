"""Scoping for health rows: a user sees the rows of the cameras they may see (GOV-2)."""

from __future__ import annotations

from typing import Any

from django.db import models

from watchroom.sites.querysets import visible_campus_ids


class _CameraScoped(models.QuerySet):
    def visible_to(self, user: Any) -> models.QuerySet:
        from watchroom.sites.models import Camera

        if visible_campus_ids(user) is None:
            return self
        return self.filter(camera__in=Camera.objects.visible_to(user).values("pk"))


class ProbeResultQuerySet(_CameraScoped):
    pass


class CameraHealthQuerySet(_CameraScoped):
    pass


class TransitionQuerySet(_CameraScoped):
    pass


class ThresholdsQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> models.QuerySet:
        campuses = visible_campus_ids(user)
        if campuses is None:
            return self
        return self.filter(models.Q(group__isnull=True) | models.Q(group__campus__in=campuses))
