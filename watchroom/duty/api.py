"""REST API for duty: rotas, shifts (sign-in, handover, sign-off), log entries, inspections and
handovers, with the same services, scoping and rules as the pages."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from watchroom.api.permissions import RolePermission
from watchroom.lib.errors import ValidationFailed
from watchroom.sites.models import Area, Camera, CameraGroup

from . import paging, services
from .filters import log_query
from .models import (
    Assignment,
    Category,
    Certificate,
    DutySettings,
    EntryPhoto,
    Handover,
    HandoverItem,
    Inspection,
    LateArrival,
    LogEntry,
    Rota,
    Shift,
    ShiftSwap,
    SummarySignoff,
)


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


class EntryPhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = EntryPhoto
        fields = [
            "id",
            "entry",
            "caption",
            "original_name",
            "sha256",
            "size",
            "content_type",
            "uploaded_at",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, obj: EntryPhoto) -> str:
        return reverse("duty:photo_content", args=[obj.pk])


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
    action_permissions = {"publish": "duty.manage", "copy_next": "duty.manage"}
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

    @action(detail=True, methods=["post"], url_path="copy-next")
    def copy_next(self, request: Request, pk: Any = None) -> Response:
        """Next month's draft from this rota's pattern (same weekday four weeks earlier)."""
        from datetime import timedelta

        rota = self.get_object()
        new = services.copy_previous_month(
            rota.room, (rota.month + timedelta(days=32)).replace(day=1), actor=request.user
        )
        return Response(RotaSerializer(new).data, status=status.HTTP_201_CREATED)

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


class EntryCursorPagination(CursorPagination):
    """The log entries newest first, by a cursor (``next`` / ``previous`` links): every page is one
    range read of the room/time/id index, however far back (1,000,000 entries, bench/duty_bench.py).
    A cursor that is not one is a 400 ``invalid_cursor``."""

    ordering = ("-occurred_at", "-id")
    page_size_query_param = "page_size"
    max_page_size = 500

    def decode_cursor(self, request: Request) -> Any:
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationFailed(_("The page cursor is not valid."), code="invalid_cursor") from None


class EntryViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [RolePermission]
    required_permission = "duty.view"
    write_permission = "duty.work"
    serializer_class = EntrySerializer
    pagination_class = EntryCursorPagination

    def get_queryset(self) -> models.QuerySet:
        query = log_query(LogEntry.objects.visible_to(self.request.user), self.request.query_params)
        if self.action != "list" or query.count is None:
            return query.rows
        # a search: read it through the form that suits the number of matches, as the log page does
        reader, _count, _capped = paging.choose_reader(*query)
        return reader

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

    @action(detail=True, methods=["get", "post"], parser_classes=[JSONParser, MultiPartParser, FormParser])
    def photos(self, request: Request, pk: Any = None) -> Response:
        """The entry's photos; POST (multipart ``photo``, ``caption``) adds one while the shift is on
        duty (DUTY-5). The files themselves are read through the page ``duty:photo_content``."""
        entry = self.get_object()
        if request.method == "POST":
            if not request.user.has_perm("duty.work"):
                raise PermissionDenied
            upload = request.FILES.get("photo")
            if upload is None:
                raise ValidationFailed(_("Choose a JPEG or PNG photo."), code="photo_required")
            photo = services.attach_photo(
                entry, actor=request.user, upload=upload, caption=str(request.data.get("caption", ""))
            )
            return Response(EntryPhotoSerializer(photo).data, status=status.HTTP_201_CREATED)
        return Response(EntryPhotoSerializer(entry.photos.all(), many=True).data)

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


class SwapSerializer(serializers.ModelSerializer):
    class Meta:
        model = ShiftSwap
        fields = [
            "id",
            "kind",
            "status",
            "requester",
            "assignment",
            "counterpart",
            "counterpart_assignment",
            "reason",
            "approval",
            "created_at",
            "decided_at",
            "rota_versions",
        ]
        read_only_fields = fields


class SwapInputSerializer(serializers.Serializer):
    assignment = serializers.IntegerField()
    counterpart = serializers.IntegerField()
    counterpart_assignment = serializers.IntegerField(required=False, allow_null=True, default=None)
    reason = serializers.CharField()


class SwapViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Shift swaps (DUTY-9): list, ask for one (a leader decides it in /api/v1/approvals/)."""

    permission_classes = [RolePermission]
    required_permission = "duty.view"
    action_permissions = {"create": "duty.work", "withdraw": "duty.work"}
    serializer_class = SwapSerializer

    def get_queryset(self) -> models.QuerySet:
        qs = ShiftSwap.objects.visible_to(self.request.user)
        if self.request.query_params.get("status"):
            qs = qs.filter(status=self.request.query_params["status"])
        return qs

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        from watchroom.accounts.models import User

        s = SwapInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        visible = Assignment.objects.visible_to(request.user)
        mine = get_object_or_404(visible, pk=d["assignment"])
        counterpart = get_object_or_404(User.objects.filter(is_active=True), pk=d["counterpart"])
        other = (
            get_object_or_404(visible, pk=d["counterpart_assignment"])
            if d["counterpart_assignment"]
            else None
        )
        swap = services.request_swap(
            mine,
            actor=request.user,
            counterpart=counterpart,
            counterpart_assignment=other,
            reason=d["reason"],
        )
        return Response(SwapSerializer(swap).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: Any = None) -> Response:
        swap = services.withdraw_swap(
            self.get_object(), actor=request.user, reason=str(request.data.get("reason", ""))
        )
        return Response(SwapSerializer(swap).data)


