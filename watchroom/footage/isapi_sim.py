"""A simulated Hikvision NVR speaking the part of ISAPI that ``recorders.IsapiRecorderAdapter``
uses, on a free 127.0.0.1 port, for tests and demonstrations (never on the demo's ports).

    with SimulatedIsapiRecorder(channels={1: oldest, 2: None}, username="admin", password="pw") as nvr:
        adapter = IsapiRecorderAdapter(nvr.url, username="admin", password="pw")

- HTTP Digest authentication (RFC 7616, MD5, ``qop="auth"``) as the devices do: an unauthenticated
  request gets 401 with a fresh nonce; a wrong password gets 401 again.
- ``POST /ISAPI/ContentMgmt/search``: reads the ``CMSearchDescription`` (``trackID``, the time
  span, ``searchResultPostion``, ``maxResults``) and answers a ``CMSearchResult`` of the channel's
  recordings as one-hour segments from its oldest recording to now, in time order, a page at a
  time (``OK``, ``MORE``, ``NO MATCHES``). An unknown track is answered as the devices do: 400 with
  a ``ResponseStatus`` (``invalidID``).
- ``mode``: ``"ok"``; ``"malformed"`` (broken XML); ``"doctype"`` (an answer with an entity
  definition, which the adapter must refuse); ``"unsorted"`` (the page in reverse order).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import xml.etree.ElementTree as ET  # noqa: S405 - parses what the tests send it, on loopback
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.request import parse_http_list, parse_keqv_list

from django.utils.dateparse import parse_datetime

from .recorder_sim import LoopbackServer

NS = "http://www.isapi.org/ver20/XMLSchema"
REALM = "DS-7616NI-K2 simulated"
SEGMENT = timedelta(hours=1)


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()  # noqa: S324 - HTTP Digest is MD5 by definition


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class SimulatedIsapiRecorder(LoopbackServer):
    def __init__(
        self,
        channels: dict[int, datetime | None],
        *,
        username: str = "admin",
        password: str = "",
        now: datetime | None = None,
    ) -> None:
        self.oldest: dict[int, datetime | None] = dict(channels)
        self.username, self.password = username, password
        self.now = now
        self.mode = "ok"
        self.requests: list[tuple[str, str, int]] = []  # method, path, status answered
        self.searches: list[dict[str, str]] = []  # the search descriptions received
        self._nonces: set[str] = set()
        self.lock = threading.Lock()
        self.serve(self._handler())

    def _new_nonce(self) -> str:
        nonce = secrets.token_hex(16)
        with self.lock:
            self._nonces.add(nonce)
        return nonce

    def _check_digest(self, method: str, header: str) -> bool:
        if not header.startswith("Digest "):
            return False
        fields = parse_keqv_list(parse_http_list(header[len("Digest ") :]))
        with self.lock:
            known = fields.get("nonce", "") in self._nonces
        if not known or fields.get("username") != self.username or fields.get("realm") != REALM:
            return False
        ha1 = _md5(f"{self.username}:{REALM}:{self.password}")
        ha2 = _md5(f"{method}:{fields.get('uri', '')}")
        if fields.get("qop") == "auth":
            expected = _md5(
                f"{ha1}:{fields['nonce']}:{fields.get('nc', '')}:{fields.get('cnonce', '')}:auth:{ha2}"
            )
        else:
            expected = _md5(f"{ha1}:{fields['nonce']}:{ha2}")
        return secrets.compare_digest(expected, fields.get("response", ""))

    def _segments(self, channel: int, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        oldest = self.oldest.get(channel)
        now = self.now or datetime.now(UTC)
        if oldest is None:
            return []
        out: list[tuple[datetime, datetime]] = []
        at = oldest
        while at < now and len(out) < 100_000:
            seg_end = min(at + SEGMENT, now)
            if seg_end > start and at < end:
                out.append((at, seg_end))
            at = seg_end
        return out

    def search(self, body: bytes) -> tuple[int, bytes]:
        root = ET.fromstring(body)  # noqa: S314 - the adapter's own request, on loopback

        def text(name: str) -> str:
            found = root.find(f".//{{{NS}}}{name}")
            if found is None:
                found = root.find(f".//{name}")
            return (found.text or "").strip() if found is not None else ""

        described = {
            k: text(k)
            for k in ("searchID", "trackID", "startTime", "endTime", "maxResults", "searchResultPostion")
        }
        self.searches.append(described)
        track = int(described["trackID"] or 0)
        channel, stream = divmod(track, 100)
        if channel not in self.oldest or stream != 1:
            return 400, self._status(4, "Invalid Operation", "invalidID")
        start = parse_datetime(described["startTime"]) or datetime(2000, 1, 1, tzinfo=UTC)
        end = parse_datetime(described["endTime"]) or datetime.now(UTC)
        position = int(described["searchResultPostion"] or 0)
        size = int(described["maxResults"] or 40)
        segments = self._segments(channel, start, end)
        page = segments[position : position + size]
        status = "NO MATCHES" if not page else "MORE" if position + size < len(segments) else "OK"
        if self.mode == "unsorted":
            page = list(reversed(page))
        items = "".join(
            f"<searchMatchItem><sourceID>{{00000000-0000-0000-0000-000000000000}}</sourceID>"
            f"<trackID>{track}</trackID><timeSpan><startTime>{_utc(a)}</startTime><endTime>{_utc(b)}</endTime>"
            f"</timeSpan><mediaSegmentDescriptor><contentType>video</contentType><codecType>H.265</codecType>"
            f"<playbackURI>rtsp://127.0.0.1/Streaming/tracks/{track}/?starttime={a:%Y%m%dT%H%M%SZ}&amp;"
            f"endtime={b:%Y%m%dT%H%M%SZ}</playbackURI><lockStatus>unlock</lockStatus></mediaSegmentDescriptor>"
            f"</searchMatchItem>"
            for a, b in page
        )
        answer = (
            f'<?xml version="1.0" encoding="UTF-8"?><CMSearchResult version="2.0" xmlns="{NS}">'
            f"<searchID>{described['searchID']}</searchID><responseStatus>true</responseStatus>"
            f"<responseStatusStrg>{status}</responseStatusStrg><numOfMatches>{len(page)}</numOfMatches>"
            f"<matchList>{items}</matchList></CMSearchResult>"
        )
        if self.mode == "malformed":
            return 200, answer[: len(answer) // 2].encode()
        if self.mode == "doctype":
            bomb = '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            return 200, answer.replace("?>", "?>" + bomb, 1).replace(
                "<numOfMatches>", "<numOfMatches>&b;"
            ).encode()
        return 200, answer.encode()

    @staticmethod
    def _status(code: int, text: str, sub: str) -> bytes:
        return (
            f'<?xml version="1.0" encoding="UTF-8"?><ResponseStatus version="2.0" xmlns="{NS}">'
            f"<requestURL>/ISAPI/ContentMgmt/search</requestURL><statusCode>{code}</statusCode>"
            f"<statusString>{text}</statusString><subStatusCode>{sub}</subStatusCode></ResponseStatus>"
        ).encode()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        sim = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def _answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
                sim.requests.append((self.command, self.path, status))
                self.send_response(status)
                self.send_header("Content-Type", 'application/xml; charset="UTF-8"')
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if not sim._check_digest("POST", self.headers.get("Authorization", "")):
                    challenge = (
                        f'Digest realm="{REALM}", qop="auth", nonce="{sim._new_nonce()}", stale="FALSE"'
                    )
                    return self._answer(
                        401,
                        sim._status(4, "Invalid Operation", "unAuthorized"),
                        {"WWW-Authenticate": challenge},
                    )
                if self.path.split("?", 1)[0] != "/ISAPI/ContentMgmt/search":
                    return self._answer(404, sim._status(4, "Invalid Operation", "notSupport"))
                try:
                    status, answer = sim.search(body)
                except (ET.ParseError, ValueError):
                    status, answer = 400, sim._status(5, "Invalid XML Format", "badXmlFormat")
                return self._answer(status, answer)

            def do_GET(self) -> None:  # noqa: N802
                self._answer(404, sim._status(4, "Invalid Operation", "notSupport"))

        return Handler
