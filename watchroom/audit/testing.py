"""Test support for the append-only audit table (DATA-13).

A test on a live server (`transactional_db`) ends with a flush of every table, which the audit
table's triggers refuse (DELETE on SQLite, TRUNCATE on PostgreSQL). The `audit_flushable` fixture
drops the triggers for that flush, and the `pytest_runtest_teardown` hook below puts them back after
it, so that the next test again runs against an append-only table. In a test directory's conftest::

    from watchroom.audit.testing import audit_flushable, pytest_runtest_teardown  # noqa: F401

and in the test: `@pytest.mark.usefixtures("audit_flushable")` with `live_server`.
"""

from __future__ import annotations

import importlib
from collections.abc import Generator, Iterator
from typing import Any

import pytest
from django.db import connection

_triggers = importlib.import_module("watchroom.audit.migrations.0002_append_only_triggers")
_DROPPED = pytest.StashKey[bool]()


def _run(statements: dict[str, list[str]]) -> None:
    with connection.cursor() as cursor:
        for sql in statements.get(connection.vendor, []):
            cursor.execute(sql)


def drop_triggers() -> None:
    _run({"sqlite": _triggers.SQLITE_DOWN, "postgresql": _triggers.PG_DOWN})


def create_triggers() -> None:
    drop_triggers()
    _run({"sqlite": _triggers.SQLITE_UP, "postgresql": _triggers.PG_UP})


@pytest.fixture
def audit_flushable(transactional_db: Any, request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    drop_triggers()
    request.node.stash[_DROPPED] = True


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, None, Any]:
    try:
        return (yield)
    finally:
        if item.stash.get(_DROPPED, False):
            from pytest_django.plugin import blocking_manager_key

            with item.config.stash[blocking_manager_key].unblock():
                create_triggers()
