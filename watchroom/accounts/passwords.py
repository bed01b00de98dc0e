"""Password policy (等保 8.1.4.1 a): ≥ 10 characters, 3 of 4 character classes, not containing the
username, not one of the last five; expiry in settings (default 90 days)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """At least three of four character classes."""

    def validate(self, password: str, user: Any = None) -> None:
        classes = sum(
            [
                any(c.islower() for c in password),
                any(c.isupper() for c in password),
                any(c.isdigit() for c in password),
                any(not c.isalnum() for c in password),
            ]
        )
        if classes < 3:
            raise ValidationError(
                _(
                    "The password must contain at least three of: lower-case letters, upper-case letters, "
                    "digits and symbols."
                ),
                code="password_classes",
            )

    def get_help_text(self) -> str:
        return _("At least three of: lower-case letters, upper-case letters, digits and symbols.")


class NotContainingUsernameValidator:
    """The password does not contain the username, in any case."""

    def validate(self, password: str, user: Any = None) -> None:
        username = getattr(user, "username", "") or ""
        if username and username.lower() in password.lower():
            raise ValidationError(_("The password must not contain the username."), code="password_username")

    def get_help_text(self) -> str:
        return _("It must not contain your username.")


class HistoryValidator:
    """Not one of the last `PASSWORD_HISTORY` passwords (the current one included)."""

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or not getattr(user, "pk", None):
            return
        # The last N passwords: the current one and the N-1 before it.
        keep = settings.PASSWORD_HISTORY
        recent = [user.password] if user.password else []
        recent += list(user.password_history.values_list("password", flat=True)[: max(keep - len(recent), 0)])
        for old in recent:
            if old and check_password(password, old):
                raise ValidationError(
                    _("The password must differ from your last %(n)d passwords.")
                    % {"n": settings.PASSWORD_HISTORY},
                    code="password_reused",
                )

    def get_help_text(self) -> str:
        return _("It must differ from your last %(n)d passwords.") % {"n": settings.PASSWORD_HISTORY}
