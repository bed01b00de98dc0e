"""Camera passwords are encrypted at rest, never audited in clear, and reading one is an audited read
that needs sites.view_credentials (DATA-8, SEC-2)."""

from __future__ import annotations

import pytest
from django.db import connection

from watchroom.audit.models import AuditEvent
from watchroom.lib.errors import PermissionRefused
from watchroom.sites import services
from watchroom.sites.tests.helpers import changes, last_event

SECRET = "Hik#Pass2026"


def _raw_column(camera) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT password_encrypted FROM sites_camera WHERE id = %s", [camera.pk])
        return cursor.fetchone()[0]


def test_it_stores_the_password_encrypted(director, camera_a):
    services.set_camera_credentials(camera_a, actor=director, username="admin", password=SECRET)
    raw = _raw_column(camera_a)
    assert raw and SECRET not in raw and raw.startswith("v1:")
    camera_a.refresh_from_db()
    assert camera_a.get_password() == SECRET


def test_it_audits_the_change_without_the_secret(director, camera_a):
    services.set_camera_credentials(camera_a, actor=director, username="admin", password=SECRET)
    event = last_event("sites.camera_credentials_set")
    assert event.outcome == "success"
    assert changes(event) == {"password": "changed", "username": ["", "admin"]}
    assert not AuditEvent.objects.filter(changes_json__contains=SECRET).exists()


def test_it_reveals_to_a_credentials_holder_with_an_audited_read(engineer, camera_a):
    services.set_camera_credentials(camera_a, actor=engineer, username="admin", password=SECRET)
    assert services.reveal_camera_password(camera_a, actor=engineer) == SECRET
    event = last_event("sites.camera_password_revealed")
    assert event.actor_username == "engineer" and event.outcome == "success"
    assert SECRET not in event.changes_json


def test_it_refuses_to_reveal_to_an_operator(operator, director, camera_a):
    services.set_camera_credentials(camera_a, actor=director, username="admin", password=SECRET)
    with pytest.raises(PermissionRefused):
        services.reveal_camera_password(camera_a, actor=operator)


def test_the_detail_page_never_shows_the_password(director, camera_a, login):
    services.set_camera_credentials(camera_a, actor=director, username="admin", password=SECRET)
    client = login(director)
    page = client.get(f"/sites/cameras/{camera_a.pk}/")
    assert SECRET.encode() not in page.content
    revealed = client.post(f"/sites/cameras/{camera_a.pk}/reveal-password/")
    assert revealed.status_code == 200 and SECRET.encode() in revealed.content
    assert "no-store" in revealed["Cache-Control"]
    assert last_event("sites.camera_password_revealed").actor_username == "director"


def test_the_api_never_returns_the_password(director, camera_a, api):
    services.set_camera_credentials(camera_a, actor=director, username="admin", password=SECRET)
    body = api(director).get(f"/api/v1/cameras/{camera_a.pk}/").json()
    assert "password" not in body and "password_encrypted" not in body and body["has_password"] is True
