"""The console's push path: server-sent events from a Django streaming view.

Each connected console runs a generator that checks every 250 ms the room's latest alarm,
acknowledgement and escalation ids — one shared, cached lookup per room and process (`latest`) —
and only when they moved runs the indexed `room = ? AND id > ?` queries and sends what is new. It works
on plain WSGI (runserver, gunicorn with threads); the trade-off is one worker thread per open
console for as long as it is connected, and a DB round trip per console four times a second. A
stream ends after `STREAM_SECONDS`; the browser's EventSource reconnects by itself with
`Last-Event-ID`, so nothing is missed. For hundreds of consoles an ASGI server with
PostgreSQL LISTEN/NOTIFY would replace the polling (see the report of issue 7).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

from django.utils import timezone

from .models import Alarm, AlarmAck, AlarmEscalation

POLL_SECONDS = 0.1  # the check is a shared cached lookup; the DB is read at most every 250 ms
REFRESH_SECONDS = 0.25
HEARTBEAT_SECONDS = 10.0
STREAM_SECONDS = 300.0
BATCH = 100

PRIORITY_CLASS = {1: "danger", 2: "warning", 3: "info", 4: "secondary"}


def alarm_payload(alarm: Alarm) -> dict[str, Any]:
    return {
        "id": alarm.pk,
        "priority": alarm.priority,
        "colour": PRIORITY_CLASS.get(alarm.priority, "secondary"),
        "type": str(alarm.get_alarm_type_display()),
        "method": str(alarm.get_method_display()),
        "where": alarm.where,
        "source": alarm.source.name if alarm.source_id else "",
        "description": alarm.description,
        "received": timezone.localtime(alarm.received_at).strftime("%H:%M:%S"),
        "group": alarm.group_key,
        "head": alarm.is_group_head,
        "drill": alarm.is_drill,
    }


def cursor_now(room_id: int) -> tuple[int, int, int]:
    """The latest ids of the room's alarms, acknowledgements and escalations (where a stream starts)."""

    def last(model: Any) -> int:
        return model.objects.filter(room_id=room_id).order_by("-id").values_list("id", flat=True).first() or 0

    return last(Alarm), last(AlarmAck), last(AlarmEscalation)


_latest: dict[int, tuple[float, tuple[int, int, int]]] = {}
_latest_lock = threading.Lock()


def latest(room_id: int, *, fresh: bool = False) -> tuple[int, int, int]:
    """The room's latest ids, shared by every console of this process and refreshed at most once per
    poll interval: N consoles cost three index lookups per room per 250 ms, not 3 × N."""
    now = time.monotonic()
    with _latest_lock:
        cached = _latest.get(room_id)
        if not fresh and cached is not None and now - cached[0] < REFRESH_SECONDS:
            return cached[1]
        value = cursor_now(room_id)
        _latest[room_id] = (now, value)
        return value


_fetched: dict[tuple[int, int, int], list[dict[str, Any]]] = {}
_fetched_lock = threading.Lock()


def new_alarms(room_id: int, after: int, upto: int) -> list[dict[str, Any]]:
    """The payloads of the room's alarms after `after` (up to `upto`), built once per process for all
    the consoles that share the cursor (they all do: they received the same events)."""
    key = (room_id, after, upto)
    with _fetched_lock:
        cached = _fetched.get(key)
        if cached is not None:
            return cached
        rows = [
            alarm_payload(alarm)
            for alarm in Alarm.objects.filter(room_id=room_id, id__gt=after, id__lte=upto)
            .select_related("source", "camera", "area")
            .order_by("id")[:BATCH]
        ]
        if len(_fetched) > 64:
            _fetched.clear()
        _fetched[key] = rows
        return rows


def parse_cursor(text: str) -> tuple[int, int, int] | None:
    try:
        a, k, e = (int(p) for p in text.split(":"))
    except (ValueError, AttributeError):
        return None
    return a, k, e


def _event(name: str, cursor: tuple[int, int, int], data: dict[str, Any]) -> str:
    return f"event: {name}\nid: {cursor[0]}:{cursor[1]}:{cursor[2]}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def events(
    room_id: int, cursor: tuple[int, int, int], *, max_seconds: float = STREAM_SECONDS
) -> Iterator[str]:
    a, k, e = cursor
    started = last_sent = time.monotonic()
    yield "retry: 1000\n\n"
    first = True
    while True:
        sent = False
        top = latest(room_id, fresh=first)
        first = False
        if top[0] <= a and top[1] <= k and top[2] <= e:
            now = time.monotonic()
            if now - last_sent >= HEARTBEAT_SECONDS:
                last_sent = now
                yield ": keep-alive\n\n"
            if now - started >= max_seconds:
                return
            time.sleep(POLL_SECONDS)
            continue
        for payload in new_alarms(room_id, a, top[0]) if top[0] > a else ():
            a = payload["id"]
            sent = True
            yield _event("alarm", (a, k, e), payload)
        for ack in (
            AlarmAck.objects.filter(room_id=room_id, id__gt=k).select_related("by").order_by("id")[:BATCH]
            if top[1] > k
            else ()
        ):
            k = ack.pk
            sent = True
            yield _event(
                "ack",
                (a, k, e),
                {
                    "alarm": ack.alarm_id,
                    "by": ack.by.real_name or ack.by.username,
                    "at": timezone.localtime(ack.at).strftime("%H:%M:%S"),
                },
            )
        for esc in (
            AlarmEscalation.objects.filter(room_id=room_id, id__gt=e).order_by("id")[:BATCH]
            if top[2] > e
            else ()
        ):
            e = esc.pk
            sent = True
            yield _event("escalation", (a, k, e), {"alarm": esc.alarm_id, "level": esc.level})
        now = time.monotonic()
        if sent:
            last_sent = now
        elif now - last_sent >= HEARTBEAT_SECONDS:
            last_sent = now
            yield ": keep-alive\n\n"
        if now - started >= max_seconds:
            return
        time.sleep(POLL_SECONDS)
