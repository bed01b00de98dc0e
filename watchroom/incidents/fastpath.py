"""The intake's fast path: a WSGI layer in front of Django for the one canonical alarm POST (INC-1).

An alarm storm is thousands of single POSTs per second from panic buttons, panels and recorders
(GB 55029-2022: response ≤ 2 s; issue 7's target ≥ 1,000 alarms/s). Through Django's middleware,
URL resolver and DRF each POST cost about 0.8 ms of framework before any alarm work (measured in
docs/benchmarks.md): sessions, CSRF, locale, OTP and axes have nothing to do for a machine with an
API key. This layer serves only the request that is certainly valid:

- ``POST /api/v1/alarms/`` with ``Authorization: AlarmSource <key>`` of an active source,
  ``Content-Type: application/json``, a body under 64 KiB holding ONE JSON object whose keys are all
  known and whose values have exactly the types the API's serializer would produce (strings without
  surrounding spaces or NUL, an integer priority, a dict of details), an allowed Host, and HTTPS when
  the site redirects to HTTPS;
- the alarm passes `services.prepare_alarm` (the same checks as the API: taxonomy, time zone,
  camera or area of the source's campus).

Anything else — a list, an unknown key, a wrong type, an unknown source, a refused alarm, another
URL — goes to Django unchanged (the body is handed on), so every refusal is answered by the API
itself, with its codes and its Chinese messages, and nothing is stored. The served request is
stored through the same group commit (`intake.receive`) and answered with the API's own body, after
the commit. The audit event records the request id and client address as the middleware would.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import connection
from django.http.request import split_domain_port, validate_host
from django.utils import translation
from django.utils.dateparse import parse_datetime

from watchroom.lib import context
from watchroom.lib.errors import DomainError

from . import intake, services
from .models import AlarmMethod, AlarmType

PATH = "/api/v1/alarms/"
MAX_BODY = 64 * 1024
_PREFIX = "AlarmSource "
# the serializer's fields: (type, max length); choices checked below
_STRINGS = {"event_id": 100, "occurred_at": 64, "alarm_type": 40, "method": 40, "camera": 30, "area": 30,
            "place": 200, "description": 500}  # fmt: skip
_TYPES = frozenset(AlarmType.values)
_METHODS = frozenset(AlarmMethod.values)
_HEADERS = [
    ("Content-Type", "application/json"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Vary", "Accept"),
]

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def canonical_fields(data: Any) -> dict[str, Any] | None:
    """The alarm's fields if `data` is an object the serializer would pass unchanged, else None."""
    if not isinstance(data, dict):
        return None
    fields: dict[str, Any] = {}
    for key, value in data.items():
        if key in _STRINGS:
            if not isinstance(value, str) or len(value) > _STRINGS[key] or "\x00" in value:
                return None
            if value != value.strip():
                return None
            fields[key] = value
        elif key == "priority":
            if type(value) is not int or not 1 <= value <= 4:
                return None
            fields[key] = value
        elif key == "details":
            if not isinstance(value, dict):
                return None
            fields[key] = value
        else:
            return None
    if not all(k in fields for k in ("event_id", "occurred_at", "alarm_type", "priority")):
        return None
    if not fields["event_id"] or fields["alarm_type"] not in _TYPES:
        return None
    if fields.setdefault("method", AlarmMethod.DEVICE) not in _METHODS:
        return None
    moment = parse_datetime(fields["occurred_at"])
    if moment is None or moment.tzinfo is None:
        return None
    fields["occurred_at"] = moment
    return fields


def _is_secure(environ: dict[str, Any]) -> bool:
    header, value = getattr(settings, "SECURE_PROXY_SSL_HEADER", None) or (None, None)
    if header and environ.get(header) is not None:
        return environ.get(header, "").split(",")[0].strip() == value
    return environ.get("wsgi.url_scheme") == "https"


def _host_allowed(environ: dict[str, Any]) -> bool:
    host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
    domain, _port = split_domain_port(host)
    return bool(domain) and validate_host(domain, settings.ALLOWED_HOSTS)


def _close_old_connections() -> None:
    """Django's request signal handler for the one connection this path uses (the default), except
    inside a transaction (a test's): a connection is never closed under an open transaction."""
    if not connection.in_atomic_block:
        connection.close_if_unusable_or_obsolete()


def _busy() -> bytes:
    """The API's answer when the group commit did not answer in time (the source sends again)."""
    with translation.override(settings.LANGUAGE_CODE):
        detail = str(intake.BUSY_MESSAGE)
    return json.dumps({"code": intake.BUSY_CODE, "detail": detail}, ensure_ascii=False).encode()


class IntakeFastPath:
    """WSGI middleware: serve the canonical alarm POST, hand everything else to `app`."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        self.served = 0  # statistics for tests and benchmarks

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if (
            environ.get("PATH_INFO") != PATH
            or environ.get("REQUEST_METHOD") != "POST"
            or not environ.get("HTTP_AUTHORIZATION", "").startswith(_PREFIX)
        ):
            return self.app(environ, start_response)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return self.app(environ, start_response)
        if not 0 < length <= MAX_BODY:
            return self.app(environ, start_response)
        body = environ["wsgi.input"].read(length)
        answer = self._serve(environ, body)
        if answer is None:  # not certainly valid: Django answers, with the body handed on
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            return self.app(environ, start_response)
        status, payload, request_id = answer
        start_response(
            status, [*_HEADERS, ("Content-Length", str(len(payload))), ("X-Request-ID", request_id)]
        )
        self.served += 1
        return [payload]

    def _serve(self, environ: dict[str, Any], body: bytes) -> tuple[str, bytes, str] | None:
        content_type = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        if content_type != "application/json" or not _host_allowed(environ):
            return None
        if getattr(settings, "SECURE_SSL_REDIRECT", False) and not _is_secure(environ):
            return None
        try:
            fields = canonical_fields(json.loads(body))
        except ValueError:  # not JSON, or not UTF-8
            return None
        if fields is None:
            return None
        key = environ["HTTP_AUTHORIZATION"][len(_PREFIX) :].strip()
        if not key or " " in key:
            return None
        request_id = environ.get("HTTP_X_REQUEST_ID", "")[:64] or os.urandom(16).hex()  # uuid4() cost 4 %
        ip = environ.get("HTTP_X_REAL_IP") or environ.get("REMOTE_ADDR", "")
        _close_old_connections()  # what Django's request_started does for this thread's connection
        try:
            with context.bind(ip=ip, channel="api", request_id=request_id):
                source = services.source_for_key(key)
                if source is None:
                    return None
                try:
                    prepared = services.prepare_alarm(source, **fields)
                except DomainError:
                    return None  # refused: the API answers with its code and message
                try:
                    alarm, created = intake.receive(prepared)
                except intake.IntakeTimeout:
                    return "503 Service Unavailable", _busy(), request_id
        finally:
            _close_old_connections()  # and request_finished
        payload = json.dumps(
            {"id": alarm.pk, "group_key": alarm.group_key, "room": alarm.room_id, "duplicate": not created},
            separators=(",", ":"),
        ).encode()
        return ("201 Created" if created else "200 OK"), payload, request_id
