"""The security administrator's account pages and API (GOV-3; 等保 8.1.4.2): create, edit, roles,
scope — all audited — and no business data for the security administrator."""

from __future__ import annotations

import pytest

from watchroom.accounts import services
from watchroom.accounts.models import User
from watchroom.audit.models import AuditEvent
from watchroom.lib.errors import ValidationFailed


def _event(action):
    return AuditEvent.objects.filter(action=action).latest("id")


def test_it_creates_a_user_through_the_page(secadmin, login):
    admin = login(secadmin)
    response = admin.post(
        "/accounts/users/new/",
        {
            "username": "zhangsan",
            "real_name": "张三",
            "staff_no": "S1001",
            "department": "保卫科",
            "language": "zh-hans",
            "roles": ["operator"],
        },
    )
    assert response.status_code == 200
    password = response.context["password"]
    user = User.objects.get(username="zhangsan")
    assert user.role_codes == ["operator"] and user.must_change_password and user.check_password(password)
    event = _event("accounts.user_created")
    assert (event.actor_id, event.target_id, event.outcome) == (secadmin.pk, str(user.pk), "success")
    assert password not in event.changes_json


def test_a_taken_username_is_a_form_error(secadmin, operator, login):
    response = login(secadmin).post(
        "/accounts/users/new/", {"username": "operator", "real_name": "重名", "language": "zh-hans"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_it_edits_the_profile(secadmin, operator, login):
    response = login(secadmin).post(
        f"/accounts/users/{operator.pk}/edit/",
        {
            "real_name": "刘操作员",
            "staff_no": "S2",
            "department": "监控中心",
            "phone": "",
            "email": "",
            "language": "zh-hans",
        },
    )
    assert response.status_code == 302
    operator.refresh_from_db()
    assert (operator.real_name, operator.department) == ("刘操作员", "监控中心")
    assert _event("accounts.user_updated").changes["department"] == ["", "监控中心"]


def test_it_changes_roles_and_scope(secadmin, operator, login, campus_a, campus_b, room_a):
    admin = login(secadmin)
    assert (
        admin.post(f"/accounts/users/{operator.pk}/roles/", {"roles": ["operator", "dept_head"]}).status_code
        == 302
    )
    assert User.objects.get(pk=operator.pk).role_codes == ["dept_head", "operator"]
    assert _event("accounts.roles_changed").changes == {"roles": [["operator"], ["dept_head", "operator"]]}
    response = admin.post(
        f"/accounts/users/{operator.pk}/scope/",
        {"campuses": [campus_a.pk, campus_b.pk], "rooms": [room_a.pk]},
    )
    assert response.status_code == 302
    operator.refresh_from_db()
    assert set(operator.campuses.values_list("pk", flat=True)) == {campus_a.pk, campus_b.pk}
    assert _event("accounts.scope_changed").actor_id == secadmin.pk


def test_the_security_administrator_cannot_change_own_roles(secadmin, login):
    response = login(secadmin).post(
        f"/accounts/users/{secadmin.pk}/roles/", {"roles": ["secadmin", "operator"]}
    )
    assert response.status_code == 200
    assert User.objects.get(pk=secadmin.pk).role_codes == ["secadmin"]
    with pytest.raises(ValidationFailed) as exc:
        services.set_roles(secadmin, ["secadmin", "auditadmin"], actor=secadmin)
    assert exc.value.code == "self_roles"


def test_administrator_roles_are_held_alone(secadmin, operator):
    with pytest.raises(ValidationFailed) as exc:
        services.set_roles(operator, ["sysadmin", "auditadmin"], actor=secadmin)
    assert exc.value.code == "admin_roles_combined"


def test_the_list_filters(secadmin, operator, engineer, director, login):
    admin = login(secadmin)
    users = lambda query: [r["user"].username for r in admin.get(f"/accounts/users/?{query}").context["rows"]]  # noqa: E731
    assert users("role=engineer") == ["engineer"]
    assert users("q=direc") == ["director"]
    assert "system" not in users("")
    services.offboard_user(engineer, actor=secadmin, successor=director, reason="离职")
    assert users("active=0") == ["engineer"]
    assert "engineer" not in users("active=1")


def test_the_detail_page_shows_the_account(secadmin, operator, login, api):
    api(operator)
    page = login(secadmin).get(f"/accounts/users/{operator.pk}/")
    assert page.status_code == 200
    assert len(page.context["tokens"]) == 1
    assert page.context["locked"] is False


def test_the_api_creates_edits_and_sets_roles_and_scope(secadmin, operator, api, campus_a):
    client = api(secadmin)
    response = client.post(
        "/api/v1/users/", {"username": "lisi", "real_name": "李四", "roles": ["engineer"]}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["roles"] == ["engineer"] and body["temporary_password"]
    pk = body["id"]
    assert client.patch(f"/api/v1/users/{pk}/", {"phone": "8001"}, format="json").json()["phone"] == "8001"
    assert client.post(f"/api/v1/users/{pk}/roles/", {"roles": ["operator"]}, format="json").json()[
        "roles"
    ] == ["operator"]
    response = client.post(
        f"/api/v1/users/{pk}/scope/", {"scope_all": False, "campuses": [campus_a.pk]}, format="json"
    )
    assert response.json()["campuses"] == [campus_a.pk]
    actions = set(AuditEvent.objects.filter(target_id=str(pk)).values_list("action", flat=True))
    assert {
        "accounts.user_created",
        "accounts.user_updated",
        "accounts.roles_changed",
        "accounts.scope_changed",
    } <= actions
    response = client.post(
        f"/api/v1/users/{pk}/scope/", {"scope_all": False, "campuses": [999999]}, format="json"
    )
    assert response.status_code == 400
    assert client.get("/api/v1/users/?role=operator").json()["count"] == 2


def test_the_api_refuses_own_roles_with_a_code(secadmin, api):
    response = api(secadmin).post(f"/api/v1/users/{secadmin.pk}/roles/", {"roles": []}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "self_roles")


def test_me_shows_own_profile_and_permissions(operator, api):
    body = api(operator).get("/api/v1/me/").json()
    assert body["username"] == "operator"
    assert body["roles"] == ["operator"]
    assert "sites.view" in body["permissions"] and "accounts.manage" not in body["permissions"]


def test_the_security_administrator_sees_no_business_data(secadmin):
    codes = secadmin.permission_codes
    assert "accounts.manage" in codes
    assert "sites.view" not in codes
    assert not {c for c in codes if c.startswith(("sites.", "audit."))}
