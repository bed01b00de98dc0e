"""The duty log's pages (DUTY-5): newest first, "older" and "newer" links carrying a keyset cursor,
a bad cursor falling back to the newest page, pages that do not shift when entries are written
meanwhile, a capped count, and the same cursor paging in the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from watchroom.duty import paging
from watchroom.duty.models import LogEntry

from .log_fixture import night_log


def _ids(response: Any) -> list[int]:
    return [e.pk for e in response.context["page"].entries]


@pytest.fixture
def log(room_a: Any, director: Any) -> list[LogEntry]:
    _night, entries = night_log(room_a, director, [("routine", f"巡视正常 {i}") for i in range(120)])
    return entries


@pytest.mark.django_db
def test_it_pages_older_and_newer_by_cursor(log: list[LogEntry], director: Any, login: Any) -> None:
    client = login(director)
    first = client.get("/duty/log/")
    assert first.status_code == 200 and _ids(first) == [e.pk for e in log[:50]]
    page = first.context["page"]
    assert page.newer is None and page.older == paging.Cursor.of(log[49])
    assert f"older={page.older}".encode() in first.content

    second = client.get("/duty/log/", {"older": str(page.older)})
    assert _ids(second) == [e.pk for e in log[50:100]]
    third = client.get("/duty/log/", {"older": str(second.context["page"].older)})
    assert _ids(third) == [e.pk for e in log[100:]]
    assert third.context["page"].older is None  # the oldest entries

    back = client.get("/duty/log/", {"newer": str(third.context["page"].newer)})
    assert _ids(back) == [e.pk for e in log[50:100]]
    top = client.get("/duty/log/", {"newer": str(back.context["page"].newer)})
    assert _ids(top) == [e.pk for e in log[:50]]  # fewer than 50 newer ones: the newest page


@pytest.mark.django_db
def test_the_cursor_keeps_the_filters(room_a: Any, director: Any, login: Any) -> None:
    texts = [("suspicious" if i % 3 == 0 else "routine", f"记录 {i}") for i in range(180)]
    _night, entries = night_log(room_a, director, texts)
    suspicious = [e.pk for e in entries if e.category == "suspicious"]
    client = login(director)
    first = client.get("/duty/log/", {"category": "suspicious", "room": room_a.pk})
    older = first.context["page"].older
    assert f"category=suspicious&amp;room={room_a.pk}&amp;older={older}".encode() in first.content
    second = client.get("/duty/log/", {"category": "suspicious", "room": room_a.pk, "older": str(older)})
    assert _ids(first) + _ids(second) == suspicious


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"older": "nonsense"},
        {"older": "1-2-3"},
        {"newer": "99999999999999999-1"},  # beyond the last representable date
        {"older": "1700000000000000-99999999999999999999"},
        {"room": "abc"},
        {"shift": "1 OR 1=1"},
    ],
)
def test_a_bad_cursor_or_id_is_not_an_error(
    params: dict[str, str], log: list[LogEntry], director: Any, login: Any
) -> None:
    response = login(director).get("/duty/log/", params)
    assert response.status_code == 200
    if "older" in params or "newer" in params:
        assert _ids(response) == [e.pk for e in log[:50]]
    else:
        assert _ids(response) == []


@pytest.mark.django_db
def test_pages_do_not_shift_when_entries_are_written(
    log: list[LogEntry], room_a: Any, director: Any, login: Any
) -> None:
    client = login(director)
    first = client.get("/duty/log/")
    newest = log[0]
    later = [
        LogEntry(
            shift=newest.shift,
            room=room_a,
            author=newest.author,
            occurred_at=newest.occurred_at + dt.timedelta(minutes=1 + i),
            category="routine",
            description=f"新写入 {i}",
        )
        for i in range(30)
    ]
    LogEntry.objects.bulk_create(later)
    second = client.get("/duty/log/", {"older": str(first.context["page"].older)})
    assert _ids(second) == [e.pk for e in log[50:100]]  # not shifted by the 30 new entries
    assert client.get("/duty/log/").context["page"].entries[0].description == "新写入 29"


@pytest.mark.django_db
def test_it_caps_the_count(log: list[LogEntry], director: Any, login: Any, monkeypatch: Any) -> None:
    client = login(director)
    page = client.get("/duty/log/").context["page"]
    assert (page.count, page.capped) == (120, False)
    monkeypatch.setattr(paging, "COUNT_CAP", 100)
    response = client.get("/duty/log/")
    page = response.context["page"]
    assert (page.count, page.capped) == (100, True)
    assert b"100+" in response.content
    assert paging.capped_count(LogEntry.objects.all(), 120) == (120, False)
    assert paging.capped_count(LogEntry.objects.all(), 119) == (119, True)


@pytest.mark.django_db
def test_the_api_pages_by_cursor(log: list[LogEntry], director: Any, api: Any) -> None:
    client = api(director)
    first = client.get("/api/v1/duty/entries/").json()
    assert [r["id"] for r in first["results"]] == [e.pk for e in log[:50]]
    assert first["previous"] is None and "cursor=" in first["next"]
    second = client.get(first["next"]).json()
    assert [r["id"] for r in second["results"]] == [e.pk for e in log[50:100]]
    back = client.get(second["previous"]).json()
    assert [r["id"] for r in back["results"]] == [e.pk for e in log[:50]]
    bad = client.get("/api/v1/duty/entries/", {"cursor": "not-a-cursor"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_cursor"
