"""`make bench`: run every benchmark and print the machine and a Markdown table of medians.
Paste the output into docs/benchmarks.md.

    python bench/run.py [--quick]     (--quick: 100,000 events for the verify benchmark)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sqlite3
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c  # noqa: E402
import audit_verify  # noqa: E402
import audit_write  # noqa: E402
import home_latency  # noqa: E402


def machine() -> list[str]:
    pg = "not available"
    if c.pg_available():
        import psycopg

        with psycopg.connect(c.PG_URL.rsplit("/", 1)[0] + "/postgres") as conn:
            pg = conn.execute("SHOW server_version").fetchone()[0]
    uname = subprocess.run(["uname", "-a"], capture_output=True, text=True).stdout.strip()
    return [
        f"- date: {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %z}",
        f"- machine: `{uname}`",
        f"- CPUs: {os.cpu_count()}",
        f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, PostgreSQL {pg}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    ns = parser.parse_args()
    events = 100_000 if ns.quick else 1_000_000
    table = [
        *audit_write.rows(audit_write.results()),
        *audit_verify.rows(audit_verify.results(events=events)),
        *home_latency.rows(home_latency.results()),
    ]
    print("\n".join(machine()))
    print()
    print("| benchmark | result | how |")
    print("|---|---|---|")
    for name, result, how in table:
        print(f"| {name} | {result} | {how} |")
    # The module benchmarks print their own tables; each runs standalone too.
    here = Path(__file__).resolve().parent
    for script in (
        "health_sweep.py",
        "health_accuracy.py",
        "footage_vault.py",
        "incidents_intake.py",
        "incidents_console_latency.py",
        "equipment_bench.py",
        "duty_bench.py",
        "incidents_kill9.py",
    ):
        print(f"\n### {script}\n", flush=True)
        subprocess.run([sys.executable, str(here / script)], check=False)


if __name__ == "__main__":
    main()
