"""Equipment pages: the ledger, faults, maintenance, change control, coverage and KPIs (EQP-1…8,
INC-9, KPI-1). Every object comes through `visible_to()` (outside the scope: 404; without the
permission: 403); every write calls one service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from watchroom.approvals.models import Signature
from watchroom.audit import services as audit
from watchroom.audit.models import AuditEvent
from watchroom.lib.errors import DomainError
from watchroom.sites.models import Camera, Recorder

from . import kpis, services, spreadsheet
from .filters import ChangeRequestFilter, DeviceFilter, FaultFilter, ViolationFilter, WorkOrderFilter
from .forms import (
    ChangeRequestForm,
    ColumnMappingForm,
    CoverageRuleForm,
    DeviceForm,
    FaultReportForm,
    FileUploadForm,
    ImportForm,
    NoteForm,
    PlanForm,
    RequiredNoteForm,
    RetireForm,
    SlaForm,
    ViolationForm,
    WorkOrderCompleteForm,
)
from .models import (
    ChangeRequest,
    ChangeViolation,
    CoverageRule,
    Device,
    DeviceFile,
    Fault,
    MaintenancePlan,
    WorkOrder,
)

VIEW = "equipment.view"
MANAGE = "equipment.manage"


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- devices -----------------------------------------------------------------------------------


def _device_page(qs: Any, number: Any, *, search: bool) -> Any:
    """One page of the ledger in two steps: the page's ids (ORDER BY and OFFSET walk the covering
    index `equipment_device_order_idx`, no row reads), then those rows. A substring search must read
    every device in scope anyway, so it does that once for the count and the page, not twice.
    Measured in bench/equipment_bench.py (docs/benchmarks.md)."""
    ids_qs = qs.values_list("pk", flat=True)
    paginator = Paginator(list(ids_qs) if search else ids_qs, 50)
    page = paginator.get_page(number)
    pks = list(page.object_list)
    rows = (
        Device.objects.filter(pk__in=pks)
        # the campus by prefetch, not a join (a join made SQLite sort every device in scope)
        .select_related("area")
        .prefetch_related("campus")
        .in_bulk()
    )
    page.object_list = [rows[pk] for pk in pks]
    return page


@login_required
@permission_required(VIEW, raise_exception=True)
def device_list(request: HttpRequest) -> HttpResponse:
    qs = Device.objects.visible_to(request.user).order_by("campus_id", "device_type", "name", "id")
    f = DeviceFilter(request.GET or None, queryset=qs, request=request)
    search = bool(f.is_bound and f.form.is_valid() and (f.form.cleaned_data.get("q") or "").strip())
    page = _device_page(f.qs, request.GET.get("page"), search=search)
    return render(
        request,
        "equipment/device_list.html",
        {"filter": f, "page": page, "count": page.paginator.count, "query": _query(request)},
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def device_detail(request: HttpRequest, pk: int) -> HttpResponse:
    device = get_object_or_404(
        Device.objects.visible_to(request.user).select_related("campus", "area", "camera", "recorder"), pk=pk
    )
    history = AuditEvent.objects.filter(target_type="equipment.device", target_id=str(device.pk)).order_by(
        "-id"
    )[:50]
    return render(
        request,
        "equipment/device_detail.html",
        {
            "device": device,
            "faults": device.faults.all()[:50],
            "status_changes": device.status_changes.select_related("actor").order_by("-at")[:50],
            "work_orders": device.work_orders.all().order_by("-due_date")[:20],
            "history": history,
            "retire_form": RetireForm(),
            "files": device.files.select_related("uploaded_by", "voided_by"),
            "upload_form": FileUploadForm(),
        },
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
def device_create(request: HttpRequest) -> HttpResponse:
    form = DeviceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.create_device(actor=request.user, **form.service_values())
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Device %(name)s added.") % {"name": device.name})
            return redirect(device)
    return render(request, "equipment/device_form.html", {"form": form, "device": None})


@login_required
@permission_required(MANAGE, raise_exception=True)
def device_edit(request: HttpRequest, pk: int) -> HttpResponse:
    device = get_object_or_404(Device.objects.visible_to(request.user), pk=pk)
    form = DeviceForm(request.POST or None, instance=device, user=request.user)
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        if device.camera_id or device.recorder_id:
            values.pop("device_type", None)
            values.pop("campus", None)
        try:
            device = services.update_device(device, actor=request.user, **values)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Device %(name)s saved.") % {"name": device.name})
            return redirect(device)
    return render(request, "equipment/device_form.html", {"form": form, "device": device})


@require_POST
@login_required
@permission_required(MANAGE, raise_exception=True)
def device_retire(request: HttpRequest, pk: int) -> HttpResponse:
    device = get_object_or_404(Device.objects.visible_to(request.user), pk=pk)
    form = RetireForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason."))
        return redirect(device)
    try:
        services.retire_device(device, actor=request.user, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Device %(name)s retired.") % {"name": device.name})
    return redirect(device)


@require_POST
@login_required
@permission_required(MANAGE, raise_exception=True)
def device_sync(request: HttpRequest) -> HttpResponse:
    """Create ledger rows for the cameras and recorders in scope that have none yet."""
    n = 0
    for camera in Camera.objects.visible_to(request.user).filter(device__isnull=True).select_related("area"):
        services.ensure_device_for_camera(camera, actor=request.user)
        n += 1
    for recorder in Recorder.objects.visible_to(request.user).filter(device__isnull=True):
        services.ensure_device_for_recorder(recorder, actor=request.user)
        n += 1
    messages.success(request, _("%(n)d devices added to the ledger.") % {"n": n})
    return redirect("equipment:device_list")


def _mapping_form(headers: list[str], data: Any = None, initial: Any = None) -> ColumnMappingForm:
    return ColumnMappingForm(
        data,
        initial=initial,
        headers=headers,
        columns=spreadsheet.COLUMNS,
        required=spreadsheet.REQUIRED,
    )


def _check_and_import(
    request: HttpRequest,
    headers: list[str],
    rows: list[tuple[int, dict[str, str]]],
    file_name: str,
    context: dict[str, Any],
    template: str,
    mapping: dict[str, str] | None = None,
) -> HttpResponse:
    """Validate every row; import when all are good (the done page), else the page with the report."""
    report = spreadsheet.validate_devices(headers, rows, actor=request.user)
    if report.ok:
        result = services.import_devices(report.rows, actor=request.user, file_name=file_name)
        return render(request, "equipment/import_done.html", {"result": result, "file_name": file_name})
    context["report"] = report
    context["errors"] = [
        {
            "row": e.row,
            "column": e.column,
            "file_column": (mapping or {}).get(e.column, ""),
            "message": e.message,
        }
        for e in report.errors
    ]
    return render(request, template, context, status=400)


def _preview(headers: list[str], rows: list[tuple[int, dict[str, str]]]) -> list[list[str]]:
    return [[row.get(h, "") for h in headers if h] for _line, row in rows[:3]]


@login_required
@permission_required(MANAGE, raise_exception=True)
def device_import(request: HttpRequest) -> HttpResponse:
    """Upload → (column mapping when the file's headers are not the template's) → check → import.
    A file with the template's headers is checked and imported at once; any other file is kept for
    an hour while the user maps its columns (`spreadsheet.stage_upload`)."""
    if request.method == "POST" and "token" in request.POST:
        return _device_import_mapped(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "columns": spreadsheet.COLUMNS}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            headers, rows = spreadsheet.read_table(data, upload.name)
            if spreadsheet.needs_mapping(headers):
                token = spreadsheet.stage_upload(data, upload.name, user=request.user)
                guess = spreadsheet.guess_mapping(headers)
                initial = {
                    "token": token,
                    **{f"col_{i}": guess.get(c, "") for i, c in enumerate(spreadsheet.COLUMNS)},
                }
                mapping_form = _mapping_form(headers, initial=initial)
                return render(
                    request,
                    "equipment/import_mapping.html",
                    {
                        "form": mapping_form,
                        "file_name": upload.name,
                        "row_count": len(rows),
                        "headers": [h for h in headers if h],
                        "preview": _preview(headers, rows),
                    },
                )
            return _check_and_import(
                request, headers, rows, upload.name, context, "equipment/import_form.html"
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
    return render(request, "equipment/import_form.html", context, status=400 if form.errors else 200)


def _device_import_mapped(request: HttpRequest) -> HttpResponse:
    token = request.POST.get("token", "")
    try:
        data, file_name = spreadsheet.load_staged(token, user=request.user)
        headers, rows = spreadsheet.read_table(data, file_name)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("equipment:device_import")
    form = _mapping_form(headers, data=request.POST)
    context: dict[str, Any] = {
        "form": form,
        "file_name": file_name,
        "row_count": len(rows),
        "headers": [h for h in headers if h],
        "preview": _preview(headers, rows),
    }
    if form.is_valid():
        mapping = form.mapping()
        try:
            mapped_headers, mapped_rows = spreadsheet.apply_mapping(headers, rows, mapping)
            response = _check_and_import(
                request,
                mapped_headers,
                mapped_rows,
                file_name,
                context,
                "equipment/import_mapping.html",
                mapping,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if response.status_code == 200:
                spreadsheet.discard_staged(token, user=request.user)
            return response
    return render(request, "equipment/import_mapping.html", context, status=400)


def _sheet_response(data: bytes, name: str, fmt: str) -> HttpResponse:
    if fmt == "csv":
        response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{"csv" if fmt == "csv" else "xlsx"}"'
    return response


@login_required
@permission_required(VIEW, raise_exception=True)
def device_export(request: HttpRequest) -> HttpResponse:
    qs = Device.objects.visible_to(request.user)
    qs = DeviceFilter(request.GET or None, queryset=qs, request=request).qs
    fmt = request.GET.get("format", "xlsx")
    name = f"devices-{timezone.localtime():%Y%m%d-%H%M}"
    audit.record_read(
        request.user,
        "equipment.devices_exported",
        ("export", "", name),
        note=f"format={fmt} rows={qs.count()}",
    )
    rows = spreadsheet.device_rows(qs)
    if fmt == "csv":
        return _sheet_response(spreadsheet.write_csv(spreadsheet.COLUMNS, rows), name, "csv")
    return _sheet_response(spreadsheet.write_xlsx(spreadsheet.COLUMNS, rows, "devices"), name, "xlsx")


@login_required
@permission_required(MANAGE, raise_exception=True)
def device_template(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "xlsx")
    if fmt == "csv":
        return _sheet_response(spreadsheet.write_csv(spreadsheet.COLUMNS, []), "devices-template", "csv")
    return _sheet_response(
        spreadsheet.write_xlsx(spreadsheet.COLUMNS, [], "devices"), "devices-template", "xlsx"
    )


# --- faults ------------------------------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
def fault_list(request: HttpRequest) -> HttpResponse:
    qs = Fault.objects.visible_to(request.user).select_related("device", "campus")
    f = FaultFilter(request.GET or None, queryset=qs, request=request)
    page = Paginator(f.qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "equipment/fault_list.html",
        {"filter": f, "page": page, "count": page.paginator.count, "query": _query(request)},
    )


# action -> (service, permission, form needs a note, label)
FAULT_ACTIONS: dict[str, tuple[Any, str, bool]] = {
    "acknowledge": (services.acknowledge_fault, "equipment.work", False),
    "start_repair": (services.start_repair, "equipment.work", False),
    "repaired": (services.mark_repaired, "equipment.work", True),
    "verify": (services.verify_fault, "equipment.verify", False),
    "reopen": (services.reopen_fault, "equipment.verify", True),
    "close": (services.close_fault, "equipment.verify", False),
}
_ALLOWED_FROM = {
    "reported": ["acknowledge", "start_repair", "repaired"],
    "acknowledged": ["start_repair", "repaired"],
    "in_repair": ["repaired"],
    "repaired": ["verify", "reopen"],
    "verified": ["close"],
    "closed": [],
}


@login_required
@permission_required(VIEW, raise_exception=True)
def fault_detail(request: HttpRequest, pk: int) -> HttpResponse:
    fault = get_object_or_404(
        Fault.objects.visible_to(request.user).select_related(
            "device", "device__area", "campus", "reported_by", "repaired_by"
        ),
        pk=pk,
    )
    actions = [a for a in _ALLOWED_FROM[fault.status] if request.user.has_perm(FAULT_ACTIONS[a][1])]
    return render(
        request,
        "equipment/fault_detail.html",
        {
            "fault": fault,
            "transitions": fault.transitions.select_related("actor"),
            "actions": actions,
            "note_form": NoteForm(),
        },
    )


@login_required
@permission_required("equipment.report_fault", raise_exception=True)
def fault_report(request: HttpRequest) -> HttpResponse:
    initial = {}
    if request.GET.get("device"):
        initial["device"] = request.GET["device"]
    form = FaultReportForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            fault = services.report_fault(
                actor=request.user,
                device=form.cleaned_data["device"],
                category=form.cleaned_data["category"],
                symptom=form.cleaned_data["symptom"],
                occurred_at=form.cleaned_data.get("occurred_at"),
                source=request.GET.get("source", "manual")
                if request.GET.get("source") in ("manual", "duty")
                else "manual",
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Fault #%(id)s registered; the security department has been told.") % {"id": fault.pk},
            )
            return redirect(fault)
    return render(request, "equipment/fault_form.html", {"form": form})


@require_POST
@login_required
@permission_required(VIEW, raise_exception=True)
def fault_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in FAULT_ACTIONS:
        raise Http404
    service, permission, needs_note = FAULT_ACTIONS[action]
    if not request.user.has_perm(permission):
        raise PermissionDenied
    fault = get_object_or_404(Fault.objects.visible_to(request.user), pk=pk)
    form = (RequiredNoteForm if needs_note else NoteForm)(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a note."))
        return redirect(fault)
    note = form.cleaned_data["note"]
    try:
        if action == "repaired":
            service(fault, actor=request.user, resolution=note)
        elif action == "reopen":
            service(fault, actor=request.user, reason=note)
        else:
            service(fault, actor=request.user, note=note)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(fault)


@login_required
@permission_required(MANAGE, raise_exception=True)
def sla_settings(request: HttpRequest) -> HttpResponse:
    form = SlaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        current = {name: field.initial for name, field in form.fields.items()}
        try:
            for device_type, hours in form.cleaned_data.items():
                if hours != current.get(device_type):
                    services.set_sla_hours(device_type, hours, actor=request.user)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Repair times saved."))
            return redirect("equipment:sla_settings")
    return render(request, "equipment/sla_form.html", {"form": form})


# --- maintenance -------------------------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = MaintenancePlan.objects.visible_to(request.user).select_related("campus", "device", "assignee")
    return render(request, "equipment/plan_list.html", {"plans": plans})


@login_required
@permission_required(VIEW, raise_exception=True)
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(
        MaintenancePlan.objects.visible_to(request.user).select_related("campus", "device", "assignee"), pk=pk
    )
    return render(
        request,
        "equipment/plan_detail.html",
        {"plan": plan, "orders": plan.work_orders.select_related("assignee").order_by("-due_date")[:50]},
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
def plan_create(request: HttpRequest) -> HttpResponse:
    form = PlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_plan(actor=request.user, **form.service_values())
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Plan %(name)s created.") % {"name": plan.name})
            return redirect(plan)
    return render(request, "equipment/plan_form.html", {"form": form, "plan": None})


@login_required
@permission_required(MANAGE, raise_exception=True)
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(MaintenancePlan.objects.visible_to(request.user), pk=pk)
    form = PlanForm(request.POST or None, instance=plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.update_plan(plan, actor=request.user, **form.service_values())
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Plan %(name)s saved.") % {"name": plan.name})
            return redirect(plan)
    return render(request, "equipment/plan_form.html", {"form": form, "plan": plan})


@require_POST
@login_required
@permission_required(MANAGE, raise_exception=True)
def plan_issue(request: HttpRequest) -> HttpResponse:
    """Issue the due work orders now (the timed job does this every few hours)."""
    n = services.issue_due_work_orders(actor=request.user)
    messages.success(request, _("%(n)d work orders issued.") % {"n": n})
    return redirect("equipment:workorder_list")


@login_required
@permission_required(VIEW, raise_exception=True)
def workorder_list(request: HttpRequest) -> HttpResponse:
    qs = WorkOrder.objects.visible_to(request.user).select_related("campus", "device", "assignee", "plan")
    if not request.GET.get("status") and not request.GET.get("overdue"):
        qs = qs.order_by("status", "due_date", "id")
    f = WorkOrderFilter(request.GET or None, queryset=qs, request=request)
    page = Paginator(f.qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "equipment/workorder_list.html",
        {"filter": f, "page": page, "count": page.paginator.count, "query": _query(request)},
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def workorder_detail(request: HttpRequest, pk: int) -> HttpResponse:
    wo = get_object_or_404(
        WorkOrder.objects.visible_to(request.user).select_related("campus", "device", "assignee", "plan"),
        pk=pk,
    )
    return render(
        request,
        "equipment/workorder_detail.html",
        {
            "wo": wo,
            "signatures": Signature.for_object(wo),
            "void_form": RetireForm(),
            "files": wo.files.select_related("uploaded_by", "voided_by"),
            "upload_form": FileUploadForm(photos_only=True),
        },
    )


@login_required
@permission_required("equipment.work", raise_exception=True)
def workorder_complete(request: HttpRequest, pk: int) -> HttpResponse:
    wo = get_object_or_404(WorkOrder.objects.visible_to(request.user), pk=pk)
    form = WorkOrderCompleteForm(request.POST or None, items=list(wo.checklist))
    if request.method == "POST" and form.is_valid():
        try:
            services.complete_work_order(
                wo,
                actor=request.user,
                results=form.results(),
                notes=form.cleaned_data["notes"],
                password=form.cleaned_data["password"],
                otp=form.cleaned_data["otp"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Work order recorded and signed."))
            return redirect(wo)
    return render(request, "equipment/workorder_complete.html", {"wo": wo, "form": form})


@require_POST
@login_required
@permission_required(MANAGE, raise_exception=True)
def workorder_void(request: HttpRequest, pk: int) -> HttpResponse:
    wo = get_object_or_404(WorkOrder.objects.visible_to(request.user), pk=pk)
    form = RetireForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason."))
        return redirect(wo)
    try:
        services.void_work_order(wo, actor=request.user, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(wo)


# --- change control ----------------------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
def change_list(request: HttpRequest) -> HttpResponse:
    qs = ChangeRequest.objects.visible_to(request.user).select_related("camera", "requested_by", "approval")
    f = ChangeRequestFilter(request.GET or None, queryset=qs, request=request)
    page = Paginator(f.qs, 50).get_page(request.GET.get("page"))
    violations = (
        ChangeViolation.objects.visible_to(request.user)
        .filter(voided_at__isnull=True)
        .select_related("camera")[:20]
    )
    return render(
        request,
        "equipment/change_list.html",
        {
            "filter": f,
            "page": page,
            "count": page.paginator.count,
            "query": _query(request),
            "violations": violations,
        },
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def change_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cr = get_object_or_404(
        ChangeRequest.objects.visible_to(request.user).select_related("camera", "approval", "requested_by"),
        pk=pk,
    )
    return render(request, "equipment/change_detail.html", {"cr": cr, "note_form": NoteForm()})


@login_required
@permission_required("equipment.change_request", raise_exception=True)
def change_create(request: HttpRequest) -> HttpResponse:
    form = ChangeRequestForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cr = services.submit_change_request(
                actor=request.user,
                camera=data["camera"],
                kind=data["kind"],
                before_value=data["before_value"],
                after_value=data["after_value"],
                reason=data["reason"],
                snapshot=data.get("snapshot"),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Change request filed for approval."))
            return redirect(cr)
    return render(request, "equipment/change_form.html", {"form": form})


@require_POST
@login_required
@permission_required(MANAGE, raise_exception=True)
def change_implement(request: HttpRequest, pk: int) -> HttpResponse:
    cr = get_object_or_404(ChangeRequest.objects.visible_to(request.user), pk=pk)
    form = NoteForm(request.POST)
    form.is_valid()
    try:
        services.implement_change(cr, actor=request.user, note=form.cleaned_data.get("note", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(cr)


# --- coverage and KPIs -------------------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
def coverage(request: HttpRequest) -> HttpResponse:
    return render(request, "equipment/coverage.html", {"c": kpis.coverage(request.user)})


@login_required
@permission_required("equipment.kpi", raise_exception=True)
def kpi(request: HttpRequest) -> HttpResponse:
    try:
        days = max(7, min(int(request.GET.get("days", 365)), 3 * 365))
    except ValueError:
        days = 365
    return render(request, "equipment/kpi.html", {"k": kpis.equipment_kpis(request.user, days=days)})


# --- photos and documents ----------------------------------------------------------------------


@require_POST
@login_required
@permission_required(MANAGE, raise_exception=True)
def device_file_upload(request: HttpRequest, pk: int) -> HttpResponse:
    device = get_object_or_404(Device.objects.visible_to(request.user), pk=pk)
    form = FileUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file."))
        return redirect(device)
    try:
        services.attach_file(
            actor=request.user,
            upload=form.cleaned_data["file"],
            device=device,
            caption=form.cleaned_data["caption"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("File added."))
    return redirect(device)


@require_POST
@login_required
@permission_required(VIEW, raise_exception=True)
def workorder_file_upload(request: HttpRequest, pk: int) -> HttpResponse:
    if not (request.user.has_perm("equipment.work") or request.user.has_perm(MANAGE)):
        raise PermissionDenied
    wo = get_object_or_404(WorkOrder.objects.visible_to(request.user), pk=pk)
    form = FileUploadForm(request.POST, request.FILES, photos_only=True)
    if not form.is_valid():
        messages.error(request, _("Choose a file."))
        return redirect(wo)
    try:
        services.attach_file(
            actor=request.user,
            upload=form.cleaned_data["file"],
            work_order=wo,
            caption=form.cleaned_data["caption"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Photo added."))
    return redirect(wo)


@login_required
@permission_required(VIEW, raise_exception=True)
def file_content(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored file, after the scope check; every read is audited (`equipment.file_read`).
    Images open in the browser, PDFs download."""
    item = get_object_or_404(DeviceFile.objects.visible_to(request.user), pk=pk)
    response = FileResponse(
        services.read_file(item, actor=request.user),
        as_attachment=not item.is_image,
        filename=item.original_name,
        content_type=item.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_POST
@login_required
@permission_required(MANAGE, raise_exception=True)
def file_void(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(DeviceFile.objects.visible_to(request.user), pk=pk)
    owner = item.device if item.device_id else item.work_order
    form = RetireForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason."))
        return redirect(owner)
    try:
        services.void_file(item, actor=request.user, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(owner)


# --- required coverage (EQP-8) -----------------------------------------------------------------


@login_required
@permission_required("equipment.oversee", raise_exception=True)
def coverage_rules(request: HttpRequest) -> HttpResponse:
    """The stored required-coverage list: add a line (POST) or see every line, ended ones too."""
    form = CoverageRuleForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_coverage_rule(
                actor=request.user,
                scope=data["scope"],
                campus=data["campus"],
                area=data["area"],
                area_type=data["area_type"],
                note=data["note"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Line added to the required-coverage list."))
            return redirect("equipment:coverage_rules")
    rules = CoverageRule.objects.visible_to(request.user).select_related(
        "campus", "area", "area__campus", "created_by", "ended_by"
    )
    return render(
        request,
        "equipment/coverage_rules.html",
        {"form": form, "rules": rules, "end_form": RetireForm()},
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
@permission_required("equipment.oversee", raise_exception=True)
def coverage_rule_end(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(CoverageRule.objects.visible_to(request.user), pk=pk)
    form = RetireForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason."))
        return redirect("equipment:coverage_rules")
    try:
        services.end_coverage_rule(rule, actor=request.user, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("equipment:coverage_rules")


# --- unapproved changes (violations) -----------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
def violation_list(request: HttpRequest) -> HttpResponse:
    qs = ChangeViolation.objects.visible_to(request.user).select_related(
        "camera", "campus", "recorded_by", "voided_by"
    )
    f = ViolationFilter(request.GET or None, queryset=qs, request=request)
    page = Paginator(f.qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "equipment/violation_list.html",
        {
            "filter": f,
            "page": page,
            "count": page.paginator.count,
            "query": _query(request),
            "void_form": RetireForm(),
        },
    )


@login_required
@permission_required("equipment.report_fault", raise_exception=True)
def violation_create(request: HttpRequest) -> HttpResponse:
    """Record an unapproved change found by hand (EQP-6) through `record_unapproved_change`."""
    form = ViolationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_unapproved_change(
                data["camera"],
                actor=request.user,
                detected_by=data["how_found"],
                detail=data["detail"],
                kind=data["kind"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Unapproved change recorded; the director has been told."))
            return redirect("equipment:violation_list")
    return render(
        request, "equipment/violation_form.html", {"form": form}, status=400 if form.errors else 200
    )


@require_POST
@login_required
@permission_required("equipment.oversee", raise_exception=True)
def violation_void(request: HttpRequest, pk: int) -> HttpResponse:
    violation = get_object_or_404(ChangeViolation.objects.visible_to(request.user), pk=pk)
    form = RetireForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason."))
        return redirect("equipment:violation_list")
    try:
        services.void_unapproved_change(violation, actor=request.user, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("equipment:violation_list")
