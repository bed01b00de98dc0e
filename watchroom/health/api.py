"""REST API for camera health: probe results, transitions, current health, summaries (在线率 / 完好率),
thumbnails and a diagnosis of one camera. Read with `health.view`, diagnose with `health.run`;
everything scoped (another campus's camera is 404)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from watchroom.api.permissions import RolePermission
from watchroom.sites.models import Camera

from . import rates, services
from .models import CameraHealth, HealthTransition, ProbeResult


class ProbeResultSerializer(serializers.ModelSerializer):
    thumbnail = serializers.SerializerMethodField()

    class Meta:
        model = ProbeResult
        fields = [
            "id",
            "camera",
            "at",
            "tier",
            "status",
            "faults",
            "metrics",
            "elapsed",
            "error",
            "thumbnail",
        ]

    def get_thumbnail(self, obj: ProbeResult) -> str | None:
        if not obj.thumbnail:
            return None
        request = self.context.get("request")
        url = f"/api/v1/health/probes/{obj.pk}/thumbnail/"
        return request.build_absolute_uri(url) if request else url


class TransitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = HealthTransition
        fields = ["id", "camera", "at", "from_status", "to_status", "opened", "cleared", "probe"]


class CameraHealthSerializer(serializers.ModelSerializer):
    class Meta:
        model = CameraHealth
        fields = ["camera", "status", "faults", "since", "last_probe", "last_probe_at", "reference_set_at"]


class _Scoped(viewsets.ReadOnlyModelViewSet):
    permission_classes = [RolePermission]
    required_permission = "health.view"

    def get_queryset(self) -> Any:
        qs = self.queryset.model.objects.visible_to(self.request.user)  # type: ignore[union-attr]
        camera = self.request.query_params.get("camera")
        if camera:
            qs = qs.filter(camera_id=camera)
        return qs


class ProbeResultViewSet(_Scoped):
    queryset = ProbeResult.objects.all()
    serializer_class = ProbeResultSerializer

    @action(detail=True, methods=["get"])
    def thumbnail(self, request: Request, pk: Any = None) -> HttpResponse:
        probe = self.get_object()
        data = services.read_file(probe.thumbnail)
        if data is None:
            return Response({"code": "not_found", "detail": "no thumbnail"}, status=404)
        return HttpResponse(data, content_type="image/jpeg")


class TransitionViewSet(_Scoped):
    queryset = HealthTransition.objects.all()
    serializer_class = TransitionSerializer


class CameraHealthViewSet(_Scoped):
    """Current health per camera; `POST /health/cameras/{camera id}/diagnose/` probes it now."""

    queryset = CameraHealth.objects.all()
    serializer_class = CameraHealthSerializer
    lookup_field = "camera"
    action_permissions = {"diagnose": "health.run", "summary": "health.view"}

    @action(detail=False, methods=["post"], url_path=r"(?P<camera_pk>\d+)/diagnose")
    def diagnose(self, request: Request, camera_pk: str) -> Response:
        camera = get_object_or_404(Camera.objects.visible_to(request.user), pk=camera_pk)
        probe = services.run_diagnosis(camera, actor=request.user)
        return Response(
            ProbeResultSerializer(probe, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    @action(detail=False, methods=["get"])
    def summary(self, request: Request) -> Response:
        by = request.query_params.get("by", "campus")
        if by not in ("campus", "room", "group"):
            by = "campus"
        rows = rates.summary(Camera.objects.visible_to(request.user).in_service(), by=by)
        return Response({"by": by, "results": rows})


def register(router: Any) -> None:
    router.register("health/probes", ProbeResultViewSet, basename="health-probe")
    router.register("health/transitions", TransitionViewSet, basename="health-transition")
    router.register("health/cameras", CameraHealthViewSet, basename="health-camera")
