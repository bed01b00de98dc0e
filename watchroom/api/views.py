"""POST /api/v1/auth/token/ — exchange username, password (and TOTP) for an expiring token."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from watchroom.accounts import services as accounts


class TokenRequest(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})
    otp = serializers.CharField(required=False, allow_blank=True)


class TokenView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [AnonRateThrottle]

    @extend_schema(
        request=TokenRequest,
        responses={
            200: inline_serializer(
                "TokenResponse", {"token": serializers.CharField(), "expires": serializers.DateTimeField()}
            )
        },
    )
    def post(self, request: Any) -> Response:
        data = TokenRequest(data=request.data)
        data.is_valid(raise_exception=True)
        django_request = request._request
        user = authenticate(
            django_request, username=data.validated_data["username"], password=data.validated_data["password"]
        )
        if user is None:
            if getattr(django_request, "axes_locked_out", False):
                return Response(
                    {"code": "locked_out", "detail": _("Too many failed attempts. Try again later.")},
                    status=status.HTTP_429_TOO_MANY_REQUESTS,
                )
            return Response(
                {"code": "invalid_credentials", "detail": _("Wrong username or password.")},
                status=status.HTTP_401_UNAUTHORIZED,
            )
        device = accounts.confirmed_device(user)
        if device is not None and not device.verify_token(data.validated_data.get("otp", "").strip()):
            user_login_failed.send(
                sender=__name__, credentials={"username": user.username}, request=django_request
            )
            return Response(
                {"code": "otp_required", "detail": _("The dynamic code is wrong or missing.")},
                status=status.HTTP_401_UNAUTHORIZED,
            )
        if device is None and user.needs_two_factor:
            return Response(
                {
                    "code": "two_factor_enrolment_required",
                    "detail": _("Enrol two-factor authentication in the web interface first."),
                },
                status=status.HTTP_403_FORBIDDEN,
            )
        key, token = accounts.issue_token(user)
        return Response({"token": key, "expires": token.expires_at})
