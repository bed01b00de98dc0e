"""Every API error is JSON with a stable `code` and a translated `detail`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from watchroom.audit import services as audit
from watchroom.lib.errors import DomainError


def _first_code(detail: Any) -> str:
    if isinstance(detail, dict):
        for value in detail.values():
            return _first_code(value)
    if isinstance(detail, list) and detail:
        return _first_code(detail[0])
    return getattr(detail, "code", "invalid") or "invalid"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    request = context.get("request")
    # the user DRF already authenticated, if any: reading `request.user` here would authenticate now,
    # and a failing authentication (or session CSRF check) would escape this handler
    user = getattr(request, "_user", None)
    if isinstance(exc, DomainError):
        audit.record(
            user if user and user.is_authenticated else None,
            "api.refused",
            ("url", "", request.path if request else ""),
            outcome="failure",
            note=exc.code,
        )
        return Response({"code": exc.code, "detail": str(exc.message), **exc.details}, status=exc.status)
    if isinstance(exc, Http404):
        return Response({"code": "not_found", "detail": str(exceptions.NotFound.default_detail)}, status=404)
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"code": _first_code(exc.detail), "detail": exc.detail}
    elif isinstance(exc, exceptions.APIException):
        code = exc.get_codes() if not isinstance(exc.detail, (dict, list)) else _first_code(exc.detail)
        response.data = {"code": code if isinstance(code, str) else "error", "detail": str(exc.detail)}
        if response.status_code == status.HTTP_403_FORBIDDEN and request is not None:
            audit.record(
                user if user and user.is_authenticated else None,
                "access.denied",
                ("url", "", request.path),
                outcome="denied",
            )
    return response
