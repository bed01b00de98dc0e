"""Camera import: every row validated, nothing imported when one row is bad, create or update by
number, one audit event per row plus a summary (EQP-1)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from watchroom.audit.models import AuditEvent
from watchroom.sites import spreadsheet
from watchroom.sites.models import AreaType, Camera
from watchroom.sites.tests import factories as sf
from watchroom.sites.tests.helpers import changes, last_event

H = spreadsheet.CAMERA_COLUMNS


@pytest.fixture
def ledger(campus_a):
    hall = sf.AreaFactory(campus=campus_a, code="MZ-1F-DT", name="门诊大厅", area_type=AreaType.OUTPATIENT)
    toilet = sf.AreaFactory(
        campus=campus_a,
        code="MZ-1F-WSJ",
        name="卫生间",
        area_type=AreaType.TOILET,
        privacy_class="prohibited",
    )
    recorder = sf.RecorderFactory(campus=campus_a, number="NVR-A-01", channels=4)
    return {"hall": hall, "toilet": toilet, "recorder": recorder}


def row(
    number,
    name="门诊大厅东",
    area="MZ-1F-DT",
    kind="枪机",
    ip="127.1.1.1",
    recorder="NVR-A-01",
    channel="1",
    status="在用",
    password="",
):
    return [
        number,
        name,
        "A",
        area,
        kind,
        "海康威视",
        "DS-2CD",
        ip,
        f"rtsp://127.0.0.1:8554/{number}",
        "",
        "",
        recorder,
        channel,
        status,
        "admin",
        password,
    ]


def csv_file(rows, name="cameras.csv"):
    return SimpleUploadedFile(name, spreadsheet.write_csv(H, rows), content_type="text/csv")


def xlsx_file(rows, name="cameras.xlsx"):
    return SimpleUploadedFile(name, spreadsheet.write_xlsx(H, rows, "cameras"))


def test_it_imports_nothing_when_a_row_is_bad(director, ledger, login):
    before = (Camera.objects.count(), AuditEvent.objects.filter(action="sites.camera_created").count())
    rows = [
        row("A-001", channel="1"),
        row("A-002", ip="999.1.1.1", channel="2"),  # bad IP
        row("A-003", area="NOPE", channel="3"),  # unknown area
        row("A-004", area="MZ-1F-WSJ", channel=""),  # prohibited area
        row("A-005", kind="潜望镜", channel="4"),  # bad type
        row("A-001", channel="4"),  # duplicate number
        row("A-006", channel="1"),  # channel clash with A-001
        row("A-007", recorder="NVR-X", channel="2"),  # unknown recorder
        row("A-008", channel="9"),  # beyond the recorder's channels
    ]
    response = login(director).post("/sites/cameras/import/", {"file": csv_file(rows)})
    assert response.status_code == 400
    errors = {(e.row, e.column) for e in response.context["report"].errors}
    assert {
        (3, "IP"),
        (4, "区域编码"),
        (5, "区域编码"),
        (6, "类型"),
        (7, "编号"),
        (8, "通道"),
        (9, "录像机编号"),
        (10, "通道"),
    } <= errors
    assert (2, "编号") not in errors
    assert (
        Camera.objects.count(),
        AuditEvent.objects.filter(action="sites.camera_created").count(),
    ) == before
    assert b'data-testid="import-errors"' in response.content


def test_it_imports_a_clean_file_with_one_event_per_row(director, ledger, login):
    rows = [row("A-001", channel="1", password="Cam#0001"), row("A-002", name="门诊大厅西", channel="2")]
    response = login(director).post("/sites/cameras/import/", {"file": xlsx_file(rows)})
    assert response.status_code == 200
    assert response.context["result"].created == 2
    assert AuditEvent.objects.filter(action="sites.camera_created").count() == 2
    summary = last_event("sites.cameras_imported")
    assert changes(summary) == {"created": 2, "updated": 0, "unchanged": 0, "rows": 2}
    camera = Camera.objects.get(number="A-001")
    assert (
        camera.recorder == ledger["recorder"] and camera.channel == 1 and camera.get_password() == "Cam#0001"
    )
    assert camera.kind == "fixed"


def test_it_updates_by_number_on_reimport(director, ledger, login):
    client = login(director)
    client.post("/sites/cameras/import/", {"file": csv_file([row("A-001"), row("A-002", channel="2")])})
    response = client.post(
        "/sites/cameras/import/",
        {
            "file": csv_file([row("A-001", name="大厅东（改）"), row("A-002", channel="2")]),
        },
    )
    result = response.context["result"]
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert Camera.objects.filter(number__startswith="A-00").count() == 2
    assert Camera.objects.get(number="A-001").name == "大厅东（改）"
    assert changes(last_event("sites.camera_updated")) == {"name": ["门诊大厅东", "大厅东（改）"]}


def test_it_lets_a_camera_in_the_file_hand_over_its_channel(director, ledger, login):
    client = login(director)
    client.post("/sites/cameras/import/", {"file": csv_file([row("A-001", channel="1")])})
    response = client.post(
        "/sites/cameras/import/",
        {
            "file": csv_file([row("A-002", channel="1"), row("A-001", channel="2")]),
        },
    )
    assert response.status_code == 200, response.context.get("report") and response.context["report"].errors
    assert Camera.objects.get(number="A-001").channel == 2
    assert Camera.objects.get(number="A-002").channel == 1


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_round_trips_export_and_import(director, ledger, login, fmt):
    client = login(director)
    client.post(
        "/sites/cameras/import/", {"file": csv_file([row("A-001"), row("A-002", channel="2", kind="球机")])}
    )
    exported = client.get(f"/sites/cameras/export/?format={fmt}")
    assert exported.status_code == 200
    data = exported.content
    if fmt == "csv":
        assert data.startswith(b"\xef\xbb\xbf")
    headers, rows = spreadsheet.read_table(data, f"x.{fmt}")
    assert headers == H
    assert [r["编号"] for _n, r in rows] == ["A-001", "A-002"]
    assert all(r["密码"] == "" for _n, r in rows)
    response = client.post("/sites/cameras/import/", {"file": SimpleUploadedFile(f"x.{fmt}", data)})
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)


def test_the_template_has_the_headers(director, login):
    response = login(director).get("/sites/cameras/template/?format=xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == H


def test_it_imports_areas_all_or_nothing(director, campus_a, login):
    sf.BuildingFactory(campus=campus_a, code="MZ")
    header = spreadsheet.AREA_COLUMNS
    good = ["A", "MZ-1F-DT", "门诊大厅", "MZ", "", "门诊部", "", "", ""]
    bad = ["A", "MZ-1F-WC", "卫生间", "NOPE", "", "厕所", "", "", ""]
    client = login(director)
    response = client.post(
        "/sites/areas/import/",
        {
            "file": SimpleUploadedFile("a.csv", spreadsheet.write_csv(header, [good, bad])),
        },
    )
    assert response.status_code == 400
    assert {(e.row, e.column) for e in response.context["report"].errors} == {(3, "楼宇编码"), (3, "类型")}
    bad = ["A", "MZ-1F-WC", "卫生间", "MZ", "", "toilet", "", "", ""]
    response = client.post(
        "/sites/areas/import/",
        {
            "file": SimpleUploadedFile("a.csv", spreadsheet.write_csv(header, [good, bad])),
        },
    )
    assert response.status_code == 200 and response.context["result"].created == 2
    from watchroom.sites.models import Area

    assert Area.objects.get(code="MZ-1F-WC").privacy_class == "prohibited"
    assert changes(last_event("sites.areas_imported"))["created"] == 2
