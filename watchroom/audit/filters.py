"""One filter set for the audit pages, the export and the API (DATA-13, 等保 8.1.4.3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent


class AuditEventFilter(django_filters.FilterSet):
    """Times are entered and shown in the server's time zone (Asia/Shanghai)."""

    at_from = django_filters.DateTimeFilter(
        field_name="at", lookup_expr="gte", label=_("From"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )  # fmt: skip
    at_to = django_filters.DateTimeFilter(
        field_name="at", method="filter_until", label=_("Until"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )  # fmt: skip
    actor = django_filters.CharFilter(field_name="actor_username", lookup_expr="iexact", label=_("Username"))
    action = django_filters.CharFilter(
        field_name="action", lookup_expr="startswith", label=_("Action (prefix)")
    )
    target_type = django_filters.CharFilter(field_name="target_type", label=_("Target type"))
    target_id = django_filters.CharFilter(field_name="target_id", label=_("Target id"))
    request_id = django_filters.CharFilter(field_name="request_id", label=_("Request id"))
    outcome = django_filters.ChoiceFilter(choices=AuditEvent.Outcome.choices, label=_("Outcome"))

    class Meta:
        model = AuditEvent
        fields = ["at_from", "at_to", "actor", "action", "target_type", "target_id", "request_id", "outcome"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            field.widget.attrs.setdefault(
                "class",
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm",
            )

    def filter_until(self, queryset: QuerySet[AuditEvent], name: str, value: Any) -> QuerySet[AuditEvent]:
        """Up to and including the given minute; a date alone includes that whole day."""
        raw = str(self.data.get("at_to", "")).strip()
        end = value + (dt.timedelta(days=1) if len(raw) == 10 else dt.timedelta(minutes=1))
        if len(raw) > 16:  # seconds given: up to and including that second
            end = value + dt.timedelta(seconds=1)
        return queryset.filter(at__lt=end)

    @property
    def qs(self) -> QuerySet[AuditEvent]:
        return super().qs.order_by("-id")

    def describe(self) -> str:
        """The filter as text, for the note of the `audit.viewed`/`audit.exported` event."""
        if not self.is_bound or not self.form.is_valid():
            return ""
        parts = [f"{k}={v}" for k, v in self.data.items() if k in self.filters and v not in ("", None)]
        return "&".join(sorted(parts))[:1000]
