"""The duty home card: the user's shift now and the rooms' responsible shifts (DUTY-3, 6)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from watchroom.dashboard.cards import register

from . import services


@register(
    "duty_now", title=_("On duty now"), template="duty/cards/now.html", permission="duty.view", order=20
)
def duty_card(user: Any) -> dict[str, Any]:
    mine = services.my_assignment_now(user)
    done_required = services.inspection_counts(mine.shift) if mine else None
    return {"mine": mine, "inspections": done_required}
