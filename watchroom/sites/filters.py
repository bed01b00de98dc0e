"""Filters shared by the pages and the API (one definition of "cameras of campus X in status Y").

Choices of related objects are limited to what the requesting user may see.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import (
    Area,
    AreaType,
    Building,
    Camera,
    CameraGroup,
    Campus,
    DeviceStatus,
    MonitoringRoom,
    PrivacyClass,
    Recorder,
)


def _campuses(request: Any) -> QuerySet:
    if request is None:
        return Campus.objects.none()
    return Campus.objects.visible_to(request.user)


def _areas(request: Any) -> QuerySet:
    if request is None:
        return Area.objects.none()
    return Area.objects.visible_to(request.user).select_related("campus")


def _groups(request: Any) -> QuerySet:
    if request is None:
        return CameraGroup.objects.none()
    return CameraGroup.objects.visible_to(request.user)


class _Styled(django_filters.FilterSet):
    """Bootstrap classes on the filter form's widgets (compact, for the dense list pages)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            css = (
                "form-select form-select-sm"
                if hasattr(field.widget, "choices")
                else "form-control form-control-sm"
            )
            field.widget.attrs.setdefault("class", css)


class CameraFilter(_Styled):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    campus = django_filters.ModelChoiceFilter(
        label=_("Campus"), field_name="area__campus", queryset=_campuses
    )
    area = django_filters.ModelChoiceFilter(label=_("Area"), queryset=_areas)
    group = django_filters.ModelChoiceFilter(label=_("Camera group"), queryset=_groups)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=DeviceStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=Camera.Kind.choices)
    recorder = django_filters.NumberFilter(label=_("Recorder"), field_name="recorder_id")

    class Meta:
        model = Camera
        fields = ["q", "campus", "area", "group", "status", "kind", "recorder"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value)
            | Q(name__icontains=value)
            | Q(ip__icontains=value)
            | Q(area__name__icontains=value)
            | Q(vendor__icontains=value)
        )


class AreaFilter(_Styled):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    campus = django_filters.ModelChoiceFilter(label=_("Campus"), queryset=_campuses)
    area_type = django_filters.ChoiceFilter(label=_("Area type"), choices=AreaType.choices)
    privacy_class = django_filters.ChoiceFilter(label=_("Privacy class"), choices=PrivacyClass.choices)
    key_area = django_filters.BooleanFilter(label=_("Key area"))
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Area
        fields = ["q", "campus", "area_type", "privacy_class", "key_area", "is_active"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value)) if value else queryset


class RecorderFilter(_Styled):
    campus = django_filters.ModelChoiceFilter(label=_("Campus"), queryset=_campuses)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=DeviceStatus.choices)

    class Meta:
        model = Recorder
        fields = ["campus", "status"]


class CampusFilter(django_filters.FilterSet):
    class Meta:
        model = Campus
        fields = ["is_active"]


class BuildingFilter(django_filters.FilterSet):
    campus = django_filters.ModelChoiceFilter(label=_("Campus"), queryset=_campuses)

    class Meta:
        model = Building
        fields = ["campus", "is_active"]


class RoomFilter(django_filters.FilterSet):
    campus = django_filters.ModelChoiceFilter(label=_("Campus"), queryset=_campuses)

    class Meta:
        model = MonitoringRoom
        fields = ["campus", "is_active"]


class CameraGroupFilter(django_filters.FilterSet):
    campus = django_filters.ModelChoiceFilter(label=_("Campus"), queryset=_campuses)

    class Meta:
        model = CameraGroup
        fields = ["campus", "room", "is_active"]
