"""Logins, logouts, failed logins and lockouts go to the audit trail (等保 8.1.4.3)."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import services


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from watchroom.accounts.services import note_login
    from watchroom.lib.middleware import client_ip

    if request is not None and hasattr(request, "session"):
        note_login(user, request.session.session_key or "", client_ip(request))
    services.record(user, "accounts.login", user)


@receiver(user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        reason = getattr(request, "_logout_reason", "") if request is not None else ""
        services.record(user, "accounts.logout", user, note=reason)


@receiver(user_login_failed)
def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    services.record(
        None, "accounts.login_failed", ("accounts.user", "", username), outcome="failure", username=username
    )


@receiver(user_locked_out)
def on_locked_out(sender: Any, request: Any = None, username: str | None = None, **kwargs: Any) -> None:
    services.record(
        None,
        "accounts.locked_out",
        ("accounts.user", "", username or ""),
        outcome="denied",
        username=username or "",
    )
