"""Duty pages: the board, the rota, a shift (sign-in, log, inspections, absences), the duty log,
handover, report sign-off and violations. Every object comes through `visible_to()` (outside the
user's scope: 404; without the permission: 403); every write calls one service."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from watchroom.accounts.models import User
from watchroom.approvals.models import Signature
from watchroom.lib.errors import DomainError
from watchroom.sites.models import CameraGroup, MonitoringRoom

from . import forms, paging, services
from .filters import log_query
from .models import (
    Absence,
    Assignment,
    Category,
    Certificate,
    EntryPhoto,
    EntryTemplate,
    Handover,
    HandoverItem,
    LateArrival,
    LogEntry,
    Post,
    Rota,
    Shift,
    ShiftSwap,
    SummarySignoff,
    Violation,
)

VIEW, WORK, MANAGE, SUPERVISE, SIGNOFF = (
    "duty.view",
    "duty.work",
    "duty.manage",
    "duty.supervise",
    "duty.signoff",
)


def _error(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, str(exc.message))


def _shift(request: HttpRequest, pk: int) -> Shift:
    return get_object_or_404(
        Shift.objects.visible_to(request.user).select_related("room", "template", "rota"), pk=pk
    )


# --- board --------------------------------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
def board(request: HttpRequest) -> HttpResponse:
    """On duty now, per room: the responsible shift, who is present or away, the incoming shift,
    inspections done / required, and staffing below the minimum (DUTY-3, 4, 6)."""
    now = timezone.now()
    rooms = []
    for room in (
        MonitoringRoom.objects.visible_to(request.user).filter(is_active=True).select_related("campus")
    ):
        shift = services.current_shift(room, now)
        conf = services.settings_for(room)
        info: dict[str, Any] = {"room": room, "shift": shift, "min": conf.min_staffing}
        if shift is not None:
            assignments = list(shift.assignments.select_related("person").prefetch_related("absences"))
            info["assignments"] = [
                (a, next((ab for ab in a.absences.all() if ab.returned_at is None), None))
                for a in assignments
            ]
            info["present"] = len(services.present(shift))
            info["below"] = shift.state == Shift.State.ON_DUTY and info["present"] < conf.min_staffing
            info["inspections"] = services.inspection_counts(shift)
            info["next"] = services.next_shift(shift)
            info["handover"] = Handover.objects.filter(outgoing=shift).first()
        rooms.append(info)
    mine = services.my_assignment_now(request.user, now)
    return render(request, "duty/board.html", {"rooms": rooms, "mine": mine, "now": now})


# --- rota ---------------------------------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
def rota_list(request: HttpRequest) -> HttpResponse:
    rotas = Rota.objects.visible_to(request.user).select_related("room")
    rooms = MonitoringRoom.objects.visible_to(request.user).filter(is_active=True)
    form = forms.GenerateRotaForm(rooms=rooms, initial={"month": timezone.localdate().replace(day=1)})
    return render(request, "duty/rota_list.html", {"rotas": rotas, "form": form})


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def rota_generate(request: HttpRequest) -> HttpResponse:
    rooms = MonitoringRoom.objects.visible_to(request.user).filter(is_active=True)
    form = forms.GenerateRotaForm(request.POST, rooms=rooms)
    if not form.is_valid():
        messages.error(request, _("Choose a room and a month."))
        return redirect("duty:rota_list")
    try:
        rota = services.generate_rota(
            form.cleaned_data["room"], form.cleaned_data["month"], actor=request.user
        )
    except DomainError as exc:
        _error(request, exc)
        return redirect("duty:rota_list")
    messages.success(request, _("The rota has been generated; check it and publish it."))
    return redirect(rota)


def _rota_grid(rota: Rota) -> dict[str, Any]:
    shifts = list(
        rota.shifts.select_related("template").prefetch_related("assignments__person").order_by("starts_at")
    )
    days: dict[date, list[Shift]] = {}
    for s in shifts:
        days.setdefault(s.date, []).append(s)
    counts = services.people_counts(rota)
    all_days = sorted(days)
    for row in counts:
        row["cells"] = ["/".join(row["days"].get(d, [])) for d in all_days]
    return {"days": sorted(days.items()), "counts": counts, "all_days": all_days}


@login_required
@permission_required(VIEW, raise_exception=True)
def rota_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rota = get_object_or_404(Rota.objects.visible_to(request.user).select_related("room"), pk=pk)
    context = {
        "rota": rota,
        **_rota_grid(rota),
        "versions": rota.versions.select_related("published_by"),
        "pending_swaps": ShiftSwap.objects.filter(assignment__shift__rota=rota).pending().count(),
    }
    if request.user.has_perm(MANAGE):
        context["problems"] = services.check_rota(rota)
        context["publish_form"] = forms.PublishForm()
    return render(request, "duty/rota_detail.html", context)


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def rota_publish(request: HttpRequest, pk: int) -> HttpResponse:
    rota = get_object_or_404(Rota.objects.visible_to(request.user), pk=pk)
    form = forms.PublishForm(request.POST)
    form.is_valid()
    try:
        version = services.publish_rota(
            rota, actor=request.user, accept_warnings=form.cleaned_data.get("accept_warnings", False)
        )
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Version %(n)s published.") % {"n": version.number})
    return redirect(rota)


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def rota_copy_next(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy this rota's pattern into next month's draft (same weekday four weeks earlier)."""
    rota = get_object_or_404(Rota.objects.visible_to(request.user).select_related("room"), pk=pk)
    next_month = (rota.month + timedelta(days=32)).replace(day=1)
    try:
        new = services.copy_previous_month(rota.room, next_month, actor=request.user)
    except DomainError as exc:
        _error(request, exc)
        return redirect(rota)
    messages.success(request, _("Next month's draft has been made from this rota; check it and publish it."))
    return redirect(new)


