"""The camera-health home card: 在线率 (last 24 h) and 完好率 (now) of the cameras in the user's
scope, and how many of them are offline or have a picture fault open (KPI-1, EQP-4)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.utils.translation import gettext_lazy as _

from watchroom.dashboard.cards import register
from watchroom.sites.models import Camera

from . import rates
from .models import CameraHealth, Status


@register(
    "health_rates",
    title=_("Camera health"),
    template="health/cards/rates.html",
    permission="health.view",
    order=140,
)
def rates_card(user: Any) -> dict[str, Any]:
    cameras = Camera.objects.visible_to(user).in_service()
    total = next((r for r in rates.summary(cameras, hours=24) if r["total"]), None)
    states = Counter(
        CameraHealth.objects.filter(camera__in=cameras.values("pk")).values_list("status", flat=True)
    )
    online = total["online_rate"] if total else None
    intact = total["intact_rate"] if total else None
    return {
        "cameras": total["cameras"] if total else 0,
        "online_pct": None if online is None else round(online * 100, 1),
        "intact_pct": None if intact is None else round(intact * 100, 1),
        "offline": states[Status.OFFLINE],
        "fault": states[Status.FAULT],
    }
