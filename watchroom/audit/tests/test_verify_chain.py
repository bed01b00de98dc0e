"""The chain check as a service and as the hourly job `audit.verify_chain` (DATA-13)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from watchroom.audit import services as audit
from watchroom.audit import tasks
from watchroom.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_it_records_a_success() -> None:
    audit.record(None, "test.x")
    result = audit.verify_chain()
    assert result.ok and result.count == 1
    event = AuditEvent.objects.get(action="audit.chain_verified")
    assert event.outcome == "success"
    assert event.note == f"count=1 head={result.head}"


def test_it_records_a_failure_and_notifies_audit_admins(
    auditadmin: Any, auditor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first = audit.record(None, "test.x")
    audit.record(None, "test.y")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER audit_auditevent_no_change ON audit_auditevent")
        else:
            cursor.execute("DROP TRIGGER audit_auditevent_no_update")
    AuditEvent.objects.filter(pk=first.pk).update(note="changed")
    with django_capture_on_commit_callbacks(execute=True):
        result = audit.verify_chain()
    assert not result.ok and result.bad_id == first.pk and result.reason == "content"
    assert AuditEvent.objects.get(action="audit.chain_verified").outcome == "failure"
    try:
        from watchroom.notifications.models import Notification
    except ImportError:
        return
    recipients = set(
        Notification.objects.filter(kind="audit.chain_broken").values_list("recipient__username", flat=True)
    )
    assert recipients == {"auditadmin"}


def test_the_job_is_registered_hourly() -> None:
    registry = pytest.importorskip("watchroom.jobs.registry")
    spec = registry.get_periodic("audit.verify_chain")
    assert spec is not None and spec.every.total_seconds() == 3600
    tasks.verify_chain({})
    assert AuditEvent.objects.get(action="audit.chain_verified").channel == "worker"
