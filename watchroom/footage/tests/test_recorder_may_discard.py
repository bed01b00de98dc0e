"""The recorder's question before it overwrites (DATA-2, DATA-3, INC-5): ``POST
/api/v1/footage/recorder/may-discard/`` with ``Authorization: Recorder <key>``, answered by
``may_discard_recording`` (effective retention; holds override)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from watchroom.footage import services
from watchroom.footage.recorder_sim import SimulatedRecorder
from watchroom.sites.tests import factories as sf

URL = "/api/v1/footage/recorder/may-discard/"


@pytest.fixture
def linked(director: Any, campus_a: Any, camera_a: Any) -> tuple[Any, str]:
    recorder = sf.RecorderFactory(campus=campus_a)
    camera_a.recorder, camera_a.channel = recorder, 3
    camera_a.save(update_fields=["recorder", "channel"])
    link, key = services.link_recorder(recorder, actor=director, base_url="http://127.0.0.1:9")
    return link, key


def _ask(key: str, channel: int, start: Any, end: Any) -> Any:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Recorder {key}")
    return client.post(
        URL, {"channel": channel, "start": start.isoformat(), "end": end.isoformat()}, format="json"
    )


def test_young_footage_may_not_be_discarded_old_footage_may(linked: Any) -> None:
    _link, key = linked
    now = timezone.now()
    young = _ask(key, 3, now - timedelta(days=29, hours=1), now - timedelta(days=29))
    assert young.status_code == 200, young.content
    assert young.json() == {"channel": 3, "may_discard": False, "required_days": 30, "held": False}
    old = _ask(key, 3, now - timedelta(days=31, hours=1), now - timedelta(days=31))
    assert old.json()["may_discard"] is True


def test_a_hold_overrides_retention(linked: Any, director: Any, camera_a: Any) -> None:
    _link, key = linked
    now = timezone.now()
    start, end = now - timedelta(days=100, hours=1), now - timedelta(days=100)
    services.place_hold(actor=director, cameras=[camera_a], start=start, end=end, reason="诉讼")
    answer = _ask(key, 3, start, end).json()
    assert answer["may_discard"] is False and answer["held"] is True


def test_the_cameras_own_rule_counts(linked: Any, director: Any, camera_a: Any) -> None:
    _link, key = linked
    services.set_camera_retention(camera_a, actor=director, required_days=90)
    now = timezone.now()
    answer = _ask(key, 3, now - timedelta(days=60, hours=1), now - timedelta(days=60)).json()
    assert answer == {"channel": 3, "may_discard": False, "required_days": 90, "held": False}


def test_bad_questions_are_refused(linked: Any) -> None:
    _link, key = linked
    now = timezone.now()
    response = _ask(key, 7, now - timedelta(days=40), now - timedelta(days=39))
    assert response.status_code == 400 and response.json()["code"] == "unknown_channel"
    response = _ask(key, 3, now - timedelta(days=39), now - timedelta(days=40))
    assert response.status_code == 400 and response.json()["code"] == "bad_range"


def test_only_a_linked_recorder_may_ask(linked: Any, director: Any, api: Any) -> None:
    link, key = linked
    now = timezone.now()
    assert _ask("wrr_wrong", 3, now - timedelta(days=40), now - timedelta(days=39)).status_code == 401
    anonymous = APIClient().post(URL, {}, format="json")
    assert anonymous.status_code == 401
    person = api(director).post(
        URL, {"channel": 3, "start": now.isoformat(), "end": now.isoformat()}, format="json"
    )
    assert person.status_code == 403 and person.json()["code"] == "recorder_required"
    link.is_active = False
    link.save(update_fields=["is_active"])
    assert _ask(key, 3, now - timedelta(days=40), now - timedelta(days=39)).status_code == 401


def test_the_simulated_recorder_asks_before_overwriting(linked: Any, director: Any, camera_a: Any) -> None:
    _link, key = linked
    services.set_camera_retention(camera_a, actor=director, required_days=60)

    def ask(channel: int, start: Any, end: Any) -> bool:
        return bool(_ask(key, channel, start, end).json()["may_discard"])

    oldest = timezone.now() - timedelta(days=70)
    with SimulatedRecorder({3: oldest}, ask=ask) as nvr:
        assert nvr.overwrite(3, timezone.now() - timedelta(days=45)) == oldest  # refused: 45 < 60 days
        until = timezone.now() - timedelta(days=65)
        assert nvr.overwrite(3, until) == until  # footage older than 60 days may go
