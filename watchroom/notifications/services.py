"""Sending notifications and marking them read.

`notify(...)` writes rows in the caller's transaction and does no network I/O: the in-app
delivery is recorded as sent at once; every other channel (e-mail, later WeCom/DingTalk) gets a
pending `Delivery` and a job `notifications.deliver` that the worker runs after the caller commits,
retried with the jobs' back-off.

Audit: the caller's own event (for example `footage.request_approved`) says why people were told;
a `notifications.sent` event per delivery would drown the trail, so each delivery's result is kept
in its `Delivery` row and only failures are audited (`notifications.delivery_failed`). Reading is
audited (`notifications.read`, `notifications.read_all`): it shows when a person saw the message.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from watchroom.audit import services as audit
from watchroom.jobs import services as jobs
from watchroom.lib.errors import PermissionRefused, ValidationFailed

from . import channels as channel_registry
from .models import Delivery, Notification

DELIVER_JOB = "notifications.deliver"


def _check_url(url: str) -> str:
    url = (url or "").strip()
    if url and (not url.startswith("/") or url.startswith("//") or "\\" in url):
        raise ValidationFailed(_("A notification links to a page inside Watchroom."), code="invalid_url")
    return url


@transaction.atomic
def notify(
    users: Iterable[Any],
    *,
    title: str,
    body: str = "",
    url: str = "",
    kind: str = "",
    actor: Any = None,
    channels: Sequence[str] = ("in_app", "email"),
) -> list[Notification]:
    """Tell each active user; one `Notification` each, one `Delivery` per channel. No network I/O."""
    url = _check_url(url)
    unknown = [c for c in channels if channel_registry.get(c) is None]
    if unknown:
        raise ValidationFailed(
            _("Unknown notification channel."), code="unknown_channel", details={"channels": unknown}
        )
    if not title.strip():
        raise ValidationFailed(_("A notification needs a title."), code="title_required")
    actor_obj = actor if getattr(actor, "pk", None) and getattr(actor, "is_authenticated", False) else None
    actor_name = (getattr(actor, "real_name", "") or getattr(actor, "username", "")) if actor_obj else ""
    now = timezone.now()
    result: list[Notification] = []
    seen: set[int] = set()
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        notification = Notification.objects.create(
            recipient=user,
            kind=kind[:100],
            title=title[:200],
            body=body,
            url=url,
            created_at=now,
            actor=actor_obj,
            actor_name=actor_name[:200],
        )
        for name in dict.fromkeys(channels):
            channel = channel_registry.get(name)
            assert channel is not None
            delivery = Delivery.objects.create(notification=notification, channel=name, created_at=now)
            if channel.deferred:
                jobs.enqueue(DELIVER_JOB, {"delivery": delivery.pk})
            else:
                channel.send(notification, delivery)  # in-process, no I/O by contract
                delivery.status, delivery.sent_at, delivery.attempts = Delivery.Status.SENT, now, 1
                delivery.save(update_fields=["status", "sent_at", "attempts"])
        result.append(notification)
    return result


def deliver(delivery_id: int) -> Delivery:
    """Send one pending delivery (the worker's `notifications.deliver` job). The network I/O happens
    outside any transaction; the result is recorded after it. Raises on a failure worth retrying."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update().select_related("notification__recipient").get(pk=delivery_id)
        )
        if delivery.status == Delivery.Status.SENT:
            return delivery  # a job that ran twice sends once
        delivery.attempts += 1
        delivery.save(update_fields=["attempts"])
    channel = channel_registry.get(delivery.channel)
    try:
        if channel is None:
            raise channel_registry.Undeliverable(f"no channel {delivery.channel!r} is installed")
        channel.send(delivery.notification, delivery)
    except channel_registry.Undeliverable as exc:
        _record_failure(delivery, str(exc), final=True)
        return delivery
    except Exception as exc:
        _record_failure(delivery, f"{type(exc).__name__}: {exc}", final=False)
        raise
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.SENT, sent_at=timezone.now(), last_error=""
        )
    delivery.refresh_from_db()
    return delivery


@transaction.atomic
def _record_failure(delivery: Delivery, error: str, *, final: bool) -> None:
    from watchroom.accounts.services import system_user

    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED, last_error=error[:2000])
    delivery.refresh_from_db()
    audit.record(
        system_user(),
        "notifications.delivery_failed",
        delivery,
        changes={
            "channel": delivery.channel,
            "attempts": delivery.attempts,
            "final": final,
            "recipient": delivery.notification.recipient_id,
        },
        outcome="failure",
        note=error[:500],
    )


@transaction.atomic
def mark_read(notification: Notification, *, actor: Any) -> Notification:
    """The recipient has opened or acknowledged the notification. Only the recipient may."""
    locked = Notification.objects.select_for_update().get(pk=notification.pk)
    if locked.recipient_id != getattr(actor, "pk", None):
        raise PermissionRefused(_("Only the recipient can mark a notification read."))
    if locked.read_at is not None:
        return locked
    locked.read_at = timezone.now()
    locked.save(update_fields=["read_at"])
    audit.record(actor, "notifications.read", locked, changes={"read_at": [None, locked.read_at]})
    return locked


@transaction.atomic
def mark_all_read(user: Any) -> int:
    """Mark every unread notification of `user` read; returns how many."""
    now = timezone.now()
    ids = list(
        Notification.objects.select_for_update()
        .filter(recipient=user, read_at__isnull=True)
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    Notification.objects.filter(pk__in=ids).update(read_at=now)
    audit.record(user, "notifications.read_all", user, changes={"count": len(ids), "ids": ids[:200]})
    return len(ids)
