"""The equipment home card: open faults, SLA breaches and overdue maintenance in the user's scope."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from watchroom.dashboard.cards import register

from .models import Fault, WorkOrder


@register(
    "equipment_faults",
    title=_("Equipment faults"),
    template="equipment/cards/faults.html",
    permission="equipment.view",
    order=150,
)
def faults_card(user: Any) -> dict[str, Any]:
    faults = Fault.objects.visible_to(user)
    return {
        "open": faults.open().count(),
        "overdue": faults.overdue().count(),
        "wo_overdue": WorkOrder.objects.visible_to(user).overdue().count(),
    }
