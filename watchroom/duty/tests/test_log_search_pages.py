"""The log search, page by page (DUTY-5): whichever way the index is read — the matches collected
and sorted (a rare word) or probed row by row along the time index (a common word, more than
``PROBE_ABOVE`` index matches) — the pages hold exactly what a substring scan of the entries gives,
newest first, and the count says the same."""

from __future__ import annotations

from typing import Any

import pytest

from watchroom.duty import paging, querysets
from watchroom.duty.filters import filter_entries
from watchroom.duty.models import LogEntry

from .log_fixture import night_log

TEXTS = [
    ("routine", "巡视各监控画面，运行正常。"),
    ("suspicious", "住院楼走廊有人反复徘徊，戴口罩。"),
    ("abnormal", "急诊候诊区发生争执，HK-2023A 摄像机拍到。"),
    ("routine", "东门口人流正常。"),
    ("report", "门东侧停车场车辆进出正常。"),
]
QUERIES = ["徘徊", "正常", "门口", "门东", "hk-2023", "口罩 徘徊", "监控画面 正常", "不存在的词", "a"]


def _scan(entries: list[LogEntry], query: str) -> list[int]:
    terms = query.lower().split()
    fields = LogEntry.search_fields
    return [
        e.pk for e in entries if all(any(t in (getattr(e, f) or "").lower() for f in fields) for t in terms)
    ]


def _all_pages(qs: Any, count_qs: Any, window: Any = None) -> tuple[list[int], tuple[int, bool]]:
    """Every page of the log, 7 entries a page, following the "older" cursors; and the count."""
    page = paging.log_page(qs, count_qs=count_qs, window=window, size=7)
    ids, counted = [e.pk for e in page.entries], (page.count, page.capped)
    while page.older is not None:
        page = paging.log_page(qs, older=str(page.older), count_qs=count_qs, window=window, size=7)
        ids += [e.pk for e in page.entries]
    return ids, counted


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("probe_above", "cap"),
    [(0, 3), (10_000, 3), (0, 1000), (10_000, 1000)],
    ids=["probing", "collecting", "few", "few-collecting"],
)
def test_pages_equal_a_substring_scan(
    room_a: Any, director: Any, monkeypatch: Any, probe_above: int, cap: int
) -> None:
    """More matches than the count's cap are read through the probing form (when the index has
    more than PROBE_ABOVE), fewer through the collected set."""
    monkeypatch.setattr(querysets, "PROBE_ABOVE", probe_above)
    monkeypatch.setattr(paging, "COUNT_CAP", cap)
    _night, entries = night_log(room_a, director, [TEXTS[i % len(TEXTS)] for i in range(60)])
    for query in QUERIES:
        params = {"q": query}
        base = LogEntry.objects.visible_to(director)
        ids, (count, capped) = _all_pages(
            filter_entries(base, params), filter_entries(base, params, counting=True)
        )
        expected = _scan(entries, query)
        assert ids == expected, query
        assert (count, capped) == (min(len(expected), cap), len(expected) > cap), query


@pytest.mark.django_db
def test_a_common_word_is_probed_along_the_time_index(room_a: Any, director: Any, monkeypatch: Any) -> None:
    """On SQLite, more index matches than PROBE_ABOVE switch to the correlated probe; fewer keep
    the collected set (PostgreSQL's planner chooses by itself: the same query either way)."""
    from django.db import connection

    _night, _entries = night_log(room_a, director, [TEXTS[i % len(TEXTS)] for i in range(30)])
    monkeypatch.setattr(querysets, "PROBE_ABOVE", 10)
    common = str(LogEntry.objects.search("正常").query)  # 18 entries
    rare = str(LogEntry.objects.search("徘徊").query)  # 6 entries
    counted = str(LogEntry.objects.search("正常", ordered=False).query)
    if connection.vendor == "sqlite":
        assert "EXISTS" in common and "EXISTS" not in rare and "EXISTS" not in counted
    else:
        assert common.replace("正常", "") == counted.replace("正常", "")


@pytest.mark.django_db
def test_the_log_page_shows_a_search_newest_first(room_a: Any, director: Any, login: Any) -> None:
    _night, entries = night_log(room_a, director, [TEXTS[i % len(TEXTS)] for i in range(120)])
    response = login(director).get("/duty/log/", {"q": "正常"})
    expected = _scan(entries, "正常")
    page = response.context["page"]
    assert [e.pk for e in page.entries] == expected[:50]
    assert (page.count, page.capped) == (len(expected), False) and page.older == paging.Cursor.of(
        LogEntry.objects.get(pk=expected[49])
    )
