"""A duty log of a few hundred entries for the paging and search tests, bulk-created in one shift
(test set-up, as the benchmark does; the service path is tested elsewhere)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from watchroom.duty.models import LogEntry

from .helpers import at, operators, rota, shift, staff


def night_log(room: Any, director: Any, texts: list[tuple[str, str]]) -> tuple[Any, list[LogEntry]]:
    """The night shift of 10 March with one entry per (category, description), a minute apart, in
    order (the last is the newest); two entries share each even minute, to exercise the ties."""
    ops = operators(room)
    rota(room, director, ops)
    night = shift(room, 10, "N")
    staff(night, director, ops[0], ops[1])
    start = at(10, 20, 30)
    entries = []
    for i, (category, text) in enumerate(texts):
        when = start + dt.timedelta(minutes=i - i % 2)  # pairs at the same instant
        e = LogEntry(
            shift=night,
            room=room,
            author=ops[0],
            occurred_at=when,
            recorded_at=when,
            category=category,
            description=text,
        )
        e.refresh_search_tokens()
        entries.append(e)
    LogEntry.objects.bulk_create(entries)
    return night, list(LogEntry.objects.filter(shift=night).order_by("-occurred_at", "-id"))
