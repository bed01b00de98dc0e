"""Latency of the home page (GET /) for a logged-in operator: median and p95 over 200 requests with
the Django test client on a seeded database (the demo hospital when `seeddemo` can build it), SQLite
and PostgreSQL, production settings (DEBUG off, static files from the manifest).

    python bench/home_latency.py [--requests N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c  # noqa: E402


def _seed() -> str:
    from django.core.management import call_command

    try:
        call_command("seeddemo", verbosity=0)
        return "seeddemo"
    except Exception:  # noqa: BLE001  (demo data not buildable yet: fall back to a few objects)
        from watchroom.sites.tests import factories as sf

        campus = sf.CampusFactory(code="A", name="本部院区")
        room = sf.RoomFactory(campus=campus, code="RA", name="本部监控中心")
        group = sf.CameraGroupFactory(campus=campus, room=room)
        for i in range(200):
            sf.CameraFactory(area=sf.AreaFactory(campus=campus), group=group, number=f"A-{i:04d}")
        return "factories (1 campus, 200 cameras)"


def child(requests: int) -> None:
    c.django_setup()
    from django.test import Client

    from watchroom.accounts.tests.factories import PASSWORD, make_user
    from watchroom.sites.models import Campus

    seeded = _seed()
    user = make_user(
        "bench_operator", "operator", campuses=list(Campus.objects.all()[:1]), real_name="值班员"
    )
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    for _ in range(10):  # warm-up
        assert client.get("/").status_code == 200
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get("/")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    times.sort()
    p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
    print(json.dumps({"median": statistics.median(times), "p95": p95, "seeded": seeded}))


def measure(db: str, requests: int) -> dict[str, Any]:
    with c.child_env(db) as env:
        c.migrate(env)
        c.run([*c.watchroom_cmd(), "collectstatic", "--no-input", "-v", "0"], env)
        result = c.run_child(Path(__file__), env, str(requests))
    return {"db": db, "requests": requests, **result}


def results(requests: int = 200, dbs: tuple[str, ...] = ("sqlite", "postgresql")) -> list[dict]:
    return [measure(db, requests) for db in dbs if db == "sqlite" or c.pg_available()]


def rows(res: list[dict]) -> list[tuple[str, str, str]]:
    return [
        (f"home page GET /, {r['db']}", f"median {r['median']:.1f} ms, p95 {r['p95']:.1f} ms",
         f"{r['requests']} requests, logged-in operator, test client; seeded by {r['seeded']}")
        for r in res
    ]  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(int(sys.argv[2]))
        sys.exit(0)
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    ns = parser.parse_args()
    for row in rows(results(ns.requests)):
        print(" | ".join(row))
