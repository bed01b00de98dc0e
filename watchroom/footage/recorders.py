"""Talking to recorders (NVRs) about retention (DATA-2, DATA-3, INC-5).

Watchroom asks a recorder two things and tells it one:

- for each channel, the **oldest recording** it still holds (the retention register's "actual
  oldest recording available", filled automatically instead of at inspections);
- the **locks** (held ranges) currently on it, and the set of ranges it must **not overwrite**:
  every active evidence hold, plus a released hold's range for as long as
  ``services.may_discard_recording`` still says no (its footage is younger than the camera's
  retention).

``RecorderAdapter`` is the interface; ``HttpRecorderAdapter`` speaks a small JSON API modelled on
how NVRs expose recordings and locks (Hikvision ISAPI's ``ContentMgmt/search`` and ``lock``,
Dahua's ``mediaFileFind`` and ``LockRecord``)::

    GET  /recordings/oldest?channel=N  -> {"channel": N, "oldest": "<ISO 8601>" | null}
    GET  /locks?owner=watchroom        -> {"locks": [{"id", "channel", "start", "end"}, ...]}
    POST /locks                        <- {"owner": "watchroom", "locks": [...]}  (replaces the owner's set)

with HTTP Basic authentication from the recorder's stored credentials. A vendor's real protocol is
another subclass registered in ``ADAPTERS``. No database work happens here: services read the
recorder first (no transaction open), then record what they found.

In the other direction, a recorder asks Watchroom before it overwrites: ``POST
/api/v1/footage/recorder/may-discard/`` with ``Authorization: Recorder <key>`` (see ``api.py``).
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.dateparse import parse_datetime

OWNER = "watchroom"


class RecorderError(Exception):
    """The recorder could not be reached or answered something we do not understand."""


@dataclass(frozen=True, order=True)
class Lock:
    """A range of one channel the recorder must not overwrite. ``id`` is Watchroom's
    (``hold-<pk>``), so a lock can be traced back to its hold."""

    channel: int
    start: datetime
    end: datetime
    id: str

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "channel": self.channel,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Lock:
        start, end = parse_datetime(str(data.get("start", ""))), parse_datetime(str(data.get("end", "")))
        if start is None or end is None or start.tzinfo is None or end.tzinfo is None:
            raise RecorderError(f"bad lock {data!r}")
        return cls(channel=int(data["channel"]), start=start, end=end, id=str(data.get("id", "")))


class RecorderAdapter(ABC):
    """What Watchroom needs from a recorder."""

    @abstractmethod
    def oldest_recording(self, channel: int) -> datetime | None:
        """The start of the oldest recording still held on ``channel`` (None: nothing recorded)."""

    @abstractmethod
    def locks(self) -> list[Lock]:
        """Watchroom's locks currently on the recorder."""

    @abstractmethod
    def set_locks(self, locks: list[Lock]) -> None:
        """Replace Watchroom's locks on the recorder with ``locks``."""


class HttpRecorderAdapter(RecorderAdapter):
    """The JSON-over-HTTP recorder API described in the module docstring."""

    def __init__(
        self, base_url: str, *, username: str = "", password: str = "", timeout: float = 5.0
    ) -> None:
        parsed = urllib.parse.urlsplit(base_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise RecorderError(f"not an http(s) address: {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.headers = {"Accept": "application/json"}
        if username:
            token = base64.b64encode(f"{username}:{password}".encode()).decode()
            self.headers["Authorization"] = f"Basic {token}"

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        headers = dict(self.headers)
        if data is not None:
            headers["Content-Type"] = "application/json"
        url = self.base_url + path  # http(s) only: checked in __init__
        req = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310 (http(s) only, checked)
                raw = resp.read(1_000_000)
        except urllib.error.HTTPError as exc:
            raise RecorderError(f"{method} {path}: HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise RecorderError(f"{method} {path}: {exc}") from None
        try:
            return json.loads(raw or b"null")
        except ValueError:
            raise RecorderError(f"{method} {path}: not JSON") from None

    def oldest_recording(self, channel: int) -> datetime | None:
        answer = self._call("GET", f"/recordings/oldest?channel={int(channel)}")
        if not isinstance(answer, dict) or "oldest" not in answer:
            raise RecorderError(f"channel {channel}: unexpected answer")
        if answer["oldest"] is None:
            return None
        value = parse_datetime(str(answer["oldest"]))
        if value is None or value.tzinfo is None:
            raise RecorderError(f"channel {channel}: bad time {answer['oldest']!r}")
        return value

    def locks(self) -> list[Lock]:
        answer = self._call("GET", f"/locks?owner={OWNER}")
        if not isinstance(answer, dict) or not isinstance(answer.get("locks"), list):
            raise RecorderError("locks: unexpected answer")
        return [Lock.from_json(item) for item in answer["locks"]]

    def set_locks(self, locks: list[Lock]) -> None:
        self._call("POST", "/locks", {"owner": OWNER, "locks": [lock.as_json() for lock in sorted(locks)]})


AdapterFactory = Callable[[Any], RecorderAdapter]


def _http(link: Any) -> RecorderAdapter:
    recorder = link.recorder
    password = recorder.get_password() if recorder.has_password else ""
    return HttpRecorderAdapter(link.base_url, username=recorder.username, password=password)


ADAPTERS: dict[str, AdapterFactory] = {"http": _http}


def adapter_for(link: Any) -> RecorderAdapter:
    """The adapter for a ``RecorderLink`` (every link speaks the HTTP API for now)."""
    return ADAPTERS["http"](link)
