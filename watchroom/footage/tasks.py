"""Timed jobs of the footage module: expiring approved requests and applying retention changes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from watchroom.jobs.registry import periodic

from . import services


@periodic("footage.expire_requests", every=timedelta(minutes=5))
def expire_requests(payload: dict[str, Any]) -> None:
    services.expire_due()


@periodic("footage.apply_retention", every=timedelta(minutes=15))
def apply_retention(payload: dict[str, Any]) -> None:
    services.apply_due_retention()
