"""Exporting the audit trail: CSV with BOM or XLSX, same filters, audit roles only, audited (DATA-13)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from watchroom.audit import services as audit
from watchroom.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _events() -> list[AuditEvent]:
    return [
        audit.record(None, "test.export", ("sites.camera", "1", "门诊大厅"), note='=HYPERLINK("x")'),
        audit.record(None, "test.export", ("sites.camera", "2", "急诊"), outcome="denied"),
        audit.record(None, "test.other"),
    ]


def test_it_exports_csv_with_bom_and_the_filter(login: Any, auditor: Any) -> None:
    a, b, _c = _events()
    response = login(auditor).get("/audit/export/?format=csv&action=test.export")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 3
    assert [int(r[0]) for r in rows[1:]] == [b.pk, a.pk]
    by_id = {int(r[0]): r for r in rows[1:]}
    assert by_id[a.pk][11] == "门诊大厅"
    assert by_id[a.pk][14].startswith("'=")  # no formula injection
    assert by_id[b.pk][12] == "denied"
    assert by_id[a.pk][16] == a.hash


def test_it_exports_xlsx(login: Any, auditadmin: Any) -> None:
    a, b, _c = _events()
    response = login(auditadmin).get("/audit/export/?format=xlsx&outcome=denied&action=test.")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][0] == b.pk
    assert rows[1][11] == "急诊"


def test_it_audits_the_export(login: Any, auditor: Any) -> None:
    _events()
    login(auditor).get("/audit/export/?format=csv&action=test.export")
    event = AuditEvent.objects.filter(action="audit.exported").get()
    assert event.actor_username == "auditor"
    assert event.outcome == "success"
    assert event.note == "format=csv rows=2 action=test.export"


@pytest.mark.parametrize("persona", ["operator", "director", "sysadmin", "secadmin"])
def test_it_refuses_other_roles(persona: str, request: Any, login: Any) -> None:
    response = login(request.getfixturevalue(persona)).get("/audit/export/?format=csv")
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="audit.exported").exists()
