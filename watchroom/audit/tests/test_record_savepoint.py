"""`audit.record(..., savepoint=False)` appends inside the caller's transaction without a savepoint
of its own (two statements fewer per event on a hot path); the default keeps the savepoint."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from watchroom.audit import chain
from watchroom.audit import services as audit
from watchroom.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _savepoints(queries: list[dict]) -> int:
    return sum(1 for q in queries if "SAVEPOINT" in q["sql"].upper())


def test_without_a_savepoint_it_issues_no_savepoint_statement() -> None:
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        audit.record(None, "test.lean", savepoint=False)
    assert _savepoints(ctx.captured_queries) == 0
    assert AuditEvent.objects.filter(action="test.lean").count() == 1
    assert chain.verify().ok


def test_by_default_it_keeps_its_savepoint() -> None:
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        audit.record(None, "test.default")
    assert _savepoints(ctx.captured_queries) >= 1


def test_without_a_savepoint_it_rolls_back_with_the_caller() -> None:
    audit.record(None, "test.before")

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        audit.record(None, "test.lean", savepoint=False)
        raise Boom
    assert not AuditEvent.objects.filter(action="test.lean").exists()
    after = audit.record(None, "test.after", savepoint=False)  # outside a transaction: its own
    assert AuditEvent.objects.get(pk=after.pk).prev_hash == AuditEvent.objects.get(action="test.before").hash
    assert chain.verify().ok