@login_required
@permission_required(VIEW, raise_exception=True)
def rota_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The rota laid out for A4 landscape: people × days with shift codes, counts, signature lines."""
    rota = get_object_or_404(Rota.objects.visible_to(request.user).select_related("room"), pk=pk)
    context = {
        "rota": rota,
        **_rota_grid(rota),
        "version": rota.versions.order_by("-number").first(),
        "templates": rota.room.shift_templates.filter(is_active=True),
    }
    return render(request, "duty/rota_print.html", context)


@login_required
@permission_required(VIEW, raise_exception=True)
def rota_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The rota as XLSX: people × days, with counts."""
    from openpyxl import Workbook

    rota = get_object_or_404(Rota.objects.visible_to(request.user).select_related("room"), pk=pk)
    grid = _rota_grid(rota)
    wb = Workbook()
    ws = wb.active
    ws.title = f"{rota.month:%Y-%m}"
    ws.append([f"{rota.room.name} {rota.month:%Y-%m} 排班表 v{rota.version}"])
    ws.append(["姓名", *[d.strftime("%d") for d in grid["all_days"]], "班次", "夜班", "周末", "工时"])
    for row in grid["counts"]:
        person = row["person"]
        ws.append(
            [
                person.real_name or person.username,
                *row["cells"],
                row["shifts"],
                row["nights"],
                row["weekends"],
                row["hours"],
            ]
        )
    ws.append([])
    ws.append(["日期", "班次", "开始", "结束", "操作", "记录"])
    for day, shifts in grid["days"]:
        for s in shifts:
            posts = {p: [] for p in Post.values}
            for a in s.assignments.all():
                posts[a.post].append(a.person.real_name or a.person.username)
            ws.append(
                [
                    day.isoformat(),
                    s.template.name,
                    timezone.localtime(s.starts_at).strftime("%Y-%m-%d %H:%M"),
                    timezone.localtime(s.ends_at).strftime("%Y-%m-%d %H:%M"),
                    "、".join(posts[Post.OPERATOR]),
                    "、".join(posts[Post.RECORDER]),
                ]
            )
    buffer = io.BytesIO()
    wb.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="rota-{rota.room.code}-{rota.month:%Y-%m}.xlsx"'
    return response


