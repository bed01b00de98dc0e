"""Equipment ledger benchmarks (issue 5): the device list page and API with 50,000 devices (p50/p95
of N requests through the Django test client, logged-in director scoped to two campuses; target
p95 < 100 ms; wall time and the process's CPU time, which a shared, loaded machine distorts less) and a 10,000-row XLSX import through the real path (read, validate, import with an
audit event per device; total seconds, rows/s and the child's peak RSS; target < 30 s).

Production settings (DEBUG off, static files from the manifest), SQLite by default; `--db
postgresql` (or `both`) when a server is reachable at WATCHROOM_BENCH_PG_URL. The 50,000 devices
are bulk-created (benchmark fixture, not the service path); the import uses only the services.

    python bench/equipment_bench.py [--devices 50000] [--requests 100] [--rows 10000] [--db sqlite]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c  # noqa: E402

TYPES = ["camera", "recorder", "disk", "switch", "ups", "panic_button", "monitor", "workstation"]
VENDORS = ["海康威视", "大华", "宇视", "华为", "天地伟业", "希捷", "山特"]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pct(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[max(0, int(round(q * len(ordered))) - 1)]


def _campuses() -> list[Any]:
    from watchroom.sites.tests import factories as sf

    result = []
    for code, name in (("A", "本部院区"), ("B", "东院区"), ("C", "西院区")):
        campus = sf.CampusFactory(code=code, name=name)
        for i in range(40):
            sf.AreaFactory(campus=campus, code=f"{code}-{i:03d}", name=f"{name}区域{i}")
        result.append(campus)
    return result


def _devices(n: int, campuses: list[Any]) -> None:
    import datetime as dt

    from watchroom.equipment.models import Device
    from watchroom.sites.models import Area

    areas = {campus.pk: list(Area.objects.filter(campus=campus)) for campus in campuses}
    today = dt.date.today()
    batch = []
    for i in range(n):
        campus = campuses[i % len(campuses)]
        batch.append(
            Device(
                device_type=TYPES[i % len(TYPES)],
                campus=campus,
                area=areas[campus.pk][i % 40],
                name=f"设备{i:06d}",
                vendor=VENDORS[i % len(VENDORS)],
                model=f"M-{i % 97}",
                serial=f"SN-{i:07d}",
                ip=f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}",
                warranty_until=today + dt.timedelta(days=(i % 1500) - 500),
                status="retired" if i % 50 == 0 else "in_service",
            )
        )
        batch[-1].refresh_search_tokens()  # the full-text column (bulk_create bypasses save())
        if len(batch) == 5000:
            Device.objects.bulk_create(batch)
            batch = []
    Device.objects.bulk_create(batch)


def child_list(args: list[str]) -> None:
    devices, requests = int(args[0]), int(args[1])
    c.django_setup()
    from django.db import connection
    from django.test import Client

    from watchroom.accounts.tests.factories import make_user

    campuses = _campuses()
    _devices(devices, campuses)
    user = make_user("bench_director", "director", campuses=campuses[:2], real_name="主任")
    client = Client()
    client.force_login(user, backend="watchroom.accounts.backends.RoleBackend")
    from watchroom.accounts import services as accounts

    key, _token = accounts.issue_token(user)
    api_headers = {"HTTP_AUTHORIZATION": f"Token {key}"}
    a = campuses[0].pk
    visible = devices * 2 // 3
    deep_page, deep_api = max(1, visible // 100 * 9 // 10), max(1, visible // 50 * 9 // 10)
    scenarios = [
        ("page: ledger, first page", "/equipment/", {}),
        ("page: filter type+status+campus", f"/equipment/?device_type=disk&status=in_service&campus={a}", {}),
        ("page: search by name", "/equipment/?q=设备04999", {}),
        ("page: search by name (a hit)", "/equipment/?q=设备004999", {}),
        ("page: search by serial", "/equipment/?q=SN-0004999", {}),
        ("page: out of warranty", "/equipment/?warranty=expired", {}),
        (f"page: page {deep_page} (deep)", f"/equipment/?page={deep_page}", {}),
        ("API: devices, first page", "/api/v1/equipment/devices/", api_headers),
        ("API: filter type+campus", f"/api/v1/equipment/devices/?device_type=disk&campus={a}", api_headers),
        (f"API: page {deep_api} (deep)", f"/api/v1/equipment/devices/?page={deep_api}", api_headers),
        ("API: search by name", "/api/v1/equipment/devices/?q=设备004999", api_headers),
    ]
    out = []
    for label, url, headers in scenarios:
        for _ in range(5):  # warm-up
            assert client.get(url, **headers).status_code == 200, url
        seen: list[str] = []

        def count(
            execute: Any, sql: str, params: Any, many: bool, context: Any, seen: list[str] = seen
        ) -> Any:
            seen.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(url, **headers)
        times, cpu = [], []
        for _ in range(requests):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url, **headers)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200
        out.append(
            {
                "label": label,
                "p50": statistics.median(times),
                "p95": _pct(times, 0.95),
                "cpu_p50": statistics.median(cpu),
                "cpu_p95": _pct(cpu, 0.95),
                "queries": len(seen),
            }
        )
    print(json.dumps({"scenarios": out}))


def _xlsx(rows: int) -> bytes:
    from watchroom.equipment import spreadsheet

    head = spreadsheet.COLUMNS
    data = []
    for i in range(rows):
        campus = "ABC"[i % 3]
        values = {
            "序列号": f"IMP-{i:07d}",
            "类型": ["摄像机", "硬盘", "网络交换机", "UPS", "一键报警"][i % 5],
            "名称": f"导入设备{i:06d}",
            "院区编码": campus,
            "区域编码": f"{campus}-{i % 40:03d}",
            "厂商": VENDORS[i % len(VENDORS)],
            "型号": f"M-{i % 97}",
            "IP": f"172.16.{i // 256 % 256}.{i % 256}",
            "MAC": "",
            "安装日期": "2023-05-01",
            "启用日期": "2023-05-10",
            "保修截止": "2027-05-01",
            "供应商": "某集成商",
            "维保合同": "WB-2025-01",
            "分辨率": "1920x1080" if i % 5 == 0 else "",
            "红外": "是" if i % 5 == 0 else "",
        }
        data.append([values.get(h, "") for h in head])
    return spreadsheet.write_xlsx(head, data, "devices")


def child_import(args: list[str]) -> None:
    rows = int(args[0])
    c.django_setup()
    from watchroom.accounts.tests.factories import make_user
    from watchroom.equipment import services, spreadsheet
    from watchroom.equipment.models import Device

    campuses = _campuses()
    user = make_user("bench_engineer", "engineer", campuses=campuses, real_name="工程师")
    content = _xlsx(rows)
    baseline = rss_mb()
    started, started_cpu = time.perf_counter(), time.process_time()
    headers, table = spreadsheet.read_table(content, "devices.xlsx")
    read = time.perf_counter() - started
    report = spreadsheet.validate_devices(headers, table, actor=user)
    assert report.ok, report.errors[:3]
    validated = time.perf_counter() - started
    result = services.import_devices(report.rows, actor=user, file_name="devices.xlsx")
    total = time.perf_counter() - started
    cpu = time.process_time() - started_cpu
    assert result.created == rows and Device.objects.count() == rows
    # the same file again: every row matched by serial, nothing changed
    again = time.perf_counter()
    headers, table = spreadsheet.read_table(content, "devices.xlsx")
    report = spreadsheet.validate_devices(headers, table, actor=user)
    result2 = services.import_devices(report.rows, actor=user, file_name="devices.xlsx")
    reimport = time.perf_counter() - again
    assert result2.unchanged == rows
    print(
        json.dumps(
            {
                "rows": rows,
                "bytes": len(content),
                "read": read,
                "validate": validated - read,
                "import": total - validated,
                "total": total,
                "cpu": cpu,
                "reimport": reimport,
                "rss_mb": rss_mb(),
                "baseline_mb": baseline,
            }
        )
    )


def measure(db: str, devices: int, requests: int, rows: int, parts: str = "all") -> dict[str, Any]:
    result: dict[str, Any] = {"db": db}
    if parts in ("all", "list"):
        with c.child_env(db) as env:
            c.migrate(env)
            c.run([*c.watchroom_cmd(), "collectstatic", "--no-input", "-v", "0"], env)
            result["list"] = c.run_child(Path(__file__), env, "list", str(devices), str(requests))
    if parts in ("all", "import"):
        with c.child_env(db) as env:
            c.migrate(env)
            result["import"] = c.run_child(Path(__file__), env, "import", str(rows))
    result.update(devices=devices, requests=requests)
    return result


def table(res: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    if "list" in res:
        lines += _list_table(res)
    if "import" in res:
        lines += _import_table(res)
    return lines


def _list_table(res: dict[str, Any]) -> list[str]:
    lines = [
        f"#### {res['db']}: ledger with {res['devices']:,} devices, {res['requests']} requests each",
        "",
        "| request | p50 ms | p95 ms | CPU p50 ms | CPU p95 ms | queries |",
        "|---|---|---|---|---|---|",
    ]
    for s in res["list"]["scenarios"]:
        lines.append(
            f"| {s['label']} | {s['p50']:.1f} | {s['p95']:.1f} | {s['cpu_p50']:.1f} | {s['cpu_p95']:.1f} "
            f"| {s['queries']} |"
        )
    return lines


def _import_table(res: dict[str, Any]) -> list[str]:
    i = res["import"]
    return [
        "",
        f"#### {res['db']}: XLSX import of {i['rows']:,} rows ({i['bytes'] / 1024:.0f} KiB)",
        "",
        "| read | validate | import | total | CPU (this process) | rows/s | re-import (unchanged) "
        "| peak RSS (after setup) |",
        "|---|---|---|---|---|---|---|---|",
        f"| {i['read']:.1f} s | {i['validate']:.1f} s | {i['import']:.1f} s | {i['total']:.1f} s "
        f"| {i.get('cpu', 0):.1f} s | {i['rows'] / i['total']:.0f} | {i['reimport']:.1f} s "
        f"| {i['rss_mb']:.0f} MB ({i['baseline_mb']:.0f} MB) |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--part", choices=["all", "list", "import"], default="all")
    ns = parser.parse_args()
    dbs = ["sqlite", "postgresql"] if ns.db == "both" else [ns.db]
    for db in dbs:
        if db == "postgresql" and not c.pg_available():
            print("PostgreSQL not available; skipped")
            continue
        print("\n".join(table(measure(db, ns.devices, ns.requests, ns.rows, ns.part))), flush=True)
        print()


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        {"list": child_list, "import": child_import}[sys.argv[2]](sys.argv[3:])
        sys.exit(0)
    main()
