"""Sites pages: the campus tree, areas, monitoring rooms, cameras and recorders; camera and area
import/export (GOV-2, EQP-1, EQP-8). Every object comes through `visible_to()`: outside the user's
scope is 404, without `sites.view` 403. Writes call one service each."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from watchroom.audit import services as audit
from watchroom.lib.errors import DomainError

from . import services, spreadsheet
from .filters import AreaFilter, CameraFilter, RecorderFilter
from .forms import AreaForm, CameraForm, ImportForm, RetireForm
from .models import (
    Area,
    Building,
    Camera,
    Campus,
    DeviceStatus,
    Floor,
    MonitoringRoom,
    PrivacyClass,
    Recorder,
)

VIEW = "sites.view"
MANAGE = "sites.manage"


def _form_error(form: Any, exc: DomainError) -> None:
    form.add_error(None, exc.message)


# --- campuses and areas ------------------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
def campus_list(request: HttpRequest) -> HttpResponse:
    """Campus → buildings → floors → areas, with counts of areas and cameras."""
    user = request.user
    campuses = list(Campus.objects.visible_to(user))
    buildings = list(Building.objects.visible_to(user).filter(campus__in=campuses))
    floors = list(Floor.objects.visible_to(user).filter(building__in=buildings))
    area_counts = {
        (r["campus"], r["building"], r["floor"]): r["n"]
        for r in Area.objects.visible_to(user).values("campus", "building", "floor").annotate(n=Count("pk"))
    }
    camera_counts = {
        r["area__campus"]: r["n"]
        for r in Camera.objects.visible_to(user).in_service().values("area__campus").annotate(n=Count("pk"))
    }
    tree = []
    for campus in campuses:
        b_nodes = []
        for b in (b for b in buildings if b.campus_id == campus.pk):
            f_nodes = [
                {"floor": f, "areas": area_counts.get((campus.pk, b.pk, f.pk), 0)}
                for f in floors
                if f.building_id == b.pk
            ]
            b_areas = sum(n for (c, bb, _f), n in area_counts.items() if c == campus.pk and bb == b.pk)
            b_nodes.append({"building": b, "floors": f_nodes, "areas": b_areas})
        tree.append(
            {
                "campus": campus,
                "buildings": b_nodes,
                "areas": sum(n for (c, _b, _f), n in area_counts.items() if c == campus.pk),
                "outdoor": area_counts.get((campus.pk, None, None), 0),
                "cameras": camera_counts.get(campus.pk, 0),
            }
        )
    return render(request, "sites/campus_list.html", {"tree": tree})


@login_required
@permission_required(VIEW, raise_exception=True)
def campus_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campus = get_object_or_404(Campus.objects.visible_to(request.user), pk=pk)
    areas = (
        Area.objects.visible_to(request.user)
        .filter(campus=campus)
        .select_related("building", "floor")
        .annotate(cameras_n=Count("cameras", filter=~Q(cameras__status=DeviceStatus.RETIRED)))
        .order_by("code")
    )
    return render(
        request,
        "sites/campus_detail.html",
        {
            "campus": campus,
            "areas": areas,
            "rooms": MonitoringRoom.objects.visible_to(request.user).filter(campus=campus),
            "recorders": Recorder.objects.visible_to(request.user).filter(campus=campus),
            "cameras_n": Camera.objects.visible_to(request.user)
            .in_service()
            .filter(area__campus=campus)
            .count(),
        },
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def area_list(request: HttpRequest) -> HttpResponse:
    qs = (
        Area.objects.visible_to(request.user)
        .select_related("campus", "building", "floor")
        .annotate(cameras_n=Count("cameras", filter=~Q(cameras__status=DeviceStatus.RETIRED)))
        .order_by("campus__code", "code")
    )
    f = AreaFilter(request.GET or None, queryset=qs, request=request)
    page = Paginator(f.qs, 100).get_page(request.GET.get("page"))
    return render(request, "sites/area_list.html", {"filter": f, "page": page, "count": page.paginator.count})


@login_required
@permission_required(VIEW, raise_exception=True)
def area_detail(request: HttpRequest, pk: int) -> HttpResponse:
    area = get_object_or_404(
        Area.objects.visible_to(request.user).select_related("campus", "building", "floor"), pk=pk
    )
    cameras = Camera.objects.visible_to(request.user).filter(area=area).select_related("recorder", "group")
    live = [c for c in cameras if c.status != DeviceStatus.RETIRED]
    prohibited_with_cameras = area.privacy_class == PrivacyClass.PROHIBITED and bool(live)
    return render(
        request,
        "sites/area_detail.html",
        {
            "area": area,
            "cameras": cameras,
            "prohibited_with_cameras": prohibited_with_cameras,
            "retire_form": RetireForm(),
        },
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
def area_create(request: HttpRequest) -> HttpResponse:
    form = AreaForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            area = services.create_area(actor=request.user, **form.service_values())
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Area %(name)s created.") % {"name": area.name})
            return redirect(area)
    return render(request, "sites/area_form.html", {"form": form, "area": None})


@login_required
@permission_required(MANAGE, raise_exception=True)
def area_edit(request: HttpRequest, pk: int) -> HttpResponse:
    area = get_object_or_404(Area.objects.visible_to(request.user), pk=pk)
    form = AreaForm(request.POST or None, instance=area, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            area = services.update_area(area, actor=request.user, **form.service_values())
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Area %(name)s saved.") % {"name": area.name})
            return redirect(area)
    return render(request, "sites/area_form.html", {"form": form, "area": area})


@login_required
@permission_required(VIEW, raise_exception=True)
def room_list(request: HttpRequest) -> HttpResponse:
    rooms = (
        MonitoringRoom.objects.visible_to(request.user)
        .select_related("campus", "area")
        .annotate(
            groups_n=Count("camera_groups", distinct=True), recorders_n=Count("recorders", distinct=True)
        )
        .order_by("code")
    )
    return render(request, "sites/room_list.html", {"rooms": rooms})


# --- cameras -----------------------------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
def camera_list(request: HttpRequest) -> HttpResponse:
    qs = Camera.objects.visible_to(request.user).select_related("area__campus", "group", "recorder")
    f = CameraFilter(request.GET or None, queryset=qs, request=request)
    page = Paginator(f.qs, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "sites/camera_list.html",
        {
            "filter": f,
            "page": page,
            "count": page.paginator.count,
            "query": query.urlencode(),
        },
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def camera_detail(request: HttpRequest, pk: int) -> HttpResponse:
    camera = get_object_or_404(
        Camera.objects.visible_to(request.user).select_related("area__campus", "group__room", "recorder"),
        pk=pk,
    )
    return render(request, "sites/camera_detail.html", {"camera": camera, "retire_form": RetireForm()})


@login_required
@permission_required(MANAGE, raise_exception=True)
def camera_create(request: HttpRequest) -> HttpResponse:
    form = CameraForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            camera = services.create_camera(actor=request.user, **form.service_values())
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Camera %(number)s created.") % {"number": camera.number})
            return redirect(camera)
    return render(request, "sites/camera_form.html", {"form": form, "camera": None})


@login_required
@permission_required(MANAGE, raise_exception=True)
def camera_edit(request: HttpRequest, pk: int) -> HttpResponse:
    camera = get_object_or_404(Camera.objects.visible_to(request.user), pk=pk)
    form = CameraForm(request.POST or None, instance=camera, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            camera = services.update_camera(camera, actor=request.user, **form.service_values())
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Camera %(number)s saved.") % {"number": camera.number})
            return redirect(camera)
    return render(request, "sites/camera_form.html", {"form": form, "camera": camera})


@require_POST
@login_required
@permission_required(MANAGE, raise_exception=True)
def camera_retire(request: HttpRequest, pk: int) -> HttpResponse:
    camera = get_object_or_404(Camera.objects.visible_to(request.user), pk=pk)
    form = RetireForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason."))
        return redirect(camera)
    try:
        services.retire_camera(camera, actor=request.user, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Camera %(number)s retired.") % {"number": camera.number})
    return redirect(camera)


@require_POST
@never_cache
@login_required
@permission_required("sites.view_credentials", raise_exception=True)
def camera_reveal_password(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the password once, on a page that is not cached; the read is audited (DATA-8, SEC-2)."""
    camera = get_object_or_404(Camera.objects.visible_to(request.user), pk=pk)
    try:
        password = services.reveal_camera_password(camera, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(camera)
    response = render(
        request,
        "sites/camera_detail.html",
        {
            "camera": camera,
            "retire_form": RetireForm(),
            "revealed_password": password,
        },
    )
    return response


# --- import and export -------------------------------------------------------------------------

KINDS = {
    "camera": {
        "columns": spreadsheet.CAMERA_COLUMNS,
        "validate": spreadsheet.validate_cameras,
        "apply": services.import_cameras,
        "title": "cameras",
        "list": "sites:camera_list",
    },
    "area": {
        "columns": spreadsheet.AREA_COLUMNS,
        "validate": spreadsheet.validate_areas,
        "apply": services.import_areas,
        "title": "areas",
        "list": "sites:area_list",
    },
}


def _import(request: HttpRequest, kind: str) -> HttpResponse:
    spec = KINDS[kind]
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "kind": kind, "columns": spec["columns"]}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            headers, rows = spreadsheet.read_table(upload.read(), upload.name)
            report = spec["validate"](headers, rows, actor=request.user)
            if report.ok:
                result = spec["apply"](report.rows, actor=request.user, file_name=upload.name)
                return render(
                    request,
                    "sites/import_done.html",
                    {"kind": kind, "result": result, "list_url": spec["list"]},
                )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            context["report"] = report
            return render(request, "sites/import_report.html", context, status=400)
    return render(request, "sites/import_form.html", context)


