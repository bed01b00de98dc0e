"""The worker's `notifications.deliver` job sends e-mail and records each result (sent / failed)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from watchroom.audit.models import AuditEvent
from watchroom.jobs.models import Job
from watchroom.notifications import services
from watchroom.notifications.models import Delivery


def _run_worker():
    call_command("runworker", "--once", stdout=__import__("io").StringIO())


def test_the_job_sends_the_email_and_records_it_sent(operator):
    operator.email = "operator@hospital.test"
    operator.save()
    [n] = services.notify([operator], title="交接班提醒", body="请于 07:50 到岗", url="/duty/")
    _run_worker()
    [message] = mail.outbox
    assert message.to == ["operator@hospital.test"]
    assert "交接班提醒" in message.subject
    delivery = n.deliveries.get(channel="email")
    assert delivery.status == Delivery.Status.SENT
    assert delivery.sent_at is not None
    assert delivery.attempts == 1
    assert Job.objects.get(kind="notifications.deliver").status == Job.Status.DONE


def test_it_records_a_failure_with_its_error_and_retries(operator, monkeypatch):
    operator.email = "operator@hospital.test"
    operator.save()

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("SMTP server refused")

    monkeypatch.setattr("watchroom.notifications.channels.send_mail", broken)
    [n] = services.notify([operator], title="t")
    _run_worker()
    delivery = n.deliveries.get(channel="email")
    assert delivery.status == Delivery.Status.FAILED
    assert "SMTP server refused" in delivery.last_error
    job = Job.objects.get(kind="notifications.deliver")
    assert job.status == Job.Status.FAILED  # retried later with back-off
    event = AuditEvent.objects.get(action="notifications.delivery_failed")
    assert event.outcome == "failure"
    assert event.target_id == str(delivery.pk)


def test_a_retry_after_a_failure_sends(operator, monkeypatch):
    operator.email = "operator@hospital.test"
    operator.save()
    [n] = services.notify([operator], title="t")
    delivery = n.deliveries.get(channel="email")
    monkeypatch.setattr(
        "watchroom.notifications.channels.send_mail", lambda **kw: (_ for _ in ()).throw(OSError("down"))
    )
    with pytest.raises(OSError):
        services.deliver(delivery.pk)
    monkeypatch.undo()
    services.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 2
    assert delivery.last_error == ""


def test_it_fails_at_once_without_an_email_address(operator):
    operator.email = ""
    operator.save()
    [n] = services.notify([operator], title="t")
    _run_worker()
    delivery = n.deliveries.get(channel="email")
    assert delivery.status == Delivery.Status.FAILED
    assert "no e-mail address" in delivery.last_error
    assert Job.objects.get(kind="notifications.deliver").status == Job.Status.DONE  # no retry
    assert mail.outbox == []
    assert AuditEvent.objects.get(action="notifications.delivery_failed").outcome == "failure"


def test_a_sent_delivery_is_not_sent_twice(operator):
    operator.email = "operator@hospital.test"
    operator.save()
    [n] = services.notify([operator], title="t")
    delivery = n.deliveries.get(channel="email")
    services.deliver(delivery.pk)
    services.deliver(delivery.pk)
    assert len(mail.outbox) == 1
    assert timedelta(0) <= delivery.created_at - n.created_at
