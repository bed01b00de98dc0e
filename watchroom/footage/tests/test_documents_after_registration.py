"""Adding documents to a registered request, by page and API (DATA-11): checked by content, scoped,
audited, only while the request is open."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from watchroom.audit.models import AuditEvent
from watchroom.footage import services
from watchroom.footage.models import FootageRequest, RequestDocument
from watchroom.lib.errors import InvalidTransition, ValidationFailed

from .conftest import letter, register

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def test_a_document_is_added_and_audited(operator: Any, camera_a: Any) -> None:
    req = register(operator, camera_a)
    doc = services.add_document(
        req.pk, actor=operator, kind="id_document", upload=SimpleUploadedFile("id.png", PNG)
    )
    assert doc.content_type == "image/png" and doc.request_id == req.pk
    event = AuditEvent.objects.get(action="footage.document_added")
    assert event.target_id == str(req.pk) and event.changes["sha256"] == doc.sha256


def test_a_file_that_is_not_a_pdf_jpeg_or_png_is_refused(operator: Any, camera_a: Any) -> None:
    req = register(operator, camera_a)
    with pytest.raises(ValidationFailed) as exc:
        services.add_document(
            req.pk, actor=operator, kind="other", upload=SimpleUploadedFile("x.pdf", b"MZ\x90 not a pdf")
        )
    assert exc.value.code == "attachment_type"
    assert req.documents.count() == 1  # only the letter given at registration


def test_a_closed_request_takes_no_documents(operator: Any, camera_a: Any) -> None:
    req = register(operator, camera_a)
    FootageRequest.objects.filter(pk=req.pk).update(status="rejected")
    with pytest.raises(InvalidTransition) as exc:
        services.add_document(req.pk, actor=operator, kind="other", upload=letter())
    assert exc.value.code == "request_closed"
    assert req.documents.count() == 1


def test_the_signed_receipt_cannot_be_added_this_way(operator: Any, camera_a: Any) -> None:
    req = register(operator, camera_a)
    with pytest.raises(ValidationFailed) as exc:
        services.add_document(req.pk, actor=operator, kind="receipt_scan", upload=letter())
    assert exc.value.code == "bad_kind"


def test_the_api_adds_a_document_and_scopes_it(operator: Any, outsider: Any, camera_a: Any, api: Any) -> None:
    req = register(operator, camera_a)
    url = f"/api/v1/footage/requests/{req.pk}/documents/"
    response = api(operator).post(url, {"kind": "letter", "file": letter("letter2.pdf")}, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["original_name"] == "letter2.pdf"
    assert req.documents.filter(kind=RequestDocument.Kind.LETTER).count() == 2
    response = api(outsider).post(url, {"kind": "letter", "file": letter()}, format="multipart")
    assert response.status_code == 404
    response = api(operator).post(
        url, {"kind": "other", "file": SimpleUploadedFile("a.exe", b"MZ")}, format="multipart"
    )
    assert response.status_code == 400 and response.json()["code"] == "attachment_type"


def test_the_page_adds_a_document(operator: Any, camera_a: Any, login: Any) -> None:
    req = register(operator, camera_a)
    client = login(operator)
    response = client.post(
        reverse("footage:document_add", args=[req.pk]), {"kind": "other", "file": letter("extra.pdf")}
    )
    assert response.status_code == 302
    assert req.documents.filter(original_name="extra.pdf").exists()
    assert "extra.pdf" in client.get(req.get_absolute_url()).content.decode()
