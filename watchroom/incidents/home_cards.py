"""Home card: open alarms and incidents in the user's scope."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from watchroom.dashboard import cards

from .models import Alarm, Incident


@cards.register(
    "incidents.open",
    title=_("Alarms and incidents"),
    template="incidents/cards/open.html",
    permission="incidents.view",
    order=20,
)
def open_card(user: Any) -> dict[str, Any]:
    return {
        "unacked": Alarm.objects.visible_to(user).heads().unacknowledged().real().count(),
        "open_incidents": Incident.objects.visible_to(user).open().real().count(),
        "open_drills": Incident.objects.visible_to(user).open().drills().count(),
    }
