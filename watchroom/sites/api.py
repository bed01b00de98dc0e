"""REST API for sites: campuses, buildings, floors, areas, rooms, camera groups, recorders, cameras.

Read with `sites.view`, write with `sites.manage`, always through the services and always scoped
(an object outside the user's scope is 404). Passwords are write-only and never returned.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from watchroom.api.permissions import RolePermission

from . import filters, services
from .models import Area, Building, Camera, CameraGroup, Campus, Floor, MonitoringRoom, Recorder


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key whose choices are what the requesting user may see."""

    def __init__(self, model: type[models.Model], **kwargs: Any) -> None:
        self.model = model
        kwargs.setdefault("queryset", model.objects.all())  # type: ignore[attr-defined]
        super().__init__(**kwargs)

    def get_queryset(self) -> models.QuerySet:
        request = self.context.get("request")
        return self.model.objects.visible_to(request.user if request else None)  # type: ignore[attr-defined]


class CampusSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campus
        fields = ["id", "code", "name", "address", "is_active"]
        read_only_fields = ["is_active"]


class BuildingSerializer(serializers.ModelSerializer):
    campus = ScopedRelatedField(Campus)

    class Meta:
        model = Building
        fields = ["id", "campus", "code", "name", "is_active"]
        read_only_fields = ["is_active"]


class FloorSerializer(serializers.ModelSerializer):
    building = ScopedRelatedField(Building)

    class Meta:
        model = Floor
        fields = ["id", "building", "level", "name", "is_active"]
        read_only_fields = ["is_active"]


class AreaSerializer(serializers.ModelSerializer):
    campus = ScopedRelatedField(Campus)
    building = ScopedRelatedField(Building, allow_null=True, required=False)
    floor = ScopedRelatedField(Floor, allow_null=True, required=False)
    key_area = serializers.BooleanField(required=False, allow_null=True, default=None)
    privacy_class = serializers.CharField(required=False, allow_blank=True, default="")

    class Meta:
        model = Area
        fields = [
            "id",
            "campus",
            "building",
            "floor",
            "code",
            "name",
            "area_type",
            "key_area",
            "privacy_class",
            "is_active",
        ]
        read_only_fields = ["is_active"]

    def to_representation(self, instance: Area) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["key_area"] = instance.key_area
        data["privacy_class"] = instance.privacy_class
        return data


class RoomSerializer(serializers.ModelSerializer):
    campus = ScopedRelatedField(Campus)
    area = ScopedRelatedField(Area, allow_null=True, required=False)

    class Meta:
        model = MonitoringRoom
        fields = ["id", "campus", "code", "name", "area", "phone", "is_active"]
        read_only_fields = ["is_active"]


class CameraGroupSerializer(serializers.ModelSerializer):
    campus = ScopedRelatedField(Campus)
    room = ScopedRelatedField(MonitoringRoom, allow_null=True, required=False)

    class Meta:
        model = CameraGroup
        fields = ["id", "campus", "room", "code", "name", "is_active"]
        read_only_fields = ["is_active"]


class RecorderSerializer(serializers.ModelSerializer):
    campus = ScopedRelatedField(Campus)
    room = ScopedRelatedField(MonitoringRoom, allow_null=True, required=False)
    password = serializers.CharField(write_only=True, required=False, allow_blank=True, trim_whitespace=False)
    has_password = serializers.BooleanField(read_only=True)

    class Meta:
        model = Recorder
        fields = [
            "id",
            "campus",
            "room",
            "number",
            "name",
            "vendor",
            "model",
            "ip",
            "channels",
            "storage_tb",
            "retention_days",
            "status",
            "username",
            "password",
            "has_password",
        ]
        read_only_fields = ["status"]


