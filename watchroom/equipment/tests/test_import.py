"""XLSX ledger import (EQP-1): all or nothing, a report of every bad row, re-import updates by serial."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from watchroom.equipment import spreadsheet
from watchroom.equipment.models import Device

from .factories import last_event

HEAD = spreadsheet.COLUMNS


def _row(serial: str, **kw: str) -> list[str]:
    values = {"序列号": serial, "类型": "UPS", "名称": f"UPS {serial}", "院区编码": "A", **kw}
    return [values.get(h, "") for h in HEAD]


def _xlsx(rows: list[list[str]]) -> SimpleUploadedFile:
    data = spreadsheet.write_xlsx(HEAD, rows, "devices")
    return SimpleUploadedFile("ledger.xlsx", data)


def test_it_imports_a_clean_file(campus_a: Any, engineer: Any, login: Any) -> None:
    client = login(engineer)
    rows = [
        _row("S1", 保修截止="2030-01-01", 红外="是"),
        _row("S2", 类型="摄像机", IP="127.0.0.9", MAC="aa-bb-cc-dd-ee-ff"),
    ]
    response = client.post("/equipment/devices/import/", {"file": _xlsx(rows)})
    assert response.status_code == 200
    assert Device.objects.count() == 2
    d = Device.objects.get(serial="S2")
    assert d.device_type == "camera" and d.mac == "AA:BB:CC:DD:EE:FF"
    event = last_event("equipment.devices_imported")
    assert '"created":2' in event.changes_json.replace(" ", "")


def test_it_imports_nothing_when_one_row_is_bad(campus_a: Any, engineer: Any, login: Any) -> None:
    client = login(engineer)
    rows = [_row("S1"), _row("S2", 类型="飞机"), _row("S1"), _row("S4", 院区编码="ZZ", 安装日期="昨天")]
    response = client.post("/equipment/devices/import/", {"file": _xlsx(rows)})
    assert response.status_code == 400
    assert Device.objects.count() == 0
    errors = response.context["report"].errors
    assert {(e.row, e.column) for e in errors} >= {
        (3, "类型"),
        (4, "序列号"),
        (5, "院区编码"),
        (5, "安装日期"),
    }


def test_it_updates_by_serial_on_reimport(campus_a: Any, engineer: Any, login: Any) -> None:
    client = login(engineer)
    client.post("/equipment/devices/import/", {"file": _xlsx([_row("S1", 厂商="甲")])})
    response = client.post("/equipment/devices/import/", {"file": _xlsx([_row("S1", 厂商="乙"), _row("S2")])})
    assert response.status_code == 200
    assert Device.objects.count() == 2
    assert Device.objects.get(serial="S1").vendor == "乙"
    assert last_event("equipment.device_updated").outcome == "success"


def test_it_does_not_import_into_a_campus_outside_the_scope(
    campus_a: Any, campus_b: Any, engineer: Any, login: Any
) -> None:
    response = login(engineer).post("/equipment/devices/import/", {"file": _xlsx([_row("S1", 院区编码="B")])})
    assert response.status_code == 400
    assert Device.objects.count() == 0


def test_it_exports_what_it_imports(campus_a: Any, engineer: Any, login: Any) -> None:
    client = login(engineer)
    client.post("/equipment/devices/import/", {"file": _xlsx([_row("S1", 型号="X-9")])})
    response = client.get("/equipment/devices/export/?format=xlsx")
    headers, rows = spreadsheet.read_table(response.content, "x.xlsx")
    assert headers == HEAD
    assert rows[0][1]["序列号"] == "S1" and rows[0][1]["型号"] == "X-9"


def test_the_bulk_import_audits_each_device_and_skips_unchanged_rows(
    campus_a: Any, engineer: Any, login: Any
) -> None:
    from watchroom.audit.models import AuditEvent

    client = login(engineer)
    rows = [_row(f"B{i}") for i in range(30)]
    assert client.post("/equipment/devices/import/", {"file": _xlsx(rows)}).status_code == 200
    assert Device.objects.filter(serial__startswith="B").count() == 30
    created = AuditEvent.objects.filter(action="equipment.device_created")
    assert created.count() == 30
    assert set(created.values_list("target_id", flat=True)) == {
        str(pk) for pk in Device.objects.values_list("pk", flat=True)
    }
    # the same file again, one row changed: one update event, nothing else per device
    rows[3] = _row("B3", 厂商="山特")
    assert client.post("/equipment/devices/import/", {"file": _xlsx(rows)}).status_code == 200
    assert AuditEvent.objects.filter(action="equipment.device_updated").count() == 1
    assert Device.objects.get(serial="B3").vendor == "山特"
    event = last_event("equipment.devices_imported")
    assert event.changes["updated"] == 1 and event.changes["unchanged"] == 29