def _export(request: HttpRequest, kind: str, queryset: Any, rows: Any) -> HttpResponse:
    spec = KINDS[kind]
    fmt = request.GET.get("format", "xlsx")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"{spec['title']}-{stamp}"
    count = queryset.count()
    audit.record_read(
        request.user,
        f"sites.{spec['title']}_exported",
        ("export", "", name),
        note=f"format={fmt} rows={count}",
    )
    if fmt == "csv":
        response = HttpResponse(
            spreadsheet.write_csv(spec["columns"], rows(queryset)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    else:
        response = HttpResponse(
            spreadsheet.write_xlsx(spec["columns"], rows(queryset), spec["title"]),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


def _template(request: HttpRequest, kind: str) -> HttpResponse:
    spec = KINDS[kind]
    fmt = request.GET.get("format", "xlsx")
    if fmt == "csv":
        response = HttpResponse(
            spreadsheet.write_csv(spec["columns"], []), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{spec["title"]}-template.csv"'
        return response
    response = HttpResponse(
        spreadsheet.write_xlsx(spec["columns"], [], spec["title"]),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{spec["title"]}-template.xlsx"'
    return response


@login_required
@permission_required(MANAGE, raise_exception=True)
def camera_import(request: HttpRequest) -> HttpResponse:
    return _import(request, "camera")


@login_required
@permission_required(VIEW, raise_exception=True)
def camera_export(request: HttpRequest) -> HttpResponse:
    qs = Camera.objects.visible_to(request.user)
    qs = CameraFilter(request.GET or None, queryset=qs, request=request).qs
    return _export(request, "camera", qs, spreadsheet.camera_rows)


@login_required
@permission_required(MANAGE, raise_exception=True)
def camera_template(request: HttpRequest) -> HttpResponse:
    return _template(request, "camera")


@login_required
@permission_required(MANAGE, raise_exception=True)
def area_import(request: HttpRequest) -> HttpResponse:
    return _import(request, "area")


@login_required
@permission_required(VIEW, raise_exception=True)
def area_export(request: HttpRequest) -> HttpResponse:
    qs = AreaFilter(request.GET or None, queryset=Area.objects.visible_to(request.user), request=request).qs
    return _export(request, "area", qs, spreadsheet.area_rows)


@login_required
@permission_required(MANAGE, raise_exception=True)
def area_template(request: HttpRequest) -> HttpResponse:
    return _template(request, "area")


# --- recorders ---------------------------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
def recorder_list(request: HttpRequest) -> HttpResponse:
    qs = (
        Recorder.objects.visible_to(request.user)
        .select_related("campus", "room")
        .annotate(cameras_n=Count("cameras", filter=~Q(cameras__status=DeviceStatus.RETIRED)))
        .order_by("number")
    )
    f = RecorderFilter(request.GET or None, queryset=qs, request=request)
    return render(request, "sites/recorder_list.html", {"filter": f, "recorders": f.qs})


@login_required
@permission_required(VIEW, raise_exception=True)
def recorder_detail(request: HttpRequest, pk: int) -> HttpResponse:
    recorder = get_object_or_404(
        Recorder.objects.visible_to(request.user).select_related("campus", "room"), pk=pk
    )
    cameras = Camera.objects.visible_to(request.user).filter(recorder=recorder).select_related("area")
    return render(request, "sites/recorder_detail.html", {"recorder": recorder, "cameras": cameras})
