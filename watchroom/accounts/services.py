"""Account services: every change to a person, their roles, scope, password, 2FA, sessions and
tokens goes through here and writes its audit event in the same transaction (GOV-3, DATA-14,
等保 8.1.4.1–8.1.4.2)."""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from watchroom.audit import services as audit
from watchroom.lib.errors import InvalidTransition, SignatureFailed, ValidationFailed

from . import handover
from .models import ApiToken, PasswordHistory, User, UserRole, UserSession
from .roles import ADMIN_ROLES, HOSPITAL_WIDE_ROLES, Role

PROFILE_FIELDS = ["real_name", "staff_no", "department", "phone", "email", "language"]
SYSTEM_USERNAME = "system"


def system_user() -> User:
    """The actor for work the system does by itself (timed jobs, automatic probes)."""
    user, _created = User.objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"real_name": "系统", "is_active": False}
    )
    return user


def _validate_password(password: str, user: User) -> None:
    """The policy of `passwords.py` (等保 8.1.4.1 a). The refusal carries every rule broken, by code."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        reasons = sorted({e.code or "invalid" for e in exc.error_list})
        raise ValidationFailed(
            " ".join(exc.messages), code="password_policy", details={"reasons": reasons}
        ) from None


def generate_temporary_password() -> str:
    """A random password that meets the policy: four character classes, 14 characters."""
    alphabet = string.ascii_letters + string.digits + "#%+=-_!"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _i in range(14))
        if (
            any(c.islower() for c in candidate)
            and any(c.isupper() for c in candidate)
            and any(c.isdigit() for c in candidate)
            and any(not c.isalnum() for c in candidate)
        ):
            return candidate


def _store_password(user: User, password: str) -> None:
    if user.password:
        PasswordHistory.objects.create(user=user, password=user.password)
    user.set_password(password)
    user.password_changed_at = timezone.now()


def _clean_roles(roles: Iterable[str]) -> list[str]:
    """Known roles only; an administrator role (三员分立, 等保 8.1.4.2) is held alone."""
    roles = sorted(set(roles))
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise ValidationFailed(
            _("Unknown role: %(roles)s") % {"roles": ", ".join(unknown)}, code="unknown_role"
        )
    if set(roles) & ADMIN_ROLES and len(roles) > 1:
        raise ValidationFailed(
            _("The system, security and audit administrator roles are each held alone, by different people."),
            code="admin_roles_combined",
        )
    return roles


@transaction.atomic
def create_user(
    *,
    actor: Any,
    username: str,
    real_name: str,
    password: str,
    roles: Iterable[str] = (),
    must_change_password: bool = True,
    **profile: Any,
) -> User:
    """Create an account. The password must meet the policy; the person changes it at first login."""
    username = username.strip()
    if not username or not real_name.strip():
        raise ValidationFailed(_("Username and real name are required."), code="required")
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed(_("The username %(u)s is taken.") % {"u": username}, code="username_taken")
    staff_no = profile.get("staff_no", "")
    if staff_no and User.objects.filter(staff_no=staff_no).exists():
        raise ValidationFailed(_("The staff number %(n)s is taken.") % {"n": staff_no}, code="staff_no_taken")
    role_list = _clean_roles(roles)
    user = User(
        username=username,
        real_name=real_name.strip(),
        **{k: v for k, v in profile.items() if k in PROFILE_FIELDS},
    )
    _validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.must_change_password = must_change_password
    user.scope_all = bool(set(role_list) & HOSPITAL_WIDE_ROLES)
    user.save()
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in role_list])
    audit.record(
        actor,
        "accounts.user_created",
        user,
        changes={**audit.snapshot(user, ["username", *PROFILE_FIELDS, "scope_all"]), "roles": role_list},
    )
    return user


@transaction.atomic
def update_profile(user: User, *, actor: Any, **fields: Any) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    before = audit.snapshot(user, PROFILE_FIELDS)
    for name, value in fields.items():
        if name not in PROFILE_FIELDS:
            raise ValidationFailed(_("Unknown field: %(f)s") % {"f": name}, code="unknown_field")
        setattr(user, name, value)
    if not user.real_name.strip():
        raise ValidationFailed(_("Username and real name are required."), code="required")
    if user.staff_no and User.objects.exclude(pk=user.pk).filter(staff_no=user.staff_no).exists():
        raise ValidationFailed(
            _("The staff number %(n)s is taken.") % {"n": user.staff_no}, code="staff_no_taken"
        )
    changes = audit.diff(before, audit.snapshot(user, PROFILE_FIELDS))
    if not changes:
        return user
    user.save(update_fields=list(changes))
    audit.record(actor, "accounts.user_updated", user, changes=changes)
    return user


@transaction.atomic
def set_language(user: User, language: str, *, actor: Any) -> User:
    if language not in User.Language.values:
        raise ValidationFailed(_("Unknown language."), code="unknown_language")
    return update_profile(user, actor=actor, language=language)


@transaction.atomic
def set_roles(user: User, roles: Iterable[str], *, actor: Any) -> User:
    """Replace the roles a user holds. Nobody changes their own roles."""
    if actor is not None and getattr(actor, "pk", None) == user.pk:
        raise ValidationFailed(_("You cannot change your own roles."), code="self_roles")
    user = User.objects.select_for_update().get(pk=user.pk)
    new = _clean_roles(roles)
    old = sorted(user.role_rows.values_list("role", flat=True))
    if new == old:
        return user
    user.role_rows.exclude(role__in=new).delete()
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in new if r not in old])
    audit.record(actor, "accounts.roles_changed", user, changes={"roles": [old, new]})
    return User.objects.get(pk=user.pk)


@transaction.atomic
def set_scope(
    user: User,
    *,
    actor: Any,
    scope_all: bool,
    campuses: Iterable[Any] = (),
    rooms: Iterable[Any] = (),
    camera_groups: Iterable[Any] = (),
) -> User:
    """Set what a user sees: the whole hospital, or campuses, monitoring rooms and camera groups."""
    user = User.objects.select_for_update().get(pk=user.pk)

    def ids(items: Iterable[Any]) -> list[int]:
        return sorted({getattr(i, "pk", i) for i in items})

    before = {
        "scope_all": user.scope_all,
        "campuses": ids(user.campuses.all()),
        "rooms": ids(user.rooms.all()),
        "camera_groups": ids(user.camera_groups.all()),
    }
    after: dict[str, Any] = {
        "scope_all": bool(scope_all),
        "campuses": ids(campuses),
        "rooms": ids(rooms),
        "camera_groups": ids(camera_groups),
    }
    changes = audit.diff(before, after)
    if not changes:
        return user
    user.scope_all = after["scope_all"]
    user.save(update_fields=["scope_all"])
    user.campuses.set(after["campuses"])
    user.rooms.set(after["rooms"])
    user.camera_groups.set(after["camera_groups"])
    audit.record(actor, "accounts.scope_changed", user, changes=changes)
    return user


def change_password(user: User, *, old_password: str, new_password: str) -> User:
    """The user changes their own password (old one required). A wrong old password is audited."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.check_password(old_password):
            _validate_password(new_password, user)
            _store_password(user, new_password)
            user.must_change_password = False
            user.save(update_fields=["password", "password_changed_at", "must_change_password"])
            audit.record(user, "accounts.password_changed", user)
            return user
    # Recorded outside the refused transaction, so that the refusal itself is kept.
    audit.record(user, "accounts.password_change_failed", user, outcome="failure")
    raise ValidationFailed(_("The current password is wrong."), code="wrong_password")


