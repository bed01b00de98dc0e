"""Pages and API of a shift on duty: the board, the shift page, a quick entry by the API."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from watchroom.duty import services

from .helpers import at, operators, rota, shift, staff


@pytest.mark.django_db
def test_it_shows_the_board_and_writes_an_entry_by_api(
    room_a: Any, director: Any, login: Any, api: Any
) -> None:
    ops = operators(room_a)
    rota(room_a, director, ops)
    night = shift(room_a, 10, "N")
    staff(night, director, ops[0], ops[1])
    with time_machine.travel(at(10, 22), tick=True):
        services.sign_in(night, actor=ops[0])
        client = login(ops[0])
        board = client.get("/duty/")
        assert board.status_code == 200 and night.get_absolute_url().encode() in board.content
        page = client.get(night.get_absolute_url())
        assert page.status_code == 200 and b'data-testid="quick-entry"' in page.content
        response = api(ops[0]).post(
            "/api/v1/duty/entries/",
            {"shift": night.pk, "category": "routine", "description": "正常"},
            format="json",
        )
        assert response.status_code == 201, response.content
        refused = api(ops[1]).post(
            "/api/v1/duty/entries/",
            {"shift": night.pk, "category": "routine", "description": "x"},
            format="json",
        )
        assert refused.status_code == 403 and refused.json()["code"] == "not_on_duty"
        log = client.get("/duty/log/?q=正常")
        assert log.status_code == 200
