"""Health pages: the camera wall with rates, a camera's health history, thresholds, "diagnose now"
and the scoped thumbnail view (EQP-4, KPI-1). Every camera comes through `visible_to()`: another
campus's camera is 404, even its thumbnail."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from watchroom.lib.errors import DomainError
from watchroom.sites.models import Camera, CameraGroup, Campus

from . import accuracy, onvif, rates, services
from .forms import OnvifRegisterForm, ThresholdsForm
from .models import CameraHealth, FaultCode, HealthThresholds, HealthTransition, ProbeResult, Status

VIEW, RUN, MANAGE = "health.view", "health.run", "health.manage"
REGISTER = "sites.manage"  # registering by ONVIF creates a camera
HEALTHY = "healthy"  # the clean class of the accuracy matrix


@login_required
@permission_required(VIEW, raise_exception=True)
def overview(request: HttpRequest) -> HttpResponse:
    """Rates per campus, then a wall of the latest thumbnails with fault badges; filters."""
    cameras = Camera.objects.visible_to(request.user).in_service()
    campus = request.GET.get("campus", "")
    status = request.GET.get("status", "")
    code = request.GET.get("fault", "")
    if campus:
        cameras = cameras.filter(area__campus_id=campus)
    by = request.GET.get("by", "campus")
    by = by if by in ("campus", "room", "group") else "campus"
    summary = rates.summary(cameras, by=by)
    wall = cameras.select_related("area__campus", "health__last_probe").order_by("number")
    if status == Status.UNKNOWN:
        wall = wall.filter(health__isnull=True) | wall.filter(health__status=Status.UNKNOWN)
    elif status:
        wall = wall.filter(health__status=status)
    page = Paginator(wall, 96).get_page(request.GET.get("page"))
    tiles = []
    for camera in page:
        health = getattr(camera, "health", None)
        faults = health.faults if health else []
        if code and code not in faults:
            continue
        tiles.append(
            {
                "camera": camera,
                "health": health,
                "faults": [(f, FaultCode(f).label) for f in faults if f in FaultCode.values],
            }
        )
    return render(
        request,
        "health/overview.html",
        {
            "summary": summary,
            "by": by,
            "tiles": tiles,
            "page": page,
            "campuses": Campus.objects.visible_to(request.user),
            "statuses": Status.choices,
            "codes": FaultCode.choices,
            "filters": {"campus": campus, "status": status, "fault": code},
        },
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def camera_detail(request: HttpRequest, pk: int) -> HttpResponse:
    camera = get_object_or_404(
        Camera.objects.visible_to(request.user).select_related("area__campus", "group"), pk=pk
    )
    health = CameraHealth.objects.filter(camera=camera).select_related("last_probe").first()
    probes = Paginator(ProbeResult.objects.filter(camera=camera), 50).get_page(request.GET.get("page"))
    transitions = HealthTransition.objects.filter(camera=camera)[:100]
    return render(
        request,
        "health/camera_detail.html",
        {
            "camera": camera,
            "health": health,
            "probes": probes,
            "transitions": transitions,
            "thresholds": services.thresholds_for(camera).as_dict(),
            "labels": dict(FaultCode.choices),
        },
    )


@require_POST
@login_required
@permission_required(RUN, raise_exception=True)
def diagnose(request: HttpRequest, pk: int) -> HttpResponse:
    camera = get_object_or_404(Camera.objects.visible_to(request.user), pk=pk)
    try:
        probe = services.run_diagnosis(camera, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Diagnosis done: %(status)s.") % {"status": Status(probe.status).label})
    return redirect("health:camera_detail", pk=camera.pk)


@require_POST
@login_required
@permission_required(MANAGE, raise_exception=True)
def reference_set(request: HttpRequest, pk: int) -> HttpResponse:
    camera = get_object_or_404(Camera.objects.visible_to(request.user), pk=pk)
    try:
        services.set_reference(camera, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The latest picture is now this camera's reference view."))
    return redirect("health:camera_detail", pk=camera.pk)


@never_cache
@login_required
@permission_required(VIEW, raise_exception=True)
def thumbnail(request: HttpRequest, pk: int) -> HttpResponse:
    """A probe's thumbnail, only for a user who may see the camera."""
    probe = get_object_or_404(ProbeResult.objects.visible_to(request.user), pk=pk)
    data = services.read_file(probe.thumbnail)
    if data is None:
        return HttpResponseNotFound()
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=60"
    return response


