"""Response statistics (INC-1, INC-8): real incidents only — drills are never counted (PPL-3)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AlarmAck, Incident, IncidentType, Severity

SHIFTS = (
    ("day", _("Day shift 08–16"), 8, 16),
    ("evening", _("Evening shift 16–24"), 16, 24),
    ("night", _("Night shift 00–08"), 0, 8),
)


def shift_of(moment: dt.datetime) -> str:
    hour = timezone.localtime(moment).hour
    for code, _label, start, end in SHIFTS:
        if start <= hour < end:
            return code
    return "night"


def _bars(counter: Counter, labels: dict[str, Any]) -> list[dict[str, Any]]:
    top = max(counter.values(), default=0) or 1
    return [
        {"key": k, "label": labels.get(k, k), "n": n, "pct": round(100 * n / top)}
        for k, n in sorted(counter.items(), key=lambda kv: -kv[1])
    ]


def _median_seconds(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def compute(user: Any, *, months: int = 12) -> dict[str, Any]:
    since = timezone.now() - dt.timedelta(days=31 * months)
    incidents = list(
        Incident.objects.visible_to(user).real().filter(opened_at__gte=since).select_related("area")
    )
    by_type = Counter(i.incident_type for i in incidents)
    by_area = Counter(i.area.name if i.area_id else "-" for i in incidents)
    by_shift = Counter(shift_of(i.opened_at) for i in incidents)
    by_severity = Counter(i.severity for i in incidents)
    by_month = Counter(timezone.localtime(i.opened_at).strftime("%Y-%m") for i in incidents)
    months_keys = sorted(by_month)
    to_dispatch = [
        (i.first_dispatch_at - (i.first_alarm_at or i.opened_at)).total_seconds()
        for i in incidents
        if i.first_dispatch_at
    ]
    to_close = [
        (i.closed_at - (i.first_alarm_at or i.opened_at)).total_seconds() for i in incidents if i.closed_at
    ]
    all_acks = AlarmAck.objects.filter(
        alarm__campus__in={i.campus_id for i in incidents} or [0],
        alarm__is_drill=False,
        alarm__received_at__gte=since,
        alarm__is_group_head=True,
    ).select_related("alarm")
    to_ack = [(a.at - a.alarm.received_at).total_seconds() for a in all_acks[:20000]]
    return {
        "total": len(incidents),
        "by_type": _bars(by_type, dict(IncidentType.choices)),
        "by_area": _bars(by_area, {}),
        "by_shift": _bars(by_shift, {c: label for c, label, _s, _e in SHIFTS}),
        "by_severity": _bars(by_severity, dict(Severity.choices)),
        "months": [
            {"key": m, "n": by_month[m], "pct": round(100 * by_month[m] / max(by_month.values()))}
            for m in months_keys
        ],
        "median_ack": _median_seconds(to_ack),
        "median_dispatch": _median_seconds(to_dispatch),
        "median_close": _median_seconds(to_close),
        "n_ack": len(to_ack),
        "n_dispatch": len(to_dispatch),
        "n_close": len(to_close),
    }
