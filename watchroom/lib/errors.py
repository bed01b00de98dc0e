"""Domain errors raised by services.

One handler turns them into a form error (pages), an HTTP status with a stable `code` (API)
or an exit status (commands). Messages are translatable; codes are stable English slugs.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule of the hospital's regulations or of the data refused an action."""

    code = "domain_error"
    status = 400

    def __init__(self, message: Any, *, code: str | None = None, details: dict[str, Any] | None = None):
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        self.details = details or {}


class ValidationFailed(DomainError):
    code = "invalid"
    status = 400


class InvalidTransition(DomainError):
    code = "invalid_transition"
    status = 409


class SeparationOfDuties(DomainError):
    code = "separation_of_duties"
    status = 403


class PermissionRefused(DomainError):
    code = "permission_denied"
    status = 403


class SignatureFailed(DomainError):
    code = "signature_failed"
    status = 403


class NotFound(DomainError):
    code = "not_found"
    status = 404
