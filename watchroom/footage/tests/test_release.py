"""Releasing a copy: the Chinese receipt with SHA-256, signed on screen or on paper."""

from __future__ import annotations

from typing import Any

import pytest

from watchroom.audit.models import AuditEvent
from watchroom.footage import receipt, services
from watchroom.footage.models import FootageRequest
from watchroom.lib.errors import ValidationFailed

from .conftest import letter


def _prepare(req: Any, operator: Any) -> Any:
    return services.prepare_release(
        req.pk,
        actor=operator,
        recipient_name="张警官",
        recipient_id_number="012345",
        recipient_unit="城东派出所",
    )


def test_the_officer_signs_on_screen(exported: Any, operator: Any) -> None:
    evidence, _upload = exported
    release = _prepare(evidence.request, operator)
    pdf = receipt.build_pdf(release)
    assert pdf.startswith(b"%PDF") and b"STSong-Light" in pdf
    with pytest.raises(ValidationFailed) as exc:
        services.acknowledge_release(release.pk, actor=operator, typed_name="张警官", confirmed=False)
    assert exc.value.code == "acknowledgement_required"
    services.acknowledge_release(
        release.pk, actor=operator, typed_name="张警官", confirmed=True, ip="127.0.0.1"
    )
    release.refresh_from_db()
    assert release.method == "on_screen" and release.signed_ip == "127.0.0.1"
    assert FootageRequest.objects.get(pk=evidence.request_id).status == "released"
    assert evidence.custody.filter(action="transferred").exists()
    assert AuditEvent.objects.filter(action="footage.release_signed", outcome="success").exists()


def test_a_paper_receipt_can_be_scanned_back(exported: Any, operator: Any) -> None:
    evidence, _upload = exported
    release = _prepare(evidence.request, operator)
    services.attach_paper_receipt(release.pk, actor=operator, upload=letter("receipt.pdf"))
    release.refresh_from_db()
    assert release.method == "paper" and release.scan.kind == "receipt_scan"
    assert AuditEvent.objects.filter(action="footage.release_signed").exists()


def test_the_receipt_page_shows_the_sha256(exported: Any, operator: Any, login: Any) -> None:
    evidence, _upload = exported
    _prepare(evidence.request, operator)
    response = login(operator).get(f"/footage/requests/{evidence.request_id}/")
    assert evidence.sha256 in response.content.decode()
    assert login(operator).get(f"/footage/requests/{evidence.request_id}/receipt.pdf").status_code == 200
    assert AuditEvent.objects.filter(action="footage.receipt_printed").exists()
