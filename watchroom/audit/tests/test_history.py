"""The history of one record, and the `audit_history_link` tag every record page uses (DATA-13)."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from watchroom.audit import services as audit
from watchroom.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_it_lists_only_that_records_events(login: Any, auditor: Any, camera_a: Any, camera_b: Any) -> None:
    mine = [audit.record(None, "sites.camera_updated", camera_a) for _ in range(3)]
    audit.record(None, "sites.camera_updated", camera_b)
    response = login(auditor).get(f"/audit/history/sites.camera/{camera_a.pk}/")
    assert response.status_code == 200
    assert [e.pk for e in response.context["page"].object_list] == [e.pk for e in reversed(mine)]
    read = AuditEvent.objects.filter(action="audit.viewed").latest("id")
    assert (read.target_type, read.note) == ("", f"history sites.camera {camera_a.pk}")


def test_it_refuses_an_engineer(login: Any, engineer: Any, camera_a: Any) -> None:
    assert login(engineer).get(f"/audit/history/sites.camera/{camera_a.pk}/").status_code == 403


def _render(user: Any, obj: Any) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load audit_tags %}{% audit_history_link obj %}").render(
        Context({"request": request, "obj": obj})
    )


def test_the_tag_links_for_audit_roles(auditor: Any, auditadmin: Any, camera_a: Any) -> None:
    assert f'href="/audit/history/sites.camera/{camera_a.pk}/"' in _render(auditor, camera_a)
    assert "/audit/history/" in _render(auditadmin, camera_a)


def test_the_tag_renders_nothing_for_others(
    operator: Any, director: Any, sysadmin: Any, camera_a: Any
) -> None:
    for user in (operator, director, sysadmin):
        assert _render(user, camera_a) == ""
