"""The REST API: the police case end to end through the same services."""

from __future__ import annotations

import json
from typing import Any

from watchroom.audit.models import AuditEvent

from .conftest import approve_all, clip, letter, ranges


def test_the_police_case_through_the_api(
    operator: Any, leader: Any, director: Any, camera_a: Any, api: Any
) -> None:
    client = api(operator)
    start, end = ranges()[0]
    base = {
        "campus": camera_a.area.campus.pk,
        "category": "police",
        "unit": "城东派出所",
        "names": "张警官",
        "id_numbers": "012345",
        "case_number": "2026-123",
        "purpose_code": "case",
        "purpose_text": "盗窃案",
        "access": "copy",
        "cameras": [camera_a.pk],
        "ranges": json.dumps([{"start": start.isoformat(), "end": end.isoformat()}]),
    }
    refused = client.post("/api/v1/footage/requests/", base, format="multipart")
    assert refused.status_code == 400 and refused.json()["code"] == "letter_required"
    created = client.post("/api/v1/footage/requests/", {**base, "letter": letter()}, format="multipart")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    from watchroom.footage.models import FootageRequest

    approve_all(FootageRequest.objects.get(pk=pk), leader)
    upload = client.post(
        f"/api/v1/footage/requests/{pk}/upload/", {"files": [clip(5000)]}, format="multipart"
    )
    assert upload.status_code == 201, upload.content
    sha = upload.json()[0]["sha256"]
    verify = api(director).post(f"/api/v1/footage/evidence/{upload.json()[0]['id']}/verify/")
    assert verify.json()["ok"] is True
    assert client.post("/api/v1/footage/evidence/lookup/", {"sha256": sha}, format="json").json()["matches"]
    rel = client.post(
        f"/api/v1/footage/requests/{pk}/release/",
        {"recipient_name": "张警官", "recipient_id_number": "012345", "recipient_unit": "城东派出所"},
        format="json",
    )
    assert rel.status_code == 200
    ack = client.post(
        f"/api/v1/footage/requests/{pk}/acknowledge/",
        {"typed_name": "张警官", "confirmed": True},
        format="json",
    )
    assert ack.status_code == 200
    assert FootageRequest.objects.get(pk=pk).status == "released"
    assert AuditEvent.objects.filter(action="footage.release_signed", channel="api").exists()
