"""Viewing, downloading and re-exporting vault files (DATA-8, DATA-11): decrypted as a stream, each
access on the custody log and the audit trail, only under an approved request inside its validity
window; a re-export makes an identical archive copy for the new request and a new receipt."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from watchroom.audit.models import AuditEvent
from watchroom.footage import services, vault
from watchroom.footage.models import CustodyEntry, EvidenceFile, FootageRequest, Release
from watchroom.lib.errors import InvalidTransition, PermissionRefused
from watchroom.sites.tests import factories as sf

from .conftest import approve_all, register

RECIPIENT = {"recipient_name": "王法官", "recipient_id_number": "法 0099", "recipient_unit": "区人民法院"}


def _release(evidence: Any, operator: Any) -> None:
    release = services.prepare_release(
        evidence.request_id,
        actor=operator,
        recipient_name="张警官",
        recipient_id_number="012345",
        recipient_unit="派出所",
    )
    services.acknowledge_release(release.pk, actor=operator, typed_name="张警官", confirmed=True)


@pytest.fixture
def court_copy(operator: Any, leader: Any, camera_a: Any) -> Any:
    """A later copy request by a court for the same camera, approved by a leader (copy exception)."""
    req = register(
        operator,
        camera_a,
        category="court",
        unit="区人民法院",
        names="王法官",
        id_numbers="法 0099",
        case_number="(2026)民初 77 号",
        copy_exception_reason="法院调取证据",
    )
    return approve_all(req, leader)


def test_viewing_in_the_browser_streams_and_is_logged(exported: Any, director: Any, login: Any) -> None:
    evidence, upload = exported
    upload.seek(0)
    response = login(director).get(reverse("footage:evidence_view", args=[evidence.pk]))
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content) == upload.read()
    entry = evidence.custody.get(action=CustodyEntry.Action.VIEWED)
    assert entry.actor == director
    assert AuditEvent.objects.filter(action="footage.evidence_viewed", target_id=str(evidence.pk)).exists()


def test_no_access_after_the_validity_window(exported: Any, director: Any, operator: Any) -> None:
    evidence, _upload = exported
    _release(evidence, operator)  # the request is released: its window no longer covers access
    with pytest.raises(PermissionRefused) as exc:
        services.open_evidence(evidence.pk, actor=director, purpose="viewed")
    assert exc.value.code == "approval_invalid"
    assert not evidence.custody.filter(action=CustodyEntry.Action.VIEWED).exists()


def test_an_expired_window_is_refused(exported: Any, director: Any) -> None:
    evidence, _upload = exported
    req = evidence.request
    with time_machine.travel(req.valid_until + timedelta(minutes=1)), pytest.raises(PermissionRefused) as exc:
        services.open_evidence(evidence.pk, actor=director)
    assert exc.value.code == "approval_invalid"


def test_a_later_request_covering_the_cameras_allows_access(
    exported: Any, director: Any, operator: Any, court_copy: Any, login: Any
) -> None:
    evidence, _upload = exported
    _release(evidence, operator)
    client = login(director)
    response = client.get(
        reverse("footage:evidence_download", args=[evidence.pk]) + f"?request={court_copy.pk}"
    )
    assert response.status_code == 200
    b"".join(response.streaming_content)
    entry = evidence.custody.get(action=CustodyEntry.Action.DOWNLOADED)
    assert court_copy.number in entry.note


def test_a_later_request_not_covering_the_cameras_is_refused(
    exported: Any, director: Any, operator: Any, leader: Any, campus_a: Any
) -> None:
    evidence, _upload = exported
    other = sf.CameraFactory(
        area=sf.AreaFactory(campus=campus_a), group=evidence.request.cameras.get().group, number="A-7"
    )
    later = approve_all(register(operator, other), leader)
    with pytest.raises(PermissionRefused) as exc:
        services.open_evidence(evidence.pk, actor=director, relying_on=later)
    assert exc.value.code == "camera_not_approved"


def test_re_export_makes_an_identical_copy_and_a_new_receipt(
    exported: Any, director: Any, operator: Any, court_copy: Any, api: Any, login: Any
) -> None:
    evidence, upload = exported
    _release(evidence, operator)
    response = api(director).post(
        f"/api/v1/footage/evidence/{evidence.pk}/re-export/",
        {"request": court_copy.pk, **RECIPIENT},
        format="json",
    )
    assert response.status_code == 201, response.content
    court_copy.refresh_from_db()
    assert court_copy.status == FootageRequest.Status.EXPORTED
    [copy] = court_copy.evidence.all()
    assert copy.sha256 == evidence.sha256 and copy.size == evidence.size
    assert copy.vault_path != evidence.vault_path
    upload.seek(0)
    assert b"".join(vault.open_chunks(copy.vault_path)) == upload.read()
    release = Release.objects.get(request=court_copy)
    assert release.recipient_name == "王法官" and response.json()["content_sha256"] == release.content_sha256
    assert evidence.custody.filter(
        action=CustodyEntry.Action.RE_EXPORTED, note__contains=court_copy.number
    ).exists()
    assert AuditEvent.objects.filter(
        action="footage.evidence_re_exported_to", target_id=str(court_copy.pk)
    ).exists()
    assert court_copy.holds.exists()  # the new archive copy is under hold too
    pdf = login(director).get(reverse("footage:receipt_pdf", args=[court_copy.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_re_export_needs_a_new_request(exported: Any, director: Any) -> None:
    evidence, _upload = exported
    with pytest.raises(InvalidTransition) as exc:
        services.re_export_evidence(evidence.pk, actor=director, request=evidence.request, **RECIPIENT)
    assert exc.value.code == "re_export_needs_request"


def test_a_damaged_file_cannot_be_re_exported(exported: Any, director: Any, court_copy: Any) -> None:
    evidence, _upload = exported
    path = vault.raw_path(evidence.vault_path)
    path.chmod(0o600)
    data = bytearray(path.read_bytes())
    data[-10] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(InvalidTransition) as exc:
        services.re_export_evidence(evidence.pk, actor=director, request=court_copy, **RECIPIENT)
    assert exc.value.code == "vault_damaged"
    assert not EvidenceFile.objects.filter(request=court_copy).exists()
    court_copy.refresh_from_db()
    assert court_copy.status == FootageRequest.Status.APPROVED


def test_the_evidence_page_offers_view_and_re_export(
    exported: Any, director: Any, court_copy: Any, login: Any
) -> None:
    evidence, _upload = exported
    html = login(director).get(evidence.get_absolute_url()).content.decode()
    assert reverse("footage:evidence_view", args=[evidence.pk]) in html
    assert reverse("footage:evidence_re_export", args=[evidence.pk]) in html
    assert court_copy.number in html


def test_a_view_only_request_allows_viewing_but_not_downloading(
    exported: Any, director: Any, operator: Any, leader: Any, camera_a: Any
) -> None:
    evidence, _upload = exported
    _release(evidence, operator)
    staff_view = approve_all(
        register(operator, camera_a, category="staff", unit="医务处", access="view", letter=None), leader
    )
    b"".join(services.open_evidence(evidence.pk, actor=director, purpose="viewed", relying_on=staff_view))
    with pytest.raises(PermissionRefused) as exc:
        services.open_evidence(evidence.pk, actor=director, purpose="downloaded", relying_on=staff_view)
    assert exc.value.code == "view_only"
    assert evidence.custody.filter(action=CustodyEntry.Action.VIEWED).count() == 1
    assert not evidence.custody.filter(action=CustodyEntry.Action.DOWNLOADED).exists()
