"""API: faults reported and moved through their states; the import endpoint's all-or-nothing answer."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from watchroom.equipment import spreadsheet
from watchroom.equipment.models import Device


def test_it_reports_and_repairs_a_fault(camera_a: Any, operator: Any, engineer: Any, api: Any) -> None:
    op, eng = api(operator), api(engineer)
    r = op.post(
        "/api/v1/equipment/faults/",
        {"camera": camera_a.pk, "symptom": "离线", "source": "duty"},
        format="json",
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert eng.post(f"/api/v1/equipment/faults/{pk}/acknowledge/", {}, format="json").status_code == 200
    assert (
        eng.post(f"/api/v1/equipment/faults/{pk}/repaired/", {}, format="json").json()["code"]
        == "reason_required"
    )
    assert (
        eng.post(f"/api/v1/equipment/faults/{pk}/repaired/", {"note": "重启"}, format="json").status_code
        == 200
    )
    r = eng.post(f"/api/v1/equipment/faults/{pk}/verify/", {}, format="json")
    assert r.status_code == 403
    r = op.post(f"/api/v1/equipment/faults/{pk}/verify/", {}, format="json")
    assert r.json()["status"] == "verified"
    r = op.post(f"/api/v1/equipment/faults/{pk}/verify/", {}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"


def test_the_import_endpoint_reports_bad_rows(campus_a: Any, engineer: Any, api: Any) -> None:
    head = spreadsheet.COLUMNS
    row = [{"序列号": "S1", "类型": "不存在", "名称": "x", "院区编码": "A"}.get(h, "") for h in head]
    data = spreadsheet.write_xlsx(head, [row], "d")
    r = api(engineer).post(
        "/api/v1/equipment/devices/import/", {"file": SimpleUploadedFile("d.xlsx", data)}, format="multipart"
    )
    assert r.status_code == 400 and r.json()["errors"][0]["column"] == "类型"
    assert Device.objects.count() == 0
