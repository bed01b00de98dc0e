"""How fast `watchroom audit verify` walks the hash chain (DATA-13): 1,000,000 valid chained events,
bulk-inserted with computed hashes, then the command run several times; events per second, median.

    python bench/audit_verify.py [--events N] [--runs R] [--db sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c  # noqa: E402

ROW_COLUMNS = (
    "at", "actor_id", "actor_username", "actor_name", "actor_roles", "ip", "request_id", "channel", "action",
    "target_type", "target_id", "target_repr", "changes_json", "outcome", "note", "prev_hash", "hash",
)  # fmt: skip


def seed(count: int) -> float:
    """Append `count` valid events after the current head; returns seconds taken."""
    import datetime as dt

    from django.db import connection, transaction

    from watchroom.audit import chain

    started = time.perf_counter()
    _n, prev = chain.head()
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    sqlite = connection.vendor == "sqlite"

    def rows() -> Any:
        nonlocal prev
        for i in range(count):
            at = base + dt.timedelta(seconds=i // 3, microseconds=(i * 7919) % 1000000 if i % 5 else 0)
            values: dict[str, Any] = {
                "at": at,
                "actor_id": 100 + i % 40,
                "actor_username": f"operator{i % 40:02d}",
                "actor_name": "张三",
                "actor_roles": "operator",
                "ip": "10.20.30.40",
                "request_id": uuid.uuid4().hex,
                "channel": "web",
                "action": "sites.camera_updated" if i % 4 else "accounts.login",
                "target_type": "sites.camera",
                "target_id": str(i % 5000),
                "target_repr": f"A-{i % 5000:04d} 门诊大厅东侧",
                "changes_json": '{"status":["online","fault"]}' if i % 3 else "",
                "outcome": "success" if i % 50 else "denied",
                "note": "" if i % 7 else "巡检发现画面异常",
                "prev_hash": prev,
            }
            values["hash"] = prev = chain.content_hash(values)
            values["at"] = chain.at_text(at) if sqlite else at
            yield tuple(values[k] for k in ROW_COLUMNS)

    cols = ", ".join(ROW_COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        if sqlite:
            marks = ", ".join(["%s"] * len(ROW_COLUMNS))
            cursor.executemany(f"INSERT INTO audit_auditevent ({cols}) VALUES ({marks})", rows())
        else:
            with cursor.cursor.copy(f"COPY audit_auditevent ({cols}) FROM STDIN") as copy:
                for row in rows():
                    copy.write_row(row)
    return time.perf_counter() - started


def child(args: list[str]) -> None:
    c.django_setup()
    if args[0] == "seed":
        seconds = seed(int(args[1]))
        print(json.dumps({"seconds": seconds}))


def measure(db: str, events: int, runs: int) -> dict[str, Any]:
    with c.child_env(db) as env:
        c.migrate(env)
        seeded = c.run_child(Path(__file__), env, "seed", str(events))["seconds"]
        walk, wall, counts = [], [], []
        for _ in range(runs):
            started = time.perf_counter()
            out = subprocess.run(
                [*c.watchroom_cmd(), "audit", "verify"],
                env=env,
                cwd=c.ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            wall.append(time.perf_counter() - started)
            m = re.search(r"^OK (\d+) events, head \w+ \(([\d.]+) s", out, re.M)
            assert m, out
            counts.append(int(m.group(1)))
            walk.append(float(m.group(2)))
    return {
        "db": db,
        "events": counts[0],
        "seed_s": seeded,
        "walk_s": c.median(walk),
        "wall_s": c.median(wall),
        "rate": counts[0] / c.median(walk),
        "wall_rate": counts[0] / c.median(wall),
        "runs": runs,
    }


def results(
    events: int = 1_000_000, runs: int = 3, dbs: tuple[str, ...] = ("sqlite", "postgresql")
) -> list[dict]:
    out = []
    for db in dbs:
        if db == "postgresql" and not c.pg_available():
            continue
        out.append(measure(db, events, runs))
    return out


def rows(res: list[dict]) -> list[tuple[str, str, str]]:
    return [
        (
            f"audit verify, {r['db']}",
            f"{r['rate']:,.0f} events/s",
            f"{r['events']:,} events; median of {r['runs']}: walk {r['walk_s']:.2f} s, whole command "
            f"{r['wall_s']:.2f} s ({r['wall_rate']:,.0f} events/s); bulk seed {r['seed_s']:.1f} s",
        )
        for r in res
    ]


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2:])
        sys.exit(0)
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], action="append")
    ns = parser.parse_args()
    for row in rows(results(ns.events, ns.runs, tuple(ns.db or ("sqlite", "postgresql")))):
        print(" | ".join(row))
