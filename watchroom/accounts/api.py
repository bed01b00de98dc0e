"""REST API of accounts (GOV-3, DATA-14): the security administrator's `users` and everyone's `me`.

Every write calls the same service as the pages; errors come back as `{"code", "detail"}`.
"""

from __future__ import annotations

from typing import Any, cast

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from watchroom.api.permissions import RolePermission

from . import queries, services
from .models import User
from .roles import PERMISSIONS, Role

MANAGE = "accounts.manage"


class UserSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()
    campuses: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    rooms: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    camera_groups: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    two_factor = serializers.SerializerMethodField()
    locked = serializers.SerializerMethodField()
    password_age_days = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "real_name",
            "staff_no",
            "department",
            "phone",
            "email",
            "language",
            "is_active",
            "roles",
            "scope_all",
            "campuses",
            "rooms",
            "camera_groups",
            "two_factor",
            "locked",
            "last_login",
            "password_age_days",
            "must_change_password",
            "deactivated_at",
            "successor",
        ]
        read_only_fields = fields

    def get_roles(self, obj: User) -> list[str]:
        return obj.role_codes

    def get_two_factor(self, obj: User) -> bool:
        return services.confirmed_device(obj) is not None

    def get_locked(self, obj: User) -> bool:
        return queries.is_locked(obj)

    def get_password_age_days(self, obj: User) -> int | None:
        return queries.password_age_days(obj)


class ProfileSerializer(serializers.Serializer):
    real_name = serializers.CharField(max_length=60, required=False)
    staff_no = serializers.CharField(max_length=32, required=False, allow_blank=True)
    department = serializers.CharField(max_length=100, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=User.Language.choices, required=False)


class UserCreateSerializer(ProfileSerializer):
    username = serializers.CharField(max_length=150)
    real_name = serializers.CharField(max_length=60)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), required=False)
    password = serializers.CharField(required=False, allow_blank=True, write_only=True)


class RolesSerializer(serializers.Serializer):
    roles = serializers.ListField(child=serializers.CharField(), allow_empty=True)


class ScopeSerializer(serializers.Serializer):
    scope_all = serializers.BooleanField()
    campuses = serializers.ListField(child=serializers.IntegerField(), required=False)
    rooms = serializers.ListField(child=serializers.IntegerField(), required=False)
    camera_groups = serializers.ListField(child=serializers.IntegerField(), required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        from watchroom.sites.models import CameraGroup, Campus, MonitoringRoom

        for name, model in (("campuses", Campus), ("rooms", MonitoringRoom), ("camera_groups", CameraGroup)):
            ids = set(attrs.get(name, []))
            if len(ids) != model.objects.filter(pk__in=ids).count():
                raise serializers.ValidationError({name: "unknown id"}, code="unknown_id")
        return attrs


class OffboardSerializer(serializers.Serializer):
    successor = serializers.IntegerField()
    reason = serializers.CharField(max_length=500)


class ResetPasswordSerializer(serializers.Serializer):
    password = serializers.CharField(required=False, allow_blank=True, write_only=True)


class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """People's accounts, for the security administrator (accounts.manage)."""

    serializer_class = UserSerializer
    permission_classes = [RolePermission]
    required_permission = MANAGE
    write_permission = MANAGE

    def get_queryset(self) -> Any:
        params = self.request.query_params
        return queries.filter_users(
            queries.people().prefetch_related("campuses", "rooms", "camera_groups"),
            role=params.get("role", ""),
            department=params.get("department", ""),
            active=params.get("active", ""),
            q=params.get("q", ""),
        ).order_by("username")

    def _person(self) -> User:
        return get_object_or_404(queries.people(), pk=self.kwargs["pk"])

    def _show(
        self, user: User, http_status: int = status.HTTP_200_OK, extra: dict[str, Any] | None = None
    ) -> Response:
        user = User.objects.get(pk=user.pk)
        return Response({**UserSerializer(user).data, **(extra or {})}, status=http_status)

    @extend_schema(request=UserCreateSerializer, responses={201: UserSerializer})
    def create(self, request: Request) -> Response:
        data = UserCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        given = values.pop("password", "")
        password = given or services.generate_temporary_password()
        user = services.create_user(actor=request.user, password=password, **values)
        extra = {} if given else {"temporary_password": password}
        return self._show(user, status.HTTP_201_CREATED, extra)

    @extend_schema(request=ProfileSerializer, responses={200: UserSerializer})
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        data = ProfileSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        user = services.update_profile(self._person(), actor=request.user, **data.validated_data)
        return self._show(user)

    @extend_schema(request=RolesSerializer, responses={200: UserSerializer})
    @action(detail=True, methods=["post"])
    def roles(self, request: Request, pk: str | None = None) -> Response:
        data = RolesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.set_roles(self._person(), data.validated_data["roles"], actor=request.user)
        return self._show(user)

    @extend_schema(request=ScopeSerializer, responses={200: UserSerializer})
    @action(detail=True, methods=["post"])
    def scope(self, request: Request, pk: str | None = None) -> Response:
        data = ScopeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.set_scope(self._person(), actor=request.user, **data.validated_data)
        return self._show(user)

    @extend_schema(request=OffboardSerializer)
    @action(detail=True, methods=["post"])
    def offboard(self, request: Request, pk: str | None = None) -> Response:
        data = OffboardSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        successor = get_object_or_404(queries.people(), pk=data.validated_data["successor"])
        summary = services.offboard_user(
            self._person(), actor=request.user, successor=successor, reason=data.validated_data["reason"]
        )
        return Response(summary)

    @extend_schema(request=ResetPasswordSerializer)
    @action(detail=True, methods=["post"], url_path="reset-password", url_name="reset-password")
    def reset_password(self, request: Request, pk: str | None = None) -> Response:
        data = ResetPasswordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        given = data.validated_data.get("password", "")
        password = given or services.generate_temporary_password()
        user = services.reset_password(self._person(), actor=request.user, new_password=password)
        extra = {} if given else {"temporary_password": password}
        return self._show(user, extra=extra)


class MeViewSet(viewsets.ViewSet):
    """The signed-in person: profile, roles and permission codes."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: UserSerializer})
    def list(self, request: Request) -> Response:
        user = cast(User, request.user)
        return Response(
            {
                "id": user.pk,
                "username": user.username,
                "real_name": user.real_name,
                "staff_no": user.staff_no,
                "department": user.department,
                "phone": user.phone,
                "email": user.email,
                "language": user.language,
                "roles": user.role_codes,
                "role_labels": [str(x) for x in user.role_labels],
                "permissions": sorted(c for c in user.permission_codes if c in PERMISSIONS),
                "two_factor": services.confirmed_device(user) is not None,
                "scope_all": user.scope_all,
            }
        )


def register(router: Any) -> None:
    router.register("users", UserViewSet, basename="accounts-user")
    router.register("me", MeViewSet, basename="accounts-me")
