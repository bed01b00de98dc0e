"""Filters shared by the equipment pages and the API; related choices limited to the user's scope."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from watchroom.sites.filters import _areas, _campuses, _Styled
from watchroom.sites.models import DeviceStatus

from .models import ChangeKind, ChangeRequest, Device, DeviceType, Fault, WorkOrder


class DeviceFilter(_Styled):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    campus = django_filters.ModelChoiceFilter(label=_("Campus"), queryset=_campuses)
    area = django_filters.ModelChoiceFilter(label=_("Location"), queryset=_areas)
    device_type = django_filters.ChoiceFilter(label=_("Type"), choices=DeviceType.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=DeviceStatus.choices)
    vendor = django_filters.CharFilter(label=_("Vendor"), lookup_expr="iexact")
    warranty = django_filters.ChoiceFilter(
        label=_("Warranty"),
        choices=[("expired", _("Out of warranty")), ("valid", _("Under warranty"))],
        method="by_warranty",
    )

    class Meta:
        model = Device
        fields = ["q", "campus", "area", "device_type", "status", "vendor", "warranty"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        q = Q(name__icontains=value) | Q(serial__iexact=value) | Q(model__icontains=value)
        if _is_ip(value):
            q |= Q(ip=value)
        return queryset.filter(q)

    def by_warranty(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        today = timezone.localdate()
        if value == "expired":
            return queryset.filter(warranty_until__lt=today)
        if value == "valid":
            return queryset.filter(warranty_until__gte=today)
        return queryset


def _is_ip(value: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


class FaultFilter(_Styled):
    campus = django_filters.ModelChoiceFilter(label=_("Campus"), queryset=_campuses)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Fault.Status.choices)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Fault.Category.choices)
    device_type = django_filters.ChoiceFilter(
        label=_("Device type"), field_name="device__device_type", choices=DeviceType.choices
    )
    source = django_filters.ChoiceFilter(label=_("Source"), choices=Fault.Source.choices)
    open = django_filters.BooleanFilter(label=_("Open only"), method="only_open")
    overdue = django_filters.BooleanFilter(label=_("Over the repair time"), method="only_overdue")
    device = django_filters.NumberFilter(label=_("Device"), field_name="device_id")

    class Meta:
        model = Fault
        fields = ["campus", "status", "category", "device_type", "source", "open", "overdue", "device"]

    def only_open(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        return queryset.open() if value else queryset

    def only_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        return queryset.overdue() if value else queryset


class WorkOrderFilter(_Styled):
    campus = django_filters.ModelChoiceFilter(label=_("Campus"), queryset=_campuses)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=WorkOrder.Status.choices)
    overdue = django_filters.BooleanFilter(label=_("Overdue only"), method="only_overdue")

    class Meta:
        model = WorkOrder
        fields = ["campus", "status", "overdue"]

    def only_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        return queryset.overdue() if value else queryset


class ChangeRequestFilter(_Styled):
    campus = django_filters.ModelChoiceFilter(label=_("Campus"), queryset=_campuses)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ChangeRequest.Status.choices)
    kind = django_filters.ChoiceFilter(label=_("Change"), choices=ChangeKind.choices)

    class Meta:
        model = ChangeRequest
        fields = ["campus", "status", "kind"]
