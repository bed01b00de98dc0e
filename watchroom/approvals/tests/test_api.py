"""The REST API files, lists, decides and withdraws through the same services (GOV-3)."""

from __future__ import annotations

from watchroom.accounts.tests.factories import PASSWORD
from watchroom.approvals.models import ApprovalRequest
from watchroom.audit.models import AuditEvent

from .factories import file_request


def test_it_files_and_decides(operator, director, leader, campus_a, api):
    response = api(operator).post(
        "/api/v1/approvals/",
        {"kind": "general", "title": "调阅", "reason": "工作需要", "campus": campus_a.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = api(director).post(
        f"/api/v1/approvals/{pk}/decide/",
        {"decision": "approved", "reason": "同意", "password": PASSWORD},
        format="json",
    )
    assert response.status_code == 200 and response.json()["current_level"] == 2
    response = api(leader).post(
        f"/api/v1/approvals/{pk}/decide/",
        {"decision": "approved", "reason": "同意", "password": PASSWORD},
        format="json",
    )
    body = response.json()
    assert body["status"] == "approved" and body["is_valid_now"]
    assert len(body["steps"]) == 2 and len(body["steps"][0]["signature"]["content_sha256"]) == 64


def test_a_wrong_password_is_a_403_with_a_code(operator, director, campus_a, api):
    req = file_request(operator, campus=campus_a)
    response = api(director).post(
        f"/api/v1/approvals/{req.pk}/decide/",
        {"decision": "approved", "reason": "x", "password": "bad"},
        format="json",
    )
    assert response.status_code == 403 and response.json()["code"] == "signature_password"
    assert AuditEvent.objects.filter(action="approvals.signature_failed").exists()


def test_self_approval_is_refused(director, campus_a, api):
    req = file_request(director, campus=campus_a)
    response = api(director).post(
        f"/api/v1/approvals/{req.pk}/decide/",
        {"decision": "approved", "reason": "x", "password": PASSWORD},
        format="json",
    )
    assert response.status_code == 403 and response.json()["code"] == "self_approval"


def test_the_list_is_scoped_and_filtered(operator, outsider, campus_a, campus_b, api):
    mine = file_request(operator, campus=campus_a)
    file_request(outsider, campus=campus_b)
    client = api(operator)
    ids = [r["id"] for r in client.get("/api/v1/approvals/").json()["results"]]
    assert ids == [mine.pk]
    assert client.get("/api/v1/approvals/?status=approved").json()["results"] == []
    assert client.get(f"/api/v1/approvals/{mine.pk}/").status_code == 200
    assert api(outsider).get(f"/api/v1/approvals/{mine.pk}/").status_code == 404


def test_it_withdraws(operator, api):
    req = file_request(operator)
    response = api(operator).post(
        f"/api/v1/approvals/{req.pk}/withdraw/", {"reason": "不需要"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"


def test_it_uploads_attachments(operator, api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .factories import EXE, PDF

    client = api(operator)
    ok = client.post(
        "/api/v1/approvals/",
        {"kind": "general", "title": "t", "reason": "r", "attachments": [SimpleUploadedFile("a.pdf", PDF)]},
        format="multipart",
    )
    assert ok.status_code == 201 and ok.json()["attachments"][0]["content_type"] == "application/pdf"
    bad = client.post(
        "/api/v1/approvals/",
        {"kind": "general", "title": "t", "reason": "r", "attachments": [SimpleUploadedFile("a.pdf", EXE)]},
        format="multipart",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "attachment_type"
    assert ApprovalRequest.objects.count() == 1


def test_policies(secadmin, api):
    client = api(secadmin)
    kinds = [p["kind"] for p in client.get("/api/v1/approval-policies/").json()["results"]]
    assert {"general", "room_entry"} <= set(kinds)
    response = client.patch(
        "/api/v1/approval-policies/general/", {"levels": [{"role": "leader"}]}, format="json"
    )
    assert response.status_code == 200 and response.json()["levels"] == [
        {"role": "leader", "same_campus": False}
    ]
    bad = client.patch(
        "/api/v1/approval-policies/general/", {"levels": [{"role": "operator"}]}, format="json"
    )
    assert bad.status_code == 400 and bad.json()["code"] == "bad_levels"
