"""One audit event with its changes as a before/after table and its hashes (DATA-13)."""

from __future__ import annotations

from typing import Any

import pytest

from watchroom.audit import services as audit
from watchroom.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_it_shows_changes_and_hashes(login: Any, auditor: Any, operator: Any) -> None:
    event = audit.record(
        operator,
        "sites.camera_updated",
        ("sites.camera", "7", "A-0007"),
        changes=audit.diff({"name": "东门"}, {"name": "西门"}),
    )
    response = login(auditor).get(f"/audit/events/{event.pk}/")
    assert response.status_code == 200
    assert response.context["change_rows"] == [("name", "东门", "西门")]
    assert event.hash.encode() in response.content
    assert event.prev_hash.encode() in response.content
    assert b"/audit/history/sites.camera/7/" in response.content


def test_it_audits_the_read(login: Any, auditor: Any) -> None:
    event = audit.record(None, "test.x")
    login(auditor).get(f"/audit/events/{event.pk}/")
    read = AuditEvent.objects.filter(action="audit.viewed").latest("id")
    assert (read.target_type, read.target_id, read.note) == ("audit.auditevent", str(event.pk), "detail")


def test_it_404s_for_a_missing_event(login: Any, auditor: Any) -> None:
    assert login(auditor).get("/audit/events/999999/").status_code == 404


def test_it_refuses_an_operator(login: Any, operator: Any) -> None:
    event = audit.record(None, "test.x")
    assert login(operator).get(f"/audit/events/{event.pk}/").status_code == 403
