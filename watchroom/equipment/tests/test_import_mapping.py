"""Importing the hospital's own XLSX ledger (EQP-1): its columns are mapped to the ledger's (guessed
from common header names), every row is checked, nothing is imported while any row is bad."""

from __future__ import annotations

import io
import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from watchroom.accounts.services import issue_token
from watchroom.equipment import spreadsheet
from watchroom.equipment.models import Device

from .factories import last_event

HEADERS = [
    "资产编号",
    "设备名称",
    "设备类型",
    "院区",
    "品牌",
    "规格型号",
    "SN",
    "IP地址",
    "质保到期",
    "备注说明",
]


def _xlsx(rows: list[list[Any]], headers: list[str] = HEADERS) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("本院设备台账.xlsx", out.getvalue())


ROWS = [
    [
        "ZC-001",
        "门诊大厅东枪机",
        "枪机",
        "本部院区",
        "海康威视",
        "DS-2CD",
        "HK-001",
        "127.0.0.21",
        "2029-12-31",
        "",
    ],
    ["ZC-002", "机房核心交换机", "交换机", "A", "华为", "S5735", "HW-002", "", "2027-06-30", "机房"],
]


def _mapping_post(response: Any, **overrides: str) -> dict[str, str]:
    """The mapping form as the page proposes it (hidden token and each select's selected option)."""
    form = response.context["form"]
    data = {"token": form.initial["token"]}
    for i, column in enumerate(spreadsheet.COLUMNS):
        data[f"col_{i}"] = overrides.get(column, form.initial.get(f"col_{i}", ""))
    return data


def test_it_asks_for_the_mapping_of_a_file_with_other_headers(
    campus_a: Any, engineer: Any, login: Any
) -> None:
    client = login(engineer)
    response = client.post("/equipment/devices/import/", {"file": _xlsx(ROWS)})
    assert response.status_code == 200
    assert response.templates[0].name == "equipment/import_mapping.html"
    assert Device.objects.count() == 0
    guess = {c: response.context["form"].initial.get(f"col_{i}") for i, c in enumerate(spreadsheet.COLUMNS)}
    assert guess["序列号"] == "SN" and guess["名称"] == "设备名称" and guess["类型"] == "设备类型"
    assert guess["院区编码"] == "院区" and guess["厂商"] == "品牌" and guess["保修截止"] == "质保到期"
    assert guess["区域编码"] == ""


def test_it_imports_with_the_mapping(campus_a: Any, engineer: Any, login: Any) -> None:
    client = login(engineer)
    page = client.post("/equipment/devices/import/", {"file": _xlsx(ROWS)})
    response = client.post("/equipment/devices/import/", _mapping_post(page, 备注="备注说明"))
    assert response.status_code == 200, response.context.get("errors")
    camera = Device.objects.get(serial="HK-001")
    assert camera.device_type == "camera" and camera.campus == campus_a and camera.vendor == "海康威视"
    assert str(camera.warranty_until) == "2029-12-31"
    assert Device.objects.get(serial="HW-002").notes == "机房"
    assert last_event("equipment.devices_imported").target_repr == "本院设备台账.xlsx"


def test_a_bad_row_imports_nothing_and_reports_it_with_the_files_column(
    campus_a: Any, engineer: Any, login: Any
) -> None:
    client = login(engineer)
    rows = [*ROWS, ["ZC-003", "未知设备", "飞机", "本部院区", "", "", "XX-003", "不是IP", "", ""]]
    page = client.post("/equipment/devices/import/", {"file": _xlsx(rows)})
    response = client.post("/equipment/devices/import/", _mapping_post(page))
    assert response.status_code == 400
    assert Device.objects.count() == 0
    errors = {(e["row"], e["column"], e["file_column"]) for e in response.context["errors"]}
    assert errors == {(4, "类型", "设备类型"), (4, "IP", "IP地址")}
    # the file is still kept: a corrected mapping (IP left out, a type column fixed) can be sent again
    response = client.post("/equipment/devices/import/", _mapping_post(page, IP=""))
    assert response.status_code == 400
    assert {e["column"] for e in response.context["errors"]} == {"类型"}


def test_a_required_column_must_be_mapped(campus_a: Any, engineer: Any, login: Any) -> None:
    client = login(engineer)
    page = client.post("/equipment/devices/import/", {"file": _xlsx(ROWS)})
    response = client.post("/equipment/devices/import/", _mapping_post(page, 序列号=""))
    assert response.status_code == 400
    assert response.context["form"].errors
    assert Device.objects.count() == 0


def test_one_file_column_cannot_fill_two_ledger_columns(campus_a: Any, engineer: Any, login: Any) -> None:
    client = login(engineer)
    page = client.post("/equipment/devices/import/", {"file": _xlsx(ROWS)})
    response = client.post("/equipment/devices/import/", _mapping_post(page, 型号="品牌"))
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert Device.objects.count() == 0


def test_another_users_file_cannot_be_imported(
    campus_a: Any, engineer: Any, director: Any, login: Any
) -> None:
    page = login(engineer).post("/equipment/devices/import/", {"file": _xlsx(ROWS)})
    response = login(director).post("/equipment/devices/import/", _mapping_post(page))
    assert response.status_code == 302
    assert Device.objects.count() == 0


def test_a_forged_token_is_refused(campus_a: Any, engineer: Any, login: Any) -> None:
    client = login(engineer)
    page = client.post("/equipment/devices/import/", {"file": _xlsx(ROWS)})
    data = _mapping_post(page)
    payload, _sep, signature = data["token"].partition(":")
    data["token"] = payload[:-2] + ("AA" if not payload.endswith("AA") else "BB") + ":" + signature
    response = client.post("/equipment/devices/import/", data)
    assert response.status_code == 302
    assert Device.objects.count() == 0


def test_a_column_left_out_keeps_the_devices_value_on_reimport(
    campus_a: Any, engineer: Any, login: Any
) -> None:
    client = login(engineer)
    page = client.post("/equipment/devices/import/", {"file": _xlsx(ROWS)})
    client.post("/equipment/devices/import/", _mapping_post(page, 备注="备注说明"))
    rows = [[*ROWS[1][:4], "华为技术", *ROWS[1][5:9], ""]]
    page = client.post("/equipment/devices/import/", {"file": _xlsx(rows)})
    response = client.post("/equipment/devices/import/", _mapping_post(page))
    assert response.status_code == 200
    device = Device.objects.get(serial="HW-002")
    assert device.vendor == "华为技术" and device.notes == "机房"


def test_the_api_takes_a_mapping(campus_a: Any, engineer: Any, client: Any) -> None:
    key, _token = issue_token(engineer)
    mapping = {"序列号": "SN", "名称": "设备名称", "类型": "设备类型", "院区编码": "院区", "厂商": "品牌"}
    response = client.post(
        "/api/v1/equipment/devices/import/",
        {"file": _xlsx(ROWS), "mapping": json.dumps(mapping, ensure_ascii=False)},
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 2
    assert Device.objects.get(serial="HK-001").vendor == "海康威视"


def test_the_api_refuses_a_bad_mapping(campus_a: Any, engineer: Any, client: Any) -> None:
    key, _token = issue_token(engineer)
    response = client.post(
        "/api/v1/equipment/devices/import/",
        {"file": _xlsx(ROWS), "mapping": "[1, 2]"},
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert response.status_code == 400 and response.json()["code"] == "bad_mapping"
    assert Device.objects.count() == 0
