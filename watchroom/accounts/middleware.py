"""Per-request account rules: the user's language, idle timeout, forced password change, and
mandatory TOTP for approver and administrator roles (等保 8.1.4.1 b, d).

Background polls (the wall's status refresh, notification counts) send `X-Watchroom-Poll: 1`. They
do not count as activity: a screen left open and polling is still idle, and is signed out after
`SESSION_IDLE_TIMEOUT` like any other.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

EXEMPT_PREFIXES = ("/static/", "/healthz", "/accounts/login", "/accounts/logout", "/favicon")
POLL_HEADER = "X-Watchroom-Poll"
LAST_SEEN = "last_seen"


def is_poll(request: HttpRequest) -> bool:
    return request.headers.get(POLL_HEADER, "") == "1"


def mark_activity(request: HttpRequest) -> None:
    """Record that the person did something now (called at sign-in and on every non-poll request)."""
    request.session[LAST_SEEN] = time.time()


class AccountPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or request.path.startswith(EXEMPT_PREFIXES):
            return self.get_response(request)
        if user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language  # type: ignore[attr-defined]
        # Session-based only: API token requests are authenticated later, by DRF.
        last = request.session.get(LAST_SEEN)
        if last is not None and time.time() - float(last) > settings.SESSION_IDLE_TIMEOUT:
            return self._sign_out_idle(request)
        if not is_poll(request):
            mark_activity(request)
        allowed = {
            reverse("accounts:password_change"),
            reverse("accounts:totp_enrol"),
            reverse("accounts:logout"),
        }
        if request.path not in allowed and not request.path.startswith("/i18n/"):
            if user.password_expired():
                return redirect("accounts:password_change")  # the page says why
            if user.needs_two_factor and not user.is_verified():  # type: ignore[attr-defined]
                return redirect("accounts:totp_enrol")
        return self.get_response(request)

    def _sign_out_idle(self, request: HttpRequest) -> HttpResponse:
        request._logout_reason = "idle_timeout"  # type: ignore[attr-defined]
        logout(request)
        login_url = f"{reverse('accounts:login')}?next={quote(request.get_full_path())}"
        if request.path.startswith("/api/"):
            return JsonResponse({"code": "session_expired", "detail": _("Session expired.")}, status=401)
        if request.headers.get("HX-Request"):
            # htmx follows a redirect inside the fragment; HX-Redirect sends the whole page to sign-in.
            response = HttpResponse(status=401)
            response["HX-Redirect"] = reverse("accounts:login")
            return response
        # The message middleware runs after this one, so the sign-in page shows the notice from `idle=1`.
        return redirect(login_url + "&idle=1")
