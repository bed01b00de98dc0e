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
another subclass registered in ``ADAPTERS`` and chosen per link (``RecorderLink.protocol``):
``IsapiRecorderAdapter`` speaks Hikvision ISAPI (Digest authentication, XML) for the oldest
recording; it cannot set locks (``NotSupported``, which the sync notes rather than fails on). No database work happens here: services read the
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
import uuid
import xml.etree.ElementTree as ET  # noqa: S405 - answers are checked for DTDs first (parse_xml)
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.timezone import get_default_timezone, make_aware

OWNER = "watchroom"
ISAPI_NS = "http://www.isapi.org/ver20/XMLSchema"


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


ISAPI_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # search from here: older than any NVR's disk


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_xml(raw: bytes, what: str) -> ET.Element:
    """Parse an XML answer from a recorder with care: a document type declaration (and with it any
    entity definition — "billion laughs", external entities) is refused outright, then the stdlib
    parser reads what is left. A recorder's ISAPI answers never carry a DTD."""
    head = raw[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in raw.lower():
        raise RecorderError(f"{what}: XML with a document type declaration refused")
    try:
        return ET.fromstring(raw)  # noqa: S314 - DTDs and entities refused above
    except ET.ParseError as exc:
        raise RecorderError(f"{what}: malformed XML ({exc})") from None


def _find(element: ET.Element, *path: str) -> ET.Element | None:
    """The first descendant along ``path`` by local names (ISAPI answers come in the isapi.org or
    the hikvision.com namespace, or none)."""
    current: ET.Element | None = element
    for name in path:
        if current is None:
            return None
        current = next((child for child in current if _local_name(child.tag) == name), None)
    return current


def _text(element: ET.Element, *path: str) -> str:
    found = _find(element, *path)
    return (found.text or "").strip() if found is not None else ""


def _isapi_time(value: str, what: str) -> datetime:
    """An ISAPI time: ``2026-11-20T08:00:00Z`` (UTC) or with an offset; a time without either is the
    recorder's local time, taken as the hospital's time zone (``TIME_ZONE``)."""
    parsed = parse_datetime(value.strip()) if value else None
    if parsed is None:
        raise RecorderError(f"{what}: bad time {value!r}")
    if parsed.tzinfo is None:
        parsed = make_aware(parsed, get_default_timezone())
    return parsed


class NotSupported(RecorderError):
    """The recorder's protocol has no such operation (the sync notes it; it is not a failure)."""


class IsapiRecorderAdapter(RecorderAdapter):
    """Hikvision ISAPI (the NVRs most Chinese hospitals run), HTTP Digest authentication, XML.

    - **Oldest recording** of channel N: ``POST /ISAPI/ContentMgmt/search`` with a
      ``CMSearchDescription`` for track ``N*100+1`` (the channel's main-stream recordings) over
      2000-01-01 … now, ``searchResultPostion`` 0 (the protocol's own spelling) and ``maxResults``
      ``page_size``. The recorder answers a ``CMSearchResult`` (``responseStatusStrg`` ``OK``,
      ``MORE`` or ``NO MATCHES``) with ``searchMatchItem``s in time order; the earliest
      ``timeSpan/startTime`` of the first page is the oldest recording (the minimum is taken, in
      case a recorder does not sort).
    - **Locks**: ISAPI locks individual record files by name (``lockStatus`` in the search
      answer), not time ranges with an owner, and Watchroom has no verified description of that
      call to build on. So ``locks()``/``set_locks()`` raise ``NotSupported``: the sync records
      a note and the recorder is protected through the may-discard question and the holds
      themselves, not through locks on the recorder.
    """

    protocol = "isapi"

    def __init__(
        self,
        base_url: str,
        *,
        username: str = "",
        password: str = "",
        timeout: float = 5.0,
        page_size: int = 50,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        parsed = urllib.parse.urlsplit(base_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise RecorderError(f"not an http(s) address: {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.page_size = page_size
        self.now = now or (lambda: datetime.now(UTC))
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, self.base_url, username, password)
        # no proxy: a recorder is on the hospital's own network
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), urllib.request.HTTPDigestAuthHandler(passwords)
        )

    def _post_xml(self, path: str, body: bytes) -> ET.Element:
        req = urllib.request.Request(  # noqa: S310 - http(s) only, checked in __init__
            self.base_url + path,
            data=body,
            headers={"Content-Type": "application/xml; charset=UTF-8", "Accept": "application/xml"},
            method="POST",
        )
        try:
            with self.opener.open(req, timeout=self.timeout) as resp:
                raw = resp.read(2_000_000)
        except urllib.error.HTTPError as exc:
            detail = ""
            try:
                answer = parse_xml(exc.read(100_000), path)
                detail = " ".join(
                    x for x in (_text(answer, "statusString"), _text(answer, "subStatusCode")) if x
                )
            except (RecorderError, OSError):
                pass
            raise RecorderError(f"POST {path}: HTTP {exc.code}{': ' + detail if detail else ''}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise RecorderError(f"POST {path}: {exc}") from None
        return parse_xml(raw, path)

    @staticmethod
    def search_body(track: int, start: datetime, end: datetime, position: int, max_results: int) -> bytes:
        def utc(value: datetime) -> str:
            return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

        root = ET.Element("CMSearchDescription", {"version": "1.0", "xmlns": ISAPI_NS})
        ET.SubElement(root, "searchID").text = str(uuid.uuid4()).upper()
        ET.SubElement(ET.SubElement(root, "trackList"), "trackID").text = str(int(track))
        span = ET.SubElement(ET.SubElement(root, "timeSpanList"), "timeSpan")
        ET.SubElement(span, "startTime").text = utc(start)
        ET.SubElement(span, "endTime").text = utc(end)
        ET.SubElement(root, "maxResults").text = str(int(max_results))
        ET.SubElement(root, "searchResultPostion").text = str(int(position))  # sic: ISAPI's spelling
        meta = ET.SubElement(root, "metadataList")
        ET.SubElement(meta, "metadataDescriptor").text = "//recordType.meta.std-cgi.com"
        return b'<?xml version="1.0" encoding="UTF-8"?>' + ET.tostring(root)

    def oldest_recording(self, channel: int) -> datetime | None:
        track = int(channel) * 100 + 1
        what = f"channel {channel} (track {track})"
        answer = self._post_xml(
            "/ISAPI/ContentMgmt/search",
            self.search_body(track, ISAPI_EPOCH, self.now(), 0, self.page_size),
        )
        if _local_name(answer.tag) != "CMSearchResult":
            raise RecorderError(f"{what}: unexpected answer <{_local_name(answer.tag)}>")
        status = _text(answer, "responseStatusStrg").upper()
        if _text(answer, "responseStatus").lower() == "false" or status not in ("OK", "MORE", "NO MATCHES"):
            raise RecorderError(f"{what}: search refused ({status or 'no status'})")
        if status == "NO MATCHES":
            return None
        matches = _find(answer, "matchList")
        starts = [
            _isapi_time(_text(item, "timeSpan", "startTime"), what)
            for item in (matches if matches is not None else [])
            if _local_name(item.tag) == "searchMatchItem"
        ]
        if not starts:
            if status == "MORE":
                raise RecorderError(f"{what}: 'MORE' results announced, none given")
            return None
        return min(starts)

    def locks(self) -> list[Lock]:
        raise NotSupported("locks: not supported by the ISAPI adapter (record files are locked by name)")

    def set_locks(self, locks: list[Lock]) -> None:
        raise NotSupported("locks: not supported by the ISAPI adapter (record files are locked by name)")


AdapterFactory = Callable[[Any], RecorderAdapter]


def _credentials(link: Any) -> tuple[str, str]:
    recorder = link.recorder
    return recorder.username, recorder.get_password() if recorder.has_password else ""


def _http(link: Any) -> RecorderAdapter:
    username, password = _credentials(link)
    return HttpRecorderAdapter(link.base_url, username=username, password=password)


def _isapi(link: Any) -> RecorderAdapter:
    username, password = _credentials(link)
    return IsapiRecorderAdapter(link.base_url, username=username, password=password)


ADAPTERS: dict[str, AdapterFactory] = {"http": _http, "isapi": _isapi}


def adapter_for(link: Any) -> RecorderAdapter:
    """The adapter for a ``RecorderLink``, by its protocol."""
    factory = ADAPTERS.get(getattr(link, "protocol", "") or "http")
    if factory is None:
        raise RecorderError(f"unknown recorder protocol {link.protocol!r}")
    return factory(link)
