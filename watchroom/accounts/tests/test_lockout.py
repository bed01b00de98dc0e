"""Lockout after repeated failures (等保 8.1.4.1 c; SEC-1): 5 failures lock the account for 15 minutes."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from watchroom.accounts import queries, services
from watchroom.accounts.tests.factories import PASSWORD
from watchroom.audit.models import AuditEvent


def _fail(client, username="operator", times=5):
    for _i in range(times):
        client.post("/accounts/login/", {"username": username, "password": "wrong-password"})


def test_five_failures_lock_the_account_even_with_the_right_password(operator):
    client = Client()
    _fail(client)
    response = client.post("/accounts/login/", {"username": "operator", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert queries.is_locked(operator)
    event = AuditEvent.objects.filter(action="accounts.locked_out").first()
    assert event is not None
    assert (event.actor_username, event.outcome) == ("operator", "denied")
    assert AuditEvent.objects.filter(action="accounts.login_failed", outcome="failure").count() >= 5


def test_four_failures_do_not_lock(operator):
    client = Client()
    _fail(client, times=4)
    assert client.post("/accounts/login/", {"username": "operator", "password": PASSWORD}).status_code == 302
    assert not AuditEvent.objects.filter(action="accounts.locked_out").exists()


def test_it_works_again_after_fifteen_minutes(operator):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _fail(Client())
        assert (
            Client().post("/accounts/login/", {"username": "operator", "password": PASSWORD}).status_code
            == 429
        )
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        # (An attempt now would count as one more failure and start the 15 minutes again.)
        assert queries.is_locked(operator)
    with time_machine.travel(start + timedelta(minutes=15, seconds=1), tick=False):
        assert not queries.is_locked(operator)
        assert (
            Client().post("/accounts/login/", {"username": "operator", "password": PASSWORD}).status_code
            == 302
        )


def test_the_lockout_is_per_username(operator, engineer):
    _fail(Client(), username="operator")
    assert (
        Client().post("/accounts/login/", {"username": "engineer", "password": PASSWORD}).status_code == 302
    )


def test_the_api_token_endpoint_locks_too(operator):
    client = APIClient()
    for _i in range(5):
        response = client.post(
            "/api/v1/auth/token/", {"username": "operator", "password": "wrong"}, format="json"
        )
        assert response.status_code in {401, 429}
    response = client.post(
        "/api/v1/auth/token/", {"username": "operator", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"
    # The page is locked as well: the count is per username, whatever the door.
    assert (
        Client().post("/accounts/login/", {"username": "operator", "password": PASSWORD}).status_code == 429
    )


def test_the_security_administrator_unlocks(secadmin, operator, login):
    _fail(Client())
    assert queries.is_locked(operator)
    admin = login(secadmin)
    page = admin.get(f"/accounts/users/{operator.pk}/")
    assert page.context["locked"] is True
    assert admin.post(f"/accounts/users/{operator.pk}/unlock/").status_code == 302
    assert not queries.is_locked(operator)
    event = AuditEvent.objects.get(action="accounts.unlocked")
    assert (event.actor_id, event.target_id, event.outcome) == (secadmin.pk, str(operator.pk), "success")
    assert (
        Client().post("/accounts/login/", {"username": "operator", "password": PASSWORD}).status_code == 302
    )


def test_unlock_service_audits_even_when_nothing_was_locked(secadmin, operator):
    assert services.unlock_user(operator, actor=secadmin) == 0
    assert AuditEvent.objects.get(action="accounts.unlocked").changes == {"attempts_cleared": 0}


def test_the_user_list_shows_the_lock(secadmin, operator, login):
    _fail(Client())
    rows = login(secadmin).get("/accounts/users/").context["rows"]
    assert {r["user"].username: r["locked"] for r in rows}["operator"] is True
