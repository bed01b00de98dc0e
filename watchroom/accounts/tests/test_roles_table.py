"""The role table (GOV-3; 等保 8.1.4.2 三员分立, least privilege)."""

from __future__ import annotations

from watchroom.accounts import roles


def test_the_table_has_no_problems():
    assert roles.check_table() == []


def test_every_role_has_a_label_and_a_row():
    for role in roles.Role:
        assert str(role.label) and str(role.label) != role.value
        assert role in roles.ROLE_PERMISSIONS


def test_every_permission_has_a_label():
    assert all(str(label) for label in roles.PERMISSIONS.values())


def test_the_administrators_are_separate():
    sysadmin, secadmin, auditadmin = (
        roles.ROLE_PERMISSIONS[r] for r in (roles.Role.SYSADMIN, roles.Role.SECADMIN, roles.Role.AUDITADMIN)
    )
    assert "audit.view" not in sysadmin and "accounts.manage" not in sysadmin
    assert "audit.view" not in secadmin and "system.admin" not in secadmin
    assert "accounts.manage" not in auditadmin and "system.admin" not in auditadmin


def test_the_role_page_renders_all_roles(secadmin, login):
    response = login(secadmin).get("/accounts/roles/")
    assert response.status_code == 200
    assert [r.value for r in response.context["roles"]] == list(roles.Role.values)
    assert len(response.context["rows"]) == len(roles.PERMISSIONS)
    html = response.content.decode()
    for role in roles.Role:
        assert str(role.label) in html
