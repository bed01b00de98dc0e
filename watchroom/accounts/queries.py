"""Reading accounts for the security administrator's pages and the API: filters, lockout state,
password age. Nothing here writes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import User
from .services import SYSTEM_USERNAME


def people() -> QuerySet[User]:
    """Every account a person holds (the internal system actor is left out)."""
    return User.objects.exclude(username=SYSTEM_USERNAME).prefetch_related("role_rows")


def filter_users(
    qs: QuerySet[User], *, role: str = "", department: str = "", active: str = "", q: str = ""
) -> QuerySet[User]:
    """The filters of the user list, shared by the page and the API."""
    if role:
        qs = qs.filter(role_rows__role=role)
    if department:
        qs = qs.filter(department__icontains=department)
    if active in {"1", "true", "yes"}:
        qs = qs.filter(is_active=True)
    elif active in {"0", "false", "no"}:
        qs = qs.filter(is_active=False)
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(real_name__icontains=q) | Q(staff_no__icontains=q))
    return qs.distinct()


def locked_usernames(usernames: Iterable[str] | None = None) -> set[str]:
    """Usernames that django-axes holds locked out now (failure limit reached within the cool-off)."""
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt

    attempts = AccessAttempt.objects.all()
    cool_off = get_cool_off()
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    if usernames is not None:
        attempts = attempts.filter(username__in=list(usernames))
    totals: dict[str, int] = {}
    for username, failures in attempts.values_list("username", "failures_since_start"):
        totals[username] = totals.get(username, 0) + failures
    return {u for u, n in totals.items() if n >= settings.AXES_FAILURE_LIMIT}


def is_locked(user: User) -> bool:
    return user.username in locked_usernames([user.username])


def password_age_days(user: User) -> int | None:
    if user.password_changed_at is None:
        return None
    return (timezone.now() - user.password_changed_at).days


def two_factor_user_ids(user_ids: Iterable[int]) -> set[int]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return set(
        TOTPDevice.objects.filter(user_id__in=list(user_ids), confirmed=True).values_list(
            "user_id", flat=True
        )
    )


def scope_summary(user: User) -> dict[str, Any]:
    return {
        "scope_all": user.scope_all,
        "campuses": list(user.campuses.all()),
        "rooms": list(user.rooms.all()),
        "camera_groups": list(user.camera_groups.all()),
    }


def signature_count(user: User) -> int | None:
    """Electronic signatures the person made, when the approvals module keeps them."""
    from django.apps import apps

    for label in ("approvals.Signature", "approvals.ApprovalSignature"):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        for field in ("signer", "signed_by", "user", "actor"):
            try:
                model._meta.get_field(field)
            except Exception:  # noqa: S112 (FieldDoesNotExist; try the next name)
                continue
            return model.objects.filter(**{field: user}).count()
    return None
