"""The hourly chain check `audit.verify_chain` (DATA-13): its result is an `audit.chain_verified`
event shown on the audit roles' home card; a broken chain notifies the audit administrators."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from watchroom.lib import context

from . import services as audit

try:
    from watchroom.jobs import registry
except ImportError:  # the jobs module is not installed
    registry = None  # type: ignore[assignment]


def verify_chain(payload: dict[str, Any]) -> None:
    """A broken chain is a result, not a job failure: it is recorded and notified, not retried."""
    with context.bind(channel="worker"):
        audit.verify_chain(anchor=str(payload.get("anchor", "")))


if registry is not None:
    registry.periodic("audit.verify_chain", every=timedelta(hours=1), max_attempts=1, lock_seconds=3600)(
        verify_chain
    )
