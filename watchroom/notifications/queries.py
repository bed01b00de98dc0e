"""Read-only questions about notifications (the base template's bell reads `unread_count`)."""

from __future__ import annotations

from typing import Any

from .models import Notification


def unread_count(user: Any) -> int:
    return Notification.objects.visible_to(user).unread().count()
