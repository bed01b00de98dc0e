"""The footage home card: pending requests, approvals about to expire, active evidence holds and
damaged vault files, in the user's scope (DATA-9…11, INC-5)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from watchroom.dashboard.cards import register

from .models import EvidenceFile, FootageRequest, Hold

EXPIRING_WITHIN = timedelta(hours=24)


def expiring(qs: Any, now: Any = None) -> Any:
    """Approved (or exported) requests whose validity window ends within 24 hours."""
    now = now or timezone.now()
    return qs.filter(
        status__in=[FootageRequest.Status.APPROVED, FootageRequest.Status.EXPORTED],
        valid_until__gt=now,
        valid_until__lte=now + EXPIRING_WITHIN,
    )


@register(
    "footage_requests",
    title=_("Footage requests and evidence"),
    template="footage/cards/requests.html",
    permission="footage.view",
    order=160,
)
def footage_card(user: Any) -> dict[str, Any]:
    requests = FootageRequest.objects.visible_to(user)
    return {
        "pending": requests.filter(status=FootageRequest.Status.PENDING).count(),
        "expiring": expiring(requests).count(),
        "holds": Hold.objects.visible_to(user).exclude(status=Hold.Status.RELEASED).count(),
        "damaged": EvidenceFile.objects.visible_to(user)
        .stored()
        .filter(integrity_failed_at__isnull=False)
        .count(),
    }
