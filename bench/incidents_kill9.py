"""`kill -9` of the server in the middle of an alarm burst loses no alarm that was answered 2xx
(issue 7; GB 55029-2022: alarm records cannot be lost or modified).

The real production server (gunicorn, gthread workers, as docs/operations.md runs it) serves a fresh
database (SQLite or PostgreSQL). The listening socket belongs to this script and is handed to gunicorn
as `fd://N`, so that the server can be killed and restarted on the same address while the clients
keep connecting (connections in between wait in the socket's backlog). Several client threads, each
with one keep-alive connection, POST single alarms with unique event ids to `/api/v1/alarms/`;
after a share of them, the server's whole process group gets SIGKILL, and a new server is started.
At the end every event id answered 2xx must be in the database, and the audit chain must verify.

    python bench/incidents_kill9.py [--alarms 3000] [--clients 8] [--db sqlite] [--kill-at 0.4]

The same harness serves `bench/incidents_intake.py --http` (throughput through the real server) and
the suite's smaller test (`watchroom/incidents/tests/test_kill9.py`).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c  # noqa: E402

KEY = "wr_bench_intake_key_0123456789abcdefghijklmnopqrstuvwxyz"
CAMERAS = 40


# --- the database: a source and its cameras; the check after the burst ---------------------------------


def child_seed() -> None:
    c.django_setup()
    from watchroom.incidents.models import AlarmSource
    from watchroom.sites.tests import factories as sf

    campus = sf.CampusFactory(code="A", name="本部院区")
    room = sf.RoomFactory(campus=campus, code="RA", name="本部监控中心")
    group = sf.CameraGroupFactory(campus=campus, room=room)
    for i in range(CAMERAS):
        sf.CameraFactory(area=sf.AreaFactory(campus=campus), group=group, number=f"A-{i:04d}")
    AlarmSource.objects.create(
        campus=campus, room=room, name="kill9", kind="panic_button", key_prefix=KEY[:8],
        key_hash=AlarmSource.hash_key(KEY),
    )  # fmt: skip
    print(json.dumps({"ok": True}))


def child_check() -> None:
    c.django_setup()
    from watchroom.audit import chain
    from watchroom.audit.models import AuditEvent
    from watchroom.incidents.models import Alarm

    ids = list(Alarm.objects.values_list("source_event_id", flat=True))
    audited = AuditEvent.objects.filter(action="incidents.alarm_received").count()
    result = chain.verify()
    print(json.dumps({"event_ids": ids, "audited": audited, "chain_ok": result.ok, "chain_count": result.count,
                      "chain_reason": result.reason}))  # fmt: skip


# --- the server ---------------------------------------------------------------------------------------


def listening_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # a free port of the loopback
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


class Server:
    """gunicorn on an inherited socket, in a process group of its own (so that SIGKILL reaches the
    master and every worker at once)."""

    def __init__(self, env: dict[str, str], sock: socket.socket, *, workers: int = 2, threads: int = 4,
                 log: Path | None = None) -> None:  # fmt: skip
        self.env, self.sock, self.workers, self.threads, self.log = env, sock, workers, threads, log
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def port(self) -> int:
        return int(self.sock.getsockname()[1])

    def start(self) -> None:
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        out = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115
        self.proc = subprocess.Popen(
            [gunicorn, "watchroom.wsgi:application", "--bind", f"fd://{self.sock.fileno()}",
             "--worker-class", "gthread", "--workers", str(self.workers), "--threads", str(self.threads),
             "--keep-alive", "30", "--timeout", "60", "--graceful-timeout", "5"],
            env=self.env, cwd=c.ROOT, pass_fds=(self.sock.fileno(),), stdout=out, stderr=out,
            start_new_session=True,
        )  # fmt: skip
        self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("the server did not answer /healthz")

    def kill9(self) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)  # this server's own process group only
        self.proc.wait()
        self.proc = None

    def stop(self) -> None:
        if self.proc is None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.proc = None


# --- the clients ----------------------------------------------------------------------------------


def alarm(event_id: str, i: int) -> dict[str, Any]:
    return {
        "event_id": event_id, "occurred_at": "2026-11-25T10:00:00+08:00", "alarm_type": "panic",
        "priority": 1, "method": "device", "camera": f"A-{i % CAMERAS:04d}", "description": "一键报警",
    }  # fmt: skip


@dataclass
class Tally:
    sent: int = 0
    answered_2xx: list[str] = field(default_factory=list)
    errors: int = 0  # refused, reset or timed out: no answer (the client would send again)
    other: int = 0  # an answer that is not 2xx
    lock: threading.Lock = field(default_factory=threading.Lock)


def client(port: int, prefix: str, count: int, tally: Tally, batch: int = 1,
           after_each: Callable[[], None] | None = None) -> None:  # fmt: skip
    """POST `count` alarms (singly, or in lists of `batch`) over one keep-alive connection, opening a
    new one after an error."""
    conn: http.client.HTTPConnection | None = None
    headers = {"Authorization": f"AlarmSource {KEY}", "Content-Type": "application/json"}
    for start in range(0, count, batch):
        ids = [f"{prefix}-{i}" for i in range(start, min(start + batch, count))]
        body = [alarm(e, start + n) for n, e in enumerate(ids)]
        data = json.dumps(body if batch > 1 else body[0])
        with tally.lock:
            tally.sent += len(ids)
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("POST", "/api/v1/alarms/", data, headers)
            response = conn.getresponse()
            response.read()
            ok = 200 <= response.status < 300
            with tally.lock:
                if ok:
                    tally.answered_2xx.extend(ids)
                else:
                    tally.other += len(ids)
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException):
            with tally.lock:
                tally.errors += len(ids)
            if conn is not None:
                conn.close()
            conn = None
            time.sleep(0.05)
        if after_each is not None:
            after_each()
    if conn is not None:
        conn.close()


def burst(port: int, alarms: int, clients: int, batch: int = 1,
          on_progress: Callable[[int], None] | None = None) -> tuple[Tally, float]:  # fmt: skip
    tally = Tally()
    per = alarms // clients

    def progress() -> None:
        if on_progress is not None:
            on_progress(tally.sent)

    threads = [
        threading.Thread(target=client, args=(port, f"c{n}", per, tally, batch, progress))
        for n in range(clients)
    ]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return tally, time.perf_counter() - started


def children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def group_cpu(pgid: int) -> float:
    """CPU-seconds so far of the live processes of a process group (the gunicorn master and workers)."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # field 5 of stat: the process group
            total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


