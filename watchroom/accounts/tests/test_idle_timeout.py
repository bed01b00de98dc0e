"""Idle timeout (等保 8.1.4.1 b; SEC-1): 15 minutes without activity sign the person out; background
polls (`X-Watchroom-Poll: 1`) are not activity."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone

from watchroom.audit.models import AuditEvent

POLL = {"HTTP_X_WATCHROOM_POLL": "1"}


def test_fifteen_idle_minutes_sign_out_and_are_audited(operator, login):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = login(operator)
        assert client.get("/accounts/profile/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=15, seconds=5), tick=False):
        response = client.get("/accounts/profile/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
        assert client.get("/accounts/profile/")["Location"].startswith("/accounts/login/")
    event = AuditEvent.objects.get(action="accounts.logout")
    assert (event.actor_id, event.note) == (operator.pk, "idle_timeout")


def test_activity_keeps_the_session(operator, login):
    start = timezone.now()
    client = None
    for minutes in (0, 10, 20, 30):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            client = client or login(operator)
            assert client.get("/accounts/profile/").status_code == 200
    assert not AuditEvent.objects.filter(action="accounts.logout").exists()


def test_polls_do_not_refresh_activity(operator, login):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = login(operator)
        client.get("/accounts/profile/")
    for minutes in (5, 10, 14):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.get("/accounts/profile/", **POLL).status_code == 200
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        assert client.get("/accounts/profile/").status_code == 302
    assert AuditEvent.objects.get(action="accounts.logout").note == "idle_timeout"


def test_a_poll_is_not_allowed_past_the_timeout(operator, login):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = login(operator)
        client.get("/accounts/profile/")
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        response = client.get("/accounts/profile/", HTTP_HX_REQUEST="true", **POLL)
        assert response.status_code == 401
        assert response["HX-Redirect"] == "/accounts/login/"
        assert client.get("/accounts/profile/").status_code == 302
    assert AuditEvent.objects.filter(action="accounts.logout", note="idle_timeout").count() == 1


def test_the_timeout_counts_from_sign_in(operator, login):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = login(operator)
    with time_machine.travel(start + timedelta(minutes=20), tick=False):
        assert client.get("/accounts/profile/").status_code == 302
