"""Audit events written per second through `audit.record`, one event per service-like transaction
(`transaction.atomic` + the chain's append lock), on SQLite and PostgreSQL. Median of several rounds.
Also `audit.record(..., savepoint=False)` (no savepoint of its own inside the caller's transaction)
and `audit.record_many` (100 events chained in one multi-row INSERT per transaction).

    python bench/audit_write.py [--events N] [--rounds R]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c  # noqa: E402


def child(events: int, rounds: int) -> None:
    c.django_setup()
    from django.db import transaction

    from watchroom.accounts.tests.factories import make_user
    from watchroom.audit import services as audit
    from watchroom.lib import context

    actor = make_user("bench_operator", "operator", real_name="值班员")
    rates: dict[str, list[float]] = {"rates": [], "lean": [], "many": []}

    def one(i: int, savepoint: bool) -> None:
        with transaction.atomic():
            audit.record(actor, "sites.camera_updated", ("sites.camera", str(i), f"A-{i:04d}"),
                         changes={"status": ["online", "fault"]}, note="巡检", savepoint=savepoint)  # fmt: skip

    with context.bind(channel="web", ip="10.0.0.8"):
        for _ in range(rounds):
            for key, savepoint in (("rates", True), ("lean", False)):
                started = time.perf_counter()
                for i in range(events):
                    one(i, savepoint)
                rates[key].append(events / (time.perf_counter() - started))
            started = time.perf_counter()
            for b in range(0, events, 100):
                with transaction.atomic():
                    audit.record_many([
                        audit.Entry(actor, "sites.camera_updated", ("sites.camera", str(i), f"A-{i:04d}"),
                                    {"status": ["online", "fault"]}, note="巡检")
                        for i in range(b, min(b + 100, events))
                    ])  # fmt: skip
            rates["many"].append(events / (time.perf_counter() - started))
    print(json.dumps(rates))


def measure(db: str, events: int, rounds: int) -> dict[str, Any]:
    with c.child_env(db) as env:
        c.migrate(env)
        out = c.run_child(Path(__file__), env, str(events), str(rounds))
    rates = out["rates"]
    return {
        "db": db,
        "rate": c.median(rates),
        "min": min(rates),
        "max": max(rates),
        "lean": c.median(out["lean"]),
        "many": c.median(out["many"]),
        "events": events,
        "rounds": rounds,
    }


def results(
    events: int = 2000, rounds: int = 5, dbs: tuple[str, ...] = ("sqlite", "postgresql")
) -> list[dict]:
    return [measure(db, events, rounds) for db in dbs if db == "sqlite" or c.pg_available()]


def rows(res: list[dict]) -> list[tuple[str, str, str]]:
    return [
        (f"audit write, {r['db']}", f"{r['rate']:,.0f} events/s; {r['lean']:,.0f}/s with savepoint=False; "
         f"{r['many']:,.0f}/s with record_many in 100s",
         f"median of {r['rounds']} rounds × {r['events']:,} transactions (min {r['min']:,.0f}, max {r['max']:,.0f})")
        for r in res
    ]  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(int(sys.argv[2]), int(sys.argv[3]))
        sys.exit(0)
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    ns = parser.parse_args()
    for row in rows(results(ns.events, ns.rounds)):
        print(" | ".join(row))
