"""REST API of the equipment app: devices (+ retire, import), faults (+ transitions), maintenance
plans, work orders (+ complete with signature), change requests. Read with `equipment.view`; every
write calls one service; objects outside the user's scope are 404."""

from __future__ import annotations

from typing import Any

from django.db import models
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from watchroom.api.permissions import RolePermission
from watchroom.sites.api import ScopedRelatedField
from watchroom.sites.models import Area, Camera, Campus, Recorder

from . import filters, services, spreadsheet
from .models import ChangeKind, ChangeRequest, Device, Fault, MaintenancePlan, WorkOrder


class DeviceSerializer(serializers.ModelSerializer):
    campus = ScopedRelatedField(Campus)
    area = ScopedRelatedField(Area, allow_null=True, required=False)
    camera = ScopedRelatedField(Camera, allow_null=True, required=False)
    recorder = ScopedRelatedField(Recorder, allow_null=True, required=False)

    class Meta:
        model = Device
        fields = [
            "id",
            "device_type",
            "campus",
            "area",
            "camera",
            "recorder",
            "name",
            "vendor",
            "model",
            "serial",
            "ip",
            "mac",
            "installed_on",
            "commissioned_on",
            "warranty_until",
            "supplier",
            "maintenance_contract",
            "resolution",
            "infrared",
            "status",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "created_at", "updated_at"]

    def get_validators(self) -> list[Any]:
        return []


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class _Scoped(viewsets.GenericViewSet):
    permission_classes = [RolePermission]
    required_permission = "equipment.view"
    model: type[models.Model]

    def get_queryset(self) -> models.QuerySet:
        return self.model.objects.visible_to(self.request.user)  # type: ignore[attr-defined]


class DeviceViewSet(
    _Scoped,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    model = Device
    serializer_class = DeviceSerializer
    filterset_class = filters.DeviceFilter
    write_permission = "equipment.manage"
    http_method_names = ["get", "post", "patch", "put", "head", "options"]

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().order_by("campus_id", "device_type", "name", "id")

    def perform_create(self, serializer: serializers.Serializer) -> None:
        serializer.instance = services.create_device(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer: serializers.Serializer) -> None:
        serializer.instance = services.update_device(
            serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    @action(detail=True, methods=["post"], serializer_class=ReasonSerializer)
    def retire(self, request: Request, pk: Any = None) -> Response:
        device = self.get_object()
        form = ReasonSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        device = services.retire_device(device, actor=request.user, reason=form.validated_data["reason"])
        return Response(DeviceSerializer(device, context=self.get_serializer_context()).data)

    @action(
        detail=False,
        methods=["post"],
        parser_classes=[MultiPartParser, FormParser],
        url_path="import",
        serializer_class=serializers.Serializer,
    )
    def import_file(self, request: Request) -> Response:
        """All or nothing: 400 with every row's error, or 200 with the counts."""
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"code": "file_required", "detail": "file"}, status=status.HTTP_400_BAD_REQUEST)
        headers, rows = spreadsheet.read_table(upload.read(), upload.name)
        report = spreadsheet.validate_devices(headers, rows, actor=request.user)
        if not report.ok:
            return Response(
                {
                    "code": "invalid_rows",
                    "errors": [
                        {"row": e.row, "column": e.column, "message": e.message} for e in report.errors
                    ],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        result = services.import_devices(report.rows, actor=request.user, file_name=upload.name)
        return Response({"created": result.created, "updated": result.updated, "unchanged": result.unchanged})


class FaultSerializer(serializers.ModelSerializer):
    remaining_hours = serializers.FloatField(read_only=True)
    downtime_hours = serializers.FloatField(read_only=True)

    class Meta:
        model = Fault
        fields = [
            "id",
            "device",
            "campus",
            "category",
            "symptom",
            "source",
            "external_ref",
            "status",
            "occurred_at",
            "reported_at",
            "reported_by",
            "sla_hours",
            "due_at",
            "acknowledged_at",
            "repair_started_at",
            "repaired_at",
            "repaired_by",
            "verified_at",
            "closed_at",
            "resolution",
            "escalated_75_at",
            "breached_at",
            "reopen_count",
            "remaining_hours",
            "downtime_hours",
        ]
        read_only_fields = fields


class FaultReportSerializer(serializers.Serializer):
    device = ScopedRelatedField(Device, required=False, allow_null=True)
    camera = ScopedRelatedField(Camera, required=False, allow_null=True)
    category = serializers.ChoiceField(choices=Fault.Category.choices, default="other")
    symptom = serializers.CharField()
    source = serializers.ChoiceField(choices=Fault.Source.choices, default="manual")
    occurred_at = serializers.DateTimeField(required=False, allow_null=True)
    external_ref = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)


class FaultViewSet(_Scoped, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin):
    model = Fault
    serializer_class = FaultSerializer
    filterset_class = filters.FaultFilter
    write_permission = "equipment.report_fault"
    action_permissions = {
        "acknowledge": "equipment.work",
        "start_repair": "equipment.work",
        "repaired": "equipment.work",
        "verify": "equipment.verify",
        "reopen": "equipment.verify",
        "close": "equipment.verify",
    }

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().select_related("device")

    def get_serializer_class(self) -> Any:
        if self.action == "create":
            return FaultReportSerializer
        if self.action in self.action_permissions:
            return NoteSerializer
        return FaultSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = FaultReportSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        fault = services.report_fault(actor=request.user, **form.validated_data)
        return Response(FaultSerializer(fault).data, status=status.HTTP_201_CREATED)

    def _step(self, request: Request, fn: Any, **extra: Any) -> Response:
        fault = self.get_object()
        form = NoteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        note = form.validated_data["note"]
        if "resolution" in extra:
            fault = fn(fault, actor=request.user, resolution=note)
        elif "reason" in extra:
            fault = fn(fault, actor=request.user, reason=note)
        else:
            fault = fn(fault, actor=request.user, note=note)
        return Response(FaultSerializer(fault).data)

    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: Any = None) -> Response:
        return self._step(request, services.acknowledge_fault)

    @action(detail=True, methods=["post"], url_path="start-repair")
    def start_repair(self, request: Request, pk: Any = None) -> Response:
        return self._step(request, services.start_repair)

    @action(detail=True, methods=["post"])
    def repaired(self, request: Request, pk: Any = None) -> Response:
        return self._step(request, services.mark_repaired, resolution=True)

    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: Any = None) -> Response:
        return self._step(request, services.verify_fault)

    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: Any = None) -> Response:
        return self._step(request, services.reopen_fault, reason=True)

    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: Any = None) -> Response:
        return self._step(request, services.close_fault)


