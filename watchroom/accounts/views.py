"""Login (password, then the TOTP code when enrolled), logout, password change, TOTP enrolment,
own profile, the role table, and the security administrator's account pages."""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.signals import user_login_failed
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from watchroom.lib.errors import DomainError
from watchroom.lib.middleware import client_ip

from . import handover, queries, services
from .forms import (
    ConfirmForm,
    LanguageForm,
    LoginForm,
    OffboardForm,
    OtpForm,
    PasswordChangeForm,
    ProfileForm,
    ResetPasswordForm,
    RolesForm,
    ScopeForm,
    UserCreateForm,
    UserFilterForm,
)
from .middleware import mark_activity
from .models import User
from .roles import PERMISSIONS, ROLE_PERMISSIONS, TWO_FACTOR_ROLES, Role


def locked_out(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    """django-axes calls this when an account is locked (5 failures → 15 minutes), for the sign-in page
    and for the API token endpoint alike."""
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    message = _("Too many failed attempts. The account is locked for %(m)d minutes.") % {"m": minutes}
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "locked_out", "detail": message}, status=429)
    form = LoginForm(initial={"username": request.POST.get("username", "")})
    return render(
        request, "accounts/login.html", {"form": form, "errors": [message], "locked": True}, status=429
    )


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
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
                user_login_failed.send(
                    sender=__name__, credentials={"username": data["username"]}, request=request
                )
                if getattr(request, "axes_locked_out", False):
                    return locked_out(request)
                form.add_error("otp", _("The dynamic code is wrong or missing."))
            else:
                login(request, user)
                if device is not None:
                    otp_login(request, device)
                mark_activity(request)
                return redirect(_safe_next(request))
    errors = form.non_field_errors() if form.is_bound else []
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "next": request.GET.get("next", ""),
            "errors": errors,
            "idle": request.GET.get("idle") == "1",
        },
    )


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
            changed = services.change_password(
                request.user,  # type: ignore[arg-type]
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            from django.contrib.auth import update_session_auth_hash

            update_session_auth_hash(request, changed)
            # The session key changed: keep it on record so that offboarding can still end it.
            services.note_login(changed, request.session.session_key or "", client_ip(request))
            messages.success(request, _("Your password has been changed."))
            return redirect("dashboard:home")
    return render(
        request,
        "accounts/password_change.html",
        {
            "form": form,
            "password_expired": request.user.password_expired(),  # type: ignore[union-attr]
        },
    )


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
    return render(
        request,
        "accounts/totp_enrol.html",
        {
            "form": form,
            "qr_svg": mark_safe(qr_svg),  # noqa: S308 (segno output)
            "secret": secret,
            "required": user.needs_two_factor,  # type: ignore[union-attr]
        },
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = LanguageForm(request.POST or None, initial={"language": user.language})  # type: ignore[union-attr]
    if request.method == "POST" and form.is_valid():
        services.set_language(user, form.cleaned_data["language"], actor=user)  # type: ignore[arg-type]
        messages.success(request, _("Saved."))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "device": services.confirmed_device(user),  # type: ignore[arg-type]
        },
    )


@login_required
@permission_required("accounts.view_roles", raise_exception=True)
def role_table(request: HttpRequest) -> HttpResponse:
    roles = list(Role)
    rows = [
        {"code": code, "label": label, "cells": [code in ROLE_PERMISSIONS[r] for r in roles]}
        for code, label in PERMISSIONS.items()
    ]
    return render(
        request,
        "accounts/role_table.html",
        {
            "roles": roles,
            "rows": rows,
            "two_factor": [r in TWO_FACTOR_ROLES for r in roles],
        },
    )


# --- the security administrator's pages (GOV-3, DATA-14; 等保 8.1.4.2, 8.1.8.2) -----------------------
# The security administrator manages accounts, roles and scopes and sees no business data: these pages
# show people and the names of places only.

MANAGE = "accounts.manage"


def _person(pk: int) -> User:
    return get_object_or_404(queries.people(), pk=pk)


def _history_url(user: User) -> str:
    try:
        return reverse("audit:history", args=["accounts.user", user.pk])
    except NoReverseMatch:
        return ""


