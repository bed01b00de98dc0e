from __future__ import annotations

from typing import Any

from watchroom.notifications.models import Notification


def make_notification(
    recipient: Any, *, title: str = "摄像头离线", url: str = "/", **extra: Any
) -> Notification:
    """A bare in-app notification (tests only; the app uses services.notify)."""
    return Notification.objects.create(recipient=recipient, title=title, url=url, **extra)
