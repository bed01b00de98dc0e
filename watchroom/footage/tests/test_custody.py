"""Chain of custody: every access to a vault file is on its custody log and the audit trail."""

from __future__ import annotations

from typing import Any

import pytest

from watchroom.audit.models import AuditEvent
from watchroom.footage import services
from watchroom.lib.errors import PermissionRefused


def test_every_download_is_audited(exported: Any, director: Any, login: Any) -> None:
    evidence, _upload = exported
    client = login(director)
    for _ in range(2):
        response = client.get(f"/footage/evidence/{evidence.pk}/download/")
        assert response.status_code == 200
        b"".join(response.streaming_content)
    assert evidence.custody.filter(action="downloaded", actor=director).count() == 2
    events = AuditEvent.objects.filter(action="footage.evidence_downloaded", target_id=str(evidence.pk))
    assert events.count() == 2
    assert all(e.outcome == "success" and e.actor_username == "director" for e in events)


def test_an_api_download_is_audited(exported: Any, director: Any, api: Any) -> None:
    evidence, upload = exported
    response = api(director).get(f"/api/v1/footage/evidence/{evidence.pk}/download/")
    assert response.status_code == 200
    upload.seek(0)
    assert b"".join(response.streaming_content) == upload.read()
    assert AuditEvent.objects.filter(action="footage.evidence_downloaded", channel="api").exists()


def test_an_operator_may_not_download_from_the_vault(exported: Any, operator: Any) -> None:
    evidence, _upload = exported
    with pytest.raises(PermissionRefused):
        services.open_evidence(evidence.pk, actor=operator)


def test_document_views_are_audited(approved_copy: Any, auditor: Any, login: Any) -> None:
    doc = approved_copy.documents.get()
    response = login(auditor).get(f"/footage/requests/{approved_copy.pk}/documents/{doc.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(action="footage.document_viewed", target_id=str(doc.pk)).exists()


def test_a_hash_lookup_finds_the_released_file(exported: Any, auditor: Any) -> None:
    evidence, upload = exported
    digest, found = services.lookup_hash(actor=auditor, upload=upload)
    assert digest == evidence.sha256 and found == [evidence]
    assert AuditEvent.objects.filter(action="footage.hash_lookup").exists()
