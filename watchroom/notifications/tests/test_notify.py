"""notify(): rows in the caller's transaction, in-app sent at once, e-mail left to a job (INC-8)."""

import pytest
from django.core import mail

from watchroom.audit.models import AuditEvent
from watchroom.jobs.models import Job
from watchroom.lib.errors import ValidationFailed
from watchroom.notifications import services
from watchroom.notifications.models import Delivery, Notification


def test_it_creates_a_notification_and_an_email_job(operator, director):
    [n] = services.notify(
        [operator],
        title="设备故障",
        body="A-0001 离线",
        url="/sites/",
        kind="equipment.fault",
        actor=director,
    )
    assert n.recipient == operator
    assert n.actor == director and n.actor_name == director.real_name
    in_app = n.deliveries.get(channel="in_app")
    email = n.deliveries.get(channel="email")
    assert in_app.status == Delivery.Status.SENT
    assert email.status == Delivery.Status.PENDING
    job = Job.objects.get(kind="notifications.deliver")
    assert job.payload == {"delivery": email.pk}
    assert mail.outbox == []  # no network I/O in the caller's transaction
    assert not AuditEvent.objects.filter(action__startswith="notifications.").exists()


def test_it_skips_inactive_and_duplicate_users(operator, engineer):
    engineer.is_active = False
    engineer.save()
    result = services.notify([operator, operator, engineer], title="t", channels=("in_app",))
    assert [n.recipient_id for n in result] == [operator.pk]
    assert not Job.objects.exists()


def test_it_refuses_a_link_outside_watchroom(operator):
    with pytest.raises(ValidationFailed) as exc:
        services.notify([operator], title="t", url="https://evil.example/")
    assert exc.value.code == "invalid_url"
    assert not Notification.objects.exists()


def test_it_refuses_an_unknown_channel(operator):
    with pytest.raises(ValidationFailed) as exc:
        services.notify([operator], title="t", channels=("pigeon",))
    assert exc.value.code == "unknown_channel"
