"""Offboarding (DATA-14; 等保 8.1.8.2): deactivate at once, end sessions and tokens, hand over, record."""

from __future__ import annotations

import pytest

from watchroom.accounts import handover, services
from watchroom.accounts.models import ApiToken, User
from watchroom.audit.models import AuditEvent
from watchroom.lib.errors import InvalidTransition, ValidationFailed


@pytest.fixture
def dummy_hook():
    moved = []

    def hand_over(leaver, successor, actor):
        moved.append((leaver.username, successor.username))
        return {"open_items": 3}

    handover.register("dummy")(hand_over)
    yield moved
    handover._hooks.pop("dummy", None)


def test_it_ends_sessions_tokens_and_hands_over(secadmin, operator, engineer, login, api, dummy_hook):
    old_browser = login(operator)
    assert old_browser.get("/accounts/profile/").status_code == 200
    old_api = api(operator)
    assert old_api.get("/api/v1/me/").status_code == 200

    summary = services.offboard_user(operator, actor=secadmin, successor=engineer, reason="调离")

    assert old_browser.get("/accounts/profile/")["Location"].startswith("/accounts/login/")
    response = old_api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "token_invalid"
    assert not ApiToken.objects.live().filter(user=operator).exists()
    assert dummy_hook == [("operator", "engineer")]
    operator.refresh_from_db()
    assert not operator.is_active
    assert (operator.successor_id, operator.deactivated_by_id) == (engineer.pk, secadmin.pk)
    assert summary["held"]["sessions_ended"] == 1
    assert summary["held"]["tokens_revoked"] == 1

    event = AuditEvent.objects.get(action="accounts.user_offboarded")
    assert (event.actor_id, event.target_id, event.outcome, event.note) == (
        secadmin.pk,
        str(operator.pk),
        "success",
        "调离",
    )
    assert event.changes["held"]["roles"] == ["operator"]
    assert event.changes["held"]["campuses"] == [c.pk for c in operator.campuses.all()]
    assert event.changes["handed_over"]["dummy"] == {"open_items": 3}
    assert event.changes["successor"] == "engineer"


def test_the_leaver_cannot_sign_in_again(secadmin, operator, engineer, client):
    services.offboard_user(operator, actor=secadmin, successor=engineer, reason="离职")
    from watchroom.accounts.tests.factories import PASSWORD

    response = client.post("/accounts/login/", {"username": "operator", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_nobody_offboards_themselves(secadmin, engineer):
    with pytest.raises(ValidationFailed) as exc:
        services.offboard_user(secadmin, actor=secadmin, successor=engineer, reason="x")
    assert exc.value.code == "self_offboard"
    assert User.objects.get(pk=secadmin.pk).is_active


def test_the_successor_must_be_active(secadmin, operator, engineer, director):
    services.offboard_user(engineer, actor=secadmin, successor=director, reason="离职")
    with pytest.raises(ValidationFailed) as exc:
        services.offboard_user(operator, actor=secadmin, successor=engineer, reason="离职")
    assert exc.value.code == "bad_successor"
    with pytest.raises(ValidationFailed) as exc:
        services.offboard_user(operator, actor=secadmin, successor=operator, reason="离职")
    assert exc.value.code == "bad_successor"
    assert User.objects.get(pk=operator.pk).is_active


def test_a_reason_is_required_and_twice_is_refused(secadmin, operator, engineer):
    with pytest.raises(ValidationFailed) as exc:
        services.offboard_user(operator, actor=secadmin, successor=engineer, reason=" ")
    assert exc.value.code == "reason_required"
    services.offboard_user(operator, actor=secadmin, successor=engineer, reason="离职")
    with pytest.raises(InvalidTransition) as exc2:
        services.offboard_user(operator, actor=secadmin, successor=engineer, reason="离职")
    assert exc2.value.code == "already_inactive"


def test_the_page_confirms_then_shows_the_summary(secadmin, operator, engineer, login, dummy_hook):
    login(operator)
    admin = login(secadmin)
    page = admin.get(f"/accounts/users/{operator.pk}/offboard/")
    assert page.status_code == 200
    assert page.context["sessions_count"] == 1
    assert "dummy" in page.context["hooks"]
    response = admin.post(
        f"/accounts/users/{operator.pk}/offboard/", {"successor": engineer.pk, "reason": "调离本院"}
    )
    assert response.status_code == 200
    assert response.context["summary"]["held"]["sessions_ended"] == 1
    assert response.context["summary"]["handed_over"]["dummy"] == {"open_items": 3}
    # the successor took these over (已移交), not a shift handed over (已交班, duty's word)
    assert '<dt class="col-4">已移交</dt>' in response.content.decode()
    assert not User.objects.get(pk=operator.pk).is_active


def test_the_api_offboards(secadmin, operator, engineer, api):
    response = api(secadmin).post(
        f"/api/v1/users/{operator.pk}/offboard/", {"successor": engineer.pk, "reason": "离职"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["successor"] == "engineer"
    assert AuditEvent.objects.filter(action="accounts.user_offboarded", target_id=str(operator.pk)).exists()


def test_the_api_refuses_an_inactive_successor_with_a_code(secadmin, operator, engineer, director, api):
    services.offboard_user(engineer, actor=secadmin, successor=director, reason="离职")
    response = api(secadmin).post(
        f"/api/v1/users/{operator.pk}/offboard/", {"successor": engineer.pk, "reason": "离职"}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (400, "bad_successor")
