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
    overdue = None
    if user.has_perm("duty.signoff"):
        # DUTY-7: shift reports and daily / weekly summaries past due for the director's sign-off
        overdue = {
            "reports": services.overdue_reports(user).count(),
            "summaries": len(services.overdue_summaries(user)),
        }
    return {"mine": mine, "inspections": done_required, "overdue": overdue}
