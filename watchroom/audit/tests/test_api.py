"""GET /api/v1/audit-events/: read-only, audit roles only, the pages' filters, audited (DATA-13)."""

from __future__ import annotations

from typing import Any

import pytest

from watchroom.audit import services as audit
from watchroom.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_it_lists_with_filters(api: Any, auditor: Any) -> None:
    a = audit.record(None, "test.api", ("sites.camera", "1", "A"), changes={"x": [1, 2]})
    audit.record(None, "test.api", ("sites.camera", "2", "B"), outcome="failure")
    client = api(auditor)
    data = client.get("/api/v1/audit-events/?action=test.api&outcome=success").json()
    assert [r["id"] for r in data["results"]] == [a.pk]
    assert data["results"][0]["changes"] == {"x": [1, 2]}
    assert data["results"][0]["hash"] == a.hash
    read = AuditEvent.objects.filter(action="audit.viewed").latest("id")
    assert read.note == "api list action=test.api&outcome=success"


def test_it_retrieves_one(api: Any, auditadmin: Any) -> None:
    a = audit.record(None, "test.api")
    response = api(auditadmin).get(f"/api/v1/audit-events/{a.pk}/")
    assert response.status_code == 200
    assert response.json()["action"] == "test.api"
    assert AuditEvent.objects.filter(action="audit.viewed", target_id=str(a.pk), note="api detail").exists()


def test_it_is_read_only(api: Any, auditor: Any) -> None:
    a = audit.record(None, "test.api")
    client = api(auditor)
    assert client.post("/api/v1/audit-events/", {"action": "x"}, format="json").status_code == 405
    assert client.delete(f"/api/v1/audit-events/{a.pk}/").status_code == 405
    assert client.patch(f"/api/v1/audit-events/{a.pk}/", {"note": "x"}, format="json").status_code == 405


@pytest.mark.parametrize("persona", ["operator", "leader", "sysadmin", "secadmin"])
def test_it_refuses_other_roles(persona: str, request: Any, api: Any) -> None:
    response = api(request.getfixturevalue(persona)).get("/api/v1/audit-events/")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
