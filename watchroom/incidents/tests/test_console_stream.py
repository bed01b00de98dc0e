"""The console's push path: an alarm posted by a source reaches an SSE client of its room."""

from __future__ import annotations

from typing import Any

from .conftest import payload


def _read_events(response: Any) -> list[str]:
    chunks = []
    for chunk in response.streaming_content:
        chunks.append(chunk.decode() if isinstance(chunk, bytes) else chunk)
    return "".join(chunks).split("\n\n")


def test_a_new_alarm_and_its_ack_arrive_on_the_stream(
    source_api: Any, camera_a: Any, room_a: Any, operator: Any, login: Any
) -> None:
    client = login(operator)
    page = client.get("/incidents/")
    assert page.status_code == 200
    cursor = page.context["cursor"]
    alarm_id = source_api.post("/api/v1/alarms/", payload(), format="json").json()["id"]
    client.post(f"/incidents/alarms/{alarm_id}/ack/", HTTP_ACCEPT="application/json")
    response = client.get(f"/incidents/stream/?room={room_a.pk}&last={cursor}&max=0")
    assert response["Content-Type"] == "text/event-stream"
    events = _read_events(response)
    assert any(
        e.startswith("event: alarm") and f'"id": {alarm_id}' in e and '"priority": 1' in e for e in events
    )
    assert any(e.startswith("event: ack") for e in events)


def test_a_console_of_another_campus_cannot_open_the_room(room_a: Any, outsider: Any, login: Any) -> None:
    assert login(outsider).get(f"/incidents/stream/?room={room_a.pk}&max=0").status_code == 404
