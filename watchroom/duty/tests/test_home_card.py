"""The duty card of the home page (DUTY-3, 6, 7): the person's shift now, signed in or not, its
inspections done of required, and for the director the overdue sign-offs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from watchroom.duty import services
from watchroom.duty.models import Shift

from .helpers import at, operators, rota, shift, staff


@pytest.mark.django_db
def test_it_shows_my_shift_and_its_inspections(room_a: Any, director: Any, login: Any) -> None:
    ops = operators(room_a)
    rota(room_a, director, ops)
    night = shift(room_a, 10, "N")
    staff(night, director, ops[0], ops[1])
    with time_machine.travel(at(10, 19, 30), tick=False):
        html = login(ops[0]).get("/").content.decode()
        assert 'data-testid="my-shift"' in html and "未签到" in html
        services.sign_in(night, actor=ops[0])
    with time_machine.travel(at(10, 21), tick=False):
        html = login(ops[0]).get("/").content.decode()
        assert "已签到 19:30" in html and "巡查 0/4" in html and night.get_absolute_url() in html
        assert "您当前没有值班" not in html
        # the other operators of the room are not on this shift
        other = login(ops[2]).get("/").content.decode()
        assert "您当前没有值班" in other and 'data-testid="my-shift"' not in other


@pytest.mark.django_db
def test_the_director_sees_overdue_sign_offs(room_a: Any, director: Any, login: Any) -> None:
    rota(room_a, director, operators(room_a))
    Shift.objects.filter(room=room_a, date__lte=dt.date(2026, 3, 10)).update(state="handed_over")
    with time_machine.travel(at(12, 9), tick=False):
        html = login(director).get("/").content.decode()
    assert 'data-testid="overdue-signoffs"' in html and "逾期未审签" in html
