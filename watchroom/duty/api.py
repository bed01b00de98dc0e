"""REST API for duty: rotas, shifts (sign-in, handover, sign-off), log entries, inspections and
handovers, with the same services, scoping and rules as the pages."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.shortcuts import get_object_or_404
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from watchroom.api.permissions import RolePermission
from watchroom.sites.models import Area, Camera, CameraGroup

from . import services
from .filters import filter_entries
from .models import Assignment, Category, Handover, HandoverItem, Inspection, LogEntry, Rota, Shift


class AssignmentSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="person.username", read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "person",
            "username",
            "post",
            "signed_in_at",
            "minutes_late",
            "handover_late",
            "ended_at",
        ]


class ShiftSerializer(serializers.ModelSerializer):
    assignments = AssignmentSerializer(many=True, read_only=True)
    template = serializers.CharField(source="template.code", read_only=True)
    inspections = serializers.SerializerMethodField()

    class Meta:
        model = Shift
        fields = [
            "id",
            "room",
            "date",
            "template",
            "starts_at",
            "ends_at",
            "state",
            "assignments",
            "inspections",
        ]

    def get_inspections(self, obj: Shift) -> dict[str, int]:
        done, required = services.inspection_counts(obj)
        return {"done": done, "required": required}


class RotaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rota
        fields = ["id", "room", "month", "status", "version"]


class EntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = LogEntry
        fields = [
            "id",
            "shift",
            "room",
            "author",
            "occurred_at",
            "recorded_at",
            "category",
            "area",
            "camera",
            "description",
            "action_taken",
            "reported_to",
            "reported_at",
            "suspect_appearance",
            "suspect_direction",
            "suspect_cameras",
            "is_open",
            "corrects",
            "correction_reason",
            "fault_ref",
        ]
        read_only_fields = fields


class EntryInputSerializer(serializers.Serializer):
    shift = serializers.IntegerField()
    category = serializers.ChoiceField(choices=Category.choices)
    description = serializers.CharField()
    occurred_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    area = serializers.IntegerField(required=False, allow_null=True, default=None)
    camera = serializers.IntegerField(required=False, allow_null=True, default=None)
    action_taken = serializers.CharField(required=False, allow_blank=True, default="")
    reported_to = serializers.CharField(required=False, allow_blank=True, default="")
    reported_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    suspect_appearance = serializers.CharField(required=False, allow_blank=True, default="")
    suspect_direction = serializers.CharField(required=False, allow_blank=True, default="")
    suspect_cameras = serializers.CharField(required=False, allow_blank=True, default="")
    is_open = serializers.BooleanField(required=False, default=False)


class CorrectionInputSerializer(serializers.Serializer):
    reason = serializers.CharField()
    description = serializers.CharField(required=False)
    action_taken = serializers.CharField(required=False, allow_blank=True)
    category = serializers.ChoiceField(choices=Category.choices, required=False)


class InspectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Inspection
        fields = [
            "id",
            "shift",
            "performed_by",
            "started_at",
            "finished_at",
            "automatic",
            "checklist",
            "all_ok",
            "notes",
            "on_time",
            "summary",
            "camera_results",
        ]
        read_only_fields = fields


class InspectionInputSerializer(serializers.Serializer):
    shift = serializers.IntegerField()
    checklist = serializers.DictField()
    groups = serializers.ListField(child=serializers.DictField(), required=False, default=list)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class HandoverItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = HandoverItem
        fields = ["id", "section", "ref", "title", "detail", "acknowledged_by", "acknowledged_at", "note"]


class HandoverSerializer(serializers.ModelSerializer):
    items = HandoverItemSerializer(many=True, read_only=True)

    class Meta:
        model = Handover
        fields = [
            "id",
            "outgoing",
            "incoming",
            "state",
            "created_at",
            "responsibility_passed_at",
            "pdf_sha256",
            "items",
        ]


class SignInputSerializer(serializers.Serializer):
    password = serializers.CharField()
    otp = serializers.CharField(required=False, allow_blank=True, default="")
    comment = serializers.CharField(required=False, allow_blank=True, default="")


def _visible_shift(request: Request, pk: Any) -> Shift:
    return get_object_or_404(Shift.objects.visible_to(request.user), pk=pk)


class RotaViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [RolePermission]
    required_permission = "duty.view"
    action_permissions = {"publish": "duty.manage"}
    serializer_class = RotaSerializer

    def get_queryset(self) -> models.QuerySet:
        return Rota.objects.visible_to(self.request.user)

    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: Any = None) -> Response:
        rota = self.get_object()
        version = services.publish_rota(
            rota, actor=request.user, accept_warnings=bool(request.data.get("accept_warnings", False))
        )
        return Response({"version": version.number, "sha256": version.sha256})

    @action(detail=True, methods=["get"])
    def problems(self, request: Request, pk: Any = None) -> Response:
        return Response([p.__dict__ for p in services.check_rota(self.get_object())])


class ShiftViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [RolePermission]
    required_permission = "duty.view"
    action_permissions = {"sign_in": "duty.work", "handover": "duty.work", "sign_off": "duty.signoff"}
    serializer_class = ShiftSerializer

    def get_queryset(self) -> models.QuerySet:
        qs = (
            Shift.objects.visible_to(self.request.user)
            .select_related("template")
            .prefetch_related("assignments__person")
        )
        params = self.request.query_params
        if params.get("room"):
            qs = qs.filter(room_id=params["room"])
        if params.get("date"):
            qs = qs.filter(date=params["date"])
        if params.get("state"):
            qs = qs.filter(state=params["state"])
        return qs

    @action(detail=True, methods=["post"], url_path="sign-in")
    def sign_in(self, request: Request, pk: Any = None) -> Response:
        a = services.sign_in(self.get_object(), actor=request.user)
        return Response(AssignmentSerializer(a).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def handover(self, request: Request, pk: Any = None) -> Response:
        h = services.open_handover(self.get_object(), actor=request.user, notes=request.data.get("notes", ""))
        return Response(HandoverSerializer(h).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request: Request, pk: Any = None) -> Response:
        s = SignInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        so = services.sign_off_report(self.get_object(), actor=request.user, **s.validated_data)
        return Response(
            {"id": so.pk, "level": so.level, "signed_at": so.signed_at}, status=status.HTTP_201_CREATED
        )


class EntryViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [RolePermission]
    required_permission = "duty.view"
    write_permission = "duty.work"
    serializer_class = EntrySerializer

    def get_queryset(self) -> models.QuerySet:
        return filter_entries(LogEntry.objects.visible_to(self.request.user), self.request.query_params)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        s = EntryInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        shift = _visible_shift(request, d.pop("shift"))
        area_id, camera_id = d.pop("area"), d.pop("camera")
        d["area"] = get_object_or_404(Area.objects.visible_to(request.user), pk=area_id) if area_id else None
        d["camera"] = (
            get_object_or_404(Camera.objects.visible_to(request.user), pk=camera_id) if camera_id else None
        )
        entry = services.add_entry(shift, actor=request.user, **d)
        return Response(EntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: Any = None) -> Response:
        original = self.get_object()
        s = CorrectionInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        entry = services.correct_entry(original, actor=request.user, reason=d.pop("reason"), **d)
        return Response(EntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class InspectionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [RolePermission]
    required_permission = "duty.view"
    write_permission = "duty.work"
    serializer_class = InspectionSerializer

    def get_queryset(self) -> models.QuerySet:
        qs = Inspection.objects.filter(shift__in=Shift.objects.visible_to(self.request.user))
        if self.request.query_params.get("shift"):
            qs = qs.filter(shift_id=self.request.query_params["shift"])
        return qs

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        s = InspectionInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        shift = _visible_shift(request, d["shift"])
        groups = []
        for g in d["groups"]:
            group = get_object_or_404(CameraGroup.objects.visible_to(request.user), pk=g.get("group"))
            groups.append((group, bool(g.get("ok", True)), str(g.get("note", ""))))
        inspection = services.record_inspection(
            shift, actor=request.user, checklist=d["checklist"], group_results=groups, notes=d["notes"]
        )
        return Response(InspectionSerializer(inspection).data, status=status.HTTP_201_CREATED)


class HandoverViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [RolePermission]
    required_permission = "duty.view"
    action_permissions = {"acknowledge": "duty.work", "sign": "duty.work"}
    serializer_class = HandoverSerializer

    def get_queryset(self) -> models.QuerySet:
        return Handover.objects.visible_to(self.request.user).prefetch_related("items")

    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: Any = None) -> Response:
        handover = self.get_object()
        item = get_object_or_404(handover.items.all(), pk=request.data.get("item"))
        services.acknowledge_item(item, actor=request.user, note=request.data.get("note", ""))
        return Response(HandoverSerializer(Handover.objects.get(pk=handover.pk)).data)

    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: Any = None) -> Response:
        handover = self.get_object()
        s = SignInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        if handover.state == Handover.State.OPEN:
            handover = services.sign_handover_outgoing(
                handover, actor=request.user, password=d["password"], otp=d["otp"]
            )
        else:
            handover = services.sign_handover_incoming(
                handover, actor=request.user, password=d["password"], otp=d["otp"]
            )
        return Response(HandoverSerializer(Handover.objects.get(pk=handover.pk)).data)


def register(router: Any) -> None:
    router.register("duty/rotas", RotaViewSet, basename="duty-rota")
    router.register("duty/shifts", ShiftViewSet, basename="duty-shift")
    router.register("duty/entries", EntryViewSet, basename="duty-entry")
    router.register("duty/inspections", InspectionViewSet, basename="duty-inspection")
    router.register("duty/handovers", HandoverViewSet, basename="duty-handover")
