"""Login (password, then the TOTP code when enrolled), logout, password change, TOTP enrolment,
own profile and the role table."""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from watchroom.lib.errors import DomainError

from . import services
from .forms import LanguageForm, LoginForm, OtpForm, PasswordChangeForm
from .roles import PERMISSIONS, ROLE_PERMISSIONS, TWO_FACTOR_ROLES, Role


def locked_out(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    """django-axes calls this when an account is locked (5 failures → 15 minutes)."""
    form = LoginForm(request.POST or None)
    minutes = int(settings.AXES_COOLOFF_TIME * 60)
    form.add_error(None, _("Too many failed attempts. The account is locked for %(m)d minutes.") % {"m": minutes})
    return render(request, "accounts/login.html", {"form": form}, status=429)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return settings.LOGIN_REDIRECT_URL


@sensitive_post_parameters("password", "otp")
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = authenticate(request, username=data["username"], password=data["password"])
        if user is None:
            if getattr(request, "axes_locked_out", False):
                return locked_out(request)
            form.add_error(None, _("Wrong username or password."))
        else:
            device = services.confirmed_device(user)
            if device is not None and not device.verify_token(data.get("otp", "").strip()):
                # Counts as a failed login for the lockout, like a wrong password.
                user_login_failed.send(sender=__name__, credentials={"username": data["username"]}, request=request)
                if getattr(request, "axes_locked_out", False):
                    return locked_out(request)
                form.add_error("otp", _("The dynamic code is wrong or missing."))
            else:
                login(request, user)
                if device is not None:
                    otp_login(request, device)
                return redirect(_safe_next(request))
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


@login_required
@sensitive_post_parameters()
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_password(
                request.user,  # type: ignore[arg-type]
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            from django.contrib.auth import update_session_auth_hash

            request.user.refresh_from_db()
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect("dashboard:home")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
def totp_enrol(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.confirm_totp_enrolment(user, form.cleaned_data["token"])  # type: ignore[arg-type]
        except DomainError as exc:
            form.add_error("token", exc.message)
        else:
            otp_login(request, device)
            messages.success(request, _("Two-factor authentication is on."))
            return redirect("dashboard:home")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None or request.method == "GET":
        device = services.start_totp_enrolment(user)  # type: ignore[arg-type]
    uri = device.config_url.replace("issuer=", f"issuer={settings.OTP_TOTP_ISSUER}&x=")
    qr_svg = segno.make(uri, error="m").svg_inline(scale=4)
    import base64

    secret = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/totp_enrol.html", {
        "form": form, "qr_svg": mark_safe(qr_svg), "secret": secret,  # noqa: S308 (segno output)
        "required": user.needs_two_factor,  # type: ignore[union-attr]
    })


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = LanguageForm(request.POST or None, initial={"language": user.language})  # type: ignore[union-attr]
    if request.method == "POST" and form.is_valid():
        services.set_language(user, form.cleaned_data["language"], actor=user)  # type: ignore[arg-type]
        messages.success(request, _("Saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {
        "form": form, "device": services.confirmed_device(user),  # type: ignore[arg-type]
    })


@login_required
@permission_required("accounts.view_roles", raise_exception=True)
def role_table(request: HttpRequest) -> HttpResponse:
    roles = list(Role)
    rows = [
        {"code": code, "label": label, "cells": [code in ROLE_PERMISSIONS[r] for r in roles]}
        for code, label in PERMISSIONS.items()
    ]
    return render(request, "accounts/role_table.html", {
        "roles": roles, "rows": rows, "two_factor": [r in TWO_FACTOR_ROLES for r in roles],
    })