@login_required
@permission_required(MANAGE, raise_exception=True)
def shift_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit one shift of the rota: who is on the operator and the recorder post."""
    shift = _shift(request, pk)
    people = User.objects.filter(
        pk__in=[p.pk for p in services.room_operators(shift.room)]
    ) | User.objects.filter(pk__in=shift.assignments.values("person"))
    people = people.distinct().order_by("username")
    current = {a.post: a.person for a in shift.assignments.select_related("person")}
    form = forms.DayForm(request.POST or None, people=people, initial=current)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.set_assignments(
                shift,
                actor=request.user,
                assignments=[(d["operator"], Post.OPERATOR), (d["recorder"], Post.RECORDER)],
                reason=d["reason"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect(shift.rota)
    return render(request, "duty/shift_edit.html", {"shift": shift, "form": form})


# --- a shift ------------------------------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
def shift_detail(request: HttpRequest, pk: int) -> HttpResponse:
    shift = _shift(request, pk)
    assignments = list(shift.assignments.select_related("person", "checked_by").prefetch_related("absences"))
    mine = next((a for a in assignments if a.person_id == request.user.pk), None)
    entries = list(
        shift.entries.select_related("author", "camera", "area", "corrects").prefetch_related(
            "corrections", "photos"
        )
    )
    done, required = services.inspection_counts(shift)
    context = {
        "shift": shift,
        "assignments": assignments,
        "mine": mine,
        "entries": entries,
        "inspections": shift.inspections.select_related("performed_by").prefetch_related(
            "group_results__group"
        ),
        "reminders": shift.reminders.select_related("inspection"),
        "done": done,
        "required": required,
        "handover_out": Handover.objects.filter(outgoing=shift).first(),
        "handover_in": Handover.objects.filter(incoming=shift).first(),
        "signoffs": shift.signoffs.select_related("signed_by", "signature"),
        "signatures": Signature.for_object(shift),
        "entry_form": forms.EntryForm(room=shift.room)
        if mine and shift.state == Shift.State.ON_DUTY
        else None,
        "templates": EntryTemplate.objects.filter(room__in=[None, shift.room_id]).order_by("order")
        if mine
        else [],
        "absence_form": forms.AbsenceForm(),
        "sign_form": forms.SignForm(),
        "next": services.next_shift(shift),
        "now": timezone.now(),
        "can_sign_off": request.user.has_perm(SIGNOFF)
        and shift.state == Shift.State.HANDED_OVER
        and not shift.signoffs.filter(level=services.signoff_level_for(request.user)).exists(),
        "can_add_photos": bool(
            mine and mine.signed_in_at and not mine.ended_at and shift.state == Shift.State.ON_DUTY
        ),
    }
    return render(request, "duty/shift_detail.html", context)


@login_required
@permission_required(WORK, raise_exception=True)
@require_POST
def shift_sign_in(request: HttpRequest, pk: int) -> HttpResponse:
    shift = _shift(request, pk)
    try:
        a = services.sign_in(shift, actor=request.user)
    except DomainError as exc:
        _error(request, exc)
    else:
        if a.minutes_late:
            messages.warning(request, _("Signed in, %(n)s minutes late.") % {"n": a.minutes_late})
        elif a.handover_late:
            messages.warning(
                request, _("Signed in; you arrived less than the set minutes before the handover.")
            )
        else:
            messages.success(request, _("Signed in."))
    return redirect(shift)


@login_required
@permission_required(SUPERVISE, raise_exception=True)
@require_POST
def assignment_check(request: HttpRequest, pk: int) -> HttpResponse:
    a = get_object_or_404(Assignment.objects.visible_to(request.user), pk=pk)
    try:
        services.check_sign_in(a, actor=request.user)
    except DomainError as exc:
        _error(request, exc)
    return redirect(a.shift)


@login_required
@permission_required(WORK, raise_exception=True)
@require_POST
def absence_start(request: HttpRequest, pk: int) -> HttpResponse:
    a = get_object_or_404(Assignment.objects.visible_to(request.user), pk=pk)
    form = forms.AbsenceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the absence."))
        return redirect(a.shift)
    try:
        absence = services.start_absence(
            a,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            expected_return_at=form.cleaned_data["expected_return_at"],
        )
    except DomainError as exc:
        _error(request, exc)
    else:
        if absence.below_minimum:
            messages.warning(
                request, _("The room is now below minimum staffing; the director has been told.")
            )
    return redirect(a.shift)


@login_required
@permission_required(WORK, raise_exception=True)
@require_POST
def absence_end(request: HttpRequest, pk: int) -> HttpResponse:
    absence = get_object_or_404(
        Absence.objects.filter(assignment__in=Assignment.objects.visible_to(request.user)), pk=pk
    )
    try:
        services.end_absence(absence, actor=request.user)
    except DomainError as exc:
        _error(request, exc)
    return redirect(absence.assignment.shift)


@login_required
@permission_required(WORK, raise_exception=True)
@require_POST
def end_duty(request: HttpRequest, pk: int) -> HttpResponse:
    a = get_object_or_404(Assignment.objects.visible_to(request.user), pk=pk)
    try:
        services.end_duty(a, actor=request.user)
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Your duty has ended."))
    return redirect(a.shift)


# --- the duty log -------------------------------------------------------------------------------


def _entry_kwargs(d: dict[str, Any]) -> dict[str, Any]:
    keys = [
        "category",
        "occurred_at",
        "camera",
        "area",
        "description",
        "action_taken",
        "reported_to",
        "reported_at",
        "suspect_appearance",
        "suspect_direction",
        "suspect_cameras",
        "is_open",
    ]
    return {k: d.get(k) for k in keys if k in d and d.get(k) is not None}


@login_required
@permission_required(WORK, raise_exception=True)
def entry_create(request: HttpRequest, pk: int) -> HttpResponse:
    shift = _shift(request, pk)
    initial = {}
    tpl_id = request.GET.get("template")
    if tpl_id and tpl_id.isdigit():
        tpl = EntryTemplate.objects.filter(pk=tpl_id).first()
        if tpl:
            initial = {
                "category": tpl.category,
                "description": tpl.description,
                "action_taken": tpl.action_taken,
            }
    form = forms.EntryForm(request.POST or None, request.FILES or None, room=shift.room, initial=initial)
    if request.method == "POST" and form.is_valid():
        photo = form.cleaned_data.get("photo")
        try:
            services.add_entry(
                shift, actor=request.user, photos=[photo] if photo else [], **_entry_kwargs(form.cleaned_data)
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Entry written."))
            return redirect(shift)
    return render(request, "duty/entry_form.html", {"shift": shift, "form": form})


@login_required
@permission_required(WORK, raise_exception=True)
def entry_correct(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(
        LogEntry.objects.visible_to(request.user).select_related("shift", "room"), pk=pk
    )
    initial = {
        "category": entry.category,
        "occurred_at": timezone.localtime(entry.occurred_at),
        "camera": entry.camera_id,
        "area": entry.area_id,
        "description": entry.description,
        "action_taken": entry.action_taken,
        "reported_to": entry.reported_to,
        "suspect_appearance": entry.suspect_appearance,
        "suspect_direction": entry.suspect_direction,
        "suspect_cameras": entry.suspect_cameras,
        "is_open": entry.is_open,
    }
    form = forms.CorrectionForm(request.POST or None, room=entry.room, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            new = services.correct_entry(entry, actor=request.user, reason=d["reason"], **_entry_kwargs(d))
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Correction written."))
            return redirect(new.shift)
    return render(request, "duty/entry_form.html", {"shift": entry.shift, "form": form, "original": entry})


@login_required
@permission_required(WORK, raise_exception=True)
@require_POST
def entry_close(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(LogEntry.objects.visible_to(request.user), pk=pk)
    try:
        services.close_item(entry, actor=request.user)
    except DomainError as exc:
        _error(request, exc)
    return redirect(request.POST.get("next") or entry.shift.get_absolute_url())


@login_required
@permission_required(VIEW, raise_exception=True)
def log_list(request: HttpRequest) -> HttpResponse:
    """The duty log across shifts and rooms, with search and filters, newest first; "older" and
    "newer" links carry a keyset cursor (``paging``), and the "to" date jumps back in time."""
    rooms = MonitoringRoom.objects.visible_to(request.user)
    form = forms.LogFilterForm(request.GET or None, rooms=rooms)
    base = LogEntry.objects.visible_to(request.user)
    query = log_query(base, request.GET)
    older, newer = request.GET.get("older"), request.GET.get("newer")
    if (older and paging.parse_cursor(older) is None) or (newer and paging.parse_cursor(newer) is None):
        messages.warning(request, _("That page link is not valid any more; showing the newest entries."))
        older = newer = None
    page = paging.log_page(query.rows, older=older, newer=newer, count_qs=query.count, window=query.window)
    params = request.GET.copy()
    for key in ("older", "newer", "page"):
        params.pop(key, None)
    context = {"form": form, "page": page, "filters": params.urlencode(), "at_cursor": bool(older or newer)}
    return render(request, "duty/log_list.html", context)


# --- inspections --------------------------------------------------------------------------------


@login_required
@permission_required(WORK, raise_exception=True)
def inspection_create(request: HttpRequest, pk: int) -> HttpResponse:
    shift = _shift(request, pk)
    groups = CameraGroup.objects.filter(room=shift.room, is_active=True)
    form = forms.InspectionForm(request.POST or None, groups=groups)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_inspection(
                shift,
                actor=request.user,
                checklist=form.checklist(),
                group_results=form.group_results(),
                notes=form.cleaned_data["notes"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Inspection recorded."))
            return redirect(shift)
    return render(request, "duty/inspection_form.html", {"shift": shift, "form": form})


# --- handover -----------------------------------------------------------------------------------


@login_required
@permission_required(WORK, raise_exception=True)
@require_POST
def handover_open(request: HttpRequest, pk: int) -> HttpResponse:
    shift = _shift(request, pk)
    form = forms.HandoverOpenForm(request.POST)
    form.is_valid()
    try:
        handover = services.open_handover(shift, actor=request.user, notes=form.cleaned_data.get("notes", ""))
    except DomainError as exc:
        _error(request, exc)
        return redirect(shift)
    return redirect(handover)


@login_required
@permission_required(VIEW, raise_exception=True)
def handover_detail(request: HttpRequest, pk: int) -> HttpResponse:
    handover = get_object_or_404(
        Handover.objects.visible_to(request.user).select_related(
            "outgoing__room", "outgoing__template", "incoming__template"
        ),
        pk=pk,
    )
    items = list(handover.items.select_related("acknowledged_by"))
    uid = request.user.pk
    context = {
        "handover": handover,
        "items": items,
        "pending": sum(1 for i in items if not i.acknowledged_at),
        "is_incoming": handover.incoming.assignments.filter(person_id=uid).exists(),
        "is_outgoing": handover.outgoing.assignments.filter(person_id=uid).exists(),
        "sign_form": forms.SignForm(),
        "signatures": Signature.for_object(handover),
        "outgoing_people": handover.outgoing.assignments.select_related("person"),
        "incoming_people": handover.incoming.assignments.select_related("person"),
    }
    return render(request, "duty/handover_detail.html", context)


@login_required
@permission_required(WORK, raise_exception=True)
@require_POST
def handover_ack(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        HandoverItem.objects.filter(handover__in=Handover.objects.visible_to(request.user)), pk=pk
    )
    form = forms.AckForm(request.POST)
    form.is_valid()
    try:
        services.acknowledge_item(item, actor=request.user, note=form.cleaned_data.get("note", ""))
    except DomainError as exc:
        _error(request, exc)
    return redirect(item.handover)


@login_required
@permission_required(WORK, raise_exception=True)
@require_POST
def handover_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """The outgoing person signs first, then the incoming person (the state decides which)."""
    handover = get_object_or_404(Handover.objects.visible_to(request.user), pk=pk)
    form = forms.SignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter your password to sign."))
        return redirect(handover)
    d = form.cleaned_data
    try:
        if handover.state == Handover.State.OPEN:
            services.sign_handover_outgoing(
                handover, actor=request.user, password=d["password"], otp=d["otp"]
            )
            messages.success(request, _("Signed as the outgoing person. The incoming person signs now."))
        else:
            services.sign_handover_incoming(
                handover, actor=request.user, password=d["password"], otp=d["otp"]
            )
            messages.success(
                request, _("Handover complete: responsibility has passed to the incoming shift.")
            )
    except DomainError as exc:
        _error(request, exc)
    return redirect(handover)


@login_required
@permission_required(VIEW, raise_exception=True)
def handover_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from django.conf import settings

    handover = get_object_or_404(Handover.objects.visible_to(request.user), pk=pk)
    if not handover.pdf_path:
        raise Http404
    path = settings.DATA_DIR / handover.pdf_path
    if not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"handover-{handover.pk}.pdf")


# --- report sign-off ----------------------------------------------------------------------------


@login_required
@permission_required(SIGNOFF, raise_exception=True)
def signoff_list(request: HttpRequest) -> HttpResponse:
    """Shift reports waiting for sign-off; overdue ones first (DUTY-7)."""
    now = timezone.now()
    pending = (
        Shift.objects.visible_to(request.user)
        .filter(state=Shift.State.HANDED_OVER, ends_at__gte=now - timedelta(days=14))
        .select_related("room", "template")
        .prefetch_related("signoffs")
        .order_by("ends_at")
    )
    overdue = set(services.overdue_reports(request.user, now).values_list("pk", flat=True))
    level = services.signoff_level_for(request.user)
    rows = [s for s in pending if not any(so.level == level for so in s.signoffs.all())]
    summaries = [
        r for r in services.recent_summaries(request.user, now) if r["ended"] and level not in r["levels"]
    ]
    return render(
        request,
        "duty/signoff_list.html",
        {"rows": rows, "overdue": overdue, "level": level, "summaries": summaries},
    )


@login_required
@permission_required(SIGNOFF, raise_exception=True)
@require_POST
def shift_signoff(request: HttpRequest, pk: int) -> HttpResponse:
    shift = _shift(request, pk)
    form = forms.SignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter your password to sign."))
        return redirect(shift)
    d = form.cleaned_data
    try:
        services.sign_off_report(
            shift, actor=request.user, password=d["password"], otp=d["otp"], comment=d["comment"]
        )
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Report signed off."))
    return redirect(shift)


# --- violations ---------------------------------------------------------------------------------


@login_required
@permission_required(SUPERVISE, raise_exception=True)
def violation_list(request: HttpRequest) -> HttpResponse:
    violations = Violation.objects.visible_to(request.user).select_related("person", "recorded_by", "shift")
    page = Paginator(violations, 50).get_page(request.GET.get("page"))
    return render(request, "duty/violation_list.html", {"page": page})


@login_required
@permission_required(SUPERVISE, raise_exception=True)
def violation_create(request: HttpRequest) -> HttpResponse:
    rooms = MonitoringRoom.objects.visible_to(request.user)
    people = User.objects.filter(is_active=True, rooms__in=rooms).distinct().order_by("username")
    shift = None
    if request.GET.get("shift", "").isdigit():
        shift = Shift.objects.visible_to(request.user).filter(pk=request.GET["shift"]).first()
    form = forms.ViolationForm(
        request.POST or None, people=people, initial={"occurred_at": timezone.localtime()}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        person = d["person"]
        if shift is None:
            room = rooms.filter(pk__in=person.rooms.values("pk")).first()
            shift = services.responsible_shift_at(room, d["occurred_at"]) if room else None
        try:
            services.record_violation(
                person,
                actor=request.user,
                kind=d["kind"],
                description=d["description"],
                occurred_at=d["occurred_at"],
                consequence=d["consequence"],
                shift=shift,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Violation recorded."))
            return redirect("duty:violation_list")
    return render(request, "duty/violation_form.html", {"form": form})


@login_required
@permission_required(SUPERVISE, raise_exception=True)
@require_POST
def violation_void(request: HttpRequest, pk: int) -> HttpResponse:
    violation = get_object_or_404(Violation.objects.visible_to(request.user), pk=pk)
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for voiding."))
    else:
        try:
            services.void_violation(violation, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            _error(request, exc)
    return redirect("duty:violation_list")


# --- shift swaps and early leave (DUTY-9) -------------------------------------------------------


def _swap_form(request: HttpRequest, data: Any = None) -> forms.SwapForm:
    now = timezone.now()
    upcoming = Assignment.objects.visible_to(request.user).filter(
        shift__state=Shift.State.PLANNED, shift__starts_at__gt=now, shift__rota__status=Rota.Status.PUBLISHED
    )
    mine = upcoming.filter(person=request.user).select_related("shift__template", "person")
    rooms = MonitoringRoom.objects.filter(
        pk__in=Assignment.objects.filter(person=request.user).values("shift__room")
    )
    people = (
        User.objects.filter(is_active=True, role_rows__role="operator", rooms__in=rooms)
        .exclude(pk=request.user.pk)
        .distinct()
        .order_by("username")
    )
    theirs = (
        upcoming.filter(shift__room__in=rooms)
        .exclude(person=request.user)
        .select_related("shift__template", "person")
        .order_by("shift__starts_at", "post")
    )
    return forms.SwapForm(data, mine=mine, people=people, theirs=theirs)


@login_required
@permission_required(VIEW, raise_exception=True)
def swap_list(request: HttpRequest) -> HttpResponse:
    """换班申请: the swaps in scope (optionally of one rota), and the form to ask for one."""
    swaps = ShiftSwap.objects.visible_to(request.user).select_related(
        "requester",
        "counterpart",
        "assignment__shift__template",
        "counterpart_assignment__shift__template",
        "approval",
    )
    rota = None
    rota_id = request.GET.get("rota", "")
    if rota_id.isdigit():
        rota = get_object_or_404(Rota.objects.visible_to(request.user), pk=rota_id)
        swaps = swaps.filter(assignment__shift__rota=rota)
    form = _swap_form(request) if request.user.has_perm(WORK) else None
    return render(
        request,
        "duty/swap_list.html",
        {"swaps": swaps[:200], "form": form, "rota": rota, "withdraw_form": forms.ReasonForm()},
    )


@login_required
@permission_required(WORK, raise_exception=True)
def swap_create(request: HttpRequest) -> HttpResponse:
    form = _swap_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.request_swap(
                d["assignment"],
                actor=request.user,
                counterpart=d["counterpart"],
                counterpart_assignment=d["counterpart_assignment"],
                reason=d["reason"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The swap has been sent to a leader for approval."))
            return redirect("duty:swap_list")
    return render(request, "duty/swap_form.html", {"form": form})


@login_required
@permission_required(WORK, raise_exception=True)
@require_POST
def swap_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    swap = get_object_or_404(ShiftSwap.objects.visible_to(request.user).select_related("approval"), pk=pk)
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason."))
        return redirect("duty:swap_list")
    try:
        services.withdraw_swap(swap, actor=request.user, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The swap has been withdrawn."))
    return redirect("duty:swap_list")


@login_required
@permission_required(WORK, raise_exception=True)
def leave_early(request: HttpRequest, pk: int) -> HttpResponse:
    """Leave before the end of the shift with a substitute who signs in here (DUTY-9)."""
    a = get_object_or_404(
        Assignment.objects.visible_to(request.user).select_related("shift__room", "shift__template"), pk=pk
    )
    people = (
        User.objects.filter(
            is_active=True, role_rows__role__in=["operator", "director", "deputy"], rooms=a.shift.room
        )
        .exclude(pk__in=a.shift.assignments.values("person"))
        .distinct()
        .order_by("username")
    )
    form = forms.EarlyLeaveForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.leave_early(
                a,
                actor=request.user,
                substitute=d["substitute"],
                reason=d["reason"],
                password=d["password"],
                otp=d["otp"],
                substitute_password=d["substitute_password"],
                substitute_otp=d["substitute_otp"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("You have left the post; the substitute is on duty."))
            return redirect(a.shift)
    return render(request, "duty/leave_early.html", {"assignment": a, "shift": a.shift, "form": form})


# --- duty settings ------------------------------------------------------------------------------


@login_required
@permission_required(MANAGE, raise_exception=True)
def settings_list(request: HttpRequest) -> HttpResponse:
    rooms = MonitoringRoom.objects.visible_to(request.user).filter(is_active=True).select_related("campus")
    return render(
        request, "duty/settings_list.html", {"rooms": [(r, services.settings_for(r)) for r in rooms]}
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
def settings_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The director edits the room's duty rules through ``update_settings`` (errors in Chinese)."""
    room = get_object_or_404(MonitoringRoom.objects.visible_to(request.user), pk=pk)
    current = services.settings_for(room)
    names = list(forms.SettingsForm.base_fields)
    form = forms.SettingsForm(request.POST or None, initial={n: getattr(current, n) for n in names})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_settings(room, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            fields = exc.details.get("fields", {})
            for name, message in fields.items():
                form.add_error(name if name in form.fields else None, message)
            if not fields:
                form.add_error(None, exc.message)
        else:
            messages.success(request, _("The duty settings of %(room)s are saved.") % {"room": room.name})
            return redirect("duty:settings_list")
    return render(request, "duty/settings_form.html", {"room": room, "form": form})


# --- certificates (DUTY-12) ---------------------------------------------------------------------


@login_required
@permission_required(MANAGE, raise_exception=True)
def certificate_list(request: HttpRequest) -> HttpResponse:
    """The certificate register: add and void (director, deputy); expired and soon expiring marked."""
    people = services.people_visible_to(request.user).filter(role_rows__role="operator").distinct()
    form = forms.CertificateForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.add_certificate(
                d["person"],
                actor=request.user,
                kind=d["kind"],
                number=d["number"],
                valid_until=d["valid_until"],
                issued_by=d["issued_by"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Certificate registered."))
            return redirect("duty:certificate_list")
    today = timezone.localdate()
    certs = Certificate.objects.visible_to(request.user).select_related("person", "recorded_by")
    return render(
        request,
        "duty/certificate_list.html",
        {"certs": certs[:500], "form": form, "today": today, "soon": today + timedelta(days=30)},
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def certificate_void(request: HttpRequest, pk: int) -> HttpResponse:
    cert = get_object_or_404(Certificate.objects.visible_to(request.user), pk=pk)
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for voiding."))
        return redirect("duty:certificate_list")
    try:
        services.void_certificate(cert, actor=request.user, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Certificate voided."))
    return redirect("duty:certificate_list")


# --- daily and weekly summaries (DUTY-7) --------------------------------------------------------


def _summary_args(request: HttpRequest, room_pk: int, period: str, day: str) -> tuple[Any, Any]:
    from django.utils.dateparse import parse_date

    room = get_object_or_404(MonitoringRoom.objects.visible_to(request.user), pk=room_pk)
    try:
        parsed = parse_date(day)
    except ValueError:
        parsed = None
    if parsed is None or period not in SummarySignoff.Period.values:
        raise Http404
    return room, services.summary_period(period, parsed)


@login_required
@permission_required(VIEW, raise_exception=True)
def summary_list(request: HttpRequest) -> HttpResponse:
    """Daily and weekly summaries of the user's rooms: signed, waiting or overdue (DUTY-7)."""
    rows = services.recent_summaries(request.user)
    return render(
        request,
        "duty/summary_list.html",
        {"rows": rows, "level": services.signoff_level_for(request.user)},
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def summary_detail(request: HttpRequest, room: int, period: str, day: str) -> HttpResponse:
    """The summary of a room's day or week, printable, with its sign-offs and the sign-off form."""
    room_obj, p = _summary_args(request, room, period, day)
    now = timezone.now()
    signoffs = SummarySignoff.objects.filter(
        room=room_obj, period=p.period, period_start=p.start
    ).select_related("signed_by", "signature")
    level = services.signoff_level_for(request.user)
    summary = services.build_summary(room_obj, p, now=now)
    for row in summary["shifts"]:  # the summary keeps the state's code (it is what is signed)
        row["state_label"] = Shift.State(row["state"]).label
    context = {
        "room": room_obj,
        "p": p,
        "summary": summary,
        "signoffs": signoffs,
        "signatures": [so.signature for so in signoffs],
        "can_sign_off": request.user.has_perm(SIGNOFF)
        and level is not None
        and not any(so.level == level for so in signoffs),
        "ended": now >= p.ends_at,
        "sign_form": forms.SignForm(),
        "categories": Category.choices,
        "previous": p.start - timedelta(days=1 if p.period == "daily" else 7),
        "next": p.end,
    }
    return render(request, "duty/summary_detail.html", context)


@login_required
@permission_required(SIGNOFF, raise_exception=True)
@require_POST
def summary_signoff(request: HttpRequest, room: int, period: str, day: str) -> HttpResponse:
    room_obj, p = _summary_args(request, room, period, day)
    url = reverse("duty:summary_detail", args=[room_obj.pk, p.period, p.start.isoformat()])
    form = forms.SignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter your password to sign."))
        return redirect(url)
    d = form.cleaned_data
    try:
        services.sign_off_summary(
            room_obj,
            p.period,
            p.start,
            actor=request.user,
            password=d["password"],
            otp=d["otp"],
            comment=d["comment"],
        )
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Summary signed off."))
    return redirect(url)


# --- late arrival (DUTY-9) ----------------------------------------------------------------------


def _substitutes(shift: Shift) -> Any:
    return (
        User.objects.filter(
            is_active=True, role_rows__role__in=["operator", "director", "deputy"], rooms=shift.room
        )
        .exclude(pk__in=shift.assignments.values("person"))
        .distinct()
        .order_by("username")
    )


@login_required
@permission_required(WORK, raise_exception=True)
def late_arrange(request: HttpRequest, pk: int) -> HttpResponse:
    """Name a substitute for a late arrival: the person, or the director on their behalf."""
    a = get_object_or_404(
        Assignment.objects.visible_to(request.user).select_related(
            "shift__room", "shift__template", "person"
        ),
        pk=pk,
    )
    form = forms.LateArrivalForm(request.POST or None, people=_substitutes(a.shift))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            late = services.arrange_late_arrival(
                a,
                actor=request.user,
                substitute=d["substitute"],
                reason=d["reason"],
                expected_at=d["expected_at"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The substitute covers the post until the late person arrives."))
            return redirect(late)
    return render(request, "duty/late_arrange.html", {"assignment": a, "shift": a.shift, "form": form})


@login_required
@permission_required(VIEW, raise_exception=True)
def late_detail(request: HttpRequest, pk: int) -> HttpResponse:
    late = get_object_or_404(
        LateArrival.objects.visible_to(request.user).select_related(
            "late__shift__room", "late__shift__template", "late__person", "substitute__person", "arranged_by"
        ),
        pk=pk,
    )
    context = {
        "late": late,
        "shift": late.late.shift,
        "form": forms.TakeOverForm()
        if late.late.person_id == request.user.pk and not late.taken_over_at
        else None,
        "signatures": Signature.for_object(late),
    }
    return render(request, "duty/late_detail.html", context)


@login_required
@permission_required(WORK, raise_exception=True)
@require_POST
def late_take_over(request: HttpRequest, pk: int) -> HttpResponse:
    late = get_object_or_404(LateArrival.objects.visible_to(request.user), pk=pk)
    form = forms.TakeOverForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Both of you enter your password to sign."))
        return redirect(late)
    d = form.cleaned_data
    try:
        services.take_over_from_substitute(
            late,
            actor=request.user,
            password=d["password"],
            otp=d["otp"],
            substitute_password=d["substitute_password"],
            substitute_otp=d["substitute_otp"],
        )
    except DomainError as exc:
        _error(request, exc)
        return redirect(late)
    messages.success(request, _("You have taken over the post; the substitute's duty has ended."))
    return redirect(late.late.shift)


# --- photos of log entries (DUTY-5) -------------------------------------------------------------


@login_required
@permission_required(WORK, raise_exception=True)
@require_POST
def photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a photo to an entry while its shift is on duty (a person on duty on that shift)."""
    entry = get_object_or_404(LogEntry.objects.visible_to(request.user).select_related("shift"), pk=pk)
    form = forms.PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a JPEG or PNG photo."))
    else:
        try:
            services.attach_photo(
                entry,
                actor=request.user,
                upload=form.cleaned_data["photo"],
                caption=form.cleaned_data["caption"],
            )
        except DomainError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Photo added."))
    return redirect(entry.shift)


@login_required
@permission_required(VIEW, raise_exception=True)
def photo_content(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored photo, after the scope check (outside it: 404); every read is audited."""
    photo = get_object_or_404(EntryPhoto.objects.visible_to(request.user), pk=pk)
    response = FileResponse(services.read_photo(photo, actor=request.user), content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
