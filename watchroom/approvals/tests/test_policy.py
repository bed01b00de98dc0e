"""Approval policies are edited by the security administrator, audited with before and after."""

from __future__ import annotations

import json

import pytest

from watchroom.approvals import services
from watchroom.approvals.models import ApprovalPolicy
from watchroom.audit.models import AuditEvent
from watchroom.lib.errors import PermissionRefused, ValidationFailed

from .factories import file_request


def test_a_default_policy_is_created_once(db):
    policy = services.get_policy("general")
    assert policy.levels == [{"role": "director", "same_campus": True}, {"role": "leader"}]
    assert services.get_policy("general") == policy
    assert AuditEvent.objects.filter(action="approvals.policy_created").count() == 1


def test_it_changes_a_policy_with_before_and_after(secadmin, operator):
    policy = services.get_policy("general")
    services.update_policy(
        policy,
        actor=secadmin,
        levels=[{"role": "leader"}],
        validity_hours=12,
        pending_expiry_hours=48,
        active=True,
    )
    event = AuditEvent.objects.get(action="approvals.policy_changed")
    changes = json.loads(event.changes_json)
    assert changes["levels"][1] == [{"role": "leader", "same_campus": False}]
    assert changes["validity_hours"] == [24, 12]
    req = file_request(operator)
    assert req.levels_required == 1 and req.current_role == "leader"


def test_requests_keep_the_policy_they_were_filed_under(secadmin, operator):
    req = file_request(operator)
    services.update_policy(
        services.get_policy("general"),
        actor=secadmin,
        levels=[{"role": "leader"}],
        validity_hours=None,
        pending_expiry_hours=72,
        active=True,
    )
    req.refresh_from_db()
    assert req.levels_required == 2


@pytest.mark.parametrize(
    "levels",
    [
        [],
        [{"role": "operator"}],
        [{"role": "leader", "x": 1}],
        "leader",
        [{"role": "leader", "same_campus": "yes"}],
    ],
)
def test_it_refuses_bad_levels(secadmin, levels):
    with pytest.raises(ValidationFailed) as exc:
        services.update_policy(
            services.get_policy("general"),
            actor=secadmin,
            levels=levels,
            validity_hours=1,
            pending_expiry_hours=1,
            active=True,
        )
    assert exc.value.code == "bad_levels"


def test_only_the_security_administrator_edits(director):
    with pytest.raises(PermissionRefused):
        services.update_policy(
            services.get_policy("general"),
            actor=director,
            levels=[{"role": "leader"}],
            validity_hours=1,
            pending_expiry_hours=1,
            active=True,
        )


def test_the_page_saves(secadmin, login):
    client = login(secadmin)
    assert client.get("/approvals/policies/").status_code == 200
    response = client.post(
        "/approvals/policies/room_entry/",
        {
            "levels": '[{"role": "leader"}, {"role": "security_head"}]',
            "validity_hours": 4,
            "pending_expiry_hours": 12,
            "active": "on",
        },
    )
    assert response.status_code == 302
    policy = ApprovalPolicy.objects.get(kind="room_entry")
    assert len(policy.levels) == 2 and policy.validity_hours == 4


def test_the_page_shows_a_bad_json(secadmin, login):
    response = login(secadmin).post(
        "/approvals/policies/general/", {"levels": "[{", "validity_hours": 4, "pending_expiry_hours": 12}
    )
    assert response.status_code == 200 and response.context["form"].errors["levels"]
