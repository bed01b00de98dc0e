"""Personas and the two-campus hospital every test can use.

Personas: leader, secchief, director, deputy, operator, engineer, itstaff, headnurse, auditor,
sysadmin, secadmin, auditadmin — all of campus A unless hospital-wide — and `outsider`, an
operator of campus B, who must get 404 for campus A's objects.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from watchroom.accounts.tests.factories import PASSWORD, make_user
from watchroom.sites.tests import factories as sf

pytest_plugins = ["watchroom.testing.browser"]


@pytest.fixture(autouse=True)
def _fast_and_no_2fa(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.REQUIRE_2FA = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture
def campus_a(db: Any) -> Any:
    return sf.CampusFactory(code="A", name="本部院区")


@pytest.fixture
def campus_b(db: Any) -> Any:
    return sf.CampusFactory(code="B", name="东院区")


@pytest.fixture
def room_a(campus_a: Any) -> Any:
    return sf.RoomFactory(campus=campus_a, code="RA", name="本部监控中心")


@pytest.fixture
def room_b(campus_b: Any) -> Any:
    return sf.RoomFactory(campus=campus_b, code="RB", name="东院监控室")


@pytest.fixture
def camera_a(campus_a: Any, room_a: Any) -> Any:
    group = sf.CameraGroupFactory(campus=campus_a, room=room_a)
    return sf.CameraFactory(area=sf.AreaFactory(campus=campus_a), group=group, number="A-0001")


@pytest.fixture
def camera_b(campus_b: Any, room_b: Any) -> Any:
    group = sf.CameraGroupFactory(campus=campus_b, room=room_b)
    return sf.CameraFactory(area=sf.AreaFactory(campus=campus_b), group=group, number="B-0001")


def _persona(name: str, role: str, campus: Any) -> Any:
    return make_user(name, role, campuses=[campus], real_name=name)


@pytest.fixture
def leader(campus_a: Any) -> Any:
    return make_user("leader", "leader", real_name="李院长")


@pytest.fixture
def secchief(campus_a: Any) -> Any:
    return make_user("secchief", "security_head", real_name="王科长")


@pytest.fixture
def director(campus_a: Any) -> Any:
    return _persona("director", "director", campus_a)


@pytest.fixture
def deputy(campus_a: Any) -> Any:
    return _persona("deputy", "deputy", campus_a)


@pytest.fixture
def operator(campus_a: Any) -> Any:
    return _persona("operator", "operator", campus_a)


@pytest.fixture
def engineer(campus_a: Any) -> Any:
    return _persona("engineer", "engineer", campus_a)


@pytest.fixture
def itstaff(campus_a: Any) -> Any:
    return _persona("itstaff", "it", campus_a)


@pytest.fixture
def headnurse(campus_a: Any) -> Any:
    return _persona("headnurse", "dept_head", campus_a)


@pytest.fixture
def auditor(campus_a: Any) -> Any:
    return make_user("auditor", "auditor")


@pytest.fixture
def sysadmin(db: Any) -> Any:
    return make_user("sysadmin", "sysadmin")


@pytest.fixture
def secadmin(db: Any) -> Any:
    return make_user("secadmin", "secadmin")


@pytest.fixture
def auditadmin(db: Any) -> Any:
    return make_user("auditadmin", "auditadmin")


@pytest.fixture
def outsider(campus_b: Any) -> Any:
    """An operator of campus B."""
    return _persona("outsider", "operator", campus_b)


@pytest.fixture
def login() -> Any:
    """login(user) -> a Client signed in through the real login page."""

    def _login(user: Any) -> Client:
        client = Client()
        response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
        assert response.status_code == 302, response.content[:500]
        return client

    return _login


@pytest.fixture
def api() -> Any:
    """api(user) -> an APIClient with a real token from POST /api/v1/auth/token/."""
    from rest_framework.test import APIClient

    def _api(user: Any) -> APIClient:
        client = APIClient()
        response = client.post(
            "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json"
        )
        assert response.status_code == 200, response.content
        client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
        return client

    return _api
