"""POST /api/v1/auth/token/: expiring tokens that die with deactivation; errors carry a stable code."""

import datetime as dt

import time_machine
from django.conf import settings
from rest_framework.test import APIClient

from watchroom.accounts.models import ApiToken
from watchroom.accounts.tests.factories import PASSWORD
from watchroom.audit.models import AuditEvent


def _token(client, username, password=PASSWORD, **extra):
    return client.post(
        "/api/v1/auth/token/", {"username": username, "password": password, **extra}, format="json"
    )


def test_it_issues_a_token_that_authenticates(operator):
    client = APIClient()
    response = _token(client, "operator")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expires"}
    client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert client.get("/api/schema/").status_code == 200
    stored = ApiToken.objects.get(user=operator)
    assert stored.key_hash != body["token"]  # only the hash is kept
    assert AuditEvent.objects.filter(action="accounts.token_issued", target_id=str(operator.pk)).exists()


def test_wrong_credentials_get_a_stable_code(operator):
    response = _token(APIClient(), "operator", "wrong-password")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"


def test_a_bad_payload_is_a_400_with_a_code(db):
    response = APIClient().post("/api/v1/auth/token/", {"username": "x"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "required"


def test_a_token_expires(operator):
    client = APIClient()
    key = _token(client, "operator").json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=settings.API_TOKEN_HOURS, minutes=1)
    with time_machine.travel(later):
        response = client.get("/api/v1/")
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"


def test_a_garbage_token_is_refused(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get("/api/v1/")
    assert response.status_code == 401
    assert response.json()["code"] == "token_invalid"


def test_healthz_answers_ok_without_login_and_reveals_nothing_else(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
