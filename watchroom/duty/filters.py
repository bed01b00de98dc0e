"""The duty-log filters, shared by the log page and the API (search, room, category, dates, open)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date


def filter_entries(qs: QuerySet, params: Any) -> QuerySet:
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.search(q)
    if params.get("room"):
        qs = qs.filter(room_id=params.get("room"))
    if params.get("shift"):
        qs = qs.filter(shift_id=params.get("shift"))
    if params.get("category"):
        qs = qs.filter(category=params.get("category"))
    tz = timezone.get_current_timezone()
    since = parse_date(params.get("since") or "")
    if since:
        qs = qs.filter(occurred_at__gte=timezone.make_aware(datetime.combine(since, time.min), tz))
    until = parse_date(params.get("until") or "")
    if until:
        qs = qs.filter(
            occurred_at__lt=timezone.make_aware(datetime.combine(until + timedelta(days=1), time.min), tz)
        )
    if params.get("open_only") in ("on", "true", "1", True):
        qs = qs.filter(is_open=True)
    return qs