@transaction.atomic
def reset_password(user: User, *, actor: Any, new_password: str) -> User:
    """The security administrator sets a temporary password; the user must change it at next login.

    `generate_temporary_password()` makes one that meets the policy. Nobody resets their own password
    this way (they change it, knowing the old one)."""
    if actor is not None and getattr(actor, "pk", None) == user.pk:
        raise ValidationFailed(_("Change your own password on your account page."), code="self_reset")
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise InvalidTransition(_("This account is deactivated."), code="inactive")
    _validate_password(new_password, user)
    _store_password(user, new_password)
    user.must_change_password = True
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    audit.record(actor, "accounts.password_reset", user)
    return user


@transaction.atomic
def unlock_user(user: User, *, actor: Any) -> int:
    """Clear the lockout after repeated failed logins (等保 8.1.4.1 c); returns the attempts cleared."""
    from axes.utils import reset as axes_reset

    user = User.objects.select_for_update().get(pk=user.pk)
    cleared = axes_reset(username=user.username)
    audit.record(actor, "accounts.unlocked", user, changes={"attempts_cleared": cleared})
    return cleared


# --- sessions and tokens ---------------------------------------------------------------------


def note_login(user: User, session_key: str, ip: str) -> None:
    """Remember which session belongs to whom (called at login), so offboarding can end it."""
    if session_key:
        UserSession.objects.update_or_create(session_key=session_key, defaults={"user": user, "ip": ip})


def _end_sessions(user: User) -> int:
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
    return len(keys)


