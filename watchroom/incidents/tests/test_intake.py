"""Alarm intake (INC-1, GB 55029): idempotent per (source, event id); refusals store nothing."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from watchroom.audit.models import AuditEvent
from watchroom.incidents.models import Alarm

from .conftest import payload

URL = "/api/v1/alarms/"


def test_it_stores_an_alarm_routed_to_the_camera_room(source_api: Any, camera_a: Any, room_a: Any) -> None:
    response = source_api.post(URL, payload(), format="json")
    assert response.status_code == 201, response.content
    alarm = Alarm.objects.get(pk=response.json()["id"])
    assert (alarm.camera, alarm.room, alarm.priority, alarm.alarm_type) == (camera_a, room_a, 1, "panic")
    event = AuditEvent.objects.filter(action="incidents.alarm_received").last()
    assert event.outcome == "success" and event.target_id == str(alarm.pk)
    assert event.actor_username.startswith("source:")


def test_it_is_idempotent_per_source_event_id(source_api: Any, camera_a: Any) -> None:
    first = source_api.post(URL, payload(), format="json")
    second = source_api.post(URL, payload(description="again"), format="json")
    assert first.status_code == 201 and second.status_code == 200
    assert second.json() == {**first.json(), "duplicate": True}
    assert Alarm.objects.count() == 1


def test_the_database_refuses_a_second_row_for_one_event(source: Any, camera_a: Any) -> None:
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    from watchroom.incidents import services

    services.receive_alarm(
        source, event_id="x", occurred_at=timezone.now(), alarm_type="panic", priority=1, camera="A-0001"
    )
    alarm = Alarm.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Alarm.objects.create(
            source=source,
            source_event_id="x",
            occurred_at=alarm.occurred_at,
            method="device",
            alarm_type="panic",
            priority=1,
            campus=alarm.campus,
            group_key="g",
        )


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"priority": 5}, "max_value"),
        ({"alarm_type": "nonsense"}, "invalid_choice"),
        ({"occurred_at": "2026-11-25T10:00:00"}, "bad_time"),
        ({"camera": "NOPE-1"}, "unknown_camera"),
        ({"camera": "", "place": ""}, "place_required"),
        ({"event_id": ""}, "blank"),
    ],
)
def test_it_refuses_a_bad_payload_and_stores_nothing(
    source_api: Any, camera_a: Any, change: dict, code: str
) -> None:
    response = source_api.post(URL, payload(**change), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert Alarm.objects.count() == 0


def test_it_refuses_a_camera_of_another_campus(source_api: Any, camera_a: Any, camera_b: Any) -> None:
    response = source_api.post(URL, payload(camera=camera_b.number), format="json")
    assert (response.status_code, response.json()["code"]) == (400, "unknown_camera")
    assert not Alarm.objects.exists()


def test_it_refuses_an_unknown_source(db: Any, camera_a: Any) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="AlarmSource wr_not-a-key")
    response = client.post(URL, payload(), format="json")
    assert (response.status_code, response.json()["code"]) == (401, "unknown_source")
    assert not Alarm.objects.exists()


def test_it_refuses_a_retired_source(source: Any, source_api: Any, director: Any, camera_a: Any) -> None:
    from watchroom.incidents import services

    services.retire_source(source.pk, actor=director, reason="replaced")
    response = source_api.post(URL, payload(), format="json")
    assert (response.status_code, response.json()["code"]) == (401, "unknown_source")


def test_a_person_cannot_post_alarms_with_a_user_token(api: Any, operator: Any, camera_a: Any) -> None:
    response = api(operator).post(URL, payload(), format="json")
    assert (response.status_code, response.json()["code"]) == (403, "alarm_source_required")
    assert not Alarm.objects.exists()


def test_the_key_is_stored_only_as_a_hash(source: Any) -> None:
    assert source.plain_key not in (source.key_hash, source.key_prefix)
    assert source.key_hash == source.hash_key(source.plain_key)
    assert AuditEvent.objects.filter(action="incidents.source_created", outcome="success").exists()


def test_an_alarm_row_cannot_be_modified(source_api: Any, camera_a: Any) -> None:
    source_api.post(URL, payload(), format="json")
    alarm = Alarm.objects.get()
    alarm.description = "edited"
    with pytest.raises(ValueError):
        alarm.save()


def test_a_batch_is_stored_in_one_go(source_api: Any, camera_a: Any) -> None:
    batch = [payload(event_id=f"b{i}") for i in range(3)]
    response = source_api.post(URL, batch, format="json")
    assert response.status_code == 201
    assert [a["duplicate"] for a in response.json()] == [False, False, False]
    assert Alarm.objects.count() == 3


def test_a_batch_with_one_bad_item_stores_nothing(source_api: Any, camera_a: Any) -> None:
    batch = [payload(event_id="ok"), payload(event_id="bad", priority=9)]
    response = source_api.post(URL, batch, format="json")
    assert response.status_code == 400 and response.json()["detail"]["index"] == "1"
    assert not Alarm.objects.exists()
