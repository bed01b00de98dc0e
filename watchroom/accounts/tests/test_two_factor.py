"""Two factors for approvers and administrators (等保 8.1.4.1 d; SEC-1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from watchroom.accounts import services
from watchroom.accounts.tests.factories import PASSWORD
from watchroom.audit.models import AuditEvent


@pytest.fixture(autouse=True)
def _require_2fa(settings):
    settings.REQUIRE_2FA = True


def _sign_in(user, otp=""):
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD, "otp": otp})
    return client, response


def _enrol(client, user):
    assert client.get("/accounts/two-factor/").status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/accounts/two-factor/", {"token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302
    return TOTPDevice.objects.get(user=user, confirmed=True)


def test_an_approver_without_a_device_is_sent_to_enrolment(director):
    client, response = _sign_in(director)
    assert response.status_code == 302
    for url in ("/", "/accounts/profile/", "/accounts/roles/"):
        assert client.get(url)["Location"] == "/accounts/two-factor/"
    assert client.get("/accounts/two-factor/").status_code == 200


def test_an_administrator_is_forced_too(secadmin):
    client, _response = _sign_in(secadmin)
    assert client.get("/accounts/users/")["Location"] == "/accounts/two-factor/"


def test_an_operator_is_not_forced(operator):
    client, _response = _sign_in(operator)
    assert client.get("/accounts/profile/").status_code == 200


def test_enrolment_with_a_real_code_works_and_is_audited(director):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client, _response = _sign_in(director)
        _enrol(client, director)
        assert client.get("/accounts/profile/").status_code == 200
    event = AuditEvent.objects.get(action="accounts.totp_enrolled")
    assert (event.actor_id, event.outcome) == (director.pk, "success")


def test_a_wrong_enrolment_code_is_refused(director):
    client, _response = _sign_in(director)
    client.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=director, confirmed=False)
    wrong = f"{(totp(device.bin_key) + 1) % 1000000:06d}"
    assert client.post("/accounts/two-factor/", {"token": wrong}).status_code == 200
    assert not TOTPDevice.objects.filter(user=director, confirmed=True).exists()
    assert AuditEvent.objects.get(action="accounts.totp_enrol_failed").outcome == "failure"


def test_login_then_requires_the_code(director):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client, _response = _sign_in(director)
        device = _enrol(client, director)
    with time_machine.travel(start + timedelta(minutes=1), tick=False):
        client, response = _sign_in(director)  # no code
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        client, response = _sign_in(director, otp=f"{totp(device.bin_key):06d}")
        assert response.status_code == 302
        assert client.get("/accounts/profile/").status_code == 200


def test_a_wrong_code_counts_as_a_failure(director):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client, _response = _sign_in(director)
        device = _enrol(client, director)
    for n in range(5):
        with time_machine.travel(start + timedelta(minutes=1 + n), tick=False):
            wrong = f"{(totp(device.bin_key) + 1) % 1000000:06d}"
            _client, response = _sign_in(director, otp=wrong)
            assert response.status_code in {200, 429}
    assert AuditEvent.objects.filter(action="accounts.login_failed", actor_username="director").count() >= 5
    assert AuditEvent.objects.filter(action="accounts.locked_out").exists()
    with time_machine.travel(start + timedelta(minutes=7), tick=False):
        _client, response = _sign_in(director, otp=f"{totp(device.bin_key):06d}")
        assert response.status_code == 429


def test_the_api_token_endpoint_requires_the_code(director):
    start = timezone.now()
    api = APIClient()
    response = api.post("/api/v1/auth/token/", {"username": "director", "password": PASSWORD}, format="json")
    assert (response.status_code, response.json()["code"]) == (403, "two_factor_enrolment_required")
    with time_machine.travel(start, tick=False):
        client, _response = _sign_in(director)
        device = _enrol(client, director)
    with time_machine.travel(start + timedelta(minutes=1), tick=False):
        response = api.post(
            "/api/v1/auth/token/", {"username": "director", "password": PASSWORD}, format="json"
        )
        assert (response.status_code, response.json()["code"]) == (401, "otp_required")
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        response = api.post(
            "/api/v1/auth/token/",
            {"username": "director", "password": PASSWORD, "otp": f"{totp(device.bin_key):06d}"},
            format="json",
        )
        assert response.status_code == 200
        assert response.json()["token"]


def test_the_security_administrator_resets_a_lost_device(secadmin, director, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client, _response = _sign_in(director)
        _enrol(client, director)
    settings.REQUIRE_2FA = False  # the administrator's own second factor is another test's business
    from watchroom.accounts.tests.factories import PASSWORD as P

    admin = Client()
    admin.post("/accounts/login/", {"username": "secadmin", "password": P})
    assert admin.post(f"/accounts/users/{director.pk}/reset-two-factor/").status_code == 302
    assert services.confirmed_device(director) is None
    event = AuditEvent.objects.get(action="accounts.totp_reset")
    assert (event.actor_id, event.target_id, event.changes["devices"]) == (secadmin.pk, str(director.pk), 1)
