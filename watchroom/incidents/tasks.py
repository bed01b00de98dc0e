"""Timed jobs of the alarms module (discovered by `watchroom.jobs.registry.autodiscover`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from watchroom.jobs.registry import periodic

from . import services


@periodic("incidents.escalate_unacknowledged", every=timedelta(seconds=10))
def escalate_unacknowledged(payload: dict[str, Any]) -> None:
    """Alarms not acknowledged in time go to the directors and sound again on the consoles."""
    services.escalate_overdue()
