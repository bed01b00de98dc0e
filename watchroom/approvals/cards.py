"""Home cards: what waits for my decision, and my own requests."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from watchroom.dashboard.cards import register

from . import queries


@register(
    "approvals_waiting",
    title=_("Awaiting my decision"),
    template="approvals/cards/waiting.html",
    permission="approvals.decide",
    order=10,
)
def waiting_card(user: Any) -> dict[str, Any]:
    qs = queries.awaiting_decision(user)
    return {"count": qs.count(), "latest": list(qs.order_by("-created_at")[:5])}


@register(
    "approvals_mine",
    title=_("My requests"),
    template="approvals/cards/mine.html",
    permission="approvals.request",
    order=20,
)
def mine_card(user: Any) -> dict[str, Any]:
    qs = queries.my_requests(user)
    return {"pending": qs.filter(status="pending").count(), "latest": list(qs[:5])}
