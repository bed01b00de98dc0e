"""A log search within one category (DUTY-5) is one intersection of the full-text index: every
entry's search tokens carry its category as a token (``LogEntry.extra_tokens``), so a word that was
never written in the category finds nothing at once instead of after reading all its matches. The
pages and the count are still exactly what a substring scan within the category gives."""

from __future__ import annotations

import importlib
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection

from watchroom.duty import paging, querysets
from watchroom.duty.filters import filter_entries, search_window
from watchroom.duty.models import Category, LogEntry, category_token
from watchroom.lib import fulltext

from .log_fixture import night_log
from .test_log_search_pages import QUERIES, TEXTS, _all_pages, _scan


def test_the_category_token_is_one_index_token() -> None:
    tokens = {category_token(c) for c in Category.values}
    assert len(tokens) == len(Category.values)
    for tok in tokens:
        # the engines' tokenisers keep it whole: one run of lower-case letters and digits
        assert fulltext.tokens(tok).split()[0] == tok
    assert category_token("equipment_fault") == "zcatequipmentfault"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("probe_above", "window"),
    [(0, 4000), (10_000, 4000), (0, 6), (10_000, 9), (10_000, None)],
    ids=["probing", "collecting", "small-window", "small-window-collecting", "no-window"],
)
def test_a_search_within_a_category_equals_a_substring_scan(
    room_a: Any, director: Any, monkeypatch: Any, probe_above: int, window: int | None
) -> None:
    """Whatever reads the page (probing or collected matches) and whatever counts it (the window of
    the newest entries of the category when it settles the count, else the index), the pages and
    the capped count are those of a substring scan within the category."""
    monkeypatch.setattr(querysets, "PROBE_ABOVE", probe_above)
    monkeypatch.setattr(paging, "COUNT_CAP", 5)
    if window is not None:
        monkeypatch.setattr(paging, "WINDOW", window)
    _night, entries = night_log(room_a, director, [TEXTS[i % len(TEXTS)] for i in range(40)])
    base = LogEntry.objects.visible_to(director)
    for category in ("routine", "suspicious", "report", "alarm"):
        in_category = [e for e in entries if e.category == category]
        for query in QUERIES:
            params = {"q": query, "category": category}
            ids, (count, capped) = _all_pages(
                filter_entries(base, params),
                filter_entries(base, params, counting=True),
                search_window(base, params) if window is not None else None,
            )
            expected = _scan(in_category, query)
            assert ids == expected, (category, query)
            assert (count, capped) == (min(len(expected), 5), len(expected) > 5), (category, query)


@pytest.mark.django_db
def test_the_window_settles_the_count_of_a_frequent_word(
    room_a: Any, director: Any, monkeypatch: Any
) -> None:
    """A word in most of the category's newest entries is counted there ("5+"); a word rarer
    there, or absent, leaves the count to the index (None), unless the window holds every entry."""
    monkeypatch.setattr(paging, "COUNT_CAP", 5)
    night_log(room_a, director, [TEXTS[i % len(TEXTS)] for i in range(40)])  # 16 routine entries
    base = LogEntry.objects.visible_to(director)

    def window(q: str, category: str, size: int) -> Any:
        found = search_window(base, {"q": q, "category": category})
        assert found is not None
        return paging.window_count(*found, window=size)

    assert window("正常", "routine", 8) == (5, True)  # every routine entry says 正常
    assert window("东门口", "routine", 8) is None  # in half of them: 4 of the newest 8
    assert window("徘徊", "routine", 8) is None
    assert window("东门口", "routine", 16) == (5, True)
    assert window("徘徊", "routine", 100) == (0, False)  # the window is the whole category
    assert search_window(base, {"q": "正常"}) is None and search_window(base, {"category": "routine"}) is None


@pytest.mark.django_db
def test_the_index_sees_the_category(room_a: Any, director: Any) -> None:
    """The index alone (before the exact checks) already has the intersection: on SQLite its
    count of a word in a category where the word never occurs is 0."""
    night_log(room_a, director, [TEXTS[i % len(TEXTS)] for i in range(20)])
    if connection.vendor == "sqlite":
        assert fulltext.index_count(LogEntry, "徘徊") == 4
        assert fulltext.index_count(LogEntry, "徘徊", also=[category_token("suspicious")]) == 4
        assert fulltext.index_count(LogEntry, "徘徊", also=[category_token("routine")]) == 0
    narrowed = fulltext.search(LogEntry.objects.all(), "正常", also=[category_token("report")])
    assert narrowed.count() == 4
    # the token is not text: searching for it finds nothing
    assert LogEntry.objects.search(category_token("routine")).count() == 0


class _Editor:
    """What the migration's functions use of a schema editor (SQLite's cannot open inside the
    test's transaction)."""

    connection = connection

    def execute(self, sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)


@pytest.mark.django_db
def test_the_migration_adds_the_token_to_older_entries(room_a: Any, director: Any) -> None:
    """Entries written before the token existed get it from migration 0007, and the index (FTS5
    triggers, PostgreSQL's generated column) follows; undoing it takes the token away again."""
    _night, entries = night_log(room_a, director, [TEXTS[i % len(TEXTS)] for i in range(10)])
    expected = {e.pk: e.search_tokens for e in LogEntry.objects.all()}
    migration = importlib.import_module("watchroom.duty.migrations.0007_log_category_token")
    editor = _Editor()
    migration.remove(None, editor)
    older = dict(LogEntry.objects.values_list("pk", "search_tokens"))
    assert all(category_token(e.category) not in older[e.pk].split() for e in entries)
    assert fulltext.search(LogEntry.objects.all(), "正常", also=[category_token("routine")]).count() == 0
    migration.add(None, editor)
    assert dict(LogEntry.objects.values_list("pk", "search_tokens")) == expected
    assert fulltext.search(LogEntry.objects.all(), "正常", also=[category_token("routine")]).count() == 4


@pytest.mark.django_db
@pytest.mark.parametrize("cap", [5, 1000], ids=["many", "few"])
def test_the_api_search_within_a_category_pages_the_scan(
    room_a: Any, director: Any, api: Any, monkeypatch: Any, cap: int
) -> None:
    """The entries API reads a search through the same choice as the log page (many matches: in
    order along the index; at most COUNT_CAP: the rows found, by id) and pages it by cursor."""
    monkeypatch.setattr(paging, "COUNT_CAP", cap)
    monkeypatch.setattr(paging, "WINDOW", 6)
    _night, entries = night_log(room_a, director, [TEXTS[i % len(TEXTS)] for i in range(40)])
    client = api(director)
    for query, category in (
        ("正常", "routine"),
        ("东门口", "routine"),
        ("徘徊", "routine"),
        ("正常", "report"),
    ):
        expected = _scan([e for e in entries if e.category == category], query)
        got: list[int] = []
        url: str | None = "/api/v1/duty/entries/?" + urlencode(
            {"q": query, "category": category, "page_size": 3}
        )
        while url:
            body = client.get(url).json()
            got += [r["id"] for r in body["results"]]
            url = body["next"]
        assert got == expected, (query, category)
