"""The intake's WSGI fast path (INC-1; issue 7 ≥ 1,000 alarms/s): the canonical single alarm POST is
served ahead of Django's middleware with the API's own answer, and every other request — anything
the API would refuse, or that it might read differently — reaches the API unchanged, so each refusal
keeps its code and Chinese message and stores nothing."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core import signals
from django.db import close_old_connections
from django.test import Client

from watchroom.audit.models import AuditEvent
from watchroom.incidents.fastpath import IntakeFastPath, canonical_fields
from watchroom.incidents.models import Alarm
from watchroom.wsgi import application

from .conftest import payload

URL = "/api/v1/alarms/"


def _environ(body: bytes, key: str, **extra: Any) -> dict[str, Any]:
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": URL,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "192.0.2.7",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_AUTHORIZATION": f"AlarmSource {key}",
        "HTTP_ACCEPT_LANGUAGE": "zh-hans",
        "HTTP_X_FORWARDED_PROTO": "https",  # behind nginx (docs/operations.md)
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    environ.update(extra)
    return environ


def _call(environ: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
    """The project's WSGI application (fast path in front of Django), as gunicorn calls it."""
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        answer["status"], answer["headers"] = int(status.split()[0]), dict(headers)

    # as Django's test client does: the request signals must not close the test's connection
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(application(environ, start_response))
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    is_json = answer["headers"].get("Content-Type", "").startswith("application/json")
    return answer["status"], answer["headers"], json.loads(body) if body and is_json else None


@pytest.fixture(autouse=True)
def _settings(settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
    settings.SECURE_SSL_REDIRECT = True  # as in production (Django's middleware was built with it)


def test_the_wsgi_application_is_the_fast_path_in_front_of_django() -> None:
    assert isinstance(application, IntakeFastPath)


def test_a_canonical_post_is_served_ahead_of_django_with_the_apis_answer(source: Any, camera_a: Any) -> None:
    served = application.served
    body = json.dumps(payload(event_id="fast-1")).encode()
    status, headers, data = _call(_environ(body, source.plain_key, HTTP_X_REQUEST_ID="req-fast-1"))
    assert application.served == served + 1  # not through Django
    assert status == 201
    alarm = Alarm.objects.get(source=source, source_event_id="fast-1")
    assert data == {"id": alarm.pk, "group_key": alarm.group_key, "room": alarm.room_id, "duplicate": False}
    assert headers["X-Request-ID"] == "req-fast-1"
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert alarm.camera.number == "A-0001" and alarm.priority == 1 and alarm.details == {"button": "ER-3"}
    event = AuditEvent.objects.get(action="incidents.alarm_received", target_id=str(alarm.pk))
    assert (event.request_id, event.ip, event.channel) == ("req-fast-1", "192.0.2.7", "api")
    # a resend: the API's duplicate answer, 200, nothing stored
    status, _, again = _call(_environ(body, source.plain_key))
    assert status == 200 and again == {**data, "duplicate": True}
    assert Alarm.objects.filter(source=source).count() == 1


def test_the_fast_path_stores_what_the_api_stores(source: Any, camera_a: Any) -> None:
    """The same alarm through the fast path and through the API (Django's test client) is stored
    with the same values."""
    fast = payload(event_id="same-fast", area="", place="急诊分诊台", description="有人闹事")
    _call(_environ(json.dumps(fast).encode(), source.plain_key))
    api = Client(HTTP_AUTHORIZATION=f"AlarmSource {source.plain_key}")
    assert (
        api.post(
            URL, {**fast, "event_id": "same-api"}, content_type="application/json", secure=True
        ).status_code
        == 201
    )
    fields = ["occurred_at", "method", "alarm_type", "priority", "campus_id", "room_id", "camera_id", "area_id",
              "place", "description", "details", "group_key", "is_drill"]  # fmt: skip
    a = Alarm.objects.filter(source_event_id="same-fast").values(*fields).get()
    b = Alarm.objects.filter(source_event_id="same-api").values(*fields).get()
    assert a == b


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"priority": "1"}, 201, None),  # the serializer turns "1" into 1: the API decides
        ({"camera": " A-0001 "}, 201, None),  # the serializer trims: the API decides
        ({"extra": 1}, 201, None),  # an unknown key is ignored by the API
        ({"priority": 9}, 400, "max_value"),
        ({"alarm_type": "earthquake"}, 400, "invalid_choice"),
        ({"occurred_at": "2026-11-25 10:00"}, 400, "bad_time"),
        ({"camera": "Z-9999"}, 400, "unknown_camera"),
        ({"event_id": ""}, 400, "blank"),
        ({"details": "not an object"}, 400, "not_a_dict"),
    ],
)
def test_anything_else_is_answered_by_the_api(
    source: Any, camera_a: Any, change: dict[str, Any], status: int, code: str | None
) -> None:
    served = application.served
    body = json.dumps({**payload(event_id="other"), **change}).encode()
    got, _, data = _call(_environ(body, source.plain_key))
    assert application.served == served  # handed to Django
    assert got == status, data
    if code is not None:
        assert data["code"] == code
        assert not Alarm.objects.filter(source_event_id="other").exists()


