"""Timed jobs of the equipment app: the fault SLA escalation and the maintenance work orders."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from watchroom.jobs.registry import periodic

from . import services


@periodic("equipment.check_fault_sla", every=timedelta(minutes=5))
def check_fault_sla(payload: dict[str, Any]) -> None:
    """Warn at 75 % of a fault's repair time and at breach (EQP-3, INC-9)."""
    services.escalate_due_faults()


@periodic("equipment.issue_work_orders", every=timedelta(hours=6))
def issue_work_orders(payload: dict[str, Any]) -> None:
    """Issue the work orders of due maintenance plans (EQP-4)."""
    services.issue_due_work_orders()
