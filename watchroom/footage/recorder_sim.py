"""A simulated recorder (NVR) speaking the JSON API of ``recorders.HttpRecorderAdapter``, on a free
127.0.0.1 port, for tests and demonstrations (never on the demo's ports).

    with SimulatedRecorder(channels={1: oldest, 2: None}, username="admin", password="pw") as nvr:
        adapter = HttpRecorderAdapter(nvr.url, username="admin", password="pw")

It keeps, per channel, the start of its oldest recording, and per owner a set of locks. Like a real
NVR's ring buffer, ``overwrite(channel, until)`` discards the oldest footage up to ``until`` but
stops at the first locked range, and — when ``ask`` is given (the recorder's integration with
Watchroom's ``may-discard`` API) — only if Watchroom agrees.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.utils.dateparse import parse_datetime


class LoopbackServer:
    """An HTTP server of a simulated device on 127.0.0.1 (a free port), run in a thread while the
    ``with`` block lasts; shared by the simulated recorders of this module and ``isapi_sim``."""

    server: ThreadingHTTPServer
    thread: threading.Thread

    def serve(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> Any:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


class SimulatedRecorder(LoopbackServer):
    def __init__(
        self,
        channels: dict[int, datetime | None],
        *,
        username: str = "",
        password: str = "",
        ask: Callable[[int, datetime, datetime], bool] | None = None,
    ) -> None:
        self.oldest: dict[int, datetime | None] = dict(channels)
        self.locks: dict[str, list[dict[str, Any]]] = {}
        self.username, self.password = username, password
        self.ask = ask
        self.requests: list[tuple[str, str]] = []
        self.fail = False  # answer 500 to everything (a broken recorder)
        self.lock = threading.Lock()
        self.serve(self._handler())

    def overwrite(self, channel: int, until: datetime) -> datetime | None:
        """Discard the channel's footage older than ``until``, as a full disk would, except locked
        ranges and what Watchroom refuses. Returns the new oldest recording."""
        with self.lock:
            oldest = self.oldest.get(channel)
            if oldest is None or oldest >= until:
                return oldest
            for lock in (item for items in self.locks.values() for item in items):
                start = parse_datetime(lock["start"])
                if lock["channel"] == channel and start is not None and start < until:
                    until = max(oldest, min(until, start))
        if until <= oldest:
            return oldest
        if self.ask is not None and not self.ask(channel, oldest, until):
            return oldest
        with self.lock:
            self.oldest[channel] = until
        return until

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        sim = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def _answer(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorised(self) -> bool:
                if not sim.username:
                    return True
                token = base64.b64encode(f"{sim.username}:{sim.password}".encode()).decode()
                return self.headers.get("Authorization", "") == f"Basic {token}"

            def _route(self, method: str) -> None:
                parts = urlsplit(self.path)
                sim.requests.append((method, parts.path))
                if sim.fail:
                    return self._answer(500, {"error": "disk failure"})
                if not self._authorised():
                    return self._answer(401, {"error": "unauthorised"})
                query = parse_qs(parts.query)
                if method == "GET" and parts.path == "/recordings/oldest":
                    try:
                        channel = int(query.get("channel", [""])[0])
                    except ValueError:
                        return self._answer(400, {"error": "channel"})
                    if channel not in sim.oldest:
                        return self._answer(404, {"error": "no such channel"})
                    oldest = sim.oldest[channel]
                    return self._answer(
                        200, {"channel": channel, "oldest": oldest.isoformat() if oldest else None}
                    )
                if method == "GET" and parts.path == "/locks":
                    owner = query.get("owner", [""])[0]
                    with sim.lock:
                        return self._answer(200, {"locks": list(sim.locks.get(owner, []))})
                if method == "POST" and parts.path == "/locks":
                    length = int(self.headers.get("Content-Length") or 0)
                    try:
                        body = json.loads(self.rfile.read(length) or b"{}")
                        owner, locks = str(body["owner"]), list(body["locks"])
                    except (ValueError, KeyError, TypeError):
                        return self._answer(400, {"error": "body"})
                    with sim.lock:
                        sim.locks[owner] = locks
                    return self._answer(200, {"locks": len(locks)})
                return self._answer(404, {"error": "not found"})

            def do_GET(self) -> None:  # noqa: N802
                self._route("GET")

            def do_POST(self) -> None:  # noqa: N802
                self._route("POST")

        return Handler
