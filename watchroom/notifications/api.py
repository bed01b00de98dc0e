"""REST API: /api/v1/notifications/ — my own notifications (list, retrieve) and the action `read`."""

from __future__ import annotations

from typing import Any

from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from . import services
from .models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    unread = serializers.BooleanField(source="is_unread", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at", "unread", "actor_name"]
        read_only_fields = fields


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Every signed-in person reads their own notifications only; another person's is 404."""

    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["kind"]

    def get_queryset(self) -> Any:
        qs = Notification.objects.visible_to(self.request.user).order_by("-created_at", "-id")
        unread = self.request.query_params.get("unread")
        if unread in {"1", "true"}:
            qs = qs.unread()
        return qs

    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: Any = None) -> Response:
        notification = services.mark_read(self.get_object(), actor=request.user)
        return Response(self.get_serializer(notification).data)


def register(router: Any) -> None:
    router.register("notifications", NotificationViewSet, basename="notification")
