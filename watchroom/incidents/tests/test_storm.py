"""Storm handling: repeats from one source and camera within the window share a group; none is lost."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine

from watchroom.incidents.models import Alarm

from .conftest import payload


def test_repeats_within_the_window_share_one_group_key(source_api: Any, camera_a: Any) -> None:
    for i in range(5):
        assert (
            source_api.post(
                "/api/v1/alarms/", payload(event_id=f"e{i}", alarm_type="motion", priority=3), format="json"
            ).status_code
            == 201
        )
    rows = list(Alarm.objects.order_by("id"))
    assert len(rows) == 5
    assert len({a.group_key for a in rows}) == 1
    assert [a.is_group_head for a in rows] == [True, False, False, False, False]


def test_a_repeat_after_the_window_starts_a_new_group(source_api: Any, camera_a: Any) -> None:
    start = dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        source_api.post("/api/v1/alarms/", payload(event_id="a"), format="json")
    with time_machine.travel(start + dt.timedelta(minutes=10), tick=False):
        source_api.post("/api/v1/alarms/", payload(event_id="b"), format="json")
    assert Alarm.objects.values("group_key").distinct().count() == 2


def test_another_type_is_another_group(source_api: Any, camera_a: Any) -> None:
    source_api.post("/api/v1/alarms/", payload(event_id="a", alarm_type="motion"), format="json")
    source_api.post("/api/v1/alarms/", payload(event_id="b", alarm_type="occlusion"), format="json")
    assert Alarm.objects.values("group_key").distinct().count() == 2