def test_refusals_keep_the_apis_codes_and_chinese_messages(source: Any, camera_a: Any) -> None:
    served = application.served
    good = json.dumps(payload(event_id="x")).encode()
    status, _, data = _call(_environ(good, "not-a-key"))
    assert (status, data["code"]) == (401, "unknown_source")
    assert data["detail"] == "未知或已停用的报警源。" or "报警源" in data["detail"]
    status, _, data = _call(_environ(b"{not json", source.plain_key))
    assert (status, data["code"]) == (400, "parse_error")
    status, _, data = _call(_environ(json.dumps([payload(event_id="l1")]).encode(), source.plain_key))
    assert status == 201 and data[0]["duplicate"] is False  # a list: the API's batch form
    status, _, _ = _call(_environ(good, source.plain_key, HTTP_HOST="evil.example"))
    assert status == 400  # Django refuses a host outside ALLOWED_HOSTS
    status, _, _ = _call(_environ(good, source.plain_key, CONTENT_TYPE="text/plain"))
    assert status == 415
    assert application.served == served
    assert not Alarm.objects.filter(source_event_id="x").exists()


def test_plain_http_is_left_to_django_when_the_site_redirects_to_https(source: Any, camera_a: Any) -> None:
    """With SECURE_SSL_REDIRECT (production), a POST that did not come over HTTPS is Django's to
    redirect; the fast path serves it only when nginx says it was HTTPS (X-Forwarded-Proto)."""
    handed_on: list[str] = []

    def django_stub(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        handed_on.append(environ.get("HTTP_X_FORWARDED_PROTO", "http"))
        start_response("301 Moved Permanently", [("Location", "https://127.0.0.1" + URL)])
        return [b""]

    fast = IntakeFastPath(django_stub)
    plain_http = _environ(json.dumps(payload(event_id="h")).encode(), source.plain_key)
    del plain_http["HTTP_X_FORWARDED_PROTO"]
    answers: list[str] = []
    list(fast(plain_http, lambda status, headers, exc_info=None: answers.append(status)))
    assert handed_on == ["http"] and answers == ["301 Moved Permanently"]
    assert not Alarm.objects.filter(source_event_id="h").exists()
    list(fast(_environ(json.dumps(payload(event_id="h")).encode(), source.plain_key),
              lambda status, headers, exc_info=None: answers.append(status)))  # fmt: skip
    assert handed_on == ["http"] and answers[-1] == "201 Created" and fast.served == 1
    assert Alarm.objects.filter(source_event_id="h").exists()


def test_canonical_fields_accepts_only_what_the_serializer_would_pass_unchanged() -> None:
    ok = payload()
    assert canonical_fields(ok) is not None
    for bad in ({"priority": True}, {"priority": 1.0}, {"event_id": "a\x00b"}, {"place": "x" * 201},
                {"occurred_at": "2026-11-25T10:00:00"}, {"method": "telepathy"}):  # fmt: skip
        assert canonical_fields({**ok, **bad}) is None, bad
    assert canonical_fields([ok]) is None
    missing = dict(ok)
    del missing["priority"]
    assert canonical_fields(missing) is None
