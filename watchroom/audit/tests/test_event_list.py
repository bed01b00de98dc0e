"""The audit trail list: audit roles only, filters, pagination, and the read itself is audited (DATA-13)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from watchroom.audit import services as audit
from watchroom.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _ids(response: Any) -> set[int]:
    return {e.pk for e in response.context["page"].object_list}


def test_it_lists_events_for_the_auditor(login: Any, auditor: Any, operator: Any) -> None:
    event = audit.record(operator, "sites.camera_updated", ("sites.camera", "7", "A-0007"), note="x")
    response = login(auditor).get("/audit/")
    assert response.status_code == 200
    assert event.pk in _ids(response)
    assert response.context["page"].paginator.count == AuditEvent.objects.count()  # this view's read included


@pytest.mark.parametrize("persona", ["operator", "director", "sysadmin", "secadmin", "leader"])
def test_it_refuses_other_roles(persona: str, request: Any, login: Any) -> None:
    user = request.getfixturevalue(persona)
    assert login(user).get("/audit/").status_code == 403


def test_it_audits_the_read_with_the_filter(login: Any, auditadmin: Any) -> None:
    login(auditadmin).get("/audit/?action=accounts.&outcome=failure")
    read = AuditEvent.objects.filter(action="audit.viewed").latest("id")
    assert read.actor_username == "auditadmin"
    assert read.outcome == "success"
    assert read.note == "list action=accounts.&outcome=failure"


def test_it_filters_by_actor_action_target_and_outcome(
    login: Any, auditor: Any, operator: Any, engineer: Any
) -> None:
    a = audit.record(operator, "sites.camera_updated", ("sites.camera", "7", "A-0007"))
    b = audit.record(engineer, "sites.camera_updated", ("sites.camera", "8", "A-0008"), outcome="failure")
    c = audit.record(operator, "accounts.password_changed", operator)
    client = login(auditor)
    assert _ids(client.get("/audit/?actor=OPERATOR")) >= {a.pk, c.pk}
    assert b.pk not in _ids(client.get("/audit/?actor=operator"))
    assert _ids(client.get("/audit/?action=sites.")) == {a.pk, b.pk}
    assert _ids(client.get("/audit/?target_type=sites.camera&target_id=8")) == {b.pk}
    assert _ids(client.get("/audit/?outcome=failure")) == {b.pk}
    assert _ids(client.get(f"/audit/?request_id={a.request_id}")) >= {a.pk}


def test_it_filters_by_time_in_shanghai(login: Any, auditor: Any) -> None:
    # 2026-03-01 23:30 in Shanghai is 15:30 UTC the same day
    with time_machine.travel(dt.datetime(2026, 3, 1, 23, 30, tzinfo=SHANGHAI), tick=False):
        late = audit.record(None, "test.late")
    with time_machine.travel(dt.datetime(2026, 3, 2, 0, 30, tzinfo=SHANGHAI), tick=False):
        next_day = audit.record(None, "test.next")
    client = login(auditor)
    assert _ids(client.get("/audit/?action=test.&at_from=2026-03-01T23:00&at_to=2026-03-01T23:59")) == {
        late.pk
    }
    assert _ids(client.get("/audit/?action=test.&at_to=2026-03-01")) == {late.pk}  # a date includes the day
    assert _ids(client.get("/audit/?action=test.&at_from=2026-03-02")) == {next_day.pk}


def test_it_paginates_with_a_total(login: Any, auditor: Any) -> None:
    for i in range(105):
        audit.record(None, "test.bulk", note=str(i))
    response = login(auditor).get("/audit/?action=test.bulk&page=2")
    assert response.context["page"].paginator.count == 105
    assert len(response.context["page"].object_list) == 5
    assert b"action=test.bulk&amp;page=1" in response.content


def test_it_shows_times_in_shanghai(login: Any, auditor: Any) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 1, 15, 30, 5, tzinfo=dt.UTC), tick=False):
        audit.record(None, "test.tz")
    assert timezone.get_current_timezone_name() == "Asia/Shanghai"
    assert b"2026-03-01 23:30:05" in login(auditor).get("/audit/?action=test.tz").content
