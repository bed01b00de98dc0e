"""Group commit of single alarm POSTs (INC-1; GB 55029-2022; issue 7: ≥ 1,000 alarms/s, no answered
alarm lost). Concurrent POSTs share one transaction, each answered after that commit; a failure in
a shared batch is answered only to the request whose alarm failed; every alarm keeps its own audit
event with its own request's id and address (DATA-7)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import IntegrityError, connection
from django.utils.dateparse import parse_datetime

from watchroom.audit import chain
from watchroom.audit.models import AuditEvent
from watchroom.incidents import intake, services
from watchroom.incidents.models import Alarm
from watchroom.lib import context

from .conftest import payload

pytestmark = pytest.mark.usefixtures("audit_flushable")


@pytest.fixture(autouse=True)
def _committer() -> Iterator[None]:
    intake.shutdown()
    yield
    intake.shutdown()  # closes the thread's connection before the flush and the database drop


def _fields(**overrides: Any) -> dict[str, Any]:
    data = payload(**overrides)
    data["occurred_at"] = parse_datetime(data["occurred_at"])
    return data


def _post_concurrently(source: Any, n: int, start: threading.Barrier | None = None) -> list[Any]:
    """n threads, each binding its own request context and storing one alarm through `receive`."""
    results: list[Any] = [None] * n
    barrier = start or threading.Barrier(n)

    def one(i: int) -> None:
        try:
            with context.bind(ip=f"10.0.0.{i}", channel="api", request_id=f"req-{i}"):
                prepared = services.prepare_alarm(source, **_fields(event_id=f"g{i}"))
                barrier.wait()
                results[i] = intake.receive(prepared)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_concurrent_posts_share_transactions_and_each_keeps_its_audit_event(
    source: Any, camera_a: Any
) -> None:
    assert not connection.in_atomic_block  # the group commit is used outside a transaction only
    results = _post_concurrently(source, 24)
    assert all(isinstance(r, tuple) and r[1] is True for r in results), results
    assert Alarm.objects.filter(source=source).count() == 24
    stats = intake.stats()
    assert stats["stored"] == 24
    assert stats["batches"] < 24  # at least two POSTs shared a commit
    events = AuditEvent.objects.filter(action="incidents.alarm_received")
    assert events.count() == 24
    # each event carries its own request's id and address, not the committing thread's
    by_request = {e.request_id: e.ip for e in events}
    assert by_request == {f"req-{i}": f"10.0.0.{i}" for i in range(24)}
    assert {e.channel for e in events} == {"api"}
    assert chain.verify().ok
    # one storm group for the 24 alarms of the same source, camera and type, with one head
    assert Alarm.objects.filter(source=source).values("group_key").distinct().count() == 1
    assert Alarm.objects.filter(source=source, is_group_head=True).count() == 1


def test_a_resent_alarm_in_the_same_batch_is_answered_as_a_duplicate(source: Any, camera_a: Any) -> None:
    first = services.prepare_alarm(source, **_fields(event_id="same"))
    again = services.prepare_alarm(source, **_fields(event_id="same", description="再次发送"))
    results = services.store_prepared([first, again])
    assert [created for _, created in results] == [True, False]
    assert results[0][0].pk == results[1][0].pk
    assert Alarm.objects.filter(source=source).count() == 1
    # and a later single POST of it is a duplicate too, through the group commit
    alarm, created = intake.receive(services.prepare_alarm(source, **_fields(event_id="same")))
    assert (alarm.pk, created) == (results[0][0].pk, False)


def test_a_failing_batch_is_retried_alarm_by_alarm(
    source: Any, camera_a: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database error in a shared batch must not refuse the other POSTs of that batch."""
    real = services.store_locked

    def store(items: Any) -> Any:
        if any(p.values["source_event_id"] == "g3" for p in items):
            raise IntegrityError("simulated failure of alarm g3")
        return real(items)

    monkeypatch.setattr(services, "store_locked", store)
    results = _post_concurrently(source, 8)
    failed = [i for i, r in enumerate(results) if isinstance(r, BaseException)]
    assert failed == [3]
    assert isinstance(results[3], IntegrityError)
    assert set(Alarm.objects.filter(source=source).values_list("source_event_id", flat=True)) == {
        f"g{i}" for i in range(8) if i != 3
    }
    assert AuditEvent.objects.filter(action="incidents.alarm_received").count() == 7
    assert chain.verify().ok


def test_a_post_not_answered_in_time_is_503_and_its_resend_is_a_duplicate(
    source: Any, source_api: Any, camera_a: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = threading.Event()
    real = services.store_locked

    def slow(items: Any) -> Any:
        gate.wait(10)
        return real(items)

    monkeypatch.setattr(services, "store_locked", slow)
    monkeypatch.setattr(intake, "WAIT_SECONDS", 0.2)
    try:
        response = source_api.post("/api/v1/alarms/", payload(event_id="late"), format="json")
    finally:
        gate.set()  # the batch commits after all
    assert response.status_code == 503
    assert response.json()["code"] == "intake_busy"
    assert "重新发送" in response.json()["detail"] or "再次发送" in response.json()["detail"]
    intake.shutdown()
    assert Alarm.objects.filter(source_event_id="late").count() == 1
    monkeypatch.setattr(services, "store_locked", real)
    resend = source_api.post("/api/v1/alarms/", payload(event_id="late"), format="json")
    assert resend.status_code == 200 and resend.json()["duplicate"] is True


def test_inside_a_transaction_the_alarm_is_stored_inline(source: Any, camera_a: Any) -> None:
    from django.db import transaction

    with transaction.atomic():
        alarm, created = intake.receive(services.prepare_alarm(source, **_fields(event_id="inline")))
        assert created and Alarm.objects.filter(pk=alarm.pk).exists()  # visible in this transaction
    assert intake.stats() == {"batches": 0, "stored": 0}  # no committer thread was used