class SettingsSerializer(serializers.ModelSerializer):
    class Meta:
        model = DutySettings
        fields = ["room", *services.SETTING_LIMITS, *services.SETTING_CHOICES]
        read_only_fields = fields


class SettingsViewSet(viewsets.ViewSet):
    """The duty settings of a room (by room id): read with duty.view, change with duty.manage through
    ``update_settings`` (a wrong value: 400 with ``details.fields``)."""

    permission_classes = [RolePermission]
    required_permission = "duty.view"
    action_permissions = {"partial_update": "duty.manage"}

    def _room(self, request: Request, pk: Any) -> Any:
        from watchroom.sites.models import MonitoringRoom

        return get_object_or_404(MonitoringRoom.objects.visible_to(request.user), pk=pk)

    def retrieve(self, request: Request, pk: Any = None) -> Response:
        conf = services.settings_for(self._room(request, pk))
        return Response(SettingsSerializer(conf).data)

    def partial_update(self, request: Request, pk: Any = None) -> Response:
        room = self._room(request, pk)
        conf = services.update_settings(room, actor=request.user, **dict(request.data.items()))
        return Response(SettingsSerializer(conf).data)


class CertificateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Certificate
        fields = ["id", "person", "kind", "number", "issued_by", "valid_until", "voided_at", "void_reason"]
        read_only_fields = ["id", "voided_at", "void_reason"]


class CertificateViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The certificate register (DUTY-12): list, register, void (duty.manage)."""

    permission_classes = [RolePermission]
    required_permission = "duty.manage"
    serializer_class = CertificateSerializer

    def get_queryset(self) -> models.QuerySet:
        qs = Certificate.objects.visible_to(self.request.user)
        if self.request.query_params.get("person"):
            qs = qs.filter(person_id=self.request.query_params["person"])
        return qs

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        s = CertificateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        person = get_object_or_404(services.people_visible_to(request.user), pk=d["person"].pk)
        cert = services.add_certificate(
            person,
            actor=request.user,
            kind=d["kind"],
            number=d["number"],
            valid_until=d["valid_until"],
            issued_by=d.get("issued_by", ""),
        )
        return Response(CertificateSerializer(cert).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def void(self, request: Request, pk: Any = None) -> Response:
        cert = services.void_certificate(
            self.get_object(), actor=request.user, reason=str(request.data.get("reason", ""))
        )
        return Response(CertificateSerializer(cert).data)


class SummaryInputSerializer(serializers.Serializer):
    room = serializers.IntegerField()
    period = serializers.ChoiceField(choices=SummarySignoff.Period.choices)
    date = serializers.DateField()


def _signoff_data(so: SummarySignoff) -> dict[str, Any]:
    return {
        "id": so.pk,
        "room": so.room_id,
        "period": so.period,
        "period_start": so.period_start,
        "level": so.level,
        "signed_by": so.signed_by_id,
        "signed_at": so.signed_at,
        "sha256": so.signature.content_sha256,
        "comment": so.comment,
    }


class SummaryViewSet(viewsets.ViewSet):
    """Daily and weekly summaries (DUTY-7): the recent ones with their state, one summary built
    (``build?room=&period=daily|weekly&date=``) and the sign-off (``sign-off``, duty.signoff)."""

    permission_classes = [RolePermission]
    required_permission = "duty.view"
    action_permissions = {"sign_off": "duty.signoff"}

    def _target(self, request: Request, data: Any) -> tuple[Any, Any, Any]:
        from watchroom.sites.models import MonitoringRoom

        s = SummaryInputSerializer(data=data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        room = get_object_or_404(MonitoringRoom.objects.visible_to(request.user), pk=d["room"])
        return room, services.summary_period(d["period"], d["date"]), d

    def list(self, request: Request) -> Response:
        rows = services.recent_summaries(request.user)
        return Response(
            [
                {
                    "room": r["room"].pk,
                    "period": r["period"].period,
                    "start": r["period"].start,
                    "last_day": r["period"].last_day,
                    "ended": r["ended"],
                    "levels": sorted(r["levels"]),
                    "due_at": r["due_at"],
                    "overdue": r["overdue"],
                }
                for r in rows
            ]
        )

    @action(detail=False, methods=["get"])
    def build(self, request: Request) -> Response:
        room, p, _d = self._target(request, request.query_params)
        signoffs = SummarySignoff.objects.filter(room=room, period=p.period, period_start=p.start)
        return Response(
            {
                "summary": services.build_summary(room, p),
                "signoffs": [_signoff_data(so) for so in signoffs.select_related("signature")],
            }
        )

    @action(detail=False, methods=["post"], url_path="sign-off")
    def sign_off(self, request: Request) -> Response:
        room, p, _d = self._target(request, request.data)
        s = SignInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        so = services.sign_off_summary(room, p.period, p.start, actor=request.user, **s.validated_data)
        return Response(_signoff_data(so), status=status.HTTP_201_CREATED)


class LateArrivalSerializer(serializers.ModelSerializer):
    shift = serializers.IntegerField(source="late.shift_id", read_only=True)
    person = serializers.IntegerField(source="late.person_id", read_only=True)
    substitute_person = serializers.IntegerField(source="substitute.person_id", read_only=True)

    class Meta:
        model = LateArrival
        fields = [
            "id",
            "shift",
            "late",
            "person",
            "substitute",
            "substitute_person",
            "reason",
            "expected_at",
            "arranged_by",
            "arranged_at",
            "taken_over_at",
        ]
        read_only_fields = fields


class LateArrivalInputSerializer(serializers.Serializer):
    assignment = serializers.IntegerField()
    substitute = serializers.IntegerField()
    reason = serializers.CharField()
    expected_at = serializers.DateTimeField()


class TakeOverInputSerializer(serializers.Serializer):
    password = serializers.CharField()
    otp = serializers.CharField(required=False, allow_blank=True, default="")
    substitute_password = serializers.CharField()
    substitute_otp = serializers.CharField(required=False, allow_blank=True, default="")


class LateArrivalViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Late arrivals (DUTY-9): name a substitute (the person or the director), and the take-over by
    the late person with both signatures (``take-over``)."""

    permission_classes = [RolePermission]
    required_permission = "duty.view"
    action_permissions = {"create": "duty.work", "take_over": "duty.work"}
    serializer_class = LateArrivalSerializer

    def get_queryset(self) -> models.QuerySet:
        return LateArrival.objects.visible_to(self.request.user).select_related("late", "substitute")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        from watchroom.accounts.models import User

        s = LateArrivalInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        assignment = get_object_or_404(Assignment.objects.visible_to(request.user), pk=d["assignment"])
        substitute = get_object_or_404(User.objects.filter(is_active=True), pk=d["substitute"])
        late = services.arrange_late_arrival(
            assignment,
            actor=request.user,
            substitute=substitute,
            reason=d["reason"],
            expected_at=d["expected_at"],
        )
        return Response(LateArrivalSerializer(late).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], url_path="take-over")
    def take_over(self, request: Request, pk: Any = None) -> Response:
        late = self.get_object()
        s = TakeOverInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        late = services.take_over_from_substitute(late, actor=request.user, **s.validated_data)
        return Response(LateArrivalSerializer(late).data)


def register(router: Any) -> None:
    router.register("duty/rotas", RotaViewSet, basename="duty-rota")
    router.register("duty/shifts", ShiftViewSet, basename="duty-shift")
    router.register("duty/entries", EntryViewSet, basename="duty-entry")
    router.register("duty/inspections", InspectionViewSet, basename="duty-inspection")
    router.register("duty/handovers", HandoverViewSet, basename="duty-handover")
    router.register("duty/swaps", SwapViewSet, basename="duty-swap")
    router.register("duty/settings", SettingsViewSet, basename="duty-settings")
    router.register("duty/certificates", CertificateViewSet, basename="duty-certificate")
    router.register("duty/summaries", SummaryViewSet, basename="duty-summary")
    router.register("duty/late-arrivals", LateArrivalViewSet, basename="duty-late-arrival")