# --- the kill -9 run --------------------------------------------------------------------------------


def prepare(env: dict[str, str]) -> None:
    c.migrate(env)
    c.run([sys.executable, str(Path(__file__)), "--seed"], env)


def check(env: dict[str, str]) -> dict[str, Any]:
    out = c.run([sys.executable, str(Path(__file__)), "--check"], env)
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def kill9_run(env: dict[str, str], *, alarms: int, clients: int, kill_at: float = 0.4, workers: int = 2,
              threads: int = 4, log: Path | None = None) -> dict[str, Any]:  # fmt: skip
    """One burst against a prepared database; SIGKILL after `kill_at` of the alarms were sent, restart."""
    sock = listening_socket()
    server = Server(env, sock, workers=workers, threads=threads, log=log)
    server.start()
    killed = threading.Event()
    restarted = threading.Event()

    def on_progress(sent: int) -> None:
        if sent >= alarms * kill_at and not killed.is_set():
            killed.set()
            threading.Thread(target=kill_and_restart).start()

    def kill_and_restart() -> None:
        server.kill9()
        time.sleep(0.3)
        server.start()
        restarted.set()

    try:
        tally, elapsed = burst(server.port, alarms, clients, on_progress=on_progress)
        if killed.is_set():
            restarted.wait(90)
    finally:
        server.stop()
        sock.close()
    stored = check(env)
    stored_ids = set(stored["event_ids"])
    lost = [e for e in tally.answered_2xx if e not in stored_ids]
    return {
        "sent": tally.sent, "answered_2xx": len(tally.answered_2xx), "no_answer": tally.errors,
        "other_status": tally.other, "stored": len(stored_ids), "audited": stored["audited"], "lost": len(lost),
        "lost_ids": lost[:20], "chain_ok": stored["chain_ok"], "chain_events": stored["chain_count"],
        "killed": killed.is_set(), "seconds": elapsed,
    }  # fmt: skip


def measure(db: str, alarms: int, clients: int, kill_at: float, runs: int) -> dict[str, Any]:
    samples = []
    for _ in range(runs):
        with c.child_env(db) as env:
            prepare(env)
            samples.append(kill9_run(env, alarms=alarms, clients=clients, kill_at=kill_at))
    return {"db": db, "alarms": alarms, "clients": clients, "runs": runs, "samples": samples}


def rows(res: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    out = []
    for r in res:
        s = r["samples"]
        out.append((
            f"kill -9 in an intake burst, {r['db']}",
            "; ".join(f"sent {x['sent']}, 2xx {x['answered_2xx']}, stored {x['stored']}, lost {x['lost']}, "
                      f"chain {'ok' if x['chain_ok'] else 'BROKEN'}" for x in s),
            f"{r['runs']} runs × {r['alarms']} single POSTs from {r['clients']} keep-alive clients; gunicorn "
            "gthread 2×4, SIGKILL to its process group, restarted on the same socket",
        ))  # fmt: skip
    return out


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--seed":
        child_seed()
        sys.exit(0)
    if len(sys.argv) > 1 and sys.argv[1] == "--check":
        child_check()
        sys.exit(0)
    parser = argparse.ArgumentParser()
    parser.add_argument("--alarms", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--kill-at", type=float, default=0.4)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], action="append")
    ns = parser.parse_args()
    dbs = [d for d in (ns.db or ["sqlite", "postgresql"]) if d == "sqlite" or c.pg_available()]
    res = [measure(d, ns.alarms, ns.clients, ns.kill_at, ns.runs) for d in dbs]
    for row in rows(res):
        print(" | ".join(row))
    print(json.dumps(res))
    sys.exit(0 if all(x["lost"] == 0 and x["chain_ok"] for r in res for x in r["samples"]) else 1)
