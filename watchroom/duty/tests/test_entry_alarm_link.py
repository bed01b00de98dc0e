"""A duty-log entry of category "alarm" links to the incidents module's manual alarm form with the
entry (INC-1, DUTY-5); other entries do not."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from watchroom.duty import services

from .helpers import at, operators, rota, shift


@pytest.mark.django_db
def test_an_alarm_entry_links_to_the_manual_alarm_form(room_a: Any, director: Any, login: Any) -> None:
    ops = operators(room_a)
    rota(room_a, director, ops)
    s = shift(room_a, 10, "D")
    with time_machine.travel(at(10, 9), tick=False):
        a, b = (x.person for x in s.assignments.all())
        services.sign_in(s, actor=a)
        alarm = services.add_entry(s, actor=a, category="alarm", description="周界报警")
        routine = services.add_entry(s, actor=a, category="routine", description="巡视正常")
        html = login(a).get(s.get_absolute_url()).content.decode()
    assert f"/incidents/alarms/new/?log_entry={alarm.pk}" in html
    assert f"?log_entry={routine.pk}" not in html and "发起报警" in html
