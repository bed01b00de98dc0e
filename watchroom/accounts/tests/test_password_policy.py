"""Password policy (等保 8.1.4.1 a; SEC-1): length, character classes, username, history, expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from watchroom.accounts import services
from watchroom.accounts.tests.factories import PASSWORD, make_user
from watchroom.audit.models import AuditEvent
from watchroom.lib.errors import ValidationFailed


def _refusal(user, password):
    with pytest.raises(ValidationFailed) as exc:
        services.reset_password(user, actor=None, new_password=password)
    assert exc.value.code == "password_policy"
    return exc.value.details["reasons"]


def test_it_refuses_a_short_password(operator):
    assert "password_too_short" in _refusal(operator, "Ab#45678")


def test_it_refuses_fewer_than_three_character_classes(operator):
    assert _refusal(operator, "abcdefgh1234") == ["password_classes"]


def test_it_refuses_a_password_containing_the_username(operator):
    assert "password_username" in _refusal(operator, "xOperator#2026")


def test_it_refuses_the_last_five_passwords(operator):
    history = [f"Kestrel#{n}x2026" for n in range(1, 6)]
    client_password = PASSWORD
    for new in history:
        services.change_password(operator, old_password=client_password, new_password=new)
        client_password = new
    # Current password plus the four before it are refused ...
    for old in history:
        with pytest.raises(ValidationFailed) as exc:
            services.change_password(operator, old_password=client_password, new_password=old)
        assert exc.value.details["reasons"] == ["password_reused"]
    # ... the sixth-last (the factory's) is allowed again.
    services.change_password(operator, old_password=client_password, new_password=PASSWORD)
    assert (
        AuditEvent.objects.filter(action="accounts.password_changed", target_id=str(operator.pk)).count() == 6
    )


def test_it_accepts_a_good_password_and_audits_it(operator):
    services.change_password(operator, old_password=PASSWORD, new_password="Harbour-Light-77")
    operator.refresh_from_db()
    assert operator.check_password("Harbour-Light-77")
    event = AuditEvent.objects.get(action="accounts.password_changed")
    assert event.outcome == "success"
    assert "Harbour" not in event.changes_json


def test_it_audits_a_wrong_current_password(operator):
    with pytest.raises(ValidationFailed) as exc:
        services.change_password(operator, old_password="nope", new_password="Harbour-Light-77")
    assert exc.value.code == "wrong_password"
    assert AuditEvent.objects.get(action="accounts.password_change_failed").outcome == "failure"


def test_the_api_refusal_carries_the_codes(secadmin, operator, api):
    response = api(secadmin).post(
        f"/api/v1/users/{operator.pk}/reset-password/", {"password": "short"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "password_policy"
    assert "password_too_short" in body["reasons"]


def test_an_expired_password_forces_the_change_page(operator, login, settings):
    settings.PASSWORD_EXPIRY_DAYS = 90
    with time_machine.travel(timezone.now() + timedelta(days=91), tick=False):
        client = login(operator)
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"] == "/accounts/password/"
        assert client.get("/accounts/profile/")["Location"] == "/accounts/password/"
        response = client.post(
            "/accounts/password/",
            {
                "old_password": PASSWORD,
                "new_password": "Harbour-Light-77",
                "new_password2": "Harbour-Light-77",
            },
        )
        assert response.status_code == 302
        assert client.get("/accounts/profile/").status_code == 200


def test_it_does_not_force_a_change_before_expiry(operator, login, settings):
    settings.PASSWORD_EXPIRY_DAYS = 90
    with time_machine.travel(timezone.now() + timedelta(days=89), tick=False):
        operator.password_changed_at = timezone.now() - timedelta(days=89)
        operator.save(update_fields=["password_changed_at"])
        client = login(operator)
        assert client.get("/accounts/profile/").status_code == 200


def test_a_reset_password_must_be_changed_at_next_login(secadmin, operator, login):
    services.reset_password(operator, actor=secadmin, new_password="Temporary#Pass1")
    operator.refresh_from_db()
    assert operator.must_change_password
    event = AuditEvent.objects.get(action="accounts.password_reset")
    assert (event.actor_id, event.target_id, event.outcome) == (secadmin.pk, str(operator.pk), "success")
    from django.test import Client

    client = Client()
    client.post("/accounts/login/", {"username": "operator", "password": "Temporary#Pass1"})
    assert client.get("/")["Location"] == "/accounts/password/"
    client.post(
        "/accounts/password/",
        {
            "old_password": "Temporary#Pass1",
            "new_password": "Harbour-Light-77",
            "new_password2": "Harbour-Light-77",
        },
    )
    operator.refresh_from_db()
    assert not operator.must_change_password
    assert client.get("/accounts/profile/").status_code == 200


def test_the_generated_temporary_password_meets_the_policy(operator):
    for _i in range(20):
        services.reset_password(operator, actor=None, new_password=services.generate_temporary_password())


def test_nobody_resets_their_own_password(secadmin):
    with pytest.raises(ValidationFailed) as exc:
        services.reset_password(secadmin, actor=secadmin, new_password="Temporary#Pass1")
    assert exc.value.code == "self_reset"


def test_a_new_account_must_change_its_first_password(secadmin):
    user = services.create_user(
        actor=secadmin, username="newbie", real_name="新人", password="Temporary#Pass1"
    )
    assert user.must_change_password and user.password_expired()
    _ = make_user  # factories stay the tests' way to make personas
