"""The sites home card: cameras in the user's scope by status (EQP-1)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from watchroom.dashboard.cards import register

from .models import Camera, DeviceStatus


@register(
    "sites_cameras",
    title=_("Cameras by status"),
    template="sites/cards/cameras.html",
    permission="sites.view",
    order=200,
)
def cameras_card(user: Any) -> dict[str, Any]:
    counts = dict(
        Camera.objects.visible_to(user)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    by_status = [
        {"status": value, "label": label, "n": counts.get(value, 0)}
        for value, label in DeviceStatus.choices
        if counts.get(value, 0) or value != DeviceStatus.RETIRED
    ]
    return {"total": sum(n for s, n in counts.items() if s != DeviceStatus.RETIRED), "by_status": by_status}
