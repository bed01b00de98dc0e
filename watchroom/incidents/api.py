"""REST API of alarms and incidents.

- `POST /api/v1/alarms/` — intake, authenticated by the source's key: `Authorization: AlarmSource <key>`.
  201 with the stored alarm; 200 with `"duplicate": true` for an event id already received
  (idempotent per source and event id); 401 `unknown_source`; 400 with a stable `code` for a bad
  payload; nothing is stored on a refusal.
- `GET /api/v1/alarms/`, `POST /api/v1/alarms/{id}/ack/` — people with a token (incidents.view / handle).
- `/api/v1/incidents/` (+ `entry`, `hold`, `close`), `/api/v1/incident-steps/{id}/done|skip/`,
  `/api/v1/playbooks/`, `/api/v1/alarm-sources/`.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from watchroom.api.authentication import ExpiringTokenAuthentication
from watchroom.api.permissions import RolePermission
from watchroom.lib.errors import ValidationFailed
from watchroom.sites.models import Area, Camera, Campus, MonitoringRoom

from . import intake, services
from .models import (
    Alarm,
    AlarmMethod,
    AlarmSource,
    AlarmType,
    Incident,
    IncidentStep,
    IncidentType,
    Playbook,
    Severity,
    SourceKind,
)

MAX_BATCH = 500


class SourcePrincipal:
    """`request.user` of an alarm source: authenticated, with no permissions of a person."""

    is_authenticated = True
    is_active = False
    is_anonymous = False
    pk = None
    role_codes: list[str] = []

    def __init__(self, source: AlarmSource) -> None:
        self.source = source
        self.username = f"source:{source.name}"
        self.real_name = self.username

    def get_username(self) -> str:
        return self.username

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return False


class AlarmSourceAuthentication(authentication.BaseAuthentication):
    """`Authorization: AlarmSource <key>`; the key is compared by its SHA-256."""

    keyword = "AlarmSource"

    def authenticate(self, request: Request) -> tuple[SourcePrincipal, AlarmSource] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        parts = header.split()
        if not parts or parts[0] != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Malformed alarm source header."), code="unknown_source")
        source = services.source_for_key(parts[1])
        if source is None:
            raise exceptions.AuthenticationFailed(
                _("Unknown or retired alarm source."), code="unknown_source"
            )
        return SourcePrincipal(source), source

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class IsAlarmSource(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        if isinstance(request.auth, AlarmSource):
            return True
        if request.user and request.user.is_authenticated:
            raise exceptions.PermissionDenied(
                _("Alarms are posted by alarm sources with their key."), code="alarm_source_required"
            )
        return False


class IntakeBusy(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = intake.BUSY_MESSAGE
    default_code = intake.BUSY_CODE


class AlarmIntakeSerializer(serializers.Serializer):
    event_id = serializers.CharField(max_length=100)
    occurred_at = serializers.CharField()
    alarm_type = serializers.ChoiceField(choices=AlarmType.choices)
    priority = serializers.IntegerField(min_value=1, max_value=4)
    method = serializers.ChoiceField(choices=AlarmMethod.choices, default=AlarmMethod.DEVICE)
    camera = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    area = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    details = serializers.DictField(required=False, default=dict)

    def validate_occurred_at(self, value: str) -> Any:
        moment = parse_datetime(value)
        if moment is None or moment.tzinfo is None:
            raise serializers.ValidationError(_("An ISO 8601 time with a time zone."), code="bad_time")
        return moment


class AlarmSerializer(serializers.ModelSerializer):
    acknowledged_at = serializers.DateTimeField(source="ack.at", read_only=True, default=None)
    acknowledged_by = serializers.CharField(source="ack.by.username", read_only=True, default=None)
    camera = serializers.CharField(source="camera.number", read_only=True, default=None)

    class Meta:
        model = Alarm
        fields = [
            "id",
            "source",
            "source_event_id",
            "occurred_at",
            "received_at",
            "method",
            "alarm_type",
            "priority",
            "campus",
            "room",
            "camera",
            "area",
            "place",
            "description",
            "details",
            "group_key",
            "is_group_head",
            "is_drill",
            "acknowledged_at",
            "acknowledged_by",
        ]
        read_only_fields = fields


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class AlarmViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = AlarmSerializer
    required_permission = services.VIEW
    action_permissions = {"ack": services.HANDLE}
    authentication_classes = [
        AlarmSourceAuthentication,
        ExpiringTokenAuthentication,
        authentication.SessionAuthentication,
    ]

    def get_permissions(self) -> list[Any]:
        if self.action == "create":
            return [IsAlarmSource()]
        return [RolePermission()]

    def get_queryset(self) -> models.QuerySet:
        qs = Alarm.objects.visible_to(self.request.user).select_related("camera", "ack__by").order_by("-id")
        params = self.request.query_params
        if params.get("unacknowledged") in ("1", "true"):
            qs = qs.filter(ack__isnull=True)
        if params.get("room"):
            qs = qs.filter(room_id=params["room"])
        return qs

    def get_serializer_class(self) -> Any:
        return AlarmIntakeSerializer if self.action == "create" else AlarmSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """One alarm (an object) or a batch (a list of up to 500): a batch is validated whole first
        (a bad item refuses the batch, nothing stored) and stored in one transaction (one commit)."""
        batch = isinstance(request.data, list)
        items = request.data if batch else [request.data]
        if batch and not 1 <= len(items) <= MAX_BATCH:
            raise ValidationFailed(_("A batch holds 1 to 500 alarms."), code="bad_batch")
        # one serializer for the whole list: DRF deep-copies a serializer's fields per instance, which
        # was a third of a batch's CPU time (docs/benchmarks.md)
        form = AlarmIntakeSerializer(data=items, many=True)
        if not form.is_valid():
            errors = form.errors  # {index: errors} of the bad items (a list in older DRF versions)
            by_index = errors if isinstance(errors, dict) else dict(enumerate(errors))
            index = min(i for i, e in by_index.items() if e)
            errors = by_index
            raise exceptions.ValidationError({"index": index, **errors[index]} if batch else errors[index])
        fields = [dict(item) for item in form.validated_data]
        if batch:
            results = services.receive_alarms(request.auth, fields)
        else:  # checked here, stored by the process's group commit (intake.py), answered after commit
            try:
                results = [intake.receive(services.prepare_alarm(request.auth, **fields[0]))]
            except intake.IntakeTimeout:
                raise IntakeBusy from None
        answers = [
            {"id": alarm.pk, "group_key": alarm.group_key, "room": alarm.room_id, "duplicate": not created}
            for alarm, created in results
        ]
        created_any = any(not a["duplicate"] for a in answers)
        code = status.HTTP_201_CREATED if created_any else status.HTTP_200_OK
        return Response(answers if batch else answers[0], status=code)

    @action(detail=True, methods=["post"], serializer_class=NoteSerializer)
    def ack(self, request: Request, pk: Any = None) -> Response:
        alarm = self.get_object()
        form = NoteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        acks = services.acknowledge_alarm(alarm.pk, actor=request.user, note=form.validated_data["note"])
        return Response({"acknowledged": [a.alarm_id for a in acks]})


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = IncidentStep
        fields = [
            "id",
            "incident",
            "order",
            "title",
            "responsible_role",
            "contacts",
            "mandatory",
            "status",
            "done_at",
            "done_by",
            "skip_reason",
        ]
        read_only_fields = fields


class IncidentSerializer(serializers.ModelSerializer):
    steps = StepSerializer(many=True, read_only=True)
    alarm_ids = serializers.PrimaryKeyRelatedField(
        source="alarms", many=True, queryset=Alarm.objects.all(), required=False
    )
    camera_ids = serializers.PrimaryKeyRelatedField(
        source="cameras", many=True, queryset=Camera.objects.all(), required=False
    )
    campus = serializers.PrimaryKeyRelatedField(
        queryset=Campus.objects.all(), required=False, allow_null=True
    )
    area = serializers.PrimaryKeyRelatedField(queryset=Area.objects.all(), required=False, allow_null=True)
    incident_type = serializers.ChoiceField(choices=IncidentType.choices)
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.MEDIUM)

    class Meta:
        model = Incident
        fields = [
            "id",
            "number",
            "campus",
            "room",
            "incident_type",
            "severity",
            "title",
            "place",
            "area",
            "camera_ids",
            "alarm_ids",
            "people",
            "description",
            "playbook",
            "is_drill",
            "status",
            "opened_at",
            "opened_by",
            "first_alarm_at",
            "first_ack_at",
            "first_dispatch_at",
            "closed_at",
            "closed_by",
            "outcome",
            "review",
            "steps",
        ]
        read_only_fields = [
            "id",
            "number",
            "room",
            "playbook",
            "is_drill",
            "status",
            "opened_at",
            "opened_by",
            "first_alarm_at",
            "first_ack_at",
            "first_dispatch_at",
            "closed_at",
            "closed_by",
            "outcome",
            "review",
        ]

    def _scoped(self, field: str, qs: models.QuerySet) -> None:
        user = self.context["request"].user
        rel = self.fields[field]
        target = rel.child_relation if hasattr(rel, "child_relation") else rel
        target.queryset = qs.visible_to(user)  # type: ignore[attr-defined]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "request" in self.context:
            self._scoped("alarm_ids", Alarm.objects)
            self._scoped("camera_ids", Camera.objects)
            self._scoped("campus", Campus.objects)
            self._scoped("area", Area.objects)


class EntrySerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=20)
    text = serializers.CharField()
    department = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class HoldSerializer(serializers.Serializer):
    minutes = serializers.IntegerField(min_value=1, max_value=1440, default=services.DEFAULT_HOLD_MINUTES)


class CloseSerializer(serializers.Serializer):
    outcome = serializers.CharField()
    review = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class IncidentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = IncidentSerializer
    permission_classes = [RolePermission]
    required_permission = services.VIEW
    write_permission = services.HANDLE
    action_permissions = {"close": services.MANAGE}

    def get_queryset(self) -> models.QuerySet:
        qs = Incident.objects.visible_to(self.request.user).prefetch_related("steps", "alarms", "cameras")
        if self.request.query_params.get("drill") in ("1", "true"):
            return qs.drills()
        if self.request.query_params.get("drill") in ("0", "false"):
            return qs.real()
        return qs

    def perform_create(self, serializer: serializers.Serializer) -> None:
        d = serializer.validated_data
        serializer.instance = services.open_incident(
            actor=self.request.user,
            campus=d.get("campus"),
            incident_type=d["incident_type"],
            severity=d["severity"],
            title=d.get("title", ""),
            place=d.get("place", ""),
            area=d.get("area"),
            cameras=d.get("cameras", []),
            people=d.get("people", ""),
            description=d.get("description", ""),
            alarms=d.get("alarms", []),
        )

    def _answer(self, incident_id: int) -> Response:
        obj = self.get_queryset().get(pk=incident_id)
        return Response(IncidentSerializer(obj, context=self.get_serializer_context()).data)

    @action(detail=True, methods=["post"], serializer_class=EntrySerializer)
    def entry(self, request: Request, pk: Any = None) -> Response:
        incident = self.get_object()
        form = EntrySerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.add_entry(incident.pk, actor=request.user, **form.validated_data)
        return self._answer(incident.pk)

    @action(detail=True, methods=["post"], serializer_class=HoldSerializer)
    def hold(self, request: Request, pk: Any = None) -> Response:
        incident = self.get_object()
        form = HoldSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        req = services.hold_evidence(incident.pk, actor=request.user, minutes=form.validated_data["minutes"])
        return Response({"status": req.status, "footage_hold": req.footage_hold_id, "error": req.error})

    @action(detail=True, methods=["post"], serializer_class=CloseSerializer)
    def close(self, request: Request, pk: Any = None) -> Response:
        incident = self.get_object()
        form = CloseSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.close_incident(incident.pk, actor=request.user, **form.validated_data)
        return self._answer(incident.pk)


class StepViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = StepSerializer
    permission_classes = [RolePermission]
    required_permission = services.VIEW
    write_permission = services.HANDLE

    def get_queryset(self) -> models.QuerySet:
        return IncidentStep.objects.filter(incident__in=Incident.objects.visible_to(self.request.user))

    @action(detail=True, methods=["post"], serializer_class=NoteSerializer)
    def done(self, request: Request, pk: Any = None) -> Response:
        step = services.complete_step(self.get_object().pk, actor=request.user)
        return Response(StepSerializer(step).data)

    @action(detail=True, methods=["post"], serializer_class=ReasonSerializer)
    def skip(self, request: Request, pk: Any = None) -> Response:
        step = self.get_object()
        form = ReasonSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        step = services.skip_step(step.pk, actor=request.user, reason=form.validated_data["reason"])
        return Response(StepSerializer(step).data)


class PlaybookStepInput(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    role = serializers.CharField(max_length=20)
    contacts = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    mandatory = serializers.BooleanField(default=True)


class PlaybookSerializer(serializers.ModelSerializer):
    steps = serializers.SerializerMethodField()
    new_steps = PlaybookStepInput(many=True, write_only=True)

    class Meta:
        model = Playbook
        fields = ["id", "incident_type", "name", "version", "is_active", "created_at", "steps", "new_steps"]
        read_only_fields = ["id", "version", "is_active", "created_at", "steps"]

    def get_steps(self, obj: Playbook) -> list[dict[str, Any]]:
        return [
            {
                "order": s.order,
                "title": s.title,
                "role": s.responsible_role,
                "contacts": s.contacts,
                "mandatory": s.mandatory,
            }
            for s in obj.steps.all()
        ]


class PlaybookViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = PlaybookSerializer
    permission_classes = [RolePermission]
    required_permission = services.VIEW
    write_permission = services.MANAGE

    def get_queryset(self) -> models.QuerySet:
        return Playbook.objects.visible_to(self.request.user).prefetch_related("steps")

    def perform_create(self, serializer: serializers.Serializer) -> None:
        d = serializer.validated_data
        serializer.instance = services.publish_playbook(
            actor=self.request.user, incident_type=d["incident_type"], name=d["name"], steps=d["new_steps"]
        )


class SourceSerializer(serializers.ModelSerializer):
    room = serializers.PrimaryKeyRelatedField(queryset=MonitoringRoom.objects.all())
    kind = serializers.ChoiceField(choices=SourceKind.choices)

    class Meta:
        model = AlarmSource
        fields = ["id", "campus", "room", "name", "kind", "key_prefix", "is_active", "created_at"]
        read_only_fields = ["id", "campus", "key_prefix", "is_active", "created_at"]


class SourceViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Alarm sources. The key is in the answer to the create call only."""

    serializer_class = SourceSerializer
    permission_classes = [RolePermission]
    required_permission = services.MANAGE

    def get_queryset(self) -> models.QuerySet:
        return AlarmSource.objects.visible_to(self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = SourceSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        room = form.validated_data["room"]
        if not MonitoringRoom.objects.visible_to(request.user).filter(pk=room.pk).exists():
            raise ValidationFailed(_("Unknown room."), code="unknown_room")
        source, key = services.create_source(
            actor=request.user,
            campus=room.campus,
            room=room,
            name=form.validated_data["name"],
            kind=form.validated_data["kind"],
        )
        return Response({**SourceSerializer(source).data, "key": key}, status=status.HTTP_201_CREATED)


def register(router: Any) -> None:
    router.register("alarms", AlarmViewSet, basename="incidents-alarm")
    router.register("incidents", IncidentViewSet, basename="incidents-incident")
    router.register("incident-steps", StepViewSet, basename="incidents-step")
    router.register("playbooks", PlaybookViewSet, basename="incidents-playbook")
    router.register("alarm-sources", SourceViewSet, basename="incidents-source")
