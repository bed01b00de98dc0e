"""Delivery channels: one small interface, and a registry that later modules extend.

    class WeComChannel(Channel):
        name = "wecom"
        deferred = True                    # network I/O: sent by the worker, never in a request
        def send(self, notification, delivery): ...   # raise on failure

    channels.register(WeComChannel())

`send` raises `Undeliverable` for a failure that retrying cannot fix (no address), and any other
exception for one that it may (the job is retried with back-off).
"""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from .models import Delivery, Notification


class Undeliverable(Exception):
    """This delivery can never succeed as it stands (e.g. the recipient has no e-mail address)."""


class Channel(abc.ABC):
    name: str = ""
    deferred: bool = True  # True: sent by the worker (job `notifications.deliver`); False: at once, no I/O

    @abc.abstractmethod
    def send(self, notification: Notification, delivery: Delivery) -> None:
        """Deliver, or raise (`Undeliverable` when retrying cannot help)."""


class InAppChannel(Channel):
    """The bell and the list page read the rows: there is nothing to send."""

    name = "in_app"
    deferred = False

    def send(self, notification: Notification, delivery: Delivery) -> None:
        return None


class EmailChannel(Channel):
    """Django's `send_mail` with the settings EMAIL_* (SMTP inside the hospital network)."""

    name = "email"
    deferred = True

    def send(self, notification: Notification, delivery: Delivery) -> None:
        address = (notification.recipient.email or "").strip()
        if not address:
            raise Undeliverable("recipient has no e-mail address")
        lines = [notification.body] if notification.body else []
        if notification.url:
            base = getattr(settings, "WATCHROOM_BASE_URL", "").rstrip("/")
            lines.append(_("Open: %(url)s") % {"url": f"{base}{notification.url}"})
        send_mail(
            subject=f"[Watchroom] {notification.title}",
            message="\n\n".join(lines) or notification.title,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[address],
            fail_silently=False,
        )


_channels: dict[str, Channel] = {}


def register(channel: Channel) -> Channel:
    _channels[channel.name] = channel
    return channel


def get(name: str) -> Channel | None:
    return _channels.get(name)


def names() -> list[str]:
    return sorted(_channels)


register(InAppChannel())
register(EmailChannel())
