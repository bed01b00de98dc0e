"""People: users with real name, staff number, department and phone; their roles and scope (GOV-3).

Roles are stored as rows (one per role held); what a role may do is defined in `roles.py`.
Scope (campuses, monitoring rooms, camera groups) limits what a user sees everywhere; see
`watchroom.sites.querysets` for how each model applies it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .roles import ADMIN_ROLES, TWO_FACTOR_ROLES, Role, permissions_for


class User(AbstractUser):
    """A person who uses Watchroom. Never deleted: offboarding deactivates (DATA-14)."""

    class Language(models.TextChoices):
        ZH_HANS = "zh-hans", "简体中文"
        EN = "en", "English"

    real_name = models.CharField(_("real name"), max_length=60)
    staff_no = models.CharField(_("staff number"), max_length=32, blank=True)
    department = models.CharField(_("department"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, default=Language.ZH_HANS
    )
    scope_all = models.BooleanField(
        _("whole hospital"), default=False, help_text=_("Sees every campus, room and camera.")
    )
    campuses = models.ManyToManyField(
        "sites.Campus", blank=True, verbose_name=_("campuses"), related_name="+"
    )
    rooms = models.ManyToManyField(
        "sites.MonitoringRoom", blank=True, verbose_name=_("monitoring rooms"), related_name="+"
    )
    camera_groups = models.ManyToManyField(
        "sites.CameraGroup", blank=True, verbose_name=_("camera groups"), related_name="+"
    )
    password_changed_at = models.DateTimeField(_("password changed"), null=True, blank=True)
    must_change_password = models.BooleanField(_("must change password"), default=False)
    deactivated_at = models.DateTimeField(_("deactivated"), null=True, blank=True)
    deactivated_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deactivated by"),
    )
    successor = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("successor")
    )

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff_no"], condition=~models.Q(staff_no=""), name="accounts_user_staff_no_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.real_name or self.username}（{self.username}）"

    @cached_property
    def role_codes(self) -> list[str]:
        if not self.pk:
            return []
        return sorted(self.role_rows.values_list("role", flat=True))

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(code).label) for code in self.role_codes if code in Role.values]

    @cached_property
    def permission_codes(self) -> frozenset[str]:
        if not self.is_active:
            return frozenset()
        return permissions_for(self.role_codes)

    def can(self, code: str) -> bool:
        return code in self.permission_codes

    @property
    def needs_two_factor(self) -> bool:
        return bool(settings.REQUIRE_2FA) and bool(set(self.role_codes) & TWO_FACTOR_ROLES)

    @property
    def is_admin_role(self) -> bool:
        return bool(set(self.role_codes) & ADMIN_ROLES)

    def password_expired(self) -> bool:
        days = settings.PASSWORD_EXPIRY_DAYS
        if not days or self.password_changed_at is None:
            return self.must_change_password
        return self.must_change_password or timezone.now() - self.password_changed_at > timedelta(days=days)


class UserRole(models.Model):
    """A role held by a user. Granting and revoking go through `services.set_roles` (audited)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_rows", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="accounts_userrole_unique")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}"


class PasswordHistory(models.Model):
    """Hashes of a user's previous passwords: a new password may not repeat the last five."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(_("password hash"), max_length=128)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("password history")
        verbose_name_plural = _("password history")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.created_at:%Y-%m-%d}"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def live(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True)


class ApiToken(models.Model):
    """An expiring API token. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="api_tokens", verbose_name=_("user")
    )
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    prefix = models.CharField(_("prefix"), max_length=8)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}…"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return secrets.token_urlsafe(32)


class UserSession(models.Model):
    """Which session belongs to which user, so that offboarding can end them all at once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions_held")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    ip = models.CharField(max_length=45, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return f"{self.user_id}:{self.session_key[:8]}…"
