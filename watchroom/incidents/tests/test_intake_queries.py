"""Intake cost (INC-1; issue 7 target ≥ 1,000 alarms/s): statements per alarm, and the batch form.

Before this work a single POST ran 16 statements in the test transaction (SQLite): the source by its
key, the duplicate check, the camera, the source lock, the storm group, the INSERT, the system user
and its roles, and the audit event's four. Source, camera and system actor now come from the
process's short-lived lookups (`intake_cache`), a duplicate is caught by the unique constraint, and
the request has no savepoint of its own. Since then the audit event has no savepoint of its own
either (`audit.record(savepoint=False)`), and a batch's events are chained by `audit.record_many`
in one INSERT. Single POSTs now go through the group commit (`intake.py`): the statements below are
those of one transaction, which under load holds many POSTs.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from watchroom.audit import chain
from watchroom.audit.models import AuditEvent
from watchroom.incidents.models import Alarm

from .conftest import payload

URL = "/api/v1/alarms/"


def _pg() -> int:
    return 1 if connection.vendor == "postgresql" else 0


def test_a_single_post_runs_at_most_seven_statements(
    source_api: Any, camera_a: Any, django_assert_max_num_queries: Any
) -> None:
    source_api.post(URL, payload(event_id="warm"), format="json")  # source and camera looked up once
    # stored inline here (inside the test's transaction), by the group commit's code for a batch of
    # one: savepoint, stored duplicates, storm groups, INSERT, audit (chain head, INSERT), release;
    # PostgreSQL adds the source row lock and the audit chain's advisory lock. Under load the group
    # commit stores many POSTs with these statements (test_group_commit.py)
    with django_assert_max_num_queries(7 + 2 * _pg()):
        response = source_api.post(URL, payload(event_id="e2"), format="json")
    assert response.status_code == 201
    assert Alarm.objects.count() == 2
    assert AuditEvent.objects.filter(action="incidents.alarm_received").count() == 2


def test_a_batch_costs_the_audit_event_and_a_few_statements_per_batch(
    source_api: Any, camera_a: Any, django_assert_max_num_queries: Any
) -> None:
    source_api.post(URL, payload(event_id="warm"), format="json")
    batch = [payload(event_id=f"b{i}") for i in range(20)]
    # per batch: savepoint, source lock (PG), stored duplicates, one storm group, one INSERT, release,
    # and the 20 audit events chained together: chain lock (PG), chain head, one multi-row INSERT
    with django_assert_max_num_queries(5 + _pg() + 2 + _pg()):
        response = source_api.post(URL, batch, format="json")
    assert response.status_code == 201
    assert Alarm.objects.count() == 21
    assert AuditEvent.objects.filter(action="incidents.alarm_received").count() == 21
    # one storm: the batch joined the group of the warm-up alarm (same source, camera, type)
    assert set(Alarm.objects.values_list("group_key", flat=True)) == {response.json()[0]["group_key"]}
    assert Alarm.objects.filter(is_group_head=True).count() == 1
    assert chain.verify().ok  # the batch's events were chained in order by one INSERT


def test_a_batch_answers_stored_and_repeated_event_ids_as_duplicates(source_api: Any, camera_a: Any) -> None:
    first = source_api.post(URL, payload(event_id="a"), format="json").json()
    batch = [payload(event_id="a"), payload(event_id="b"), payload(event_id="b", description="again")]
    response = source_api.post(URL, batch, format="json")
    assert response.status_code == 201
    answers = response.json()
    assert [a["duplicate"] for a in answers] == [True, False, True]
    assert answers[0]["id"] == first["id"] and answers[1]["id"] == answers[2]["id"]
    assert Alarm.objects.count() == 2
    assert AuditEvent.objects.filter(action="incidents.alarm_received").count() == 2
    again = source_api.post(URL, batch, format="json")
    assert again.status_code == 200 and all(a["duplicate"] for a in again.json())


def test_a_repeated_single_post_is_caught_by_the_constraint_and_audited_once(
    source_api: Any, camera_a: Any
) -> None:
    first = source_api.post(URL, payload(), format="json")
    second = source_api.post(URL, payload(), format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["id"] == first.json()["id"] and second.json()["duplicate"] is True
    assert AuditEvent.objects.filter(action="incidents.alarm_received").count() == 1


def test_a_moved_camera_is_routed_to_its_new_room_at_once(
    source_api: Any, camera_a: Any, campus_a: Any
) -> None:
    from watchroom.sites.tests import factories as sf

    source_api.post(URL, payload(event_id="before"), format="json")
    other_room = sf.RoomFactory(campus=campus_a, code="RA2", name="二号监控室")
    camera_a.group = sf.CameraGroupFactory(campus=campus_a, room=other_room)
    camera_a.save()  # clears the process's camera lookups
    response = source_api.post(URL, payload(event_id="after"), format="json")
    assert Alarm.objects.get(pk=response.json()["id"]).room == other_room
