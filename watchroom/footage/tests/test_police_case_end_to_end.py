"""The "done when" path through the pages, as people would play it: the officer arrives with a
letter, the operator registers the request, the leader signs the approval, the operator uploads the
clip, the officer signs the receipt showing the SHA-256; the archive copy sits encrypted under hold;
the auditor sees every step. Forbidden paths are refused with a Chinese message."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from watchroom.accounts.tests.factories import PASSWORD
from watchroom.audit.models import AuditEvent
from watchroom.footage import services, vault
from watchroom.footage.models import FootageRequest

from .conftest import clip, letter

_LOCAL = "%Y-%m-%dT%H:%M"


def _form(camera: Any, **extra: Any) -> dict[str, Any]:
    end = timezone.localtime(timezone.now() - timedelta(hours=1))
    return {
        "campus": camera.area.campus.pk,
        "category": "police",
        "unit": "城东派出所",
        "names": "张警官",
        "id_numbers": "012345",
        "case_number": "2026-123",
        "purpose_code": "case",
        "purpose_text": "盗窃案",
        "access": "copy",
        "cameras": [camera.pk],
        "start_1": (end - timedelta(minutes=30)).strftime(_LOCAL),
        "end_1": end.strftime(_LOCAL),
        **extra,
    }


def test_the_police_case_end_to_end(
    operator: Any, leader: Any, auditor: Any, camera_a: Any, login: Any
) -> None:
    desk = login(operator)
    refused = desk.post("/footage/requests/new/", _form(camera_a))
    assert refused.status_code == 200
    assert "必须上传介绍信扫描件" in refused.content.decode()
    assert not FootageRequest.objects.exists()

    response = desk.post("/footage/requests/new/", _form(camera_a, letter=letter()))
    assert response.status_code == 302
    req = FootageRequest.objects.get()
    assert desk.get(f"/footage/requests/{req.pk}/").status_code == 200

    signed = login(leader).post(
        f"/approvals/{req.approval_id}/decide/",
        {"decision": "approved", "reason": "同意", "password": PASSWORD, "otp": ""},
    )
    assert signed.status_code == 302
    req.refresh_from_db()
    assert req.status == "approved"

    upload = clip(200_000)
    assert desk.post(f"/footage/requests/{req.pk}/upload/", {"files": [upload]}).status_code == 302
    evidence = req.evidence.get()
    assert services.holds_covering(evidence)
    upload.seek(0)
    assert upload.read()[:4096] not in vault.raw_path(evidence.vault_path).read_bytes()

    desk.post(
        f"/footage/requests/{req.pk}/release/",
        {"recipient_name": "张警官", "recipient_id_number": "012345", "recipient_unit": "城东派出所"},
    )
    page = desk.get(f"/footage/requests/{req.pk}/").content.decode()
    assert evidence.sha256 in page
    receipt = desk.get(f"/footage/requests/{req.pk}/receipt.pdf")
    assert receipt["Content-Type"] == "application/pdf"
    desk.post(f"/footage/requests/{req.pk}/release/acknowledge/", {"typed_name": "张警官", "confirmed": "on"})
    req.refresh_from_db()
    assert req.status == "released"

    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "footage.request_registered",
        "approvals.signature_made",
        "footage.request_approved",
        "footage.evidence_stored",
        "footage.hold_placed",
        "footage.release_prepared",
        "footage.receipt_printed",
        "footage.release_signed",
        "footage.evidence_transferred",
    } <= actions
    history = login(auditor).get(f"/audit/history/footage.footagerequest/{req.pk}/")
    assert history.status_code == 200
    assert "footage.release_signed" in history.content.decode() or "移交" in history.content.decode()
