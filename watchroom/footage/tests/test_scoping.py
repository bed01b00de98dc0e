"""Strangers and other campuses get 404; roles without the permission 403 (DATA-7, GOV-2)."""

from __future__ import annotations

from typing import Any

from .conftest import register


def test_other_campus_gets_404(exported: Any, outsider: Any, login: Any, api: Any) -> None:
    evidence, _upload = exported
    req = evidence.request
    client = login(outsider)
    assert client.get(f"/footage/requests/{req.pk}/").status_code == 404
    doc = req.documents.get()
    assert client.get(f"/footage/requests/{req.pk}/documents/{doc.pk}/").status_code == 404
    assert client.get(f"/footage/evidence/{evidence.pk}/").status_code == 404
    assert api(outsider).get(f"/api/v1/footage/requests/{req.pk}/").status_code == 404
    assert req.number not in client.get("/footage/").content.decode()


def test_a_head_nurse_sees_only_her_own_requests(
    headnurse: Any, operator: Any, camera_a: Any, login: Any
) -> None:
    other = register(operator, camera_a)
    mine = register(
        headnurse, camera_a, category="staff", unit="ICU", names="护士长", access="view", letter=None
    )
    client = login(headnurse)
    assert client.get(f"/footage/requests/{mine.pk}/").status_code == 200
    assert client.get(f"/footage/requests/{other.pk}/").status_code == 404


def test_roles_without_footage_permissions_get_403(engineer: Any, login: Any) -> None:
    assert login(engineer).get("/footage/").status_code == 403