@login_required
@permission_required(MANAGE, raise_exception=True)
def user_list(request: HttpRequest) -> HttpResponse:
    form = UserFilterForm(request.GET or None)
    qs = queries.people().prefetch_related("campuses", "rooms", "camera_groups")
    if form.is_valid():
        qs = queries.filter_users(qs, **{k: v or "" for k, v in form.cleaned_data.items()})
    paginator = Paginator(qs.order_by("username"), 50)
    page = paginator.get_page(request.GET.get("page"))
    users = list(page.object_list)
    locked = queries.locked_usernames(u.username for u in users)
    with_2fa = queries.two_factor_user_ids(u.pk for u in users)
    rows = [
        {
            "user": u,
            "locked": u.username in locked,
            "two_factor": u.pk in with_2fa,
            "password_age": queries.password_age_days(u),
        }
        for u in users
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/user_list.html",
        {
            "form": form,
            "rows": rows,
            "page": page,
            "query": query.urlencode(),
            "expiry_days": settings.PASSWORD_EXPIRY_DAYS,
        },
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
@sensitive_post_parameters("password")
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None, initial={"language": "zh-hans"})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        password = data.pop("password") or services.generate_temporary_password()
        try:
            user = services.create_user(actor=request.user, password=password, **data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The account %(u)s was created.") % {"u": user.username})
            return render(
                request,
                "accounts/user_password_shown.html",
                {
                    "person": user,
                    "password": password,
                    "generated": not form.cleaned_data["password"],
                },
            )
    return render(request, "accounts/user_form.html", {"form": form, "title": _("New user")})


@login_required
@permission_required(MANAGE, raise_exception=True)
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(pk)
    from django.utils import timezone

    tokens = person.api_tokens.order_by("-created_at")[:20]
    return render(
        request,
        "accounts/user_detail.html",
        {
            "person": person,
            "scope": queries.scope_summary(person),
            "locked": queries.is_locked(person),
            "device": services.confirmed_device(person),
            "password_age": queries.password_age_days(person),
            "sessions_count": person.sessions_held.count(),
            "tokens": tokens,
            "now": timezone.now(),
            "signature_count": queries.signature_count(person),
            "history_url": _history_url(person),
            "is_self": person.pk == request.user.pk,
        },
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(pk)
    initial = {name: getattr(person, name) for name in services.PROFILE_FIELDS}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(person, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("accounts:user_detail", pk=person.pk)
    return render(
        request, "accounts/user_form.html", {"form": form, "person": person, "title": _("Edit profile")}
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
def user_roles(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(pk)
    form = RolesForm(request.POST or None, initial={"roles": person.role_codes})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_roles(person, form.cleaned_data["roles"], actor=request.user)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("accounts:user_detail", pk=person.pk)
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "person": person,
            "title": _("Roles"),
            "note": _(
                "The system, security and audit administrator roles are each held alone. "
                "Nobody changes their own roles."
            ),
        },
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
def user_scope(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(pk)
    initial = {
        "scope_all": person.scope_all,
        "campuses": person.campuses.all(),
        "rooms": person.rooms.all(),
        "camera_groups": person.camera_groups.all(),
    }
    form = ScopeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_scope(person, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("accounts:user_detail", pk=person.pk)
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "person": person,
            "title": _("Scope"),
            "note": _(
                "What the person sees everywhere: the whole hospital, or the campuses, monitoring rooms "
                "and camera groups chosen here."
            ),
        },
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
@sensitive_post_parameters("password")
def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(pk)
    form = ResetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password = form.cleaned_data["password"] or services.generate_temporary_password()
        try:
            services.reset_password(person, actor=request.user, new_password=password)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return render(
                request,
                "accounts/user_password_shown.html",
                {
                    "person": person,
                    "password": password,
                    "generated": not form.cleaned_data["password"],
                },
            )
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "person": person,
            "title": _("Reset password"),
            "submit": _("Reset password"),
        },
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
def user_reset_totp(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.reset_totp(person, actor=request.user)
        messages.success(
            request, _("Two-factor authentication was reset; the person enrols again at next sign-in.")
        )
        return redirect("accounts:user_detail", pk=person.pk)
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "person": person,
            "title": _("Reset two-factor authentication"),
            "submit": _("Reset"),
            "note": _(
                "Use this when the person has lost their authenticator. Their current device stops working."
            ),
        },
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.unlock_user(person, actor=request.user)
        messages.success(request, _("The account was unlocked."))
        return redirect("accounts:user_detail", pk=person.pk)
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "person": person,
            "title": _("Unlock"),
            "submit": _("Unlock"),
            "note": _("Clears the lockout after repeated failed sign-ins. Locked now: %(locked)s")
            % {"locked": _("yes") if queries.is_locked(person) else _("no")},
        },
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
def user_offboard(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(pk)
    form = OffboardForm(request.POST or None, leaver=person)
    if request.method == "POST" and form.is_valid():
        try:
            summary = services.offboard_user(
                person,
                actor=request.user,
                successor=form.cleaned_data["successor"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(u)s was offboarded.") % {"u": person.username})
            return render(request, "accounts/user_offboard_done.html", {"person": person, "summary": summary})
    from django.utils import timezone

    return render(
        request,
        "accounts/user_offboard.html",
        {
            "form": form,
            "person": person,
            "sessions_count": person.sessions_held.count(),
            "tokens_count": person.api_tokens.filter(
                revoked_at__isnull=True, expires_at__gt=timezone.now()
            ).count(),
            "hooks": sorted(handover.hooks()),
            "is_self": person.pk == request.user.pk,
        },
    )
