"""The duty-log filters, shared by the log page and the API (search, room, category, dates, open)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any, NamedTuple

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date


class LogQuery(NamedTuple):
    """The forms of one filtered log for ``paging.choose_reader`` / ``paging.log_page``: `rows`
    reads them in order; for a text search, `count` collects them and `window` (a search within a
    category) counts a frequent word among the category's newest entries; otherwise None."""

    rows: QuerySet
    count: QuerySet | None
    window: tuple[QuerySet, str] | None


def log_query(qs: QuerySet, params: Any) -> LogQuery:
    """The log page's and the entries API's one way from request parameters to `LogQuery`."""
    rows = filter_entries(qs, params)
    if not (params.get("q") or "").strip():
        return LogQuery(rows, None, None)
    return LogQuery(rows, filter_entries(qs, params, counting=True), search_window(qs, params))


def search_window(qs: QuerySet, params: Any) -> tuple[QuerySet, str] | None:
    """For a text search within a category: the entries filtered by everything but the text and
    the query, for ``paging.window_count`` (a word frequent in the category is counted among the
    category's newest entries instead of by intersecting the index); otherwise None."""
    q = (params.get("q") or "").strip()
    if not q or not params.get("category"):
        return None
    return filter_entries(qs, params, text=False), q


def filter_entries(qs: QuerySet, params: Any, *, counting: bool = False, text: bool = True) -> QuerySet:
    """`qs` filtered by the request's parameters. `counting`: the queryset will be counted, not
    read in order (the text search then takes the plan that suits a count). `text=False`: every
    filter but the text search."""
    q = (params.get("q") or "").strip() if text else ""
    if q:
        # with the category the index narrows to both at once (its exact filter follows below)
        qs = qs.search(q, ordered=not counting, category=str(params.get("category") or ""))
    for param, column in (("room", "room_id"), ("shift", "shift_id")):
        value = str(params.get(param) or "").strip()
        if value:
            # a hand-edited id that is not a number finds nothing (rather than an error)
            qs = qs.filter(**{column: int(value)}) if value.isdigit() and len(value) < 19 else qs.none()
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
