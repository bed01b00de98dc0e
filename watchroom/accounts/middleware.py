"""Per-request account rules: the user's language, idle timeout, forced password change, and
mandatory TOTP for approver and administrator roles (等保 8.1.4.1 b, d)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

EXEMPT_PREFIXES = ("/static/", "/healthz", "/accounts/login", "/accounts/logout", "/favicon")


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
        now = time.time()
        last = request.session.get("last_seen")
        if last is not None and now - float(last) > settings.SESSION_IDLE_TIMEOUT:
            request._logout_reason = "idle_timeout"  # type: ignore[attr-defined]
            logout(request)
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "session_expired", "detail": _("Session expired.")}, status=401)
            messages.info(request, _("You were signed out after %(m)d minutes without activity.")
                          % {"m": settings.SESSION_IDLE_TIMEOUT // 60})
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        request.session["last_seen"] = now
        allowed = {reverse("accounts:password_change"), reverse("accounts:totp_enrol"), reverse("accounts:logout")}
        if request.path not in allowed and not request.path.startswith("/i18n/"):
            if user.password_expired():
                messages.warning(request, _("Your password has expired. Choose a new one."))
                return redirect("accounts:password_change")
            if user.needs_two_factor and not user.is_verified():  # type: ignore[attr-defined]
                return redirect("accounts:totp_enrol")
        return self.get_response(request)