class CameraSerializer(serializers.ModelSerializer):
    area = ScopedRelatedField(Area)
    group = ScopedRelatedField(CameraGroup, allow_null=True, required=False)
    recorder = ScopedRelatedField(Recorder, allow_null=True, required=False)
    campus = serializers.IntegerField(source="area.campus_id", read_only=True)
    password = serializers.CharField(write_only=True, required=False, allow_blank=True, trim_whitespace=False)
    has_password = serializers.BooleanField(read_only=True)

    class Meta:
        model = Camera
        fields = [
            "id",
            "number",
            "name",
            "campus",
            "area",
            "group",
            "kind",
            "vendor",
            "model",
            "ip",
            "stream_url",
            "snapshot_url",
            "onvif_url",
            "recorder",
            "channel",
            "status",
            "notes",
            "username",
            "password",
            "has_password",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        validators: list[Any] = []  # uniqueness and constraints are checked by the service

    def get_validators(self) -> list[Any]:
        return []


class RetireSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class _SitesViewSet(viewsets.ModelViewSet):
    """Scoped queryset, role permissions, writes through `services` (never deletes)."""

    permission_classes = [RolePermission]
    required_permission = "sites.view"
    write_permission = "sites.manage"
    http_method_names = ["get", "post", "patch", "put", "head", "options"]
    model: type[models.Model]
    create_service: Any
    update_service: Any
    retire_service: Any = None

    def get_queryset(self) -> models.QuerySet:
        return self.model.objects.visible_to(self.request.user)  # type: ignore[attr-defined]

    def perform_create(self, serializer: serializers.Serializer) -> None:
        serializer.instance = self.create_service(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer: serializers.Serializer) -> None:
        serializer.instance = self.update_service(
            serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    @action(detail=True, methods=["post"], serializer_class=RetireSerializer)
    def retire(self, request: Request, pk: Any = None) -> Response:
        obj = self.get_object()
        form = RetireSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        obj = self.retire_service(obj, actor=request.user, reason=form.validated_data["reason"])
        return Response(
            self.get_serializer_class()(obj, context=self.get_serializer_context()).data,
            status=status.HTTP_200_OK,
        )

    def get_serializer_class(self) -> Any:
        if self.action == "retire":
            return type(self).serializer_class
        return super().get_serializer_class()


class CampusViewSet(_SitesViewSet):
    model = Campus
    serializer_class = CampusSerializer
    filterset_class = filters.CampusFilter
    create_service = staticmethod(services.create_campus)
    update_service = staticmethod(services.update_campus)
    retire_service = staticmethod(services.retire_campus)


class BuildingViewSet(_SitesViewSet):
    model = Building
    serializer_class = BuildingSerializer
    filterset_class = filters.BuildingFilter
    create_service = staticmethod(services.create_building)
    update_service = staticmethod(services.update_building)
    retire_service = staticmethod(services.retire_building)

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().select_related("campus")


class FloorViewSet(_SitesViewSet):
    model = Floor
    serializer_class = FloorSerializer
    filterset_fields = ["building", "is_active"]
    create_service = staticmethod(services.create_floor)
    update_service = staticmethod(services.update_floor)
    retire_service = staticmethod(services.retire_floor)


class AreaViewSet(_SitesViewSet):
    model = Area
    serializer_class = AreaSerializer
    filterset_class = filters.AreaFilter
    create_service = staticmethod(services.create_area)
    update_service = staticmethod(services.update_area)
    retire_service = staticmethod(services.retire_area)


class RoomViewSet(_SitesViewSet):
    model = MonitoringRoom
    serializer_class = RoomSerializer
    filterset_class = filters.RoomFilter
    create_service = staticmethod(services.create_room)
    update_service = staticmethod(services.update_room)
    retire_service = staticmethod(services.retire_room)


class CameraGroupViewSet(_SitesViewSet):
    model = CameraGroup
    serializer_class = CameraGroupSerializer
    filterset_class = filters.CameraGroupFilter
    create_service = staticmethod(services.create_camera_group)
    update_service = staticmethod(services.update_camera_group)
    retire_service = staticmethod(services.retire_camera_group)


class RecorderViewSet(_SitesViewSet):
    model = Recorder
    serializer_class = RecorderSerializer
    filterset_class = filters.RecorderFilter
    create_service = staticmethod(services.create_recorder)
    update_service = staticmethod(services.update_recorder)
    retire_service = staticmethod(services.retire_recorder)


class CameraViewSet(_SitesViewSet):
    model = Camera
    serializer_class = CameraSerializer
    filterset_class = filters.CameraFilter
    create_service = staticmethod(services.create_camera)
    update_service = staticmethod(services.update_camera)
    retire_service = staticmethod(services.retire_camera)

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().select_related("area")


def register(router: Any) -> None:
    router.register("campuses", CampusViewSet, basename="sites-campus")
    router.register("buildings", BuildingViewSet, basename="sites-building")
    router.register("floors", FloorViewSet, basename="sites-floor")
    router.register("areas", AreaViewSet, basename="sites-area")
    router.register("rooms", RoomViewSet, basename="sites-room")
    router.register("camera-groups", CameraGroupViewSet, basename="sites-camera-group")
    router.register("recorders", RecorderViewSet, basename="sites-recorder")
    router.register("cameras", CameraViewSet, basename="sites-camera")