class PlanSerializer(serializers.ModelSerializer):
    campus = ScopedRelatedField(Campus)
    device = ScopedRelatedField(Device, allow_null=True, required=False)

    class Meta:
        model = MaintenancePlan
        fields = [
            "id",
            "name",
            "campus",
            "device_type",
            "device",
            "interval_months",
            "checklist",
            "assignee",
            "next_due",
            "lead_days",
            "is_active",
        ]


class PlanViewSet(
    _Scoped,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    model = MaintenancePlan
    serializer_class = PlanSerializer
    write_permission = "equipment.manage"
    http_method_names = ["get", "post", "patch", "put", "head", "options"]

    def perform_create(self, serializer: serializers.Serializer) -> None:
        serializer.instance = services.create_plan(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer: serializers.Serializer) -> None:
        serializer.instance = services.update_plan(
            serializer.instance, actor=self.request.user, **serializer.validated_data
        )


class WorkOrderSerializer(serializers.ModelSerializer):
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = WorkOrder
        fields = [
            "id",
            "plan",
            "campus",
            "device",
            "device_type",
            "title",
            "checklist",
            "assignee",
            "due_date",
            "status",
            "results",
            "all_passed",
            "notes",
            "completed_at",
            "completed_by",
            "signature",
            "void_reason",
            "overdue",
        ]
        read_only_fields = fields


class ResultSerializer(serializers.Serializer):
    item = serializers.CharField()
    ok = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CompleteSerializer(serializers.Serializer):
    results = ResultSerializer(many=True)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    password = serializers.CharField(trim_whitespace=False)
    otp = serializers.CharField(required=False, allow_blank=True, default="")


class WorkOrderViewSet(_Scoped, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    model = WorkOrder
    serializer_class = WorkOrderSerializer
    filterset_class = filters.WorkOrderFilter
    action_permissions = {"complete": "equipment.work", "void": "equipment.manage"}

    def get_serializer_class(self) -> Any:
        if self.action == "complete":
            return CompleteSerializer
        if self.action == "void":
            return ReasonSerializer
        return WorkOrderSerializer

    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: Any = None) -> Response:
        wo = self.get_object()
        form = CompleteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        wo = services.complete_work_order(wo, actor=request.user, **form.validated_data)
        return Response(WorkOrderSerializer(wo).data)

    @action(detail=True, methods=["post"])
    def void(self, request: Request, pk: Any = None) -> Response:
        wo = self.get_object()
        form = ReasonSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        wo = services.void_work_order(wo, actor=request.user, reason=form.validated_data["reason"])
        return Response(WorkOrderSerializer(wo).data)


class ChangeRequestSerializer(serializers.ModelSerializer):
    camera = ScopedRelatedField(Camera)
    kind = serializers.ChoiceField(choices=ChangeKind.choices)
    snapshot = serializers.FileField(write_only=True, required=False)

    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "camera",
            "campus",
            "kind",
            "before_value",
            "after_value",
            "reason",
            "snapshot",
            "snapshot_sha256",
            "status",
            "approval",
            "requested_by",
            "created_at",
            "decided_at",
            "implemented_at",
        ]
        read_only_fields = [
            "campus",
            "snapshot_sha256",
            "status",
            "approval",
            "requested_by",
            "created_at",
            "decided_at",
            "implemented_at",
        ]


class ChangeRequestViewSet(
    _Scoped, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin
):
    model = ChangeRequest
    serializer_class = ChangeRequestSerializer
    filterset_class = filters.ChangeRequestFilter
    write_permission = "equipment.change_request"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def perform_create(self, serializer: serializers.Serializer) -> None:
        serializer.instance = services.submit_change_request(
            actor=self.request.user, **serializer.validated_data
        )


def register(router: Any) -> None:
    router.register("equipment/devices", DeviceViewSet, basename="equipment-device")
    router.register("equipment/faults", FaultViewSet, basename="equipment-fault")
    router.register("equipment/plans", PlanViewSet, basename="equipment-plan")
    router.register("equipment/work-orders", WorkOrderViewSet, basename="equipment-workorder")
    router.register("equipment/change-requests", ChangeRequestViewSet, basename="equipment-change")
