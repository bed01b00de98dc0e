"""The audit trail resists and reveals tampering (DATA-13; 等保 2.0 §8.1.4.3 c).

The database refuses UPDATE, DELETE (and TRUNCATE on PostgreSQL) of audit rows. An attacker who
drops the triggers can rewrite rows, but `watchroom audit verify` then exits 1 naming the first bad
event. Runs on whichever database is configured (SQLite or PostgreSQL); the test transaction rolls
back the dropped triggers.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from watchroom.audit import chain
from watchroom.audit import services as audit
from watchroom.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _events(n: int = 6) -> list[AuditEvent]:
    return [
        audit.record(None, "test.step", ("test.thing", str(i), f"thing {i}"), note=f"note {i}")
        for i in range(n)
    ]


def _drop_triggers() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER audit_auditevent_no_change ON audit_auditevent")
            cursor.execute("DROP TRIGGER audit_auditevent_no_truncate ON audit_auditevent")
        else:
            cursor.execute("DROP TRIGGER audit_auditevent_no_update")
            cursor.execute("DROP TRIGGER audit_auditevent_no_delete")


def _raw(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def _verify(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("audit", "verify", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


def _refused(fn: Any) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        fn()


# --- the triggers refuse changes -------------------------------------------------------------


def test_it_refuses_update_by_raw_sql() -> None:
    event = _events(1)[0]
    _refused(lambda: _raw("UPDATE audit_auditevent SET note = 'x' WHERE id = %s", [event.pk]))
    event.refresh_from_db()
    assert event.note == "note 0"


def test_it_refuses_update_by_orm() -> None:
    event = _events(1)[0]
    _refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(note="x"))
    event.note = "x"
    _refused(lambda: event.save())
    assert AuditEvent.objects.get(pk=event.pk).note == "note 0"


def test_it_refuses_delete() -> None:
    event = _events(1)[0]
    _refused(lambda: _raw("DELETE FROM audit_auditevent WHERE id = %s", [event.pk]))
    _refused(lambda: AuditEvent.objects.filter(pk=event.pk).delete())
    _refused(lambda: event.delete())
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_it_refuses_truncate_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE is a PostgreSQL statement")
    _events(2)
    _refused(lambda: _raw("TRUNCATE audit_auditevent"))
    assert AuditEvent.objects.count() >= 2


def test_it_rolls_back_a_dropped_trigger() -> None:
    """The attacker simulations below rely on the test transaction restoring the triggers."""
    event = _events(1)[0]
    with pytest.raises(RuntimeError), transaction.atomic():
        _drop_triggers()
        raise RuntimeError("roll back")
    _refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(note="x"))


# --- verify detects what an attacker without triggers does -----------------------------------


def test_it_passes_an_intact_chain_with_the_count() -> None:
    _events(5)
    total = AuditEvent.objects.count()
    code, out = _verify()
    assert code == 0
    assert out.startswith(f"OK {total} events, head ")
    last = AuditEvent.objects.get(action="audit.chain_verified")
    assert last.outcome == "success"
    assert f"count={total}" in last.note


def test_it_names_an_edited_row() -> None:
    events = _events()
    _drop_triggers()
    AuditEvent.objects.filter(pk=events[2].pk).update(note="nothing happened")
    code, out = _verify()
    assert code == 1
    assert f"FAIL event {events[2].pk} content" in out
    last = AuditEvent.objects.filter(action="audit.chain_verified").get()
    assert last.outcome == "failure"
    assert f"bad_id={events[2].pk} reason=content" in last.note


def test_it_names_the_row_after_a_deleted_one() -> None:
    events = _events()
    _drop_triggers()
    AuditEvent.objects.filter(pk=events[3].pk).delete()
    code, out = _verify()
    assert code == 1
    assert f"FAIL event {events[4].pk} link" in out


def test_it_names_a_forged_row_in_a_gap() -> None:
    events = _events()
    _drop_triggers()
    gap = events[3]
    values = {c: getattr(gap, c) for c in chain.COLUMNS}
    AuditEvent.objects.filter(pk=gap.pk).delete()
    values["note"] = "forged"
    values["prev_hash"] = "f" * 64  # self-consistent hash, but it does not point at the row before
    values["hash"] = chain.content_hash(values)
    AuditEvent.objects.bulk_create([AuditEvent(id=gap.pk, **values)])
    code, out = _verify()
    assert code == 1
    assert f"FAIL event {gap.pk} link" in out


def test_it_names_the_row_after_a_forged_row_that_links_back() -> None:
    events = _events()
    _drop_triggers()
    gap = events[3]
    values = {c: getattr(gap, c) for c in chain.COLUMNS}
    AuditEvent.objects.filter(pk=gap.pk).delete()
    values["note"] = "forged"  # correct prev_hash this time; the next row's link then breaks
    values["hash"] = chain.content_hash(values)
    AuditEvent.objects.bulk_create([AuditEvent(id=gap.pk, **values)])
    code, out = _verify()
    assert code == 1
    assert f"FAIL event {events[4].pk} link" in out


def test_it_names_reordered_rows() -> None:
    events = _events()
    _drop_triggers()
    a, b = events[1], events[4]
    fields = [*chain.COLUMNS, "hash"]
    va = {f: getattr(a, f) for f in fields}
    vb = {f: getattr(b, f) for f in fields}
    AuditEvent.objects.filter(pk=a.pk).update(hash="tmp-a")  # the hash column is unique
    AuditEvent.objects.filter(pk=b.pk).update(**va)
    AuditEvent.objects.filter(pk=a.pk).update(**vb)
    code, out = _verify()
    assert code == 1
    assert f"FAIL event {a.pk} link" in out


def test_it_detects_a_cut_tail_against_a_recorded_head() -> None:
    events = _events()
    out = io.StringIO()
    call_command("audit", "head", stdout=out)
    count, head = chain.head()
    assert out.getvalue().strip() == f"{count} events, head {head}"
    assert head == events[-1].hash
    _drop_triggers()
    AuditEvent.objects.filter(pk__gte=events[4].pk).delete()
    assert _verify()[0] == 0  # without the anchor, a shorter chain looks whole
    code, out_text = _verify("--anchor", head)
    assert code == 1
    assert "FAIL anchor" in out_text


def test_it_matches_the_hash_that_record_computed() -> None:
    """The verifier's SQL-built text is byte for byte the text `record` hashed (dates, NULLs, Chinese)."""
    audit.record(
        None, "test.step", ("test.thing", "1", "门诊大厅"), changes={"名称": ["甲", "乙"]}, note="备注\n"
    )
    result = chain.verify()
    assert result.ok, result
    assert result.head == AuditEvent.objects.order_by("-id").first().hash
