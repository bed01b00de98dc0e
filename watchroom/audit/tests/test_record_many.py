"""`audit.record_many`: several events chained in order with one lock, one head read and one
multi-row INSERT per 500 events; the chain still verifies (DATA-7, DATA-13)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from watchroom.audit import chain
from watchroom.audit import services as audit
from watchroom.audit.models import AuditEvent
from watchroom.lib import context

pytestmark = pytest.mark.django_db


def _entries(n: int, actor: Any = None) -> list[audit.Entry]:
    return [
        audit.Entry(actor, "test.many", ("test.thing", str(i), f"thing {i}"), changes={"i": i}, note=f"n{i}")
        for i in range(n)
    ]


def test_it_chains_the_events_in_order_and_the_chain_verifies(operator: Any) -> None:
    first = audit.record(None, "test.before")
    with context.bind(channel="api", ip="10.0.0.9"), transaction.atomic():
        events = audit.record_many(_entries(5, operator))
    audit.record(None, "test.after")
    stored = list(AuditEvent.objects.filter(action="test.many").order_by("id"))
    assert [e.pk for e in events] == [e.pk for e in stored]
    assert stored[0].prev_hash == first.hash
    assert all(b.prev_hash == a.hash for a, b in zip(stored, stored[1:], strict=False))
    assert [e.note for e in stored] == [f"n{i}" for i in range(5)]
    assert stored[2].changes == {"i": 2} and stored[2].target_id == "2"
    assert (
        stored[0].actor_username == "operator" and stored[0].channel == "api" and stored[0].ip == "10.0.0.9"
    )
    assert [e.hash for e in events] == [e.hash for e in stored]
    result = chain.verify()
    assert result.ok and result.count == 7


def test_it_writes_the_same_row_as_record(operator: Any) -> None:
    with context.bind(channel="api", request_id="r1"), transaction.atomic():
        (many,) = audit.record_many(
            [audit.Entry(None, "test.x", ("t", "1", "r"), {"a": 1}, "failure", "n", "src")]
        )
    with context.bind(channel="api", request_id="r1"):
        one = audit.record(None, "test.x", ("t", "1", "r"), changes={"a": 1}, outcome="failure", note="n",
                           username="src")  # fmt: skip
    fields = [c for c in chain.COLUMNS if c not in ("at", "prev_hash")]
    row_many = AuditEvent.objects.values(*fields).get(pk=many.pk)
    row_one = AuditEvent.objects.values(*fields).get(pk=one.pk)
    assert row_many == row_one and row_many["actor_username"] == "src"
    assert chain.verify().ok


def test_it_uses_few_statements_for_many_events() -> None:
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        audit.record_many(_entries(1200))
    # the lock (PostgreSQL), the head, three INSERTs of up to 500 rows
    assert len(ctx.captured_queries) == (5 if connection.vendor == "postgresql" else 4)
    assert AuditEvent.objects.count() == 1200
    assert chain.verify().ok


def test_an_empty_batch_writes_nothing() -> None:
    assert audit.record_many([]) == []
    assert not AuditEvent.objects.exists()


def test_a_failure_rolls_back_the_whole_batch() -> None:
    audit.record(None, "test.before")

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        audit.record_many(_entries(3))
        raise Boom
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["test.before"]
    assert chain.verify().ok
