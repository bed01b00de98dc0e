"""The 换班申请 pages and API (DUTY-9): an operator asks for a swap in the browser, sees it on the list
and on the rota page; the API lists and files swaps with the same rules."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from watchroom.accounts.tests.factories import make_user
from watchroom.duty import services
from watchroom.duty.models import ShiftSwap

from .helpers import at, operators, rota, shift


@pytest.mark.django_db
def test_an_operator_asks_for_a_swap_in_the_browser(room_a: Any, director: Any, login: Any, api: Any) -> None:
    with time_machine.travel(at(1, 9), tick=False):
        ops = operators(room_a)
        r = rota(room_a, director, ops)
        services.publish_rota(r, actor=director)
        mine = shift(room_a, 10, "D").assignments.first()
        other = shift(room_a, 12, "N").assignments.first()
        client = login(mine.person)
        form = client.get("/duty/swaps/new/")
        assert form.status_code == 200 and "申请换班" in form.content.decode()
        bad = client.post(
            "/duty/swaps/new/",
            {"assignment": mine.pk, "counterpart": mine.person.pk, "reason": "x"},
        )
        assert bad.status_code == 200  # the person is not a choice: form error, nothing filed
        assert not ShiftSwap.objects.exists()
        ok = client.post(
            "/duty/swaps/new/",
            {
                "assignment": mine.pk,
                "counterpart": other.person.pk,
                "counterpart_assignment": other.pk,
                "reason": "孩子生病",
            },
        )
        assert ok.status_code == 302
        swap = ShiftSwap.objects.get()
        assert (swap.kind, swap.status) == ("swap", "pending")
        listing = client.get("/duty/swaps/").content.decode()
        assert "孩子生病" in listing and 'data-status="pending"' in listing
        rota_page = client.get(r.get_absolute_url()).content.decode()
        assert f"/duty/swaps/?rota={r.pk}" in rota_page and "换班申请" in rota_page
        # again for the same shift: refused with the Chinese message on the form
        again = client.post(
            "/duty/swaps/new/",
            {"assignment": mine.pk, "counterpart": other.person.pk, "reason": "再次"},
        )
        assert "本班次已有换班申请等待审批。" in again.content.decode()
        # API: list and a refusal with its stable code
        a = api(other.person)
        assert a.get("/api/v1/duty/swaps/").json()["count"] == 1
        free = make_user("op9", "operator", campuses=[room_a.campus], rooms=[room_a])
        resp = a.post(
            "/api/v1/duty/swaps/",
            {"assignment": other.pk, "counterpart": free.pk, "reason": "x"},
            format="json",
        )
        assert resp.status_code == 409 and resp.json()["code"] == "swap_pending"
