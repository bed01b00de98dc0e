"""A `kill -9` of the server in the middle of an alarm burst loses no alarm answered 2xx (issue 7,
INC-1; GB 55029-2022), and the audit chain still verifies (DATA-13).

The suite's small version of `bench/incidents_kill9.py`: the real server (gunicorn, gthread) on a
socket of this test, a fresh database of the configured kind (a temporary SQLite file, or a database
of its own on the configured PostgreSQL), 300 single POSTs from 4 keep-alive clients, SIGKILL to the
server's process group after 40 % of them, a restart on the same socket.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]


def _harness() -> Any:
    spec = importlib.util.spec_from_file_location("incidents_kill9", ROOT / "bench" / "incidents_kill9.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["incidents_kill9"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def server_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "watchroom.settings",
        "WATCHROOM_DATA_DIR": str(tmp_path),
        "WATCHROOM_DEBUG": "false",
        "WATCHROOM_SECRET_KEY": "kill9-" + "x" * 50,
        "WATCHROOM_ALLOWED_HOSTS": "127.0.0.1",
        "WATCHROOM_HTTPS": "false",
        "WATCHROOM_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("WATCHROOM_DATABASE_URL", None)
    url = os.environ.get("WATCHROOM_DATABASE_URL", "")
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql") and url:
        sys.path.insert(0, str(ROOT / "bench"))
        import _common

        own = f"{url.rsplit('/', 1)[0]}/{settings.DATABASES['default']['NAME']}_kill9_{os.getpid()}"
        _common.recreate_pg_database(own)
        env["WATCHROOM_DATABASE_URL"] = own
        yield env
        _drop(own)
    else:
        yield env


def _drop(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def test_a_kill_9_loses_no_alarm_that_was_answered_2xx(server_env: dict[str, str], tmp_path: Path) -> None:
    kill9 = _harness()
    kill9.prepare(server_env)
    result = kill9.kill9_run(server_env, alarms=300, clients=4, kill_at=0.4, log=tmp_path / "gunicorn.log")
    assert result["killed"]
    assert result["answered_2xx"] > 100  # the burst went on after the restart
    assert result["lost"] == 0, result["lost_ids"]
    assert result["audited"] == result["stored"]  # every stored alarm has its audit event
    assert result["chain_ok"]
