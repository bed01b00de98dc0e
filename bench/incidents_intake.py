"""Sustained alarm intake with audit: `services.receive_alarm` (what POST /api/v1/alarms/ calls after
authentication) for N alarms from 4 sources and 40 cameras, each in its own transaction with its audit
event and storm grouping, then `services.receive_alarms` (the list form of the POST) in batches of 100,
SQLite and PostgreSQL. Reports alarms per second of wall time and per CPU-second of this process (the
machine is shared: the second figure is the steadier one), and statements per alarm, median of 3 runs
(target ≥ 1,000/s).

    python bench/incidents_intake.py [--alarms 3000] [--runs 3] [--db sqlite]

`--http`: the same through the real server — gunicorn (gthread, `--workers`×`--threads`, keep-alive)
on 127.0.0.1 with production settings, `--clients` client threads each with one keep-alive
connection POSTing to /api/v1/alarms/, singly and in lists of 100. Reports alarms per second of wall
time and the server's CPU-seconds per 1,000 alarms (gunicorn's processes; the database server's own
CPU is not counted), median of `--runs` fresh databases.

    python bench/incidents_intake.py --http [--alarms 4000] [--clients 48] [--workers 2] [--threads 32]

Single POSTs go through the WSGI fast path and the group commit (incidents/fastpath.py, intake.py):
the more POSTs a process has in flight, the more each commit holds, so the figure depends on the
clients and threads (docs/benchmarks.md gives it for several).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c  # noqa: E402


def child(alarms: int) -> None:
    c.django_setup()
    from django.utils import timezone

    from watchroom.incidents import services
    from watchroom.incidents.models import Alarm, AlarmSource
    from watchroom.sites.tests import factories as sf

    campus = sf.CampusFactory(code="A", name="本部院区")
    room = sf.RoomFactory(campus=campus, code="RA", name="本部监控中心")
    group = sf.CameraGroupFactory(campus=campus, room=room)
    cameras = [
        sf.CameraFactory(area=sf.AreaFactory(campus=campus), group=group, number=f"A-{i:04d}").number
        for i in range(40)
    ]
    sources = [
        AlarmSource.objects.create(
            campus=campus, room=room, name=f"src{i}", kind="recorder", key_prefix="x", key_hash=f"{i:064d}"
        )
        for i in range(4)
    ]
    now = timezone.now()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # queries per alarm, warm (source, camera and system actor already looked up), one alarm
    services.receive_alarm(sources[0], event_id="warm", occurred_at=now, alarm_type="motion", priority=3,
                           camera=cameras[0])  # fmt: skip
    with CaptureQueriesContext(connection) as ctx:
        services.receive_alarm(sources[0], event_id="count", occurred_at=now, alarm_type="motion", priority=3,
                               camera=cameras[0])  # fmt: skip
    queries_single = len(ctx.captured_queries)
    started, cpu = time.perf_counter(), time.process_time()
    for i in range(alarms):
        services.receive_alarm(
            sources[i % 4], event_id=f"e{i}", occurred_at=now, alarm_type="motion", priority=3,
            camera=cameras[i % 40],
        )  # fmt: skip
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    single, single_cpu = alarms / elapsed, alarms / cpu
    # the batch form of POST /api/v1/alarms/ (a list): 100 alarms of one source per transaction
    batches = [
        [{"event_id": f"batch{i}", "occurred_at": now, "alarm_type": "motion", "priority": 3,
          "camera": cameras[i % 40]} for i in range(b, min(b + 100, alarms))]
        for b in range(0, alarms, 100)
    ]  # fmt: skip
    with CaptureQueriesContext(connection) as ctx:
        services.receive_alarms(sources[1], batches[0])
    queries_batch = len(ctx.captured_queries) / len(batches[0])
    started, cpu = time.perf_counter(), time.process_time()
    for n, batch in enumerate(batches[1:], start=1):
        services.receive_alarms(sources[n % 4], batch)
    done = sum(len(b) for b in batches[1:])
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    batched, batched_cpu = done / max(elapsed, 1e-9), done / max(cpu, 1e-9)
    assert Alarm.objects.count() == 2 * alarms + 2
    print(json.dumps({
        "per_second": single, "per_cpu_second": single_cpu, "queries_per_alarm": queries_single,
        "batched_per_second": batched, "batched_per_cpu_second": batched_cpu,
        "batched_queries_per_alarm": queries_batch,
    }))  # fmt: skip


def measure(db: str, alarms: int, runs: int = 3) -> dict[str, Any]:
    """Median of `runs` fresh databases (the figures of one run scatter on a shared machine)."""
    samples = []
    for _ in range(runs):
        with c.child_env(db) as env:
            c.migrate(env)
            samples.append(c.run_child(Path(__file__), env, str(alarms)))
    keys = samples[0].keys()
    return {"db": db, "alarms": alarms, "runs": runs, **{k: c.median([s[k] for s in samples]) for k in keys},
            "samples": samples}  # fmt: skip


def results(alarms: int = 3000, dbs: tuple[str, ...] = ("sqlite", "postgresql"), runs: int = 3) -> list[dict]:
    return [measure(db, alarms, runs) for db in dbs if db == "sqlite" or c.pg_available()]


def rows(res: list[dict]) -> list[tuple[str, str, str]]:
    return [
        (f"alarm intake with audit, {r['db']}",
         f"{r['per_second']:.0f} alarms/s one per request ({r['per_cpu_second']:.0f} per CPU-second, "
         f"{r['queries_per_alarm']} queries); {r['batched_per_second']:.0f} alarms/s in batches of 100 "
         f"({r['batched_per_cpu_second']:.0f} per CPU-second, {r['batched_queries_per_alarm']:.2f} queries)",
         f"median of {r['runs']} runs × {r['alarms']} alarms each way; every alarm has its audit event and "
         "storm grouping; single writer")
        for r in res
    ]  # fmt: skip


def lean_burst(
    port: int, alarms: int, clients: int, batch: int = 1, tag: str = "c"
) -> tuple[Any, float, float]:
    """The load generator of the throughput figure: `clients` keep-alive connections on one asyncio
    loop, each sending its prepared requests one after another and reading each answer by its
    Content-Length. It costs the shared cores far less per request than `incidents_kill9.burst`'s
    thread per client with `http.client`, which took about as much CPU as the server it measured
    (alarm sources are other machines in a hospital). Returns (tally, seconds, client CPU-seconds)."""
    import asyncio

    import incidents_kill9 as k

    tally = k.Tally()
    per = alarms // clients

    def requests_of(prefix: str) -> list[tuple[list[str], bytes]]:
        out = []
        for start in range(0, per, batch):
            ids = [f"{prefix}-{i}" for i in range(start, min(start + batch, per))]
            body = [k.alarm(e, start + n) for n, e in enumerate(ids)]
            data = json.dumps(body if batch > 1 else body[0]).encode()
            head = (
                f"POST /api/v1/alarms/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-Proto: https\r\n"
                f"Authorization: AlarmSource {k.KEY}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(data)}\r\n\r\n"
            ).encode()
            out.append((ids, head + data))
        return out

    async def one(prefix: str) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for ids, raw in requests_of(prefix):
            tally.sent += len(ids)
            writer.write(raw)
            status_line = await reader.readline()
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            code = int(status_line.split()[1])
            if 200 <= code < 300:
                tally.answered_2xx.extend(ids)
            else:
                tally.other += len(ids)
        writer.close()

    async def main() -> None:
        await asyncio.gather(*(one(f"{tag}{n}") for n in range(clients)))

    cpu = time.process_time()
    started = time.perf_counter()
    asyncio.run(main())
    return tally, time.perf_counter() - started, time.process_time() - cpu


def http_run(db: str, alarms: int, clients: int, workers: int, threads: int, batch: int) -> dict[str, Any]:
    import incidents_kill9 as k

    with c.child_env(db) as env:
        k.prepare(env)
        sock = k.listening_socket()
        server = k.Server(env, sock, workers=workers, threads=threads)
        server.start()
        lean_burst(
            server.port, 2 * clients * batch, clients, batch=batch
        )  # warm: imports, lookups, connections
        assert server.proc is not None
        pgid = server.proc.pid
        cpu = k.group_cpu(pgid)
        tally, elapsed, client_cpu = lean_burst(server.port, alarms, clients, batch=batch)
        cpu = k.group_cpu(pgid) - cpu
        server.stop()
        sock.close()
        stored = k.check(env)
    n = len(tally.answered_2xx)
    assert n == tally.sent and tally.errors == 0 and tally.other == 0, (
        tally.sent,
        n,
        tally.errors,
        tally.other,
    )
    assert stored["chain_ok"] and stored["audited"] == len(stored["event_ids"])
    return {"per_second": n / elapsed, "cpu_per_1000": 1000 * cpu / n, "client_cpu_per_1000": 1000 * client_cpu / n,
            "alarms": n, "load": os.getloadavg()[0]}  # fmt: skip


def http_measure(db: str, ns: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {"db": db, "clients": ns.clients, "workers": ns.workers, "threads": ns.threads,
                           "runs": ns.runs, "alarms": ns.alarms}  # fmt: skip
    for label, batch in (("single", 1), ("batched", 100)):
        samples = [http_run(db, ns.alarms, ns.clients, ns.workers, ns.threads, batch) for _ in range(ns.runs)]
        out[label] = {
            k: c.median([s[k] for s in samples])
            for k in ("per_second", "cpu_per_1000", "client_cpu_per_1000")
        }
        out[label]["samples"] = samples
    return out


def http_rows(res: list[dict]) -> list[tuple[str, str, str]]:
    return [
        (f"alarm intake over HTTP with audit, {r['db']}",
         f"{r['single']['per_second']:.0f} alarms/s single POSTs ({r['single']['cpu_per_1000']:.2f} server "
         f"CPU-s per 1,000); {r['batched']['per_second']:.0f} alarms/s in lists of 100 "
         f"({r['batched']['cpu_per_1000']:.2f} CPU-s per 1,000)",
         f"median of {r['runs']} runs × {r['alarms']} alarms; gunicorn gthread {r['workers']}×{r['threads']}, "
         f"{r['clients']} keep-alive clients")
        for r in res
    ]  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(int(sys.argv[2]))
        sys.exit(0)
    parser = argparse.ArgumentParser()
    parser.add_argument("--alarms", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], action="append")
    parser.add_argument("--http", action="store_true")
    parser.add_argument("--clients", type=int, default=48)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=32)
    ns = parser.parse_args()
    dbs = tuple(ns.db or ("sqlite", "postgresql"))
    if ns.http:
        res = [http_measure(db, ns) for db in dbs if db == "sqlite" or c.pg_available()]
        for row in http_rows(res):
            print(" | ".join(row))
        print(json.dumps(res))
        sys.exit(0)
    for row in rows(results(ns.alarms, dbs, ns.runs)):
        print(" | ".join(row))