@transaction.atomic
def issue_token(user: User, *, actor: Any | None = None) -> tuple[str, ApiToken]:
    """A new API token; the plain key is returned once and only its hash is kept."""
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=user,
        key_hash=ApiToken.hash_key(key),
        prefix=key[:8],
        expires_at=timezone.now() + timedelta(hours=settings.API_TOKEN_HOURS),
    )
    audit.record(
        actor or user,
        "accounts.token_issued",
        user,
        changes={"token": token.prefix, "expires": token.expires_at},
    )
    return key, token


@transaction.atomic
def revoke_tokens(user: User, *, actor: Any) -> int:
    count = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if count:
        audit.record(actor, "accounts.tokens_revoked", user, changes={"count": count})
    return count


# --- two-factor --------------------------------------------------------------------------------


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def start_totp_enrolment(user: User) -> TOTPDevice:
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)


def confirm_totp_enrolment(user: User, token: str) -> TOTPDevice:
    """Confirm the pending authenticator with a code from it; a wrong code is audited."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        if device is None:
            raise InvalidTransition(_("Start the enrolment again."), code="no_pending_device")
        if device.verify_token(token.strip()):
            TOTPDevice.objects.filter(user=user, confirmed=True).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            audit.record(user, "accounts.totp_enrolled", user)
            return device
    audit.record(user, "accounts.totp_enrol_failed", user, outcome="failure")
    raise ValidationFailed(_("The code is wrong or has expired."), code="otp_invalid")


@transaction.atomic
def reset_totp(user: User, *, actor: Any) -> None:
    """The security administrator removes a lost authenticator; the user enrols again at next login."""
    count, _detail = TOTPDevice.objects.filter(user=user).delete()
    audit.record(actor, "accounts.totp_reset", user, changes={"devices": count})


def reauthenticate(user: User, *, password: str, otp: str = "") -> None:
    """Check the password (and TOTP when enrolled) at the moment of signing (21 CFR Part 11 spirit)."""
    if not user.is_active or not user.check_password(password or ""):
        raise SignatureFailed(
            _("The password is wrong; the signature was not made."), code="signature_password"
        )
    device = confirmed_device(user)
    if device is not None and not device.verify_token((otp or "").strip()):
        raise SignatureFailed(
            _("The dynamic code is wrong; the signature was not made."), code="signature_otp"
        )
    if device is None and user.needs_two_factor:
        raise SignatureFailed(
            _("Enrol two-factor authentication before signing."), code="signature_needs_2fa"
        )


# --- offboarding -------------------------------------------------------------------------------


@transaction.atomic
def offboard_user(user: User, *, actor: Any, successor: User, reason: str) -> dict[str, Any]:
    """Deactivate a leaver at once (DATA-14; 等保 8.1.8.2): end every session and API token, hand
    pending approvals and open items to the successor, and record what the person held."""
    if actor is not None and getattr(actor, "pk", None) == user.pk:
        raise ValidationFailed(_("You cannot offboard yourself."), code="self_offboard")
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise InvalidTransition(_("This account is already deactivated."), code="already_inactive")
    successor = User.objects.filter(pk=getattr(successor, "pk", successor)).first()  # type: ignore[assignment]
    if (
        successor is None
        or successor.pk == user.pk
        or not successor.is_active
        or successor.username == SYSTEM_USERNAME
    ):
        raise ValidationFailed(_("Choose an active successor other than the leaver."), code="bad_successor")
    if not reason.strip():
        raise ValidationFailed(_("Give a reason."), code="reason_required")
    held: dict[str, Any] = {
        "roles": sorted(user.role_rows.values_list("role", flat=True)),
        "scope_all": user.scope_all,
        "campuses": sorted(user.campuses.values_list("pk", flat=True)),
        "rooms": sorted(user.rooms.values_list("pk", flat=True)),
        "camera_groups": sorted(user.camera_groups.values_list("pk", flat=True)),
        "totp_devices": TOTPDevice.objects.filter(user=user).count(),
    }
    held["sessions_ended"] = _end_sessions(user)
    held["tokens_revoked"] = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    handed: dict[str, Any] = {}
    for name, hook in handover.hooks().items():
        handed[name] = hook(user, successor, actor)
    user.is_active = False
    user.deactivated_at = timezone.now()
    user.deactivated_by = actor if getattr(actor, "pk", None) else None
    user.successor = successor
    user.save(update_fields=["is_active", "deactivated_at", "deactivated_by", "successor"])
    summary = {"held": held, "handed_over": handed, "successor": successor.username}
    audit.record(actor, "accounts.user_offboarded", user, changes=summary, note=reason)
    return summary
