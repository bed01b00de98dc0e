"""Timed jobs of the footage module: expiring approved requests, applying retention changes and
re-verifying the evidence vault."""

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


@periodic("footage.reverify_vault", every=timedelta(hours=24), lock_seconds=6 * 3600)
def reverify_vault(payload: dict[str, Any]) -> None:
    """Re-read every vault file once a day and compare its SHA-256 (DATA-3, DATA-13)."""
    services.reverify_vault()
