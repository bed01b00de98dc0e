"""API for the scanned paper receipt and the destruction record (DATA-9, DATA-11)."""

from __future__ import annotations

from typing import Any

from watchroom.accounts.tests.factories import PASSWORD
from watchroom.approvals import services as approvals
from watchroom.audit.models import AuditEvent
from watchroom.footage import services
from watchroom.footage.models import FootageRequest, Release

from .conftest import letter


def _prepare(evidence: Any, operator: Any) -> Release:
    return services.prepare_release(
        evidence.request_id,
        actor=operator,
        recipient_name="张警官",
        recipient_id_number="012345",
        recipient_unit="派出所",
    )


def test_the_scanned_receipt_releases_the_copy(exported: Any, operator: Any, api: Any) -> None:
    evidence, _upload = exported
    _prepare(evidence, operator)
    url = f"/api/v1/footage/requests/{evidence.request_id}/receipt-scan/"
    response = api(operator).post(url, {}, format="multipart")
    assert response.status_code == 400 and response.json()["code"] == "file_required"
    response = api(operator).post(url, {"file": letter("signed.pdf")}, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["method"] == "paper"
    assert FootageRequest.objects.get(pk=evidence.request_id).status == FootageRequest.Status.RELEASED
    assert AuditEvent.objects.filter(action="footage.release_signed").exists()
    again = api(operator).post(url, {"file": letter("signed.pdf")}, format="multipart")
    assert again.status_code == 409 and again.json()["code"] == "already_released"


def test_the_scan_needs_a_prepared_receipt(exported: Any, operator: Any, api: Any) -> None:
    evidence, _upload = exported
    url = f"/api/v1/footage/requests/{evidence.request_id}/receipt-scan/"
    assert api(operator).post(url, {"file": letter()}, format="multipart").status_code == 404


def test_destruction_is_requested_and_recorded(
    exported: Any, director: Any, leader: Any, operator: Any, api: Any
) -> None:
    evidence, _upload = exported
    hold = evidence.request.holds.get()
    hold.status = "released"
    hold.save(update_fields=["status"])
    client = api(director)
    url = f"/api/v1/footage/evidence/{evidence.pk}/destroy/"
    response = client.post(url, {"reason": ""}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "reason_required"
    assert api(operator).post(url, {"reason": "x"}, format="json").status_code == 403
    response = client.post(url, {"reason": "案件已结，保存期满"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["approval_status"] == "pending" and body["reason"] == "案件已结，保存期满"
    evidence.refresh_from_db()
    approvals.decide(
        evidence.destroy_approval, actor=leader, decision="approved", reason="同意", password=PASSWORD
    )
    record = client.get(f"/api/v1/footage/evidence/{evidence.pk}/destruction/").json()
    assert record["status"] == "destroyed" and record["sha256"] == evidence.sha256
    assert record["destroyed_at"] and record["decisions"][0]["decision"] == "approved"
    assert record["requested_by"] == (director.real_name or director.username)


def test_destruction_under_a_hold_is_refused(exported: Any, director: Any, api: Any) -> None:
    evidence, _upload = exported
    response = api(director).post(
        f"/api/v1/footage/evidence/{evidence.pk}/destroy/", {"reason": "过期"}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "under_hold"
