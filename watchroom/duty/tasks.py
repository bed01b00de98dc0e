"""Timed jobs of the duty module: inspection reminders and overdue alerts (DUTY-6), missing
sign-ins and overdue handovers (DUTY-3, 9)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from watchroom.jobs.registry import periodic

from . import services


@periodic("duty.check_reminders", every=timedelta(minutes=1))
def check_reminders(payload: dict[str, Any]) -> None:
    services.check_reminders()


@periodic("duty.check_attendance", every=timedelta(minutes=5))
def check_attendance(payload: dict[str, Any]) -> None:
    services.check_attendance()
