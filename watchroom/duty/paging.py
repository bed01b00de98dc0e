"""Keyset ("seek") paging of the duty log (DUTY-5), newest first, over 1,000,000 entries.

A page is the 50 entries after a cursor in the log's order (``occurred_at`` descending, ties by id
descending). The cursor is the (time, id) of the row at the page's edge, so every page — the first
or the ten-thousandth — is one range read of the room/time/id index that stops after 51 rows, and a
new entry written meanwhile does not shift the pages an operator is reading. Jumping far back is the
"to" date filter: it is the index's entry point, like a cursor.

The total shown is counted up to ``COUNT_CAP`` (``COUNT(*)`` over ``LIMIT cap + 1``): "1,000+" rather
than an exact count over a hundred thousand matches of a common word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connections, transaction
from django.db.models import Q, QuerySet

PAGE_SIZE = 50
COUNT_CAP = 1000
# the newest rows a search within a category first looks at for its count (`window_count`)
WINDOW = 4000
ORDER = ("-occurred_at", "-id")

# "<microseconds since the Unix epoch>-<id>": plain, checked strictly, never trusted beyond its shape
_CURSOR = re.compile(r"^(-?\d{1,17})-(\d{1,19})$")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Cursor:
    at: datetime
    pk: int

    def __str__(self) -> str:
        micros = (self.at - _EPOCH) // timedelta(microseconds=1)
        return f"{micros}-{self.pk}"

    @classmethod
    def of(cls, entry: Any) -> Cursor:
        return cls(entry.occurred_at, entry.pk)


def parse_cursor(text: Any) -> Cursor | None:
    """The cursor in `text`, or None when it is missing or not one (a hand-edited link)."""
    m = _CURSOR.match(str(text or "").strip())
    if not m:
        return None
    try:
        at = _EPOCH + timedelta(microseconds=int(m.group(1)))
    except OverflowError:
        return None
    pk = int(m.group(2))
    if pk > 2**63 - 1:
        return None
    return Cursor(at, pk)


@dataclass
class LogPage:
    """One page of the log: its entries, the cursors of the older and newer pages (None at an end),
    and the capped count of the whole filtered log."""

    entries: list[Any] = field(default_factory=list)
    older: Cursor | None = None
    newer: Cursor | None = None
    count: int = 0
    capped: bool = False

    def __iter__(self) -> Any:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


def older_than(qs: QuerySet, c: Cursor) -> QuerySet:
    """Rows after `c` in the log's order. `occurred_at <= c.at` is the index's range condition; the
    OR settles the ties on the same instant by id."""
    return qs.filter(occurred_at__lte=c.at).filter(Q(occurred_at__lt=c.at) | Q(occurred_at=c.at, id__lt=c.pk))


def newer_than(qs: QuerySet, c: Cursor) -> QuerySet:
    return qs.filter(occurred_at__gte=c.at).filter(Q(occurred_at__gt=c.at) | Q(occurred_at=c.at, id__gt=c.pk))


def _serially(qs: QuerySet, read: Any) -> Any:
    """`read()` of `qs`; on PostgreSQL without parallel workers. The planner underestimates a common
    word's matches (it multiplies the selectivities of the tsvector condition and the exact check),
    expects to read far to find 1,001 of them and starts two workers; on the shared cores, starting
    and waiting for them made a capped count 16–38 ms instead of 6 ms (bench/duty_bench.py)."""
    connection = connections[qs.db]
    if connection.vendor != "postgresql":
        return read()
    with transaction.atomic(using=qs.db), connection.cursor() as cursor:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        result = read()
        cursor.execute("SET LOCAL max_parallel_workers_per_gather TO DEFAULT")
    return result


def capped_count(qs: QuerySet, cap: int | None = None) -> tuple[int, bool]:
    """(count, capped): the number of rows of `qs` up to `cap` (``COUNT_CAP``), and whether there
    are more."""
    cap = COUNT_CAP if cap is None else cap
    limited = qs.order_by()[: cap + 1]
    n = _serially(limited, limited.count)
    return min(n, cap), n > cap


def capped_ids(qs: QuerySet, cap: int | None = None) -> list[int]:
    """The ids of up to `cap` + 1 rows of `qs` (``COUNT_CAP``), in no particular order: the rows
    themselves when there are at most `cap`, or proof that there are more."""
    cap = COUNT_CAP if cap is None else cap
    limited = qs.order_by().values_list("pk", flat=True)[: cap + 1]
    return _serially(limited, lambda: list(limited))


def window_count(window_qs: QuerySet, query: str, window: int | None = None) -> tuple[int, bool] | None:
    """The capped count of the entries of `window_qs` (filtered, but not yet by the text search)
    whose text contains `query`, found among the newest `window` (``WINDOW``) of them alone, or None
    when that cannot tell: fewer than ``COUNT_CAP`` + 1 matches there and older rows beyond.

    The window is a range of the room/time (or room/category/time) index: its edge is one
    index-only OFFSET read, and the count checks each row of the range exactly (≈ 2 ms when the
    word is in most of them, ≤ ≈ 8 ms for 4,000 rows). It answers the search within a category for
    a word frequent in it, where PostgreSQL intersects two GIN posting lists of 100,000 entries and
    a bitmap of the category or room (≈ 40 ms for 1,001 rows; bench/duty_bench.py)."""
    from watchroom.lib import fulltext

    window = WINDOW if window is None else window
    probe = fulltext.exact(window_qs, query)
    edge = list(window_qs.order_by(*ORDER).values_list("occurred_at", "pk")[window - 1 : window])
    if edge:
        at, pk = edge[0]
        # the window: the edge row and every row newer than it
        probe = probe.filter(occurred_at__gte=at).filter(
            Q(occurred_at__gt=at) | Q(occurred_at=at, id__gte=pk)
        )
    counted = capped_count(probe)
    return counted if counted[1] or not edge else None


def choose_reader(
    qs: QuerySet, count_qs: QuerySet | None = None, window: tuple[QuerySet, str] | None = None
) -> tuple[QuerySet, int, bool]:
    """(the form to read the rows through, count, capped): the capped count (by `window_count`
    when it can tell, else the ids of up to ``COUNT_CAP`` + 1 rows of `count_qs`) decides between
    `qs`, the form that reads many matches in order fastest, and the few rows found (see
    `log_page`)."""
    if count_qs is None:
        # no text search: one form serves both, and COUNT(*) over the index is all it needs
        count, capped = capped_count(qs)
        return qs, count, capped
    counted = window_count(*window) if window is not None else None
    if counted is not None:
        count, capped = counted
        return (qs if capped else count_qs), count, capped
    ids = capped_ids(count_qs)
    if len(ids) > COUNT_CAP:
        return qs, COUNT_CAP, True
    # at most COUNT_CAP rows, all known: read them by id. Ordered by time, the form that collects
    # them quickly can look like a walk of the time index to PostgreSQL (it multiplies the
    # selectivities of a word and a category and expects hundreds of rows): 222 ms to find that
    # a category has none of a word's 100,000 matches, against 8 ms for this unordered read.
    return count_qs.model._default_manager.filter(pk__in=ids), len(ids), False


def log_page(
    qs: QuerySet,
    *,
    older: Any = None,
    newer: Any = None,
    size: int = PAGE_SIZE,
    count_qs: QuerySet | None = None,
    window: tuple[QuerySet, str] | None = None,
) -> LogPage:
    """The page of `qs` (already scoped and filtered) after the cursor `older` (the next, older
    page) or before the cursor `newer` (the previous, newer page); the newest page without either.

    `count_qs`: the same rows as `qs` in the form that finds a few of them fastest (for a search:
    the index's matches collected, ``filter_entries(counting=True)``), while `qs` is the form that
    reads them in order fastest when they are many (the index probed along the time index); None
    when there is no text search. `window`: ``filters.search_window`` (a search within a category).
    The capped count comes first and decides (`choose_reader`): no more than ``COUNT_CAP`` rows →
    read those rows by id (sorting at most that many), none → nothing to read, more → through
    `qs`, which then stops after a page.

    Then the page's ids over the ordering index (LIMIT size + 1 tells whether another page
    follows), then those rows with what the page shows."""
    from .models import LogEntry

    reader, count, capped = choose_reader(qs, count_qs, window)
    page = LogPage(count=count, capped=capped)
    if count == 0:
        return page
    before, after = parse_cursor(older), parse_cursor(newer)
    if after is not None:
        # the newer page: walk up from the cursor, then show it newest first
        rows = list(
            newer_than(reader, after)
            .order_by("occurred_at", "id")
            .values_list("occurred_at", "pk")[: size + 1]
        )
        if len(rows) <= size:
            # reached the newest entries: show the first page, so it is always a full one
            return log_page(qs, size=size, count_qs=count_qs, window=window)
        rows = rows[:size][::-1]
        has_newer, has_older = True, True
    else:
        base = older_than(reader, before) if before is not None else reader
        rows = list(base.order_by(*ORDER).values_list("occurred_at", "pk")[: size + 1])
        has_older = len(rows) > size
        rows = rows[:size]
        has_newer = before is not None
    ids = [pk for _at, pk in rows]
    by_id = (
        LogEntry.objects.filter(pk__in=ids)
        .defer("search_tokens")
        .select_related("room", "author", "camera", "area")
        .prefetch_related("corrections", "photos")
        .in_bulk()
    )
    page.entries = [by_id[pk] for pk in ids]
    if rows:
        page.newer = Cursor(*rows[0]) if has_newer else None
        page.older = Cursor(*rows[-1]) if has_older else None
    return page
