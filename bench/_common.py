"""Shared plumbing for the benchmarks: each script's measurement runs in a child process with its own
settings environment (temporary data directory, production-like settings, SQLite or PostgreSQL)."""

from __future__ import annotations

import atexit
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# One PostgreSQL database per benchmark run (inherited by its child processes through the
# environment), so two benchmarks run at once do not drop each other's database.
os.environ.setdefault("WATCHROOM_BENCH_PG_URL", f"postgres://postgres@127.0.0.1:5432/wr_bench_{os.getpid()}")
PG_URL = os.environ["WATCHROOM_BENCH_PG_URL"]
_CREATED: list[str] = []


def _drop_created() -> None:
    """Drop the databases this process created (atexit); a failure only leaves one behind."""
    try:
        import psycopg
        from psycopg import sql

        for url in _CREATED:
            name = url.rsplit("/", 1)[1].split("?", 1)[0]
            with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    except Exception:  # noqa: S110 - best effort at exit
        pass


atexit.register(_drop_created)


def recreate_pg_database(url: str = PG_URL) -> None:
    """Drop and create the benchmark database (the audit table refuses TRUNCATE, so start afresh)."""
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1].split("?", 1)[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    if url not in _CREATED:
        _CREATED.append(url)


def pg_available(url: str = PG_URL) -> bool:
    try:
        import psycopg

        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3):
            return True
    except Exception:
        return False


@contextmanager
def child_env(db: str) -> Iterator[dict[str, str]]:
    with tempfile.TemporaryDirectory(prefix="wr-bench-") as data_dir:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "watchroom.settings",
            "WATCHROOM_DATA_DIR": data_dir,
            "WATCHROOM_DEBUG": "false",
            "WATCHROOM_SECRET_KEY": "bench-" + "x" * 50,
            "WATCHROOM_ALLOWED_HOSTS": "testserver,127.0.0.1",
            "WATCHROOM_HTTPS": "false",
            "WATCHROOM_REQUIRE_2FA": "false",
            "WATCHROOM_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
        env.pop("WATCHROOM_DATABASE_URL", None)
        if db == "postgresql":
            recreate_pg_database()
            env["WATCHROOM_DATABASE_URL"] = PG_URL
        yield env


def watchroom_cmd() -> list[str]:
    return [sys.executable, "-m", "watchroom"]


def run(cmd: list[str], env: dict[str, str]) -> str:
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


def migrate(env: dict[str, str]) -> None:
    run([*watchroom_cmd(), "migrate", "--no-input", "-v", "0"], env)


def run_child(script: Path, env: dict[str, str], *args: str) -> dict[str, Any]:
    """Run `script --child ...` in the prepared environment; it prints one JSON object last."""
    out = run([sys.executable, str(script), "--child", *args], env)
    return json.loads(out.strip().splitlines()[-1])


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def median(values: list[float]) -> float:
    return statistics.median(values)
