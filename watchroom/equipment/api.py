"""REST API of the equipment app: devices (+ retire, import), faults (+ transitions), maintenance
plans, work orders (+ complete with signature), change requests. Read with `equipment.view`; every
write calls one service; objects outside the user's scope are 404."""

from __future__ import annotations

import json
from typing import Any

from django.db import models
from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from watchroom.api.permissions import RolePermission
from watchroom.sites.api import ScopedRelatedField
from watchroom.sites.models import Area, AreaType, Camera, Campus, Recorder

from . import filters, services, spreadsheet
from .models import (
    ChangeKind,
    ChangeRequest,
    ChangeViolation,
    CoverageRule,
    Device,
    DeviceFile,
    Fault,
    MaintenancePlan,
    WorkOrder,
)


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

    def paginate_queryset(self, queryset: models.QuerySet) -> list[Any] | None:
        """Page the ids (ORDER BY and OFFSET over the covering `equipment_device_order_idx`), then read
        only that page's rows; deep pages no longer read every skipped row (bench/equipment_bench.py)."""
        ids = super().paginate_queryset(queryset.values_list("pk", flat=True))
        if ids is None:
            return None
        rows = Device.objects.in_bulk(list(ids))
        return [rows[pk] for pk in ids]

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
        """All or nothing: 400 with every row's error, or 200 with the counts. A file with other headers
        than the template's takes `mapping`, a JSON object {ledger column: the file's column}."""
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"code": "file_required", "detail": "file"}, status=status.HTTP_400_BAD_REQUEST)
        headers, rows = spreadsheet.read_table(upload.read(), upload.name)
        raw_mapping = request.data.get("mapping")
        if raw_mapping:
            try:
                mapping = json.loads(raw_mapping)
            except ValueError:
                mapping = None
            if not isinstance(mapping, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
            ):
                return Response(
                    {
                        "code": "bad_mapping",
                        "detail": _("The mapping must be a JSON object of column names."),
                    },
                    status=status.HTTP_400_BAD_REQUEST,
                )
            headers, rows = spreadsheet.apply_mapping(headers, rows, mapping)
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

    @action(detail=False, methods=["post"], serializer_class=serializers.Serializer)
    def issue(self, request: Request) -> Response:
        """Issue the due work orders of every plan now (the daily job does it too); {"issued": n}."""
        return Response({"issued": services.issue_due_work_orders(actor=request.user)})


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
    action_permissions = {"implement": "equipment.manage"}
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def perform_create(self, serializer: serializers.Serializer) -> None:
        serializer.instance = services.submit_change_request(
            actor=self.request.user, **serializer.validated_data
        )

    @action(detail=True, methods=["post"], serializer_class=NoteSerializer)
    def implement(self, request: Request, pk: Any = None) -> Response:
        """Record that the approved change was carried out (409 `not_approved` before approval)."""
        cr = self.get_object()
        form = NoteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        cr = services.implement_change(cr, actor=request.user, note=form.validated_data["note"])
        return Response(ChangeRequestSerializer(cr, context=self.get_serializer_context()).data)


class DeviceFileSerializer(serializers.ModelSerializer):
    device = ScopedRelatedField(Device, allow_null=True, required=False)
    work_order = ScopedRelatedField(WorkOrder, allow_null=True, required=False)
    file = serializers.FileField(write_only=True)
    content_url = serializers.SerializerMethodField()

    class Meta:
        model = DeviceFile
        fields = [
            "id",
            "device",
            "work_order",
            "campus",
            "kind",
            "caption",
            "file",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "voided_at",
            "void_reason",
            "content_url",
        ]
        read_only_fields = [
            "campus",
            "kind",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "voided_at",
            "void_reason",
        ]

    def get_content_url(self, obj: DeviceFile) -> str:
        return reverse("equipment:file_content", args=[obj.pk])


