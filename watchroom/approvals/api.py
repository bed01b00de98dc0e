"""REST API: /api/v1/approvals/ (scoped list and detail, submit, decide with signature, withdraw) and
/api/v1/approval-policies/ (security administrator). Same services and scoping as the pages (GOV-3)."""

from __future__ import annotations

from typing import Any

import django_filters
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from watchroom.api.permissions import RolePermission
from watchroom.sites.models import Campus

from . import services
from .models import ApprovalAttachment, ApprovalPolicy, ApprovalRequest, ApprovalStep, Signature

READ_PERMISSIONS = ("approvals.request", "approvals.decide", "approvals.view_all")


class ApprovalsPermission(BasePermission):
    """Reading needs any approvals permission; filing and withdrawing `approvals.request`; deciding
    `approvals.decide`."""

    per_action = {
        "create": "approvals.request",
        "withdraw": "approvals.request",
        "decide": "approvals.decide",
    }

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        code = self.per_action.get(getattr(view, "action", ""))
        if code:
            return bool(user.has_perm(code))
        if view.action not in ("list", "retrieve"):
            return False
        return any(user.has_perm(c) for c in READ_PERMISSIONS)


class SignatureSerializer(serializers.ModelSerializer):
    meaning_label = serializers.CharField(source="get_meaning_display", read_only=True)
    signer = serializers.CharField(source="signer.username", read_only=True)

    class Meta:
        model = Signature
        fields = [
            "id",
            "signer",
            "printed_name",
            "role_label",
            "meaning",
            "meaning_label",
            "signed_at",
            "content_sha256",
        ]


class StepSerializer(serializers.ModelSerializer):
    decided_by = serializers.CharField(source="decided_by.username", read_only=True)
    signature = SignatureSerializer(read_only=True)

    class Meta:
        model = ApprovalStep
        fields = ["level", "role", "decision", "decided_by", "reason", "decided_at", "signature"]


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApprovalAttachment
        fields = ["id", "original_name", "sha256", "size", "content_type", "uploaded_at"]


class ApprovalRequestSerializer(serializers.ModelSerializer):
    requester = serializers.CharField(source="requester.username", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    kind_label = serializers.CharField(read_only=True)
    is_valid_now = serializers.SerializerMethodField()
    steps = StepSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = ApprovalRequest
        fields = [
            "id",
            "kind",
            "kind_label",
            "title",
            "reason",
            "requester",
            "campus",
            "status",
            "status_label",
            "current_level",
            "levels_required",
            "current_role",
            "policy_snapshot",
            "valid_from",
            "valid_until",
            "is_valid_now",
            "expires_at",
            "created_at",
            "decided_at",
            "steps",
            "attachments",
        ]
        read_only_fields = fields

    def get_is_valid_now(self, obj: ApprovalRequest) -> bool:
        return obj.is_valid_now()


class SubmitSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=50)
    title = serializers.CharField(max_length=200)
    reason = serializers.CharField()
    campus = serializers.PrimaryKeyRelatedField(
        queryset=Campus.objects.all(), required=False, allow_null=True
    )
    valid_from = serializers.DateTimeField(required=False, allow_null=True)
    valid_until = serializers.DateTimeField(required=False, allow_null=True)
    attachments = serializers.ListField(child=serializers.FileField(), required=False)


class DecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=ApprovalStep.Decision.choices)
    reason = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False, write_only=True)
    otp = serializers.CharField(required=False, allow_blank=True, default="", write_only=True)


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ApprovalRequestFilter(django_filters.FilterSet):
    class Meta:
        model = ApprovalRequest
        fields = ["status", "kind", "campus"]


class ApprovalRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    permission_classes = [ApprovalsPermission]
    serializer_class = ApprovalRequestSerializer
    filterset_class = ApprovalRequestFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> Any:
        return (
            ApprovalRequest.objects.visible_to(self.request.user)
            .select_related("requester", "campus")
            .prefetch_related("steps__signature__signer", "steps__decided_by", "attachments")
        )

    def get_serializer_class(self) -> Any:
        return {"create": SubmitSerializer, "decide": DecideSerializer, "withdraw": WithdrawSerializer}.get(
            self.action, ApprovalRequestSerializer
        )

    def _detail(self, req: ApprovalRequest, status: int = 200) -> Response:
        fresh = self.get_queryset().get(pk=req.pk)
        return Response(ApprovalRequestSerializer(fresh).data, status=status)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        req = services.submit_request(
            v["kind"],
            actor=request.user,
            title=v["title"],
            reason=v["reason"],
            campus=v.get("campus"),
            attachments=v.get("attachments", []),
            valid_from=v.get("valid_from"),
            valid_until=v.get("valid_until"),
        )
        return self._detail(req, status=201)

    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        req = self.get_object()
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        services.decide(
            req,
            actor=request.user,
            decision=v["decision"],
            reason=v["reason"],
            password=v["password"],
            otp=v.get("otp", ""),
        )
        return self._detail(req)

    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        req = self.get_object()
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.withdraw(req, actor=request.user, reason=data.validated_data["reason"])
        return self._detail(req)


class PolicySerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(read_only=True)

    class Meta:
        model = ApprovalPolicy
        fields = [
            "kind",
            "kind_label",
            "levels",
            "validity_hours",
            "pending_expiry_hours",
            "active",
            "updated_at",
        ]
        read_only_fields = ["kind", "kind_label", "updated_at"]


class ApprovalPolicyViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    permission_classes = [RolePermission]
    required_permission = "approvals.manage_policy"
    write_permission = "approvals.manage_policy"
    serializer_class = PolicySerializer
    lookup_field = "kind"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_queryset(self) -> Any:
        if self.action == "list":
            services.ensure_policies()
        return ApprovalPolicy.objects.all()

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        policy = self.get_object()
        data = self.get_serializer(policy, data=request.data, partial=kwargs.get("partial", False))
        data.is_valid(raise_exception=True)
        v = data.validated_data
        policy = services.update_policy(
            policy,
            actor=request.user,
            levels=v.get("levels", policy.levels),
            validity_hours=v.get("validity_hours", policy.validity_hours),
            pending_expiry_hours=v.get("pending_expiry_hours", policy.pending_expiry_hours),
            active=v.get("active", policy.active),
        )
        return Response(PolicySerializer(policy).data)


def register(router: Any) -> None:
    router.register("approvals", ApprovalRequestViewSet, basename="approvals")
    router.register("approval-policies", ApprovalPolicyViewSet, basename="approval-policies")
