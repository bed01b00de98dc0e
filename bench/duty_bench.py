"""Duty-log benchmarks (issue 3, DUTY-5): the duty-log list page and its text search with 1,000,000
entries over two rooms and about three years (p50/p95 of N requests through the Django test client,
logged in as a director scoped to one campus, the other room's campus outside scope; target p95 <
100 ms), and building a handover packet (every registered section of ``handover_sections`` for a
shift of the history; target < 200 ms).

Production settings (DEBUG off), SQLite by default; ``--db postgresql`` (or ``both``) when a server
is reachable at WATCHROOM_BENCH_PG_URL. The rooms, templates, rotas, shifts and entries are
bulk-created (benchmark fixture, not the service path).

    python bench/duty_bench.py [--entries 1000000] [--requests 100] [--db sqlite]
                               [--keep DIR]

``--keep DIR`` seeds into DIR (SQLite: DIR/sqlite; PostgreSQL: database ``wr_duty_keep``) once and
measures the same data again on the next run with the same DIR (after ``migrate``), for iterating
on the code without reseeding a million rows.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c  # noqa: E402

DAYS = 3 * 365
SAMPLES = [
    ("routine", "巡视各监控画面，运行正常。", ""),
    ("routine", "门诊大厅人流正常，秩序良好。", ""),
    ("routine", "停车场车辆进出正常。", ""),
    ("routine", "抽查录像回放，录像完整。", ""),
    ("abnormal", "急诊候诊区发生争执。", "通知保安到场劝离，已平息。"),
    ("suspicious", "住院楼走廊有人反复徘徊。", "保安到场盘问，系患者家属。"),
    ("alarm", "周界报警，经复核为飞鸟触发。", "已复位。"),
    ("equipment_fault", "摄像机画面模糊。", "已报设备科。"),
    ("system_fault", "部分摄像机网络中断。", "已通知信息中心。"),
    ("report", "向保卫科值班报告夜间巡查情况。", ""),
]
RARE = "灭火器箱玻璃破损"  # in one entry of 2,000


def _pct(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[max(0, int(round(q * len(ordered))) - 1)]


def _fixture(entries: int) -> dict[str, Any]:
    import datetime as dt

    from django.utils import timezone

    from watchroom.accounts.tests.factories import make_user
    from watchroom.duty.models import Assignment, LogEntry, Rota, Shift, ShiftTemplate
    from watchroom.sites.tests import factories as sf

    tz = timezone.get_current_timezone()
    campuses = [sf.CampusFactory(code="A", name="本部院区"), sf.CampusFactory(code="B", name="东院区")]
    rooms = [
        sf.RoomFactory(campus=campus, code=f"R{campus.code}", name=f"{campus.name}监控中心")
        for campus in campuses
    ]
    people = [
        make_user(f"bench_op{i}", "operator", campuses=[rooms[i % 2].campus], rooms=[rooms[i % 2]])
        for i in range(8)
    ]
    today = timezone.localdate()
    first = today - dt.timedelta(days=DAYS - 1)
    shifts: list[Any] = []
    for room in rooms:
        day_tpl = ShiftTemplate.objects.create(
            room=room, code="D", name="白班", start_time=dt.time(8), end_time=dt.time(20), order=1
        )
        night_tpl = ShiftTemplate.objects.create(
            room=room,
            code="N",
            name="夜班",
            start_time=dt.time(20),
            end_time=dt.time(8),
            is_night=True,
            order=2,
        )
        rotas: dict[Any, Any] = {}
        batch = []
        for offset in range(DAYS):
            day = first + dt.timedelta(days=offset)
            month = day.replace(day=1)
            if month not in rotas:
                rotas[month] = Rota.objects.create(room=room, month=month, status="published", version=1)
            for tpl in (day_tpl, night_tpl):
                start, end = tpl.bounds(day)
                batch.append(
                    Shift(
                        room=room,
                        rota=rotas[month],
                        template=tpl,
                        date=day,
                        starts_at=start,
                        ends_at=end,
                        state="handed_over",
                        opened_at=start,
                        responsibility_until=end,
                    )
                )
        Shift.objects.bulk_create(batch, batch_size=2000)
    shifts = list(Shift.objects.order_by("room_id", "starts_at"))
    staff = list(people)
    Assignment.objects.bulk_create(
        [
            Assignment(shift=s, person=staff[(2 * i + k) % len(staff)], post=post, signed_in_at=s.starts_at)
            for i, s in enumerate(shifts)
            for k, post in enumerate(("operator", "recorder"))
        ],
        batch_size=5000,
    )
    per_shift = max(1, entries // len(shifts))
    batch = []
    n = 0
    for i, s in enumerate(shifts):
        span = (s.ends_at - s.starts_at).total_seconds()
        author = staff[(2 * i) % len(staff)]
        count = per_shift if i < len(shifts) - 1 else entries - n
        for j in range(count):
            cat, desc, action = SAMPLES[(n * 7) % len(SAMPLES)]  # 7 and 10 coprime: every sample
            if n % 2000 == 1:
                desc = f"{RARE}，位于{j % 9 + 1}号楼。"
            when = s.starts_at + dt.timedelta(seconds=span * (j + 0.5) / count)
            batch.append(
                LogEntry(
                    shift=s,
                    room_id=s.room_id,
                    author=author,
                    occurred_at=when,
                    recorded_at=when,
                    category=cat,
                    description=f"{desc}（{n}）",
                    action_taken=action,
                    is_open=(n % 50_000 == 0),
                )
            )
            batch[-1].refresh_search_tokens()  # bulk_create bypasses save()
            n += 1
            if len(batch) >= 10_000:
                LogEntry.objects.bulk_create(batch)
                batch = []
    if batch:
        LogEntry.objects.bulk_create(batch)
    # the statistics a running database has (autovacuum on PostgreSQL; SQLite's ANALYZE)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    director = make_user("bench_director", "director", campuses=[campuses[0]], real_name="主任")
    return {
        "rooms": rooms,
        "director": director,
        "first": first,
        "today": today,
        "shift": Shift.objects.filter(room=rooms[0]).order_by("-starts_at")[5],
        "tz": tz,
    }


def _existing_fixture() -> dict[str, Any] | None:
    """The fixture of an earlier run kept in this database (--keep), or None."""
    from django.utils import timezone

    from watchroom.accounts.models import User
    from watchroom.duty.models import Shift
    from watchroom.sites.models import MonitoringRoom

    director = User.objects.filter(username="bench_director").first()
    if director is None:
        return None
    from django.db import connection

    with connection.cursor() as cursor:  # statistics for indexes or statistics added since
        cursor.execute("ANALYZE")
    rooms = list(MonitoringRoom.objects.filter(code__in=["RA", "RB"]).order_by("code"))
    first = Shift.objects.filter(room=rooms[0]).order_by("starts_at").first()
    return {
        "rooms": rooms,
        "director": director,
        "first": first.date if first else None,
        "today": timezone.localdate(),
        "shift": Shift.objects.filter(room=rooms[0]).order_by("-starts_at")[5],
        "tz": timezone.get_current_timezone(),
    }


def child_list(args: list[str]) -> None:
    entries, requests = int(args[0]), int(args[1])
    c.django_setup()
    import datetime as dt

    from django.db import connection
    from django.test import Client

    started = time.perf_counter()
    fx = _existing_fixture() or _fixture(entries)
    load_s = time.perf_counter() - started
    from watchroom.duty.models import LogEntry

    client = Client()
    client.force_login(fx["director"], backend="watchroom.accounts.backends.RoleBackend")
    room = fx["rooms"][0].pk
    visible = LogEntry.objects.filter(room_id=room)
    month_ago = fx["today"].replace(day=1)
    # keyset cursors (watchroom/duty/paging.py): the entry 90 % of the way back in the room's log
    # (found once here with an OFFSET; an operator gets there by the "to" date or "older" links),
    # and the second page of a common word
    from watchroom.duty import paging
    from watchroom.duty.filters import filter_entries

    deep_row = visible.order_by(*paging.ORDER)[visible.count() * 9 // 10]
    deep = paging.Cursor.of(deep_row)
    common = "徘徊"
    second = paging.log_page(filter_entries(LogEntry.objects.filter(room_id=room), {"q": common})).older
    import base64
    from urllib.parse import urlencode

    # DRF's cursor: base64 of "p=<position>" (the occurred_at of the page's last row)
    api_deep = base64.b64encode(urlencode({"p": str(deep_row.occurred_at)}).encode()).decode()
    scenarios = [
        ("log: first page", "/duty/log/"),
        ("log: room + category", f"/duty/log/?room={room}&category=suspicious"),
        (
            "log: room + category + date range (one month)",
            f"/duty/log/?room={room}&category=routine&since={month_ago:%Y-%m-%d}&until={fx['today']:%Y-%m-%d}",
        ),
        ("log: older page, 90 % back (cursor)", f"/duty/log/?older={deep}"),
        ("log: newer page, 90 % back (cursor)", f"/duty/log/?newer={deep}"),
        (
            "log: jump to a date two years back",
            f"/duty/log/?until={fx['today'] - dt.timedelta(days=730)}",
        ),
        ("search: rare phrase", f"/duty/log/?q={RARE}"),
        ("search: common word", f"/duty/log/?q={common}"),
        ("search: common word, second page", f"/duty/log/?q={common}&older={second}"),
        ("search: common word + category", f"/duty/log/?q={common}&category=suspicious"),
        # every 徘徊 entry is "suspicious": among routine entries the word never occurs
        ("search: common word, a category without it", f"/duty/log/?q={common}&category=routine"),
        ("API: entries, first page", "/api/v1/duty/entries/"),
        ("API: entries, 90 % back (cursor)", f"/api/v1/duty/entries/?cursor={api_deep}"),
        ("API: search, common word", f"/api/v1/duty/entries/?q={common}"),
        ("API: search, common word + category", f"/api/v1/duty/entries/?q={common}&category=suspicious"),
        ("API: search, a category without the word", f"/api/v1/duty/entries/?q={common}&category=routine"),
    ]
    out = []
    for label, url in scenarios:
        for _ in range(3):  # warm-up
            assert client.get(url).status_code == 200, url
        seen: list[str] = []

        def count(
            execute: Any, sql: str, params: Any, many: bool, context: Any, seen: list[str] = seen
        ) -> Any:
            seen.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(url)
        times, cpu = [], []
        for _ in range(requests):
            t0, c0 = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
            assert response.status_code == 200
        out.append(
            {
                "label": label,
                "p50": statistics.median(times),
                "p95": _pct(times, 0.95),
                "cpu_p95": _pct(cpu, 0.95),
                "queries": len(seen),
            }
        )
    # the handover packet: every registered section for a shift of the history
    from watchroom.duty import handover_sections

    shift = fx["shift"]
    times = []
    for _ in range(max(20, requests // 5)):
        t0 = time.perf_counter()
        packet = [(s.key, s.fn(shift)) for s in handover_sections.sections()]
        times.append((time.perf_counter() - t0) * 1000)
    items = sum(len(i) for _k, i in packet)
    out.append(
        {
            "label": f"handover packet ({items} items)",
            "p50": statistics.median(times),
            "p95": _pct(times, 0.95),
            "cpu_p95": 0.0,
            "queries": 0,
        }
    )
    print(json.dumps({"scenarios": out, "load_s": load_s, "entries": LogEntry.objects.count()}))


KEEP_PG_DB = "wr_duty_keep"


def _kept_env(db: str, keep: Path) -> dict[str, str]:
    """Like `c.child_env`, but in a directory (and PostgreSQL database) that outlives the run."""
    import os

    data_dir = keep / db
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "watchroom.settings",
        "WATCHROOM_DATA_DIR": str(data_dir),
        "WATCHROOM_DEBUG": "false",
        "WATCHROOM_SECRET_KEY": "bench-" + "x" * 50,
        "WATCHROOM_ALLOWED_HOSTS": "testserver,127.0.0.1",
        "WATCHROOM_HTTPS": "false",
        "WATCHROOM_REQUIRE_2FA": "false",
        "WATCHROOM_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(c.ROOT),
    }
    env.pop("WATCHROOM_DATABASE_URL", None)
    if db == "postgresql":
        import psycopg
        from psycopg import sql

        url = c.PG_URL.rsplit("/", 1)[0] + "/" + KEEP_PG_DB
        with psycopg.connect(c.PG_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [KEEP_PG_DB]).fetchone():
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(KEEP_PG_DB)))
        env["WATCHROOM_DATABASE_URL"] = url
    return env


def measure(db: str, entries: int, requests: int, keep: Path | None = None) -> dict[str, Any]:
    if keep is not None:
        env = _kept_env(db, keep)
        c.migrate(env)
        c.run([*c.watchroom_cmd(), "collectstatic", "--no-input", "-v", "0"], env)
        result = c.run_child(Path(__file__), env, "list", str(entries), str(requests))
    else:
        with c.child_env(db) as env:
            c.migrate(env)
            c.run([*c.watchroom_cmd(), "collectstatic", "--no-input", "-v", "0"], env)
            result = c.run_child(Path(__file__), env, "list", str(entries), str(requests))
    result.update(db=db, requests=requests)
    return result


def table(res: dict[str, Any]) -> list[str]:
    lines = [
        f"#### {res['db']}: duty log with {res['entries']:,} entries, {res['requests']} requests each "
        f"(fixture loaded in {res['load_s']:.0f} s)",
        "",
        "| request | p50 ms | p95 ms | CPU p95 ms | queries |",
        "|---|---|---|---|---|",
    ]
    for s in res["scenarios"]:
        lines.append(
            f"| {s['label']} | {s['p50']:.1f} | {s['p95']:.1f} | {s['cpu_p95']:.1f} | {s['queries']} |"
        )
    return lines


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "pg", "both"], default="sqlite")
    parser.add_argument("--keep", type=Path, default=None, help="seed once into this directory, reuse later")
    ns = parser.parse_args()
    db = "postgresql" if ns.db == "pg" else ns.db
    dbs = ["sqlite", "postgresql"] if db == "both" else [db]
    for name in dbs:
        if name == "postgresql" and not c.pg_available():
            print("PostgreSQL not available; skipped")
            continue
        print("\n".join(table(measure(name, ns.entries, ns.requests, ns.keep))), flush=True)
        print()


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        {"list": child_list}[sys.argv[2]](sys.argv[3:])
        sys.exit(0)
    main()
