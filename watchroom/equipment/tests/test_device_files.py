"""Photos and documents of devices (EQP-1) and photos of work-order records (EQP-4): checked by
content, size-limited, stored under the data directory, every read scoped and audited, voided not
deleted."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from watchroom.accounts.services import system_user
from watchroom.approvals import services as approvals
from watchroom.audit.models import AuditEvent
from watchroom.equipment import services
from watchroom.equipment.models import DeviceFile
from watchroom.lib.errors import InvalidTransition, SeparationOfDuties, ValidationFailed

from .factories import device, last_event

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"x" * 64


def _upload(data: bytes, name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def _work_order(campus: Any, assignee: Any) -> Any:
    plan = services.create_plan(
        actor=system_user(),
        name="摄像机清洁",
        campus=campus,
        device_type="camera",
        interval_months=3,
        checklist="清洁镜头\n检查焦距",
        assignee=assignee,
        next_due=dt.date.today(),
    )
    services.issue_due_work_orders(actor=system_user())
    return plan.work_orders.get()


def test_it_attaches_a_photo_with_its_hash_and_an_audit_event(campus_a: Any, engineer: Any) -> None:
    d = device(campus_a)
    item = services.attach_file(actor=engineer, upload=_upload(PNG), device=d, caption="安装位置")
    assert item.kind == "photo" and item.content_type == "image/png" and item.size == len(PNG)
    assert item.campus_id == campus_a.pk and len(item.sha256) == 64
    stored = Path(settings.MEDIA_ROOT) / item.file.name
    assert stored.read_bytes() == PNG
    assert not str(stored).startswith(str(settings.STATIC_ROOT))
    event = last_event("equipment.file_attached")
    assert event.target_id == str(item.pk) and event.changes["sha256"] == item.sha256


def test_a_pdf_is_a_document(campus_a: Any, engineer: Any) -> None:
    item = services.attach_file(actor=engineer, upload=_upload(PDF, "合同.pdf"), device=device(campus_a))
    assert item.kind == "document" and item.original_name == "合同.pdf"


def test_it_refuses_a_file_that_is_not_jpeg_png_or_pdf_by_content(campus_a: Any, engineer: Any) -> None:
    d = device(campus_a)
    with pytest.raises(ValidationFailed) as exc:
        services.attach_file(actor=engineer, upload=_upload(b"MZ\x90\x00evil", "photo.png"), device=d)
    assert exc.value.code == "attachment_type"
    assert DeviceFile.objects.count() == 0
    assert "不是 PDF、JPEG 或 PNG 文件" in str(exc.value.message)


def test_it_refuses_a_file_over_10_mb(campus_a: Any, engineer: Any) -> None:
    big = PNG + b"\x00" * (10 * 1024 * 1024)
    with pytest.raises(ValidationFailed) as exc:
        services.attach_file(actor=engineer, upload=_upload(big), device=device(campus_a))
    assert exc.value.code == "attachment_too_large"
    assert DeviceFile.objects.count() == 0


def test_a_retired_device_takes_no_file_and_leaves_no_orphan(campus_a: Any, engineer: Any) -> None:
    d = device(campus_a)
    services.retire_device(d, actor=engineer, reason="报废")
    with pytest.raises(InvalidTransition):
        services.attach_file(actor=engineer, upload=_upload(PNG), device=d)
    assert DeviceFile.objects.count() == 0
    root = Path(settings.MEDIA_ROOT) / "equipment"
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))


def test_a_work_order_takes_photos_from_its_designated_person(
    campus_a: Any, engineer: Any, operator: Any
) -> None:
    wo = _work_order(campus_a, engineer)
    item = services.attach_file(actor=engineer, upload=_upload(JPEG, "镜头.jpg"), work_order=wo)
    assert item.work_order_id == wo.pk and item.device_id is None and item.kind == "photo"
    with pytest.raises(ValidationFailed) as exc:
        services.attach_file(actor=engineer, upload=_upload(PDF, "x.pdf"), work_order=wo)
    assert exc.value.code == "photo_required"
    with pytest.raises(SeparationOfDuties):
        services.attach_file(actor=operator, upload=_upload(PNG), work_order=wo)


def test_a_voided_file_stays_with_its_reason(campus_a: Any, engineer: Any) -> None:
    item = services.attach_file(actor=engineer, upload=_upload(PNG), device=device(campus_a))
    with pytest.raises(ValidationFailed):
        services.void_file(item, actor=engineer, reason=" ")
    item = services.void_file(item, actor=engineer, reason="传错设备")
    assert DeviceFile.objects.filter(pk=item.pk, void_reason="传错设备", voided_by=engineer).exists()
    assert (Path(settings.MEDIA_ROOT) / item.file.name).exists()
    assert last_event("equipment.file_voided").note == "传错设备"
    with pytest.raises(InvalidTransition):
        services.void_file(item, actor=engineer, reason="again")


def test_the_device_page_uploads_lists_and_serves_with_an_audited_read(
    campus_a: Any, engineer: Any, operator: Any, login: Any
) -> None:
    d = device(campus_a)
    eng = login(engineer)
    r = eng.post(f"/equipment/devices/{d.pk}/files/", {"file": _upload(PNG), "caption": "正面"})
    assert r.status_code == 302
    item = DeviceFile.objects.get(device=d)
    page = login(operator).get(f"/equipment/devices/{d.pk}/")
    assert "正面" in page.content.decode() and "照片和文档" in page.content.decode()
    before = AuditEvent.objects.filter(action="equipment.file_read").count()
    r = login(operator).get(f"/equipment/files/{item.pk}/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == PNG
    assert r["Content-Type"] == "image/png" and r["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(action="equipment.file_read").count() == before + 1
    # a bad file: an error message, nothing stored
    r = eng.post(f"/equipment/devices/{d.pk}/files/", {"file": _upload(b"GIF89a", "a.png")}, follow=True)
    assert "不是 PDF、JPEG 或 PNG 文件" in r.content.decode()
    assert DeviceFile.objects.count() == 1


def test_a_file_outside_the_scope_is_404_and_not_audited(
    campus_a: Any, engineer: Any, outsider: Any, login: Any
) -> None:
    item = services.attach_file(actor=engineer, upload=_upload(PNG), device=device(campus_a))
    r = login(outsider).get(f"/equipment/files/{item.pk}/")
    assert r.status_code == 404
    assert not AuditEvent.objects.filter(action="equipment.file_read").exists()


def test_the_api_uploads_lists_reads_and_voids(campus_a: Any, engineer: Any, operator: Any, api: Any) -> None:
    d = device(campus_a)
    eng = api(engineer)
    r = eng.post(
        "/api/v1/equipment/files/", {"device": d.pk, "file": _upload(PDF, "说明书.pdf")}, format="multipart"
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["kind"] == "document"
    r = api(operator).post(
        "/api/v1/equipment/files/", {"device": d.pk, "file": _upload(PNG)}, format="multipart"
    )
    assert r.status_code == 403
    r = eng.post("/api/v1/equipment/files/", {"device": d.pk, "file": _upload(b"<html>")}, format="multipart")
    assert r.status_code == 400 and r.json()["code"] == "attachment_type"
    listing = api(operator).get(f"/api/v1/equipment/files/?device={d.pk}").json()
    assert [row["id"] for row in listing["results"]] == [pk]
    r = api(operator).get(f"/api/v1/equipment/files/{pk}/content/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    assert last_event("equipment.file_read").target_id == str(pk)
    r = eng.post(f"/api/v1/equipment/files/{pk}/void/", {"reason": "重复"}, format="json")
    assert r.status_code == 200 and r.json()["voided_at"]


@override_settings()
def test_media_root_is_under_the_data_dir() -> None:
    """Uploads live in the data directory, never under the static (web) root."""
    from watchroom import settings as project

    assert Path(project.MEDIA_ROOT).is_relative_to(project.DATA_DIR)
    assert not Path(project.MEDIA_ROOT).is_relative_to(project.STATIC_ROOT)
    assert approvals.MAX_ATTACHMENT_BYTES == 10 * 1024 * 1024
