"""Timed work: pending approval requests past their expiry become expired (every minute)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from . import services

try:
    from watchroom.jobs.registry import periodic
except ImportError:  # the jobs module is optional for this app
    periodic = None


def expire_due_job(payload: dict[str, Any] | None = None) -> None:
    """Handler of the periodic job ``approvals.expire_due``."""
    services.expire_due()


if periodic is not None:
    periodic("approvals.expire_due", every=timedelta(minutes=1))(expire_due_job)
