"""Sustained alarm intake with audit: `services.receive_alarm` (what POST /api/v1/alarms/ calls after
authentication) for N alarms from 4 sources and 40 cameras, each in its own transaction with its audit
event and storm grouping, SQLite and PostgreSQL. Reports alarms per second (target ≥ 1,000/s).

    python bench/incidents_intake.py [--alarms 3000]
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


def child(alarms: int) -> None:
    c.django_setup()
    from django.db import transaction
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
    started = time.perf_counter()
    for i in range(alarms):
        services.receive_alarm(
            sources[i % 4], event_id=f"e{i}", occurred_at=now, alarm_type="motion", priority=3,
            camera=cameras[i % 40],
        )  # fmt: skip
    single = alarms / (time.perf_counter() - started)
    # the batch form of POST /api/v1/alarms/ (a list): 100 alarms per transaction, one commit
    started = time.perf_counter()
    for b in range(0, alarms, 100):
        with transaction.atomic():
            for i in range(b, min(b + 100, alarms)):
                services.receive_alarm(
                    sources[i % 4], event_id=f"batch{i}", occurred_at=now, alarm_type="motion", priority=3,
                    camera=cameras[i % 40],
                )  # fmt: skip
    batched = alarms / (time.perf_counter() - started)
    assert Alarm.objects.count() == 2 * alarms
    print(json.dumps({"per_second": single, "batched_per_second": batched}))


def measure(db: str, alarms: int) -> dict[str, Any]:
    with c.child_env(db) as env:
        c.migrate(env)
        result = c.run_child(Path(__file__), env, str(alarms))
    return {"db": db, "alarms": alarms, **result}


def results(alarms: int = 3000, dbs: tuple[str, ...] = ("sqlite", "postgresql")) -> list[dict]:
    return [measure(db, alarms) for db in dbs if db == "sqlite" or c.pg_available()]


def rows(res: list[dict]) -> list[tuple[str, str, str]]:
    return [
        (f"alarm intake with audit, {r['db']}",
         f"{r['per_second']:.0f} alarms/s one per request; {r['batched_per_second']:.0f} alarms/s in batches of 100",
         f"{r['alarms']} alarms each way; every alarm has its audit event and storm grouping; single writer")
        for r in res
    ]  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(int(sys.argv[2]))
        sys.exit(0)
    parser = argparse.ArgumentParser()
    parser.add_argument("--alarms", type=int, default=3000)
    ns = parser.parse_args()
    for row in rows(results(ns.alarms)):
        print(" | ".join(row))
