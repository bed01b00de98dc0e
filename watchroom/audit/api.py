"""REST: /api/v1/audit-events/ — read-only, for the audit roles, with the pages' filters (DATA-13).
Reading the trail through the API is audited like reading it on the pages."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers, viewsets
from rest_framework.response import Response

from watchroom.api.permissions import RolePermission

from . import services as audit
from .filters import AuditEventFilter
from .models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    changes = serializers.JSONField(read_only=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id", "at", "actor_id", "actor_username", "actor_name", "actor_roles", "ip", "request_id", "channel",
            "action", "target_type", "target_id", "target_repr", "changes", "outcome", "note", "prev_hash", "hash",
        ]  # fmt: skip
        read_only_fields = fields


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AuditEventSerializer
    permission_classes = [RolePermission]
    required_permission = "audit.view"
    filterset_class = AuditEventFilter

    def get_queryset(self) -> Any:
        return AuditEvent.objects.visible_to(self.request.user).order_by("-id")

    def list(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        filterset = AuditEventFilter(request.query_params or None, queryset=AuditEvent.objects.none())
        audit.record_read(request.user, "audit.viewed", None, note=f"api list {filterset.describe()}".strip())
        return response

    def retrieve(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        response = super().retrieve(request, *args, **kwargs)
        audit.record_read(request.user, "audit.viewed", self.get_object(), note="api detail")
        return response


def register(router: Any) -> None:
    router.register("audit-events", AuditEventViewSet, basename="audit-event")
