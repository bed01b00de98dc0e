"""The duty-log search across shifts and rooms (DUTY-5) goes through the Chinese-aware full-text index
(``watchroom.lib.fulltext``) over the description, action taken, reported to and the
suspicious-person fields, and gives exactly what a substring search would."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from watchroom.duty import services
from watchroom.duty.models import LogEntry

from .helpers import at, operators, rota, shift, staff


@pytest.mark.django_db
def test_it_finds_entries_by_any_text_field(room_a: Any, director: Any, login: Any) -> None:
    ops = operators(room_a)
    rota(room_a, director, ops)
    night = shift(room_a, 10, "N")
    staff(night, director, ops[0], ops[1])
    with time_machine.travel(at(10, 19, 50), tick=False):
        services.sign_in(night, actor=ops[0])
    with time_machine.travel(at(10, 22), tick=False):
        a = services.add_entry(night, actor=ops[0], category="routine", description="东门口巡视正常")
        b = services.add_entry(
            night,
            actor=ops[0],
            category="suspicious",
            description="住院楼走廊有人反复徘徊",
            suspect_appearance="黑色外套，戴口罩",
            suspect_direction="向东门口方向",
            suspect_cameras="HK-2023A",
        )
        c = services.add_entry(
            night, actor=ops[0], category="report", description="夜间情况", reported_to="保卫科张三"
        )

    def ids(q: str) -> set[int]:
        return set(LogEntry.objects.search(q).values_list("pk", flat=True))

    assert ids("门口") == {a.pk, b.pk}
    assert ids("东门口 徘徊") == {b.pk}
    assert ids("口罩") == {b.pk}
    assert ids("hk-2023") == {b.pk}
    assert ids("张三") == {c.pk}
    assert ids("门东") == set()  # both characters occur, but not as the phrase
    assert ids("") == {a.pk, b.pk, c.pk}
    assert b.search_tokens and "徘徊" in b.search_tokens.split()
    page = login(director).get("/duty/log/", {"q": "口罩", "room": room_a.pk})
    assert page.status_code == 200 and f'data-entry="{b.pk}"'.encode() in page.content
    assert f'data-entry="{a.pk}"'.encode() not in page.content
