"""Attachments: PDF, JPEG or PNG by content, at most 10 MB, stored under MEDIA_ROOT and read only
through an audited view (GOV-3, DATA-9)."""

from __future__ import annotations

import hashlib

import pytest
from django.conf import settings
from django.core.files.base import ContentFile

from watchroom.approvals import services
from watchroom.approvals.models import ApprovalRequest
from watchroom.audit.models import AuditEvent
from watchroom.lib.errors import ValidationFailed

from .factories import EXE, JPEG, PDF, PNG, file_request, pdf


def test_it_keeps_the_hash_and_the_sniffed_type(operator):
    req = file_request(
        operator, attachments=[pdf(), ContentFile(PNG, name="photo.jpg"), ContentFile(JPEG, name="x")]
    )
    items = list(req.attachments.order_by("id"))
    assert [a.content_type for a in items] == ["application/pdf", "image/png", "image/jpeg"]
    assert items[0].sha256 == hashlib.sha256(PDF).hexdigest() and items[0].size == len(PDF)
    assert items[0].original_name == "letter.pdf"
    path = items[0].file.path
    assert path.startswith(str(settings.MEDIA_ROOT)) and not path.endswith("letter.pdf")


def test_it_refuses_an_exe_renamed_pdf(operator):
    with pytest.raises(ValidationFailed) as exc:
        file_request(operator, attachments=[pdf(), ContentFile(EXE, name="report.pdf")])
    assert exc.value.code == "attachment_type"
    assert not ApprovalRequest.objects.exists()


def test_it_refuses_more_than_10_mb(operator):
    big = ContentFile(PDF + b"0" * (services.MAX_ATTACHMENT_BYTES), name="big.pdf")
    with pytest.raises(ValidationFailed) as exc:
        file_request(operator, attachments=[big])
    assert exc.value.code == "attachment_too_large"


def test_the_download_is_scoped_and_audited(operator, director, outsider, campus_a, login):
    req = file_request(operator, campus=campus_a, attachments=[pdf()])
    item = req.attachments.get()
    url = f"/approvals/{req.pk}/attachments/{item.pk}/"
    response = login(director).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    event = AuditEvent.objects.get(action="approvals.attachment_read")
    assert event.actor_username == "director" and event.target_id == str(item.pk)
    assert login(outsider).get(url).status_code == 404
