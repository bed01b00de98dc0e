"""Timed jobs of the footage module: expiring approved requests, applying retention changes,
re-verifying the evidence vault and synchronising the recorders."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from watchroom.jobs.registry import periodic

from . import services, vault


@periodic("footage.expire_requests", every=timedelta(minutes=5))
def expire_requests(payload: dict[str, Any]) -> None:
    services.expire_due()


@periodic("footage.apply_retention", every=timedelta(minutes=15))
def apply_retention(payload: dict[str, Any]) -> None:
    services.apply_due_retention()


@periodic("footage.reverify_vault", every=timedelta(minutes=15), lock_seconds=1800)
def reverify_vault(payload: dict[str, Any]) -> None:
    """Re-read the vault files not verified for a day, in batches under a 5-minute budget per run;
    the next run resumes with the files left (DATA-3, DATA-13). Also removes the unfinished
    ``.sealing-*`` files (older than a day) of uploads whose worker was killed mid-file."""
    vault.sweep_unfinished()
    services.reverify_vault()


@periodic("footage.sync_recorders", every=timedelta(hours=1), lock_seconds=1800)
def sync_recorders(payload: dict[str, Any]) -> None:
    """Read each linked recorder's oldest recording per channel, push held ranges as locks, and tell
    the directors about cameras keeping less than their retention (DATA-2, DATA-3, INC-5)."""
    services.sync_recorders()
