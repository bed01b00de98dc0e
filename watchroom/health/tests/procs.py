"""Run `watchroom` subprocesses on the test database (probe workers, Celery workers).

The test data must be committed (`django_db(transaction=True)`). On PostgreSQL the subprocess opens
the test database itself; on SQLite the test database lives in memory, so it is copied to a file
(sqlite3's backup API) that the subprocess opens.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from watchroom.audit.testing import audit_flushable, create_triggers

__all__ = ["audit_flushable", "committed", "env_for_subprocess", "triggers_back", "watchroom"]

ROOT = Path(__file__).resolve().parents[3]


def env_for_subprocess(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a `watchroom` subprocess that sees the test database's committed rows."""
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "watchroom.settings",
        "WATCHROOM_DATA_DIR": str(data_dir),
        "WATCHROOM_SECRET_KEY": "test-" + "x" * 50,
        "WATCHROOM_LOG_LEVEL": "INFO",
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("WATCHROOM_BROKER_URL", None)
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        env["WATCHROOM_DATABASE_URL"] = (
            f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
        )
    else:
        env.pop("WATCHROOM_DATABASE_URL", None)
        copy_sqlite(data_dir / "watchroom.sqlite3")
    env.update(extra)
    return env


def copy_sqlite(target: Path) -> None:
    connection.ensure_connection()
    raw: Any = connection.connection
    with sqlite3.connect(target) as out:
        raw.backup(out)


def watchroom(*args: str) -> list[str]:
    return [sys.executable, "-m", "watchroom", *args]


@pytest.fixture
def triggers_back(django_db_blocker: Any) -> Iterator[None]:
    """Request before `audit_flushable`: once the transactional test's flush is over, the audit
    table's append-only triggers are put back (`watchroom.audit.testing`; its teardown hook lives in
    a conftest, this is the same for one test module)."""
    yield
    with django_db_blocker.unblock():
        create_triggers()


# committed test data a subprocess can see; the append-only audit table flushed after the test
committed = pytest.mark.usefixtures("triggers_back", "audit_flushable")