@never_cache
@login_required
@permission_required(VIEW, raise_exception=True)
def reference_image(request: HttpRequest, pk: int) -> HttpResponse:
    camera = get_object_or_404(Camera.objects.visible_to(request.user), pk=pk)
    health = get_object_or_404(CameraHealth, camera=camera)
    data = services.read_file(health.reference_thumbnail)
    if data is None:
        return HttpResponseNotFound()
    return HttpResponse(data, content_type="image/jpeg")


@login_required
@permission_required(VIEW, raise_exception=True)
def thresholds(request: HttpRequest) -> HttpResponse:
    rows = {t.group_id: t for t in HealthThresholds.objects.visible_to(request.user).select_related("group")}
    groups = CameraGroup.objects.visible_to(request.user).prefetch_related(Prefetch("health_thresholds"))
    return render(
        request,
        "health/thresholds.html",
        {
            "default": rows.get(None),
            "default_minutes": services.probe_intervals()[1],
            "rows": rows,
            "groups": groups,
            "fields": HealthThresholds.VALUE_FIELDS,
        },
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
def thresholds_edit(request: HttpRequest, group: int = 0) -> HttpResponse:
    """Edit the default thresholds (`group` 0) or a camera group's."""
    grp = get_object_or_404(CameraGroup.objects.visible_to(request.user), pk=group) if group else None
    row = HealthThresholds.objects.filter(group=grp).first() or HealthThresholds(group=grp)
    if not row.pk and grp is not None:
        default = HealthThresholds.objects.filter(group=None).first()
        if default:
            for f in HealthThresholds.VALUE_FIELDS:
                setattr(row, f, getattr(default, f))
    form = ThresholdsForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_thresholds(grp, form.cleaned_data, actor=request.user)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Thresholds saved."))
            return redirect("health:thresholds")
    return render(request, "health/thresholds_form.html", {"form": form, "group": grp})


@login_required
@permission_required(VIEW, raise_exception=True)
def accuracy_page(request: HttpRequest) -> HttpResponse:
    """The latest accuracy run on the labelled set: confusion matrix, recall and precision per class,
    targets met or not (EQP-4)."""
    run = accuracy.latest_run()
    labels = {HEALTHY: _("Clean"), **dict(FaultCode.choices)}
    rows = accuracy.table(run) if run else []
    for row in rows:
        row["label"] = labels.get(row["code"], row["code"])
    return render(
        request,
        "health/accuracy.html",
        {
            "run": run,
            "rows": rows,
            "defect_target": accuracy.DEFECT_RECALL_TARGET,
            "clean_target": accuracy.CLEAN_FLAGGED_TARGET,
        },
    )


@login_required
@permission_required(REGISTER, raise_exception=True)
def onvif_register(request: HttpRequest) -> HttpResponse:
    """Register a camera by its ONVIF address: the device gives vendor, model, serial number, stream
    and snapshot addresses (EQP-1)."""
    form = OnvifRegisterForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            camera = onvif.register_camera_by_onvif(
                address=data["address"],
                username=data["username"],
                password=data["password"],
                number=data["number"],
                name=data["name"],
                area=data["area"],
                group=data["group"],
                kind=data["kind"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Camera %(number)s registered by ONVIF: %(vendor)s %(model)s.")
                % {"number": camera.number, "vendor": camera.vendor, "model": camera.model},
            )
            return redirect("health:camera_detail", pk=camera.pk)
    return render(request, "health/onvif_register.html", {"form": form})
