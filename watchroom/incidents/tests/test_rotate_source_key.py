"""API key rotation of an alarm source: the new key is shown once, the old one stops working at once
(even though the intake caches sources by key hash), audited."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework.test import APIClient

from watchroom.audit.models import AuditEvent
from watchroom.incidents.models import Alarm, AlarmSource

from .conftest import payload

URL = "/api/v1/alarms/"


def test_the_old_key_stops_working_and_the_new_one_works(
    login: Any, director: Any, source: Any, source_api: Any, camera_a: Any
) -> None:
    assert source_api.post(URL, payload(event_id="before"), format="json").status_code == 201  # cached now
    response = login(director).post(reverse("incidents:source_rotate", args=[source.pk]))
    assert response.status_code == 200
    new_key = response.context["new_key"]
    assert new_key and new_key in response.content.decode()
    assert AlarmSource.objects.get(pk=source.pk).key_hash == AlarmSource.hash_key(new_key)
    old = source_api.post(URL, payload(event_id="old-key"), format="json")
    assert (old.status_code, old.json()["code"]) == (401, "unknown_source")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"AlarmSource {new_key}")
    assert client.post(URL, payload(event_id="new-key"), format="json").status_code == 201
    assert sorted(Alarm.objects.values_list("source_event_id", flat=True)) == ["before", "new-key"]
    event = AuditEvent.objects.get(action="incidents.source_key_rotated")
    assert event.target_id == str(source.pk) and new_key not in event.changes_json + event.note
    # the list shows the prefix only afterwards
    assert new_key not in login(director).get(reverse("incidents:source_list")).content.decode()


def test_an_operator_may_not_rotate(login: Any, operator: Any, source: Any) -> None:
    response = login(operator).post(reverse("incidents:source_rotate", args=[source.pk]))
    assert response.status_code == 403
    assert AlarmSource.objects.get(pk=source.pk).key_hash == AlarmSource.hash_key(source.plain_key)
