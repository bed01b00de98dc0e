"""Template context for every page: the navigation for this user and the counts in it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from .navigation import NAV


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    counts: dict[str, int] = {}
    try:
        from watchroom.notifications.queries import unread_count

        counts["notifications_unread"] = unread_count(user)
    except ImportError:
        counts["notifications_unread"] = 0
    try:
        from watchroom.approvals.queries import waiting_count

        if user.has_perm("approvals.decide"):
            counts["approvals_waiting"] = waiting_count(user)
    except ImportError:
        pass
    items = []
    for item in NAV:
        if item.permission and not user.has_perm(item.permission):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue  # a module not built yet
        items.append(
            {
                "label": item.label,
                "url": url,
                "icon": item.icon,
                "count": counts.get(item.badge, 0) if item.badge else 0,
                "active": request.path == url or (url != "/" and request.path.startswith(url)),
            }
        )
    return {"nav_items": items, "nav_counts": counts}