class DeviceFileViewSet(_Scoped, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin):
    """Photos and documents of devices and work orders (EQP-1, EQP-4). Upload to a device needs
    `equipment.manage`, to a work order `equipment.work` or `equipment.manage`; `content` returns the
    file and audits the read; `void` needs `equipment.manage`."""

    model = DeviceFile
    serializer_class = DeviceFileSerializer
    filterset_class = filters.DeviceFileFilter
    parser_classes = [MultiPartParser, FormParser]
    action_permissions = {"void": "equipment.manage"}

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().select_related("uploaded_by")

    def perform_create(self, serializer: serializers.Serializer) -> None:
        data = serializer.validated_data
        user = self.request.user
        if data.get("work_order") is not None and data.get("device") is None:
            allowed = user.has_perm("equipment.work") or user.has_perm("equipment.manage")
        else:
            allowed = user.has_perm("equipment.manage")
        if not allowed:
            raise exceptions.PermissionDenied()
        serializer.instance = services.attach_file(
            actor=user,
            upload=data["file"],
            device=data.get("device"),
            work_order=data.get("work_order"),
            caption=data.get("caption", ""),
        )

    @action(detail=True, methods=["get"])
    def content(self, request: Request, pk: Any = None) -> FileResponse:
        item = self.get_object()
        response = FileResponse(
            services.read_file(item, actor=request.user),
            as_attachment=True,
            filename=item.original_name,
            content_type=item.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

    @action(
        detail=True,
        methods=["post"],
        serializer_class=ReasonSerializer,
        parser_classes=[JSONParser, FormParser],
    )
    def void(self, request: Request, pk: Any = None) -> Response:
        item = self.get_object()
        form = ReasonSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        item = services.void_file(item, actor=request.user, reason=form.validated_data["reason"])
        return Response(DeviceFileSerializer(item).data)


class ViolationSerializer(serializers.ModelSerializer):
    camera = ScopedRelatedField(Camera)
    kind = serializers.ChoiceField(choices=ChangeKind.choices, required=False, allow_blank=True, default="")
    detected_by = serializers.CharField(max_length=50, required=False, default="manual")

    class Meta:
        model = ChangeViolation
        fields = [
            "id",
            "camera",
            "campus",
            "kind",
            "detected_by",
            "detail",
            "recorded_by",
            "detected_at",
            "voided_at",
            "voided_by",
            "void_reason",
        ]
        read_only_fields = ["campus", "recorded_by", "detected_at", "voided_at", "voided_by", "void_reason"]


class ViolationViewSet(_Scoped, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin):
    """Unapproved changes (EQP-6): list with the page's filters; record one found by hand
    (`equipment.report_fault`); void with a reason (`equipment.oversee`)."""

    model = ChangeViolation
    serializer_class = ViolationSerializer
    filterset_class = filters.ViolationFilter
    write_permission = "equipment.report_fault"
    action_permissions = {"void": "equipment.oversee"}

    def perform_create(self, serializer: serializers.Serializer) -> None:
        data = serializer.validated_data
        serializer.instance = services.record_unapproved_change(
            data["camera"],
            actor=self.request.user,
            detected_by=data.get("detected_by") or "manual",
            detail=data["detail"],
            kind=data.get("kind", ""),
        )

    @action(detail=True, methods=["post"], serializer_class=ReasonSerializer)
    def void(self, request: Request, pk: Any = None) -> Response:
        violation = self.get_object()
        form = ReasonSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        violation = services.void_unapproved_change(
            violation, actor=request.user, reason=form.validated_data["reason"]
        )
        return Response(ViolationSerializer(violation).data)


class CoverageRuleSerializer(serializers.ModelSerializer):
    campus = ScopedRelatedField(Campus, allow_null=True, required=False)
    area = ScopedRelatedField(Area, allow_null=True, required=False)
    area_type = serializers.ChoiceField(
        choices=AreaType.choices, required=False, allow_blank=True, default=""
    )

    class Meta:
        model = CoverageRule
        fields = [
            "id",
            "scope",
            "campus",
            "area",
            "area_type",
            "note",
            "is_active",
            "created_by",
            "created_at",
            "ended_at",
            "end_reason",
        ]
        read_only_fields = ["is_active", "created_by", "created_at", "ended_at", "end_reason"]
        validators: list[Any] = []


class CoverageRuleViewSet(_Scoped, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin):
    """The stored required-coverage list (EQP-8): read with `equipment.view`, add and end lines with
    `equipment.oversee`."""

    model = CoverageRule
    serializer_class = CoverageRuleSerializer
    write_permission = "equipment.oversee"

    def perform_create(self, serializer: serializers.Serializer) -> None:
        data = serializer.validated_data
        serializer.instance = services.add_coverage_rule(
            actor=self.request.user,
            scope=data["scope"],
            campus=data.get("campus"),
            area=data.get("area"),
            area_type=data.get("area_type", ""),
            note=data.get("note", ""),
        )

    @action(detail=True, methods=["post"], serializer_class=ReasonSerializer)
    def end(self, request: Request, pk: Any = None) -> Response:
        rule = self.get_object()
        form = ReasonSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        rule = services.end_coverage_rule(rule, actor=request.user, reason=form.validated_data["reason"])
        return Response(CoverageRuleSerializer(rule).data)


def register(router: Any) -> None:
    router.register("equipment/files", DeviceFileViewSet, basename="equipment-file")
    router.register("equipment/violations", ViolationViewSet, basename="equipment-violation")
    router.register("equipment/coverage-rules", CoverageRuleViewSet, basename="equipment-coverage-rule")
    router.register("equipment/devices", DeviceViewSet, basename="equipment-device")
    router.register("equipment/faults", FaultViewSet, basename="equipment-fault")
    router.register("equipment/plans", PlanViewSet, basename="equipment-plan")
    router.register("equipment/work-orders", WorkOrderViewSet, basename="equipment-workorder")
    router.register("equipment/change-requests", ChangeRequestViewSet, basename="equipment-change")
