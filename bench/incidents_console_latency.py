"""Alarm → console latency: POST /api/v1/alarms/ (a panic-button source) until the alarm event arrives on
each of N connected SSE consoles (GET /incidents/stream/), through a real gunicorn server (gthread,
WSGI) on 127.0.0.1, production settings, SQLite and PostgreSQL. Reports median and p95 over every
(alarm, console) pair, and the intake time of the POST itself.

    python bench/incidents_console_latency.py [--consoles 50] [--alarms 20]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepare() -> dict[str, Any]:
    """Campus, room, camera, a director-scoped console user with a session, a panic-button source."""
    c.django_setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from watchroom.accounts.tests.factories import make_user
    from watchroom.incidents.models import AlarmSource
    from watchroom.sites.tests import factories as sf

    campus = sf.CampusFactory(code="A", name="本部院区")
    room = sf.RoomFactory(campus=campus, code="RA", name="本部监控中心")
    group = sf.CameraGroupFactory(campus=campus, room=room)
    sf.CameraFactory(area=sf.AreaFactory(campus=campus), group=group, number="A-0001")
    user = make_user("bench_console", "director", campuses=[campus], real_name="值班")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "watchroom.accounts.backends.RoleBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session["otp_device_id"] = None
    session.create()
    key = "wr_bench_" + "k" * 32
    AlarmSource.objects.create(
        campus=campus,
        room=room,
        name="一键报警",
        kind="panic_button",
        key_prefix=key[:10],
        key_hash=AlarmSource.hash_key(key),
    )
    return {"cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}", "room": room.pk, "key": key}


def child(consoles: int, alarms: int) -> None:
    info = _prepare()
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "watchroom.wsgi", "-k", "gthread", "--threads", str(consoles + 16),
         "-w", "1", "-b", f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "120"],
        env=os.environ.copy(), cwd=c.ROOT,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        arrivals: dict[tuple[int, int], float] = {}
        ready = threading.Barrier(consoles + 1)
        lock = threading.Lock()

        def console(n: int) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request(
                "GET", f"/incidents/stream/?room={info['room']}&max=120",
                headers={"Cookie": info["cookie"], "Accept": "text/event-stream", "Host": "127.0.0.1"},
            )  # fmt: skip
            response = conn.getresponse()
            assert response.status == 200, response.status
            first = True
            event = ""
            while True:
                line = response.fp.readline()
                if not line:
                    return
                text = line.decode().rstrip("\n")
                if first:
                    first = False
                    ready.wait()
                if text.startswith("event: "):
                    event = text[7:]
                elif text.startswith("data: ") and event == "alarm":
                    alarm_id = json.loads(text[6:])["id"]
                    with lock:
                        arrivals[(n, alarm_id)] = time.perf_counter()
                        if sum(1 for k in arrivals if k[0] == n) >= alarms:
                            conn.close()
                            return

        threads = [threading.Thread(target=console, args=(i,), daemon=True) for i in range(consoles)]
        for t in threads:
            t.start()
        ready.wait(timeout=60)
        time.sleep(0.5)
        sent: dict[int, float] = {}
        intake: list[float] = []
        poster = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for i in range(alarms):
            body = json.dumps({
                "event_id": f"bench-{i}", "occurred_at": "2026-11-25T10:00:00+08:00", "alarm_type": "panic",
                "priority": 1, "camera": "A-0001", "description": "bench",
            })  # fmt: skip
            started = time.perf_counter()
            poster.request(
                "POST", "/api/v1/alarms/", body=body,
                headers={"Authorization": f"AlarmSource {info['key']}", "Content-Type": "application/json",
                         "Host": "127.0.0.1"},
            )  # fmt: skip
            response = poster.getresponse()
            payload = json.loads(response.read())
            intake.append((time.perf_counter() - started) * 1000)
            assert response.status == 201, payload
            sent[payload["id"]] = started
            time.sleep(0.4)
        for t in threads:
            t.join(timeout=10)
        latencies = sorted((at - sent[a]) * 1000 for (_n, a), at in arrivals.items() if a in sent)
        expected = consoles * alarms
        p95 = latencies[max(0, int(round(0.95 * len(latencies))) - 1)] if latencies else float("nan")
        print(json.dumps({
            "median": c.median(latencies) if latencies else float("nan"), "p95": p95, "max": max(latencies or [0]),
            "delivered": len(latencies), "expected": expected, "intake_median": c.median(intake),
        }))  # fmt: skip
    finally:
        server.terminate()
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:  # streams still open: stop the server hard
            server.kill()
            server.wait(timeout=5)


def measure(db: str, consoles: int, alarms: int) -> dict[str, Any]:
    with c.child_env(db) as env:
        c.migrate(env)
        c.run([*c.watchroom_cmd(), "collectstatic", "--no-input", "-v", "0"], env)
        result = c.run_child(Path(__file__), env, str(consoles), str(alarms))
    return {"db": db, "consoles": consoles, "alarms": alarms, **result}


def results(
    consoles: int = 50, alarms: int = 20, dbs: tuple[str, ...] = ("sqlite", "postgresql")
) -> list[dict]:
    return [measure(db, consoles, alarms) for db in dbs if db == "sqlite" or c.pg_available()]


def rows(res: list[dict]) -> list[tuple[str, str, str]]:
    return [
        (f"alarm POST → SSE console, {r['db']}",
         f"median {r['median']:.0f} ms, p95 {r['p95']:.0f} ms, max {r['max']:.0f} ms",
         f"{r['consoles']} consoles × {r['alarms']} alarms, {r['delivered']}/{r['expected']} delivered; "
         f"gunicorn gthread; 250 ms DB poll; intake POST median {r['intake_median']:.1f} ms")
        for r in res
    ]  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(int(sys.argv[2]), int(sys.argv[3]))
        sys.exit(0)
    parser = argparse.ArgumentParser()
    parser.add_argument("--consoles", type=int, default=50)
    parser.add_argument("--alarms", type=int, default=20)
    ns = parser.parse_args()
    for row in rows(results(ns.consoles, ns.alarms)):
        print(" | ".join(row))
