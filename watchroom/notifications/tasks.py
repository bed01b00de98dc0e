"""Job handlers of the notifications app (discovered by `watchroom.jobs.registry.autodiscover`)."""

from __future__ import annotations

from typing import Any

from watchroom.jobs.registry import handler

from . import services


@handler(services.DELIVER_JOB, max_attempts=5)
def deliver(payload: dict[str, Any]) -> None:
    """Send one delivery; raising makes the worker retry with back-off."""
    services.deliver(int(payload["delivery"]))
