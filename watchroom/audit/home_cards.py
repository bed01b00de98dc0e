"""The audit roles' home card: today's events, failures and denials, the last chain check."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from watchroom.dashboard.cards import register

from . import services as audit
from .models import AuditEvent


@register(
    "audit", title=_("Audit trail"), template="audit/cards/summary.html", permission="audit.view", order=50
)
def audit_card(user: Any) -> dict[str, Any]:
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
    today = AuditEvent.objects.visible_to(user).filter(at__gte=start)
    return {
        "today": today.count(),
        "failures": today.exclude(outcome=AuditEvent.Outcome.SUCCESS).count(),
        "last": audit.last_verification(),
        "since": start.strftime("%Y-%m-%dT%H:%M"),
    }
