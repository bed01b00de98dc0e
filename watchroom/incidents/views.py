"""Alarm console, incidents, playbooks, contacts, sources, drills and statistics pages.

Every object comes through `visible_to()` (outside the user's scope: 404; without the permission:
403). Each write calls one service; a `DomainError` becomes a message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from watchroom.lib.errors import DomainError
from watchroom.sites.models import MonitoringRoom

from . import forms, services, stats, stream
from .models import (
    Alarm,
    AlarmSource,
    CorrectiveAction,
    EmergencyContact,
    Incident,
    IncidentStep,
    IncidentType,
    Playbook,
    Priority,
    RobotWebhook,
)

VIEW, HANDLE, MANAGE = services.VIEW, services.HANDLE, services.MANAGE


def _room(request: HttpRequest) -> MonitoringRoom | None:
    rooms = MonitoringRoom.objects.visible_to(request.user).filter(is_active=True).order_by("code")
    wanted = request.GET.get("room")
    if wanted:
        return get_object_or_404(rooms, pk=wanted)
    own = rooms.filter(pk__in=request.user.rooms.values("pk")).first()
    return own or rooms.first()


# --- console ---------------------------------------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
@never_cache
def console(request: HttpRequest) -> HttpResponse:
    """The live alarm console of a monitoring room (SSE push; colour and sound by priority)."""
    room = _room(request)
    rooms = MonitoringRoom.objects.visible_to(request.user).filter(is_active=True).order_by("code")
    alarms = []
    cursor = (0, 0, 0)
    if room is not None:
        cursor = stream.cursor_now(room.pk)
        alarms = list(
            Alarm.objects.filter(room=room)
            .select_related("source", "camera", "area", "ack__by")
            .order_by("-id")[:60]
        )
    return render(
        request,
        "incidents/console.html",
        {
            "room": room,
            "rooms": rooms,
            "alarms": alarms,
            "cursor": ":".join(str(n) for n in cursor),
            "form": forms.ManualAlarmForm(user=request.user),
            "can_handle": request.user.has_perm(HANDLE),
            "priority_class": stream.PRIORITY_CLASS,
            "ack_seconds": services.ack_seconds(),
        },
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def console_stream(request: HttpRequest) -> StreamingHttpResponse:
    """Server-sent events for one room: `alarm`, `ack`, `escalation` (see stream.py for the trade-off)."""
    room = _room(request)
    if room is None:
        raise Http404
    cursor = stream.parse_cursor(request.headers.get("Last-Event-ID", "") or request.GET.get("last", ""))
    if cursor is None:
        cursor = stream.cursor_now(room.pk)
    try:
        max_seconds = min(float(request.GET.get("max", stream.STREAM_SECONDS)), stream.STREAM_SECONDS)
    except ValueError:
        max_seconds = stream.STREAM_SECONDS
    response = StreamingHttpResponse(
        stream.events(room.pk, cursor, max_seconds=max_seconds), content_type="text/event-stream"
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


@login_required
@permission_required(VIEW, raise_exception=True)
def alarm_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alarm = get_object_or_404(
        Alarm.objects.visible_to(request.user).select_related("source", "camera", "area", "room", "ack__by"),
        pk=pk,
    )
    group = Alarm.objects.filter(group_key=alarm.group_key).select_related("ack__by").order_by("id")
    return render(
        request,
        "incidents/alarm_detail.html",
        {
            "alarm": alarm,
            "group": group,
            "incidents": alarm.incidents.all(),
            "escalations": alarm.escalations.all(),
        },
    )


@login_required
@permission_required(HANDLE, raise_exception=True)
@require_POST
def alarm_ack(request: HttpRequest, pk: int) -> HttpResponse:
    alarm = get_object_or_404(Alarm.objects.visible_to(request.user), pk=pk)
    try:
        acks = services.acknowledge_alarm(alarm.pk, actor=request.user, note=request.POST.get("note", ""))
    except DomainError as exc:
        if request.headers.get("Accept") == "application/json":
            return JsonResponse({"code": exc.code, "detail": str(exc.message)}, status=exc.status)
        messages.error(request, exc.message)
        return redirect("incidents:console")
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({"acknowledged": [a.alarm_id for a in acks]})
    messages.success(request, _("Alarm acknowledged."))
    return redirect(request.POST.get("next") or "incidents:console")


@login_required
@permission_required(HANDLE, raise_exception=True)
@require_POST
def alarm_raise(request: HttpRequest) -> HttpResponse:
    """The console's manual-alarm form. Posted by htmx (`HX-Request`), it answers the form again (fresh,
    or with its errors): the new alarm reaches this console, and every other one, through the push path
    like any alarm. Posted without htmx, it redirects to the console."""
    form = forms.ManualAlarmForm(request.POST, user=request.user)
    room = _room(request)
    htmx = request.headers.get("HX-Request") == "true"
    raised = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            raised = services.raise_manual_alarm(
                actor=request.user,
                alarm_type=data["alarm_type"],
                priority=data["priority"],
                camera=data["camera"],
                campus=room.campus if room else None,
                room=room,
                place=data["place"],
                description=data["description"],
            )
            if not htmx:
                messages.success(request, _("Alarm raised."))
        except DomainError as exc:
            if not htmx:
                messages.error(request, exc.message)
            form.add_error(None, exc.message)
    elif not htmx:
        messages.error(request, _("Check the alarm form."))
    if not htmx:
        return redirect("incidents:console")
    if raised is not None:
        form = forms.ManualAlarmForm(user=request.user)
    # 200 with the errors too: htmx 2 swaps only 2xx answers by default
    return render(
        request, "incidents/_manual_alarm_form.html", {"form": form, "room": room, "raised": raised}
    )


# --- incidents ---------------------------------------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
def incident_list(request: HttpRequest) -> HttpResponse:
    qs = Incident.objects.visible_to(request.user).select_related("campus", "area")
    kind = request.GET.get("kind", "real")
    qs = qs.drills() if kind == "drill" else qs.real()
    status = request.GET.get("status")
    if status in Incident.Status.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "incidents/incident_list.html",
        {
            "incidents": qs[:200],
            "kind": kind,
            "status": status,
            "drill_form": forms.DrillForm(user=request.user),
        },
    )


@login_required
@permission_required(HANDLE, raise_exception=True)
def incident_create(request: HttpRequest) -> HttpResponse:
    alarms = list(
        Alarm.objects.visible_to(request.user).filter(
            pk__in=request.GET.getlist("alarm") or request.POST.getlist("alarm")
        )
    )
    initial: dict[str, Any] = {}
    if alarms:
        first = alarms[0]
        initial = {
            "title": f"{first.get_alarm_type_display()} {first.where}",
            "area": first.area_id,
            "cameras": [a.camera_id for a in alarms if a.camera_id],
            "severity": "high" if first.priority <= 2 else "medium",
            "incident_type": "violence"
            if first.alarm_type == "panic"
            else ("fire" if first.alarm_type == "fire" else "other"),
        }
    form = forms.IncidentForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        room = _room(request)
        try:
            incident = services.open_incident(
                actor=request.user,
                campus=None
                if (alarms or data["area"] or data["cameras"])
                else (room.campus if room else None),
                incident_type=data["incident_type"],
                severity=data["severity"],
                title=data["title"],
                place=data["place"],
                area=data["area"],
                cameras=data["cameras"],
                people=data["people"],
                description=data["description"],
                alarms=alarms,
            )
            return redirect(incident)
        except DomainError as exc:
            form.add_error(None, exc.message)
    return render(request, "incidents/incident_form.html", {"form": form, "alarms": alarms})


def _incident(request: HttpRequest, pk: int) -> Incident:
    return get_object_or_404(
        Incident.objects.visible_to(request.user).select_related(
            "campus", "area", "room", "opened_by", "closed_by", "playbook"
        ),
        pk=pk,
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    contacts = (
        EmergencyContact.objects.filter(campus=incident.campus, is_active=True)
        .filter(incident_type__in=["", incident.incident_type])
        .select_related("webhook")
    )
    return render(
        request,
        "incidents/incident_detail.html",
        {
            "incident": incident,
            "steps": incident.steps.select_related("done_by"),
            "timeline": incident.timeline.select_related("actor"),
            "alarms": incident.alarms.select_related("ack__by"),
            "holds": incident.holds.prefetch_related("cameras"),
            "actions": incident.actions.select_related("owner"),
            "contacts": contacts,
            "entry_form": forms.EntryForm(),
            "close_form": forms.CloseForm(),
            "hold_form": forms.HoldForm(),
            "action_form": forms.ActionForm(),
            "can_handle": request.user.has_perm(HANDLE),
            "can_manage": request.user.has_perm(MANAGE),
        },
    )


def _after(request: HttpRequest, incident: Incident, call: Any, ok: str) -> HttpResponse:
    try:
        call()
        messages.success(request, ok)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(incident)


@login_required
@permission_required(HANDLE, raise_exception=True)
@require_POST
def incident_entry(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    form = forms.EntryForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write what happened."))
        return redirect(incident)
    d = form.cleaned_data
    return _after(
        request,
        incident,
        lambda: services.add_entry(
            incident.pk, actor=request.user, kind=d["kind"], text=d["text"], department=d["department"]
        ),
        _("Added to the timeline."),
    )


@login_required
@permission_required(HANDLE, raise_exception=True)
@require_POST
def incident_notify(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    contact = get_object_or_404(EmergencyContact.objects.visible_to(request.user), pk=contact_pk)
    return _after(
        request,
        incident,
        lambda: services.notify_contact(
            incident.pk, contact.pk, actor=request.user, message=request.POST.get("message", "")
        ),
        _("Department notified."),
    )


@login_required
@permission_required(HANDLE, raise_exception=True)
@require_POST
def step_done(request: HttpRequest, pk: int, step_pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    step = get_object_or_404(IncidentStep, pk=step_pk, incident=incident)
    return _after(
        request, incident, lambda: services.complete_step(step.pk, actor=request.user), _("Step done.")
    )


@login_required
@permission_required(HANDLE, raise_exception=True)
@require_POST
def step_skip(request: HttpRequest, pk: int, step_pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    step = get_object_or_404(IncidentStep, pk=step_pk, incident=incident)
    return _after(
        request,
        incident,
        lambda: services.skip_step(step.pk, actor=request.user, reason=request.POST.get("reason", "")),
        _("Step skipped; the director is told."),
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def incident_close(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    return _after(
        request,
        incident,
        lambda: services.close_incident(
            incident.pk,
            actor=request.user,
            outcome=request.POST.get("outcome", ""),
            review=request.POST.get("review", ""),
        ),
        _("Incident closed."),
    )


@login_required
@permission_required(HANDLE, raise_exception=True)
@require_POST
def incident_hold(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    form = forms.HoldForm(request.POST)
    minutes = form.cleaned_data["minutes"] if form.is_valid() else services.DEFAULT_HOLD_MINUTES
    return _after(
        request,
        incident,
        lambda: services.hold_evidence(incident.pk, actor=request.user, minutes=minutes),
        _("Evidence hold requested."),
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def incident_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    from . import pdf  # reportlab is loaded when a report is printed, not by every worker

    response = HttpResponse(pdf.incident_report(incident), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{incident.number}.pdf"'
    return response


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    form = forms.ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the corrective action."))
        return redirect(incident)
    d = form.cleaned_data
    return _after(
        request,
        incident,
        lambda: services.add_corrective_action(
            incident.pk, actor=request.user, description=d["description"], owner=d["owner"], due=d["due"]
        ),
        _("Corrective action added."),
    )


@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def action_close(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    incident = _incident(request, pk)
    action = get_object_or_404(CorrectiveAction, pk=action_pk, incident=incident)
    return _after(
        request,
        incident,
        lambda: services.close_corrective_action(
            action.pk, actor=request.user, note=request.POST.get("note", "")
        ),
        _("Corrective action closed."),
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def drill_start(request: HttpRequest) -> HttpResponse:
    form = forms.DrillForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose a playbook type and a room."))
        return redirect("incidents:incident_list")
    d = form.cleaned_data
    try:
        incident = services.start_drill(
            actor=request.user, campus=d["room"].campus, incident_type=d["incident_type"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("incidents:incident_list")
    return redirect(incident)


# --- reference data -------------------------------------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
def playbook_list(request: HttpRequest) -> HttpResponse:
    playbooks = Playbook.objects.visible_to(request.user).filter(is_active=True).prefetch_related("steps")
    return render(
        request, "incidents/playbook_list.html", {"playbooks": playbooks, "types": IncidentType.choices}
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def contact_list(request: HttpRequest) -> HttpResponse:
    contacts = (
        EmergencyContact.objects.visible_to(request.user)
        .filter(is_active=True)
        .select_related("campus", "webhook")
    )
    return render(request, "incidents/contact_list.html", {"contacts": contacts})


@login_required
@permission_required(MANAGE, raise_exception=True)
def source_list(request: HttpRequest) -> HttpResponse:
    sources = AlarmSource.objects.visible_to(request.user).select_related("campus", "room")
    form = forms.SourceForm(request.POST or None, user=request.user)
    new_key = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            _source, new_key = services.create_source(
                actor=request.user, campus=d["room"].campus, room=d["room"], name=d["name"], kind=d["kind"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
    return render(
        request, "incidents/source_list.html", {"sources": sources, "form": form, "new_key": new_key}
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def statistics(request: HttpRequest) -> HttpResponse:
    return render(
        request, "incidents/statistics.html", {"s": stats.compute(request.user), "priorities": Priority}
    )


# --- playbook, contact, webhook and source editors (INC-7, INC-3) --------------------------------------------


@login_required
@permission_required(MANAGE, raise_exception=True)
def playbook_edit(request: HttpRequest, incident_type: str) -> HttpResponse:
    """Edit the steps of a type's playbook; saving publishes a new version (old versions are kept)."""
    if incident_type not in IncidentType.values:
        raise Http404
    current = (
        Playbook.objects.visible_to(request.user)
        .filter(incident_type=incident_type, is_active=True)
        .prefetch_related("steps")
        .first()
    )
    initial = [
        {"order": s.order, "title": s.title, "responsible_role": s.responsible_role, "contacts": s.contacts,
         "mandatory": s.mandatory}
        for s in (current.steps.all() if current else [])
    ]  # fmt: skip
    form = forms.PlaybookForm(request.POST or None, initial={"name": current.name if current else ""})
    formset = forms.PlaybookStepFormSet(request.POST or None, initial=initial, prefix="steps")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        steps = [
            {"order": d["order"], "title": d["title"], "role": d["responsible_role"], "contacts": d["contacts"],
             "mandatory": d["mandatory"]}
            for d in formset.cleaned_data
            if d and not d.get("DELETE")
        ]  # fmt: skip
        try:
            services.publish_playbook(
                actor=request.user, incident_type=incident_type, name=form.cleaned_data["name"], steps=steps
            )
            messages.success(request, _("Playbook published."))
            return redirect("incidents:playbook_list")
        except DomainError as exc:
            form.add_error(None, exc.message)
    return render(
        request,
        "incidents/playbook_form.html",
        {
            "form": form,
            "formset": formset,
            "current": current,
            "type_label": IncidentType(incident_type).label,
        },
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
def contact_create(request: HttpRequest) -> HttpResponse:
    form = forms.ContactForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        campus = d.pop("campus")
        try:
            services.create_contact(actor=request.user, campus=campus, **d)
            messages.success(request, _("Contact saved."))
            return redirect("incidents:contact_list")
        except DomainError as exc:
            form.add_error(None, exc.message)
    return render(request, "incidents/contact_form.html", {"form": form, "contact": None})


@login_required
@permission_required(MANAGE, raise_exception=True)
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(
        EmergencyContact.objects.visible_to(request.user).filter(is_active=True), pk=pk
    )
    initial = {f: getattr(contact, f) for f in services.CONTACT_FIELDS}
    form = forms.ContactForm(request.POST or None, user=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_contact(contact.pk, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Contact saved."))
            return redirect("incidents:contact_list")
        except DomainError as exc:
            form.add_error(None, exc.message)
    return render(
        request,
        "incidents/contact_form.html",
        {"form": form, "contact": contact, "retire": forms.ReasonForm()},
    )


@require_POST
@login_required
@permission_required(MANAGE, raise_exception=True)
def contact_retire(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(EmergencyContact.objects.visible_to(request.user), pk=pk)
    try:
        services.retire_contact(contact.pk, actor=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, _("Contact retired."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("incidents:contact_list")


@login_required
@permission_required(MANAGE, raise_exception=True)
def webhook_list(request: HttpRequest) -> HttpResponse:
    """Group robots: register (address and secret shown once), list (host only), retire."""
    hooks = RobotWebhook.objects.visible_to(request.user).select_related("campus")
    form = forms.WebhookForm(request.POST or None, user=request.user)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_webhook(actor=request.user, **form.cleaned_data)
            form = forms.WebhookForm(user=request.user)
        except DomainError as exc:
            form.add_error(None, exc.message)
    return render(
        request,
        "incidents/webhook_list.html",
        {
            "hooks": hooks,
            "form": form,
            "created": created,
            "created_secret": created and created.get_secret(),
        },
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
def webhook_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a robot's name and channel; a new address or secret replaces the stored one and is shown once."""
    hook = get_object_or_404(RobotWebhook.objects.visible_to(request.user).filter(is_active=True), pk=pk)
    form = forms.WebhookEditForm(request.POST or None, initial={"name": hook.name, "channel": hook.channel})
    shown: dict[str, str] = {}
    if request.method == "POST" and form.is_valid():
        try:
            hook, url_replaced, secret_replaced = services.update_webhook(
                hook.pk, actor=request.user, **form.cleaned_data
            )
            messages.success(request, _("Webhook saved."))
            if not (url_replaced or secret_replaced):
                return redirect("incidents:webhook_list")
            shown = {
                "url": hook.url if url_replaced else "",
                "secret": hook.get_secret() if secret_replaced else "",
            }
            form = forms.WebhookEditForm(initial={"name": hook.name, "channel": hook.channel})
        except DomainError as exc:
            form.add_error(None, exc.message)
    return render(request, "incidents/webhook_form.html", {"form": form, "hook": hook, "shown": shown})


@require_POST
@login_required
@permission_required(MANAGE, raise_exception=True)
def webhook_retire(request: HttpRequest, pk: int) -> HttpResponse:
    hook = get_object_or_404(RobotWebhook.objects.visible_to(request.user), pk=pk)
    try:
        services.retire_webhook(hook.pk, actor=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, _("Webhook retired."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("incidents:webhook_list")


@require_POST
@login_required
@permission_required(MANAGE, raise_exception=True)
def source_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    """A new API key for a source, shown once on the page; the old key stops working."""
    source = get_object_or_404(AlarmSource.objects.visible_to(request.user).filter(is_active=True), pk=pk)
    _source, new_key = services.rotate_source_key(source.pk, actor=request.user)
    sources = AlarmSource.objects.visible_to(request.user).select_related("campus", "room")
    return render(
        request,
        "incidents/source_list.html",
        {
            "sources": sources,
            "form": forms.SourceForm(user=request.user),
            "new_key": new_key,
            "rotated": source,
        },
    )


# --- manual alarms from the console and the duty log (INC-1, DUTY-5) ------------------------------------------


def _log_entry(request: HttpRequest, pk: Any) -> Any:
    from watchroom.duty.models import LogEntry

    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_object_or_404(
        LogEntry.objects.visible_to(request.user).select_related("room__campus", "camera", "area"), pk=pk
    )


@login_required
@permission_required(HANDLE, raise_exception=True)
def manual_alarm(request: HttpRequest) -> HttpResponse:
    """Raise an alarm by hand. `?log_entry=<id>` prefills place, camera and description from a duty-log
    entry and links the alarm to it."""
    entry = None
    wanted = request.POST.get("log_entry") or request.GET.get("log_entry")
    if wanted:
        entry = _log_entry(request, wanted)
    initial: dict[str, Any] = {}
    if entry is not None:
        initial = {
            "log_entry": entry.pk,
            "room": entry.room_id,
            "camera": entry.camera_id,
            "place": str(entry.area) if entry.area_id else "",
            "description": entry.description[:500],
        }
    else:
        room = _room(request)
        initial = {"room": room.pk if room else None}
    form = forms.ManualAlarmPageForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            alarm = services.raise_manual_alarm(
                actor=request.user,
                alarm_type=d["alarm_type"],
                priority=d["priority"],
                camera=d["camera"],
                campus=d["room"].campus,
                place=d["place"],
                description=d["description"],
                log_entry=entry,
            )
            messages.success(request, _("Alarm raised."))
            return redirect("incidents:alarm_detail", pk=alarm.pk)
        except DomainError as exc:
            form.add_error(None, exc.message)
    return render(request, "incidents/manual_alarm.html", {"form": form, "entry": entry})
