"""REST API for footage: requests (with the introduction letter as multipart), documents (audited
reads), evidence (upload, download with custody, verify, hash lookup), holds, viewings, retention.

Reads need ``footage.view`` (or ``footage.request`` for one's own requests); writes go through the
same services as the pages; everything is scoped (another campus's record is 404)."""

from __future__ import annotations

import mimetypes
from typing import Any

from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from watchroom.api.permissions import RolePermission
from watchroom.sites.models import AreaType, Camera, CameraGroup, Campus
from watchroom.sites.querysets import visible_campus_ids

from . import services, uploads
from .models import (
    AreaRetention,
    CameraRetention,
    Category,
    EvidenceFile,
    FootageRequest,
    Hold,
    Purpose,
    RecorderLink,
    Release,
    RequestDocument,
    RetentionRule,
    Viewing,
)
from .ranges import Unsatisfiable, parse_range


class ScopedPK(serializers.PrimaryKeyRelatedField):
    def __init__(self, model: Any, **kwargs: Any) -> None:
        self.model = model
        kwargs.setdefault("queryset", model.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        return self.model.objects.visible_to(request.user if request else None)


class RangeSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class DocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = RequestDocument
        fields = ["id", "kind", "original_name", "sha256", "size", "content_type", "uploaded_at"]


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvidenceFile
        fields = [
            "id",
            "request",
            "original_name",
            "size",
            "sha256",
            "key_id",
            "status",
            "uploaded_at",
            "last_verified_at",
            "last_verified_ok",
            "integrity_failed_at",
            "destroyed_at",
        ]


class RequestSerializer(serializers.ModelSerializer):
    ranges = RangeSerializer(many=True, read_only=True)
    documents = DocumentSerializer(many=True, read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = FootageRequest
        fields = [
            "id",
            "number",
            "campus",
            "category",
            "unit",
            "names",
            "id_numbers",
            "relation",
            "case_number",
            "purpose_code",
            "purpose_text",
            "access",
            "copy_exception_reason",
            "cameras",
            "ranges",
            "sensitive",
            "status",
            "approval",
            "valid_until",
            "created_at",
            "documents",
            "evidence",
        ]


class RequestCreateSerializer(serializers.Serializer):
    campus = ScopedPK(Campus)
    category = serializers.ChoiceField(choices=Category.choices)
    unit = serializers.CharField(required=False, allow_blank=True, default="")
    names = serializers.CharField()
    id_numbers = serializers.CharField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(required=False, allow_blank=True, default="")
    relation = serializers.CharField(required=False, allow_blank=True, default="")
    case_number = serializers.CharField(required=False, allow_blank=True, default="")
    purpose_code = serializers.ChoiceField(choices=Purpose.choices)
    purpose_text = serializers.CharField()
    access = serializers.ChoiceField(choices=FootageRequest.Access.choices)
    copy_exception_reason = serializers.CharField(required=False, allow_blank=True, default="")
    cameras = ScopedPK(Camera, many=True)
    ranges = serializers.JSONField(help_text='[{"start": "...", "end": "..."}]')
    letter = serializers.FileField(required=False, allow_null=True, default=None)
    id_document = serializers.FileField(required=False, allow_null=True, default=None)

    def validate_ranges(self, value: Any) -> list[tuple[Any, Any]]:
        items = RangeSerializer(data=value, many=True)
        items.is_valid(raise_exception=True)
        return [(r["start"], r["end"]) for r in items.validated_data]


class FootageRead(BasePermission):
    """Read with footage.view or footage.request (the queryset narrows the latter to one's own)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if view.action in ("list", "retrieve", "document"):
            return user.has_perm("footage.view") or user.has_perm("footage.request")
        if view.action == "add_document":
            return user.has_perm("footage.request") or user.has_perm("footage.operate")
        return RolePermission().has_permission(request, view)


class RequestViewSet(viewsets.ReadOnlyModelViewSet, mixins.CreateModelMixin):
    serializer_class = RequestSerializer
    permission_classes = [FootageRead]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    required_permission = "footage.view"
    action_permissions = {
        "create": "footage.request",
        "upload": "footage.operate",
        "release": "footage.operate",
        "acknowledge": "footage.operate",
        "receipt_scan": "footage.operate",
    }

    def get_queryset(self) -> Any:
        return (
            FootageRequest.objects.visible_to(self.request.user)
            .prefetch_related("ranges", "documents", "evidence", "cameras")
            .order_by("-created_at", "-id")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = RequestCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        req = services.register_request(actor=request.user, **data.validated_data)
        return Response(RequestSerializer(req).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"], url_path=r"documents/(?P<doc>\d+)")
    def document(self, request: Request, pk: Any = None, doc: Any = None) -> FileResponse:
        req = self.get_object()
        item = get_object_or_404(RequestDocument.objects.filter(request=req), pk=doc)
        services.view_document(item, actor=request.user)
        return FileResponse(default_storage.open(item.file.name, "rb"), content_type=item.content_type)

    @action(
        detail=True,
        methods=["post"],
        url_path="documents",
        url_name="add-document",
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def add_document(self, request: Request, pk: Any = None) -> Response:
        """Add a document (letter, ID document, other) after registration: multipart ``kind`` and ``file``."""
        req = self.get_object()
        doc = services.add_document(
            req.pk,
            actor=request.user,
            kind=str(request.data.get("kind", "")),
            upload=request.FILES.get("file"),
        )
        return Response(DocumentSerializer(doc).data, status=status.HTTP_201_CREATED)

    @action(
        detail=True,
        methods=["post"],
        url_path="receipt-scan",
        url_name="receipt-scan",
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def receipt_scan(self, request: Request, pk: Any = None) -> Response:
        """The recipient signed the printed receipt: upload its scan (multipart ``file``); releases the copy."""
        req = self.get_object()
        release = get_object_or_404(Release, request=req)
        release = services.attach_paper_receipt(
            release.pk, actor=request.user, upload=request.FILES.get("file")
        )
        return Response(
            {
                "release": release.pk,
                "method": release.method,
                "signed_at": release.signed_at,
                "scan": release.scan_id,
            },
            status=status.HTTP_201_CREATED,
        )

    _sealing: uploads.SealingUploadHandler | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # The export upload seals its files into the vault while they arrive (one pass); the handler
        # must be in place before anything parses the body — session authentication's CSRF check
        # in ``super().initial()`` does for a browser session.
        if self.action == "upload":
            # (an upload announced as too large is not read at all: the handler refuses it and the
            # action answers 413)
            self._sealing = uploads.install(request._request)
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        if self._sealing is not None:
            self._sealing.discard()  # whatever the service did not record leaves the vault
        return super().finalize_response(request, response, *args, **kwargs)

    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, JSONParser])
    def upload(self, request: Request, pk: Any = None) -> Response:
        """Multipart ``files`` (one or more exported files), hashed and encrypted while received;
        an upload over the limit is refused before its body is read (413 ``export_too_large``)."""
        req = self.get_object()
        files = request.FILES.getlist("files")
        if self._sealing is not None and self._sealing.error is not None:
            raise self._sealing.error
        created = services.upload_evidence(req.pk, actor=request.user, files=files)
        return Response(EvidenceSerializer(created, many=True).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def release(self, request: Request, pk: Any = None) -> Response:
        req = self.get_object()
        release = services.prepare_release(
            req.pk,
            actor=request.user,
            recipient_name=str(request.data.get("recipient_name", "")),
            recipient_id_number=str(request.data.get("recipient_id_number", "")),
            recipient_unit=str(request.data.get("recipient_unit", "")),
        )
        return Response({"release": release.pk, "content_sha256": release.content_sha256})

    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: Any = None) -> Response:
        req = self.get_object()
        release = get_object_or_404(Release, request=req)
        release = services.acknowledge_release(
            release.pk,
            actor=request.user,
            typed_name=str(request.data.get("typed_name", "")),
            confirmed=bool(request.data.get("confirmed")),
            ip=request.META.get("REMOTE_ADDR", ""),
        )
        return Response({"release": release.pk, "signed_at": release.signed_at})


class ReExportSerializer(serializers.Serializer):
    request = ScopedPK(FootageRequest)
    recipient_name = serializers.CharField(max_length=100)
    recipient_id_number = serializers.CharField(max_length=100)
    recipient_unit = serializers.CharField(max_length=200)


class EvidenceViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = EvidenceSerializer
    permission_classes = [RolePermission]
    required_permission = "footage.view"
    action_permissions = {
        "download": "footage.vault",
        "view": "footage.vault",
        "re_export": "footage.vault",
        "verify": "footage.vault",
        "lookup": "footage.view",
        "destroy_request": "footage.vault",
        "destruction": "footage.view",
    }

    def get_queryset(self) -> Any:
        return EvidenceFile.objects.visible_to(self.request.user).order_by("id")

    def _relied(self, request: Request) -> FootageRequest | None:
        pk = str(request.query_params.get("request", ""))
        if not pk.isdigit():
            return None
        return get_object_or_404(FootageRequest.objects.visible_to(request.user), pk=int(pk))

    def _stream(self, request: Request, purpose: str, content_type: str) -> StreamingHttpResponse:
        evidence = self.get_object()
        chunks = services.open_evidence(
            evidence.pk, actor=request.user, purpose=purpose, relying_on=self._relied(request)
        )
        response = StreamingHttpResponse(chunks, content_type=content_type)
        response["Content-Length"] = str(evidence.size)
        response["Cache-Control"] = "no-store"
        return response

    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: Any = None) -> StreamingHttpResponse:
        """Decrypted as a stream; ``?request=<id>`` relies on a later approved request (DATA-11)."""
        return self._stream(request, "downloaded", "application/octet-stream")

    @action(detail=True, methods=["get"])
    def view(self, request: Request, pk: Any = None) -> Any:
        """As ``download``, logged as a viewing and typed for playing; honours ``Range`` (206 Partial
        Content, one custody entry per 30-minute viewing session)."""
        evidence = self.get_object()
        content_type = mimetypes.guess_type(evidence.original_name)[0] or "application/octet-stream"
        try:
            wanted = parse_range(request.headers.get("Range", ""), evidence.size)
        except Unsatisfiable:
            return Response(
                {"code": "range_not_satisfiable", "detail": "Range Not Satisfiable"},
                status=status.HTTP_416_REQUESTED_RANGE_NOT_SATISFIABLE,
                headers={"Content-Range": f"bytes */{evidence.size}", "Accept-Ranges": "bytes"},
            )
        if wanted is None:
            response = self._stream(request, "viewed", content_type)
        else:
            chunks = services.open_evidence_range(
                evidence.pk,
                actor=request.user,
                start=wanted.start,
                end=wanted.end,
                relying_on=self._relied(request),
            )
            response = StreamingHttpResponse(chunks, content_type=content_type, status=206)
            response["Content-Range"] = wanted.content_range(evidence.size)
            response["Content-Length"] = str(wanted.length)
            response["Cache-Control"] = "no-store"
        response["Accept-Ranges"] = "bytes"
        return response

    @action(detail=True, methods=["post"], url_path="re-export", url_name="re-export")
    def re_export(self, request: Request, pk: Any = None) -> Response:
        """Re-export for a later approved copy request: ``{"request", "recipient_name",
        "recipient_id_number", "recipient_unit"}``; returns the new receipt's release."""
        evidence = self.get_object()
        data = ReExportSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        release = services.re_export_evidence(evidence.pk, actor=request.user, **data.validated_data)
        return Response(
            {
                "release": release.pk,
                "request": release.request_id,
                "content_sha256": release.content_sha256,
                "evidence": [e.pk for e in release.request.evidence.all()],
            },
            status=status.HTTP_201_CREATED,
        )

    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: Any = None) -> Response:
        evidence = self.get_object()
        ok = services.verify_evidence(evidence.pk, actor=request.user)
        return Response({"ok": ok, "sha256": evidence.sha256})

    @action(detail=True, methods=["post"], url_path="destroy", url_name="destroy")
    def destroy_request(self, request: Request, pk: Any = None) -> Response:
        """Ask a leader to approve destroying this archive copy (DATA-9): ``{"reason": "..."}``."""
        evidence = self.get_object()
        services.request_destruction(
            evidence.pk, actor=request.user, reason=str(request.data.get("reason", ""))
        )
        evidence.refresh_from_db()
        return Response(services.destruction_record(evidence), status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"])
    def destruction(self, request: Request, pk: Any = None) -> Response:
        """The destruction record: what, why, who asked, who approved, and the hash kept (DATA-9)."""
        return Response(services.destruction_record(self.get_object()))

    @action(detail=False, methods=["post"], parser_classes=[JSONParser, MultiPartParser])
    def lookup(self, request: Request) -> Response:
        digest, found = services.lookup_hash(
            actor=request.user, sha256=str(request.data.get("sha256", "")), upload=request.FILES.get("file")
        )
        return Response({"sha256": digest, "matches": EvidenceSerializer(found, many=True).data})


class HoldSerializer(serializers.ModelSerializer):
    cameras = ScopedPK(Camera, many=True)

    class Meta:
        model = Hold
        fields = [
            "id",
            "campus",
            "cameras",
            "start",
            "end",
            "reason",
            "source",
            "request",
            "status",
            "placed_at",
        ]
        read_only_fields = ["campus", "source", "request", "status", "placed_at"]


class HoldViewSet(viewsets.ReadOnlyModelViewSet, mixins.CreateModelMixin):
    serializer_class = HoldSerializer
    permission_classes = [RolePermission]
    required_permission = "footage.view"
    action_permissions = {"create": "footage.operate", "release": "footage.operate"}

    def get_queryset(self) -> Any:
        return (
            Hold.objects.visible_to(self.request.user)
            .prefetch_related("cameras")
            .order_by("-placed_at", "-id")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = HoldSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        hold = services.place_hold(actor=request.user, source="manual", **data.validated_data)
        return Response(HoldSerializer(hold).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def release(self, request: Request, pk: Any = None) -> Response:
        hold = services.request_hold_release(
            self.get_object().pk, actor=request.user, reason=str(request.data.get("reason", ""))
        )
        return Response(HoldSerializer(hold).data)


class ViewingSerializer(serializers.ModelSerializer):
    campus = ScopedPK(Campus)
    cameras = ScopedPK(Camera, many=True)
    request = ScopedPK(FootageRequest, required=False, allow_null=True, default=None)

    class Meta:
        model = Viewing
        fields = [
            "id",
            "campus",
            "viewer_unit",
            "viewer_name",
            "mode",
            "started_at",
            "ended_at",
            "cameras",
            "footage_from",
            "footage_to",
            "purpose",
            "leader_review",
            "request",
            "operator",
            "registered_at",
        ]
        read_only_fields = ["operator", "registered_at"]


class ViewingViewSet(viewsets.ReadOnlyModelViewSet, mixins.CreateModelMixin):
    serializer_class = ViewingSerializer
    permission_classes = [RolePermission]
    required_permission = "footage.view"
    write_permission = "footage.operate"

    def get_queryset(self) -> Any:
        return (
            Viewing.objects.visible_to(self.request.user)
            .prefetch_related("cameras")
            .order_by("-started_at", "-id")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ViewingSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        viewing = services.register_viewing(actor=request.user, **data.validated_data)
        return Response(ViewingSerializer(viewing).data, status=status.HTTP_201_CREATED)


class RetentionSerializer(serializers.ModelSerializer):
    compliant = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = RetentionRule
        fields = [
            "id",
            "campus",
            "group",
            "required_days",
            "oldest_available",
            "compliant",
            "pending_days",
            "pending_effective_at",
        ]


class RetentionSetSerializer(serializers.Serializer):
    group = ScopedPK(CameraGroup)
    required_days = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class RetentionViewSet(viewsets.ReadOnlyModelViewSet, mixins.CreateModelMixin):
    serializer_class = RetentionSerializer
    permission_classes = [RolePermission]
    required_permission = "footage.view"
    write_permission = "footage.retention"

    def get_queryset(self) -> Any:
        return RetentionRule.objects.visible_to(self.request.user).order_by("id")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = RetentionSetSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        rule = services.set_retention(
            data.validated_data["group"],
            actor=request.user,
            **{k: v for k, v in data.validated_data.items() if k != "group"},
        )
        return Response(RetentionSerializer(rule).data, status=status.HTTP_201_CREATED)


class AreaRetentionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AreaRetention
        fields = [
            "id",
            "campus",
            "area_type",
            "required_days",
            "reason",
            "pending_days",
            "pending_effective_at",
            "updated_at",
        ]


class AreaRetentionSetSerializer(serializers.Serializer):
    campus = ScopedPK(Campus)
    area_type = serializers.ChoiceField(choices=AreaType.choices)
    required_days = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class AreaRetentionViewSet(viewsets.ReadOnlyModelViewSet, mixins.CreateModelMixin):
    """Retention per area class (DATA-2, DATA-3); ``effective`` lists each camera's effective retention."""

    serializer_class = AreaRetentionSerializer
    permission_classes = [RolePermission]
    required_permission = "footage.view"
    write_permission = "footage.retention"
    action_permissions = {"effective": "footage.view"}

    def get_queryset(self) -> Any:
        return AreaRetention.objects.visible_to(self.request.user).order_by("id")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = AreaRetentionSetSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        v = data.validated_data
        policy = services.set_area_retention(
            v["campus"],
            v["area_type"],
            actor=request.user,
            required_days=v["required_days"],
            reason=v["reason"],
        )
        return Response(AreaRetentionSerializer(policy).data, status=status.HTTP_201_CREATED)

    @action(detail=False, methods=["get"])
    def effective(self, request: Request) -> Response:
        """Each camera's effective retention, paged. Filters as on the register page: ``campus``,
        ``q`` (camera number or name), ``compliance`` (``ok``, ``short``, ``unknown``); ``totals``
        counts every camera matching ``campus`` and ``q`` on all pages."""
        table = services.RetentionTable(visible_campus_ids(request.user))
        cameras = Camera.objects.visible_to(request.user).select_related("area").order_by("id")
        campus, q = (
            str(request.query_params.get("campus", "")),
            str(request.query_params.get("q", "")).strip(),
        )
        compliance = str(request.query_params.get("compliance", ""))
        if campus.isdigit():
            cameras = cameras.filter(area__campus_id=int(campus))
        if q:
            cameras = cameras.filter(Q(number__icontains=q) | Q(name__icontains=q))
        judged = [(camera, table.effective(camera)) for camera in cameras]
        totals = {"ok": 0, "short": 0, "unknown": 0}
        for _camera, e in judged:
            totals["ok" if e.compliant else "unknown" if e.compliant is None else "short"] += 1
        wanted = {"ok": True, "short": False, "unknown": None}
        if compliance in wanted:
            judged = [(c, e) for c, e in judged if e.compliant is wanted[compliance]]
        page = self.paginate_queryset(judged)
        rows = []
        for camera, e in page if page is not None else judged:
            rows.append(
                {
                    "camera": camera.pk,
                    "number": camera.number,
                    "area_type": camera.area.area_type,
                    "required_days": e.days,
                    "source": e.source,
                    "oldest_available": e.oldest_available,
                    "compliant": e.compliant,
                }
            )
        if page is None:
            return Response(rows)
        response = self.get_paginated_response(rows)
        response.data["totals"] = totals
        return response


class CameraRetentionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CameraRetention
        fields = [
            "id",
            "campus",
            "camera",
            "required_days",
            "reason",
            "oldest_available",
            "oldest_recording_at",
            "checked_at",
            "checked_source",
            "pending_days",
            "pending_effective_at",
            "updated_at",
        ]


class CameraRetentionSetSerializer(serializers.Serializer):
    camera = ScopedPK(Camera)
    required_days = serializers.IntegerField(min_value=1, required=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    oldest_available = serializers.DateField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "required_days" not in attrs and "oldest_available" not in attrs:
            raise serializers.ValidationError(
                _("Give the required retention or the oldest recording available.")
            )
        return attrs


class CameraRetentionViewSet(viewsets.ReadOnlyModelViewSet, mixins.CreateModelMixin):
    """One camera's own retention and its oldest recording available (DATA-2, DATA-3). ``POST``
    sets ``required_days`` (shortening goes to approval, then waits 24 hours) and/or records
    ``oldest_available`` read at an inspection."""

    serializer_class = CameraRetentionSerializer
    permission_classes = [RolePermission]
    required_permission = "footage.view"
    write_permission = "footage.retention"

    def get_queryset(self) -> Any:
        return CameraRetention.objects.visible_to(self.request.user).order_by("id")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = CameraRetentionSetSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        v = data.validated_data
        rule = None
        if "required_days" in v:
            rule = services.set_camera_retention(
                v["camera"], actor=request.user, required_days=v["required_days"], reason=v["reason"]
            )
        if "oldest_available" in v:
            rule = services.record_camera_oldest(
                v["camera"], actor=request.user, oldest_available=v["oldest_available"]
            )
        assert rule is not None
        rule.refresh_from_db()
        return Response(CameraRetentionSerializer(rule).data, status=status.HTTP_201_CREATED)


class RecorderPrincipal:
    """``request.user`` of a recorder asking through its key: authenticated, no person's permissions."""

    is_authenticated = True
    is_active = False
    is_anonymous = False
    pk = None
    role_codes: list[str] = []

    def __init__(self, link: RecorderLink) -> None:
        self.link = link
        self.username = f"recorder:{link.recorder.number}"
        self.real_name = self.username

    def get_username(self) -> str:
        return self.username

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return False


class RecorderKeyAuthentication(authentication.BaseAuthentication):
    """``Authorization: Recorder <key>``; the key is compared by its SHA-256 (as alarm sources)."""

    keyword = "Recorder"

    def authenticate(self, request: Request) -> tuple[RecorderPrincipal, RecorderLink] | None:
        parts = authentication.get_authorization_header(request).decode("latin-1").split()
        if not parts or parts[0] != self.keyword:
            return None
        link = services.recorder_for_key(parts[1]) if len(parts) == 2 else None
        if link is None:
            raise exceptions.AuthenticationFailed(_("Unknown or unlinked recorder."), code="unknown_recorder")
        return RecorderPrincipal(link), link

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class IsRecorder(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        if isinstance(request.auth, RecorderLink):
            return True
        if request.user and request.user.is_authenticated:
            raise exceptions.PermissionDenied(
                _("Only a linked recorder asks this, with its key."), code="recorder_required"
            )
        return False


class DiscardQuestionSerializer(serializers.Serializer):
    channel = serializers.IntegerField(min_value=0)
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class RecorderViewSet(viewsets.ViewSet):
    """For recorders: ``POST may-discard/`` — "may I overwrite channel N from start to end?" —
    answered by the retention rules and the evidence holds (DATA-2, DATA-3, INC-5)."""

    authentication_classes = [RecorderKeyAuthentication, *api_settings.DEFAULT_AUTHENTICATION_CLASSES]
    permission_classes = [IsRecorder]
    serializer_class = DiscardQuestionSerializer

    @action(detail=False, methods=["post"], url_path="may-discard", url_name="may-discard")
    def may_discard(self, request: Request) -> Response:
        data = DiscardQuestionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        answer = services.discard_answer(request.auth, v["channel"], v["start"], v["end"])
        return Response(
            {
                "channel": v["channel"],
                "may_discard": answer.may_discard,
                "required_days": answer.required_days,
                "held": answer.held,
            }
        )


def register(router: Any) -> None:
    router.register("footage/retention-cameras", CameraRetentionViewSet, basename="footage-camera-retention")
    router.register("footage/recorder", RecorderViewSet, basename="footage-recorder")
    router.register("footage/retention-areas", AreaRetentionViewSet, basename="footage-area-retention")
    router.register("footage/requests", RequestViewSet, basename="footage-request")
    router.register("footage/evidence", EvidenceViewSet, basename="footage-evidence")
    router.register("footage/holds", HoldViewSet, basename="footage-hold")
    router.register("footage/viewings", ViewingViewSet, basename="footage-viewing")
    router.register("footage/retention", RetentionViewSet, basename="footage-retention")
