"""The demo seed files and decides requests between demo users, idempotently."""

from __future__ import annotations

import io

from django_otp.plugins.otp_totp.models import TOTPDevice

from watchroom.accounts.models import User
from watchroom.accounts.tests.factories import make_user
from watchroom.approvals import demo
from watchroom.approvals.models import ApprovalRequest


def test_it_is_quiet_without_the_demo_users(db):
    assert demo.seed(io.StringIO())["requests"] == 0


def test_it_seeds_once(campus_a):
    for name, role in [
        ("operator1", "operator"),
        ("operator2", "operator"),
        ("operator3", "operator"),
        ("headnurse", "dept_head"),
        ("director", "director"),
        ("leader", "leader"),
    ]:
        make_user(name, role, campuses=[campus_a])
    TOTPDevice.objects.create(user=User.objects.get(username="director"), name="TOTP", confirmed=True)
    made = demo.seed(io.StringIO())
    assert made == {"requests": 4, "decisions": 3, "skipped": 0}
    statuses = dict(ApprovalRequest.objects.values_list("requester__username", "status"))
    assert statuses == {
        "operator1": "approved",
        "operator2": "pending",
        "headnurse": "pending",
        "operator3": "rejected",
    }
    assert ApprovalRequest.objects.get(requester__username="headnurse").current_role == "leader"
    assert demo.seed(io.StringIO())["requests"] == 0
