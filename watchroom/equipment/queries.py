"""Read-only queries other modules use (the duty handover packet, DUTY-15)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Fault


def open_faults_for_room(room: Any) -> QuerySet[Fault]:
    """Faults not yet closed on the monitoring room's campus, the oldest first, for the handover."""
    return (
        Fault.objects.open()
        .filter(campus_id=room.campus_id)
        .select_related("device", "device__area")
        .order_by("occurred_at", "id")
    )
