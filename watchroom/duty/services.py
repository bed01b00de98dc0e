"""Duty services: every state change of the duty module, with its rules and its audit event.

Rota (DUTY-1, 2, 9, 12), sign-in and absences (DUTY-3, 4), the duty log (DUTY-5, INC-9), inspections
and their reminders (DUTY-6, 14), handover with two signatures (DUTY-8…11), report sign-off (DUTY-7)
and violations (DUTY-13).

Interface for other modules:

- ``attach_automated_round(room, *, actor, started_at, finished_at, summary, results)`` — the
  camera-health engine records its automatic round on the shift in progress of the room.
- ``handover_sections.register(...)`` — add a section to every handover packet.
"""

from __future__ import annotations

import calendar
import logging
import math
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from watchroom.accounts.models import User
from watchroom.approvals import services as approvals
from watchroom.audit import services as audit
from watchroom.lib.errors import DomainError, InvalidTransition, NotFound, PermissionRefused, ValidationFailed
from watchroom.lib.hashing import sha256_of
from watchroom.sites.models import Area, Camera, CameraGroup, MonitoringRoom
from watchroom.sites.querysets import visible_campus_ids

from . import handover_sections
from .models import (
    CHECKLIST_KEYS,
    Absence,
    Assignment,
    Category,
    Certificate,
    CertificateKind,
    DutySettings,
    EarlyLeave,
    EntryPhoto,
    Handover,
    HandoverItem,
    Inspection,
    InspectionGroupResult,
    InspectionReminder,
    LateArrival,
    LogEntry,
    Post,
    ReportSignoff,
    Rota,
    RotaVersion,
    Shift,
    ShiftSwap,
    ShiftTemplate,
    SummarySignoff,
    Violation,
)

log = logging.getLogger(__name__)

SIGNIN_EARLIEST = timedelta(hours=1)  # sign-in opens one hour before the shift
HANDOVER_SIGN_WINDOW = timedelta(minutes=15)  # DUTY-9: both sign in person within a few minutes
DEFAULT_TEMPLATES = [
    ("D", "白班", "08:00", "20:00", False, 1),
    ("N", "夜班", "20:00", "08:00", True, 2),
]


# --- settings and helpers ---------------------------------------------------------------------


def settings_for(room: MonitoringRoom) -> DutySettings:
    """The duty settings of a room (the defaults, unsaved, until someone changes them)."""
    return DutySettings.objects.filter(room=room).first() or DutySettings(room=room)


SETTING_LIMITS: dict[str, tuple[int, int]] = {
    "min_staffing": (1, 10),
    "inspections_per_shift": (2, 24),
    "early_arrival_minutes": (0, 120),
    "signin_alert_minutes": (1, 240),
    "handover_overdue_minutes": (1, 240),
    "inspection_grace_minutes": (1, 240),
    "signoff_due_hours": (1, 168),
    "min_rest_hours": (0, 24),
}
SETTING_CHOICES = {
    "certificate_check": DutySettings.CertificateCheck.values,
    "required_certificate": ["", *CertificateKind.values],
}


@transaction.atomic
def update_settings(room: MonitoringRoom, *, actor: Any, **fields: Any) -> DutySettings:
    """Change the duty rules of a room (DUTY-1…14): each number within its limits, each choice one of
    its values; nothing changes when one is wrong. No change, no audit event."""
    unknown = sorted(set(fields) - set(SETTING_LIMITS) - set(SETTING_CHOICES))
    if unknown:
        raise ValidationFailed(
            _("Unknown setting: %(name)s") % {"name": ", ".join(unknown)}, code="unknown_setting"
        )
    errors: dict[str, str] = {}
    for name, value in fields.items():
        label = str(getattr(DutySettings._meta.get_field(name), "verbose_name", name))
        if name in SETTING_LIMITS:
            low, high = SETTING_LIMITS[name]
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                errors[name] = _("%(field)s must be between %(low)s and %(high)s.") % {
                    "field": label,
                    "low": low,
                    "high": high,
                }
        elif value not in SETTING_CHOICES[name]:
            errors[name] = _("%(field)s: choose one of the options.") % {"field": label}
    if errors:
        raise ValidationFailed(" ".join(errors.values()), code="settings_invalid", details={"fields": errors})
    current = settings_for(room)
    if current.pk:
        current = DutySettings.objects.select_for_update().get(pk=current.pk)
    names = sorted(fields)
    before = audit.snapshot(current, names)
    for name in names:
        setattr(current, name, fields[name])
    after = audit.snapshot(current, names)
    if current.pk and before == after:
        return current
    current.save()
    audit.record(actor, "duty.settings_changed", current, changes=audit.diff(before, after))
    return current


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _person_in_scope(person: Any, room: MonitoringRoom) -> bool:
    campuses = visible_campus_ids(person)
    return campuses is None or room.campus_id in campuses


def supervisors(room: MonitoringRoom) -> list[User]:
    """Directors and deputies whose scope covers the room: they receive duty alerts."""
    people = User.objects.filter(is_active=True, role_rows__role__in=["director", "deputy"]).distinct()
    return [p for p in people if _person_in_scope(p, room)]


def _notify(users: Any, *, title: str, body: str = "", url: str = "", kind: str, actor: Any = None) -> None:
    from watchroom.notifications.services import notify

    users = list(users)
    if users:
        notify(users, title=title, body=body, url=url, kind=kind, actor=actor)


def _local(dt: datetime) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M")


# --- rota ---------------------------------------------------------------------------------------


@transaction.atomic
def ensure_templates(room: MonitoringRoom, *, actor: Any) -> list[ShiftTemplate]:
    """The room's shift templates; creates day 08:00–20:00 and night 20:00–08:00 the first time."""
    existing = list(ShiftTemplate.objects.filter(room=room, is_active=True))
    if existing:
        return existing
    created = []
    for code, name, start, end, night, order in DEFAULT_TEMPLATES:
        tpl = ShiftTemplate.objects.create(
            room=room,
            code=code,
            name=name,
            start_time=datetime.strptime(start, "%H:%M").time(),
            end_time=datetime.strptime(end, "%H:%M").time(),
            is_night=night,
            order=order,
        )
        audit.record(actor, "duty.template_created", tpl, changes={"start": start, "end": end})
        created.append(tpl)
    return created


def room_operators(room: MonitoringRoom) -> list[User]:
    """People of the room who may work a shift: operators given this room, by username."""
    return list(
        User.objects.filter(is_active=True, role_rows__role="operator", rooms=room)
        .distinct()
        .order_by("username")
    )


@transaction.atomic
def generate_rota(room: MonitoringRoom, month: date, *, actor: Any, people: list[Any] | None = None) -> Rota:
    """Create the month's shifts from the templates and fill empty ones with rotating pairs.

    Pairs rotate through the people so that with four or more nobody works two shifts in a row.
    Shifts that already have people are left alone."""
    month = _month_start(month)
    templates = ensure_templates(room, actor=actor)
    rota, created = Rota.objects.select_for_update().get_or_create(room=room, month=month)
    people = list(people) if people is not None else room_operators(room)
    days = calendar.monthrange(month.year, month.month)[1]
    # continue the rotation from the number of slots since a fixed epoch, so months join up
    slot = (month - date(2020, 1, 1)).days * len(templates)
    filled = new_shifts = 0
    for offset in range(days):
        day = month + timedelta(days=offset)
        for tpl in templates:
            start, end = tpl.bounds(day)
            shift, new = Shift.objects.get_or_create(
                room=room, date=day, template=tpl, defaults={"rota": rota, "starts_at": start, "ends_at": end}
            )
            new_shifts += int(new)
            if len(people) >= 2 and not shift.assignments.exists():
                a = people[(2 * slot) % len(people)]
                b = people[(2 * slot + 1) % len(people)]
                Assignment.objects.create(shift=shift, person=a, post=Post.OPERATOR)
                Assignment.objects.create(shift=shift, person=b, post=Post.RECORDER)
                filled += 1
            slot += 1
    if not created and not filled and not new_shifts:
        return rota  # nothing changed: no audit event
    audit.record(
        actor,
        "duty.rota_generated",
        rota,
        changes={
            "created": created,
            "shifts": new_shifts,
            "shifts_filled": filled,
            "people": [p.pk for p in people],
        },
    )
    return rota


COPY_CYCLE = timedelta(days=28)


@transaction.atomic
def copy_previous_month(room: MonitoringRoom, month: date, *, actor: Any) -> Rota:
    """Create the draft rota of `month` from the previous month's pattern (DUTY-1 "copy last month").

    The rule: every shift takes the people and posts of the same shift template four weeks
    (28 days) earlier — the same weekday — so a weekly pattern carries over unchanged. The last days of
    a long month take them from the first days of the new month, which continue the same pattern.
    People no longer eligible (left, no duty permission, out of scope) are left out and reported;
    those shifts stay short and ``check_rota`` shows them. Refused when the month already has people
    on it or when the previous month has no rota."""
    month = _month_start(month)
    previous = _month_start(month - timedelta(days=1))
    source = Rota.objects.filter(room=room, month=previous).first()
    if source is None or not Assignment.objects.filter(shift__rota=source).exists():
        raise ValidationFailed(
            _("There is no rota of %(month)s to copy.") % {"month": f"{previous:%Y-%m}"},
            code="nothing_to_copy",
        )
    rota, created = Rota.objects.select_for_update().get_or_create(room=room, month=month)
    if rota.status != Rota.Status.DRAFT or Assignment.objects.filter(shift__rota=rota).exists():
        raise InvalidTransition(
            _("The rota of %(month)s already has people on it; edit it instead.")
            % {"month": f"{month:%Y-%m}"},
            code="rota_not_empty",
        )
    templates = ensure_templates(room, actor=actor)
    pattern: dict[tuple[date, int], list[tuple[Any, str]]] = {}
    for a in Assignment.objects.filter(shift__rota=source).select_related("shift", "person"):
        pattern.setdefault((a.shift.date, a.shift.template_id), []).append((a.person, a.post))
    eligible: dict[int, bool] = {}
    skipped: set[str] = set()
    copied = 0
    days = calendar.monthrange(month.year, month.month)[1]
    for offset in range(days):
        day = month + timedelta(days=offset)
        for tpl in templates:
            start, end = tpl.bounds(day)
            shift, _new = Shift.objects.get_or_create(
                room=room, date=day, template=tpl, defaults={"rota": rota, "starts_at": start, "ends_at": end}
            )
            rows = pattern.get((day - COPY_CYCLE, tpl.pk), [])
            kept = []
            for person, post in rows:
                if person.pk not in eligible:
                    eligible[person.pk] = _eligible(person, room)
                if eligible[person.pk]:
                    Assignment.objects.create(shift=shift, person=person, post=post)
                    kept.append((person, post))
                    copied += 1
                else:
                    skipped.add(person.username)
            pattern[(day, tpl.pk)] = kept
    audit.record(
        actor,
        "duty.rota_copied",
        rota,
        changes={
            "from": source.pk,
            "rule": "same weekday 28 days earlier",
            "assignments": copied,
            "skipped": sorted(skipped),
        },
    )
    return rota


@transaction.atomic
def set_assignments(
    shift: Shift, *, actor: Any, assignments: list[tuple[Any, str]], reason: str = ""
) -> Shift:
    """Put people on the posts of a planned shift (editing one day of the rota).

    A published rota is changed by the rota manager only with a reason, and the change publishes a
    new version; the people on it ask through a swap (``request_swap``, approved by a leader)."""
    shift = Shift.objects.select_for_update().select_related("rota", "room").get(pk=shift.pk)
    if shift.state != Shift.State.PLANNED:
        raise InvalidTransition(_("A shift that has begun cannot be re-staffed."), code="shift_started")
    if shift.rota.status == Rota.Status.PUBLISHED and not reason.strip():
        raise ValidationFailed(_("Changing a published rota needs a reason."), code="reason_required")
    seen: set[int] = set()
    for person, post in assignments:
        if post not in Post.values:
            raise ValidationFailed(_("Unknown post."), code="unknown_post")
        if person.pk in seen:
            raise ValidationFailed(_("A person holds one post per shift."), code="person_twice")
        seen.add(person.pk)
        if (
            not person.is_active
            or not person.has_perm("duty.work")
            or not _person_in_scope(person, shift.room)
        ):
            raise ValidationFailed(
                _("%(name)s may not be on duty in this room.")
                % {"name": person.real_name or person.username},
                code="person_not_eligible",
            )
    before = sorted((a.person_id, a.post) for a in shift.assignments.all())
    shift.assignments.all().delete()  # a planned shift: nobody has signed in yet
    for person, post in assignments:
        Assignment.objects.create(shift=shift, person=person, post=post)
    after = sorted((p.pk, post) for p, post in assignments)
    audit.record(
        actor, "duty.assignments_changed", shift, changes={"assignments": [before, after]}, note=reason
    )
    if shift.rota.status == Rota.Status.PUBLISHED and before != after:
        _publish_change(shift.rota, actor=actor, note=reason.strip())
    return shift


@dataclass
class Problem:
    code: str
    severity: str  # block | warn | info
    message: str
    shift_id: int | None = None
    person_id: int | None = None


def check_rota(rota: Rota) -> list[Problem]:
    """What stops or warns before publishing (DUTY-1, 2, 9, 12): coverage gaps, understaffed shifts,
    a missing operator or recorder post, a person in two places, less than the minimum rest."""
    conf = settings_for(rota.room)
    problems: list[Problem] = []
    shifts = list(
        rota.shifts.select_related("template").prefetch_related("assignments__person").order_by("starts_at")
    )
    previous = None
    for shift in shifts:
        label = f"{shift.date:%m-%d} {shift.template.name}"
        people = list(shift.assignments.all())
        if previous is not None and shift.starts_at > previous.ends_at:
            problems.append(
                Problem(
                    "coverage_gap",
                    "block",
                    _("No shift covers %(start)s – %(end)s.")
                    % {"start": _local(previous.ends_at), "end": _local(shift.starts_at)},
                    shift.pk,
                )
            )
        previous = shift if previous is None or shift.ends_at > previous.ends_at else previous
        if len(people) < conf.min_staffing:
            problems.append(
                Problem(
                    "understaffed",
                    "block",
                    _("%(shift)s: %(n)s on duty, the minimum is %(min)s.")
                    % {"shift": label, "n": len(people), "min": conf.min_staffing},
                    shift.pk,
                )
            )
        posts = {a.post for a in people}
        for post in Post:
            if people and post.value not in posts:
                problems.append(
                    Problem(
                        "post_missing",
                        "block",
                        _("%(shift)s: nobody on the %(post)s post.") % {"shift": label, "post": post.label},
                        shift.pk,
                    )
                )
    # per person: overlaps anywhere in the hospital, and rest between shifts
    person_ids = {a.person_id for s in shifts for a in s.assignments.all()}
    if shifts:
        first, last = shifts[0].starts_at - timedelta(days=1), shifts[-1].ends_at + timedelta(days=1)
        rows = (
            Assignment.objects.filter(
                person_id__in=person_ids, shift__starts_at__lt=last, shift__ends_at__gt=first
            )
            .select_related("shift", "person", "shift__template")
            .order_by("person_id", "shift__starts_at")
        )
        by_person: dict[int, list[Assignment]] = {}
        for a in rows:
            by_person.setdefault(a.person_id, []).append(a)
        rest = timedelta(hours=conf.min_rest_hours)
        for pid, items in by_person.items():
            for x, y in zip(items, items[1:], strict=False):
                name = x.person.real_name or x.person.username
                if y.shift.starts_at < x.shift.ends_at:
                    problems.append(
                        Problem(
                            "double_booked",
                            "block",
                            _("%(name)s is on two shifts at once (%(a)s and %(b)s).")
                            % {"name": name, "a": str(x.shift), "b": str(y.shift)},
                            y.shift_id,
                            pid,
                        )
                    )
                elif y.shift.starts_at - x.shift.ends_at < rest:
                    problems.append(
                        Problem(
                            "short_rest",
                            "warn",
                            _("%(name)s rests less than %(hours)s h before %(shift)s.")
                            % {"name": name, "hours": conf.min_rest_hours, "shift": str(y.shift)},
                            y.shift_id,
                            pid,
                        )
                    )
    problems.extend(_certificate_problems(rota, shifts, conf))
    return problems


def _certificate_problems(rota: Rota, shifts: list[Shift], conf: DutySettings) -> list[Problem]:
    """DUTY-12: each person on the rota needs a certificate (of the required kind, if one is set)
    valid through their last shift of the month; a warning or a block as the room's setting says."""
    severity = str(conf.certificate_check)
    if severity == DutySettings.CertificateCheck.OFF:
        return []
    last: dict[int, tuple[Assignment, Shift]] = {}
    for shift in shifts:
        for a in shift.assignments.all():
            last[a.person_id] = (a, shift)
    certs = Certificate.objects.active().filter(person_id__in=last)
    if conf.required_certificate:
        certs = certs.filter(kind=conf.required_certificate)
    best: dict[int, Certificate] = {}
    for cert in certs.order_by("valid_until"):
        best[cert.person_id] = cert  # the one valid the longest
    kind = (
        CertificateKind(conf.required_certificate).label
        if conf.required_certificate
        else _("duty certificate")
    )
    problems = []
    for pid, (a, shift) in sorted(last.items(), key=lambda item: item[1][0].person.username):
        cert = best.get(pid)
        name = _name(a.person)
        if cert is None:
            problems.append(
                Problem(
                    "certificate_missing",
                    severity,
                    _("%(name)s has no valid %(kind)s.") % {"name": name, "kind": kind},
                    shift.pk,
                    pid,
                )
            )
        elif cert.valid_until < shift.date:
            problems.append(
                Problem(
                    "certificate_expired",
                    severity,
                    _("%(name)s: %(kind)s %(number)s expires on %(date)s, before the shift %(shift)s.")
                    % {
                        "name": name,
                        "kind": kind,
                        "number": cert.number,
                        "date": cert.valid_until.isoformat(),
                        "shift": str(shift),
                    },
                    shift.pk,
                    pid,
                )
            )
    return problems


def rota_snapshot(rota: Rota) -> list[dict[str, Any]]:
    rows = (
        Assignment.objects.filter(shift__rota=rota)
        .select_related("shift__template", "person")
        .order_by("shift__starts_at", "post", "person__username")
    )
    return [
        {
            "date": a.shift.date.isoformat(),
            "shift": a.shift.template.code,
            "starts": a.shift.starts_at.isoformat(),
            "ends": a.shift.ends_at.isoformat(),
            "person": a.person.username,
            "post": a.post,
        }
        for a in rows
    ]


@transaction.atomic
def publish_rota(rota: Rota, *, actor: Any, accept_warnings: bool = False) -> RotaVersion:
    """Publish the rota as a new version. Blocking problems refuse; warnings need acceptance."""
    rota = Rota.objects.select_for_update().get(pk=rota.pk)
    problems = check_rota(rota)
    blocking = [p for p in problems if p.severity == "block"]
    warnings = [p for p in problems if p.severity == "warn"]
    if blocking:
        raise ValidationFailed(
            _("The rota cannot be published: %(n)s problems must be fixed first.") % {"n": len(blocking)},
            code="rota_has_problems",
            details={"problems": [p.code for p in blocking]},
        )
    if warnings and not accept_warnings:
        raise ValidationFailed(
            _("The rota has %(n)s warnings; confirm to publish anyway.") % {"n": len(warnings)},
            code="rota_has_warnings",
            details={"problems": [p.code for p in warnings]},
        )
    snapshot = rota_snapshot(rota)
    rota.version += 1
    rota.status = Rota.Status.PUBLISHED
    rota.save(update_fields=["version", "status"])
    version = RotaVersion.objects.create(
        rota=rota,
        number=rota.version,
        published_by=actor,
        snapshot=snapshot,
        sha256=sha256_of(snapshot),
        warnings=[{"code": p.code, "message": p.message} for p in warnings],
    )
    for shift in rota.shifts.filter(state=Shift.State.PLANNED):
        ensure_reminders(shift)
    audit.record(
        actor,
        "duty.rota_published",
        rota,
        changes={"version": version.number, "sha256": version.sha256, "warnings": len(warnings)},
    )
    return version


# --- presence -------------------------------------------------------------------------------------


def previous_shift(shift: Shift) -> Shift | None:
    return (
        Shift.objects.filter(room_id=shift.room_id, starts_at__lt=shift.starts_at)
        .order_by("-starts_at")
        .select_related("template")
        .first()
    )


def next_shift(shift: Shift) -> Shift | None:
    return (
        Shift.objects.filter(room_id=shift.room_id, starts_at__gt=shift.starts_at)
        .order_by("starts_at")
        .select_related("template")
        .first()
    )


def current_shift(room: MonitoringRoom, now: datetime | None = None) -> Shift | None:
    """The shift responsible for the room now: the earliest shift on duty not yet handed over (the
    outgoing one stays responsible until the incoming person signs, DUTY-10), else the shift whose
    time covers now."""
    now = now or timezone.now()
    on_duty = (
        Shift.objects.filter(room=room, state=Shift.State.ON_DUTY, starts_at__lte=now + SIGNIN_EARLIEST)
        .order_by("starts_at")
        .first()
    )
    if on_duty is not None and on_duty.starts_at <= now:
        return on_duty
    return Shift.objects.filter(room=room).at(now).first() or on_duty


def responsible_shift_at(room: MonitoringRoom, when: datetime) -> Shift | None:
    """Which shift was responsible for the room at `when` (DUTY-10): the shift whose time covers it,
    unless its predecessor had not yet handed over at that moment."""
    shift = Shift.objects.filter(room=room).at(when).first()
    if shift is None:
        return None
    prev = previous_shift(shift)
    if (
        prev is not None
        and prev.state != Shift.State.PLANNED
        and (prev.responsibility_until is None or prev.responsibility_until > when)
    ):
        return prev
    return shift


def present(shift: Shift) -> list[Assignment]:
    """People of the shift signed in, not gone and not away from the post."""
    return [
        a
        for a in shift.assignments.select_related("person")
        if a.signed_in_at and not a.ended_at and not any(ab.returned_at is None for ab in a.absences.all())
    ]


@transaction.atomic
def sign_in(shift: Shift, *, actor: Any, now: datetime | None = None) -> Assignment:
    """Sign in for a shift (DUTY-3): only a person on the rota; lateness recorded; an incoming person
    arriving less than the set minutes early is marked late for the handover (DUTY-8)."""
    now = now or timezone.now()
    shift = Shift.objects.select_for_update().get(pk=shift.pk)
    assignment = Assignment.objects.select_for_update().filter(shift=shift, person=actor).first()
    if assignment is None:
        raise PermissionRefused(_("You are not on the rota for this shift."), code="not_on_rota")
    if assignment.signed_in_at:
        raise InvalidTransition(_("You have already signed in."), code="already_signed_in")
    if shift.state == Shift.State.HANDED_OVER or now >= shift.ends_at:
        raise InvalidTransition(_("This shift is over."), code="shift_over")
    if now < shift.starts_at - SIGNIN_EARLIEST:
        raise InvalidTransition(_("Sign-in opens one hour before the shift."), code="too_early")
    conf = settings_for(shift.room)
    assignment.signed_in_at = now
    assignment.minutes_late = max(0, math.ceil((now - shift.starts_at).total_seconds() / 60))
    prev = previous_shift(shift)
    assignment.handover_late = bool(
        prev
        and prev.state == Shift.State.ON_DUTY
        and now > shift.starts_at - timedelta(minutes=conf.early_arrival_minutes)
    )
    assignment.save(update_fields=["signed_in_at", "minutes_late", "handover_late"])
    if shift.state == Shift.State.PLANNED:
        shift.state = Shift.State.ON_DUTY
        shift.opened_at = now
        shift.save(update_fields=["state", "opened_at"])
        ensure_reminders(shift)
    audit.record(
        actor,
        "duty.signed_in",
        assignment,
        changes={"minutes_late": assignment.minutes_late, "handover_late": assignment.handover_late},
        outcome="success",
    )
    return assignment


@transaction.atomic
def check_sign_in(assignment: Assignment, *, actor: Any) -> Assignment:
    """The director or deputy marks a sign-in as checked (DUTY-3)."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not assignment.signed_in_at:
        raise InvalidTransition(_("Nobody has signed in yet."), code="not_signed_in")
    if assignment.checked_at:
        return assignment
    assignment.checked_by, assignment.checked_at = actor, timezone.now()
    assignment.save(update_fields=["checked_by", "checked_at"])
    audit.record(actor, "duty.sign_in_checked", assignment)
    return assignment


def _my_assignment(shift: Shift, actor: Any, *, signed_in: bool = True) -> Assignment:
    assignment = Assignment.objects.filter(shift=shift, person=actor).first()
    if assignment is None or (signed_in and (not assignment.signed_in_at or assignment.ended_at)):
        raise PermissionRefused(_("You are not on duty on this shift."), code="not_on_duty")
    return assignment


@transaction.atomic
def start_absence(
    assignment: Assignment, *, actor: Any, reason: str, expected_return_at: datetime | None = None
) -> Absence:
    """A short absence from the post (DUTY-4); flagged, and the director told, when it leaves the room
    below minimum staffing."""
    assignment = Assignment.objects.select_for_update().select_related("shift__room").get(pk=assignment.pk)
    if assignment.person_id != actor.pk and not actor.has_perm("duty.supervise"):
        raise PermissionRefused(_("Only the person or a supervisor records an absence."), code="not_allowed")
    if not assignment.signed_in_at or assignment.ended_at:
        raise InvalidTransition(_("The person is not on duty."), code="not_on_duty")
    if assignment.absences.filter(returned_at__isnull=True).exists():
        raise InvalidTransition(_("The person is already away from the post."), code="already_absent")
    if not reason.strip():
        raise ValidationFailed(_("Give the reason for the absence."), code="reason_required")
    shift = assignment.shift
    remaining = [a for a in present(shift) if a.pk != assignment.pk]
    below = len(remaining) < settings_for(shift.room).min_staffing
    absence = Absence.objects.create(
        assignment=assignment,
        left_at=timezone.now(),
        reason=reason.strip(),
        expected_return_at=expected_return_at,
        below_minimum=below,
    )
    audit.record(actor, "duty.absence_started", absence, changes={"below_minimum": below}, note=reason)
    if below:
        _notify(
            supervisors(shift.room),
            title=_("%(room)s is below minimum staffing") % {"room": shift.room.name},
            body=_("%(name)s left the post: %(reason)s")
            % {"name": assignment.person.real_name or assignment.person.username, "reason": reason},
            url=shift.get_absolute_url(),
            kind="duty.below_minimum",
            actor=actor,
        )
    return absence


@transaction.atomic
def end_absence(absence: Absence, *, actor: Any) -> Absence:
    absence = Absence.objects.select_for_update().select_related("assignment").get(pk=absence.pk)
    if absence.returned_at:
        raise InvalidTransition(_("The person is already back."), code="already_back")
    if absence.assignment.person_id != actor.pk and not actor.has_perm("duty.supervise"):
        raise PermissionRefused(_("Only the person or a supervisor records the return."), code="not_allowed")
    absence.returned_at = timezone.now()
    absence.save(update_fields=["returned_at"])
    audit.record(actor, "duty.absence_ended", absence)
    return absence


# --- duty log -----------------------------------------------------------------------------------


def _report_fault(entry: LogEntry, actor: Any, fault_category: str) -> str:
    """INC-9: an equipment or system fault written in the log is also registered as a fault."""
    try:
        from watchroom.equipment.services import report_fault  # type: ignore[attr-defined]
    except ImportError:
        return ""
    fault = report_fault(
        actor=actor,
        symptom=entry.description,
        camera=entry.camera,
        device=None,
        category=fault_category,
        source="duty",
        occurred_at=entry.occurred_at,
        external_ref=f"duty-entry:{entry.pk}",
    )
    return str(getattr(fault, "pk", "") or "")


PHOTO_TYPES = ("image/jpeg", "image/png")
MAX_PHOTOS_PER_UPLOAD = 10


def _prepare_photos(uploads: list[Any]) -> list[Any]:
    """Check each upload by its content (JPEG or PNG, at most 10 MB) and hash it. No database."""
    if len(uploads) > MAX_PHOTOS_PER_UPLOAD:
        raise ValidationFailed(
            _("At most %(n)s photos at a time.") % {"n": MAX_PHOTOS_PER_UPLOAD}, code="too_many_photos"
        )
    prepared = []
    for upload in uploads:
        p = approvals.prepare_attachment(upload)
        if p.content_type not in PHOTO_TYPES:
            raise ValidationFailed(
                _("%(name)s is not a JPEG or PNG photo.") % {"name": p.original_name}, code="photo_type"
            )
        prepared.append(p)
    return prepared


def _store_photos(prepared: list[Any]) -> list[str]:
    """Store the checked photos under MEDIA_ROOT (the data directory, outside the web root)."""
    import uuid

    from django.core.files.storage import default_storage

    stored: list[str] = []
    try:
        for p in prepared:
            path = f"duty/photos/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{p.extension}"
            stored.append(default_storage.save(path, p.file))
    except Exception:
        _delete_stored(stored)
        raise
    return stored


def _delete_stored(stored: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in stored:
        default_storage.delete(name)


def _record_photos(
    entry: LogEntry, prepared: list[Any], stored: list[str], actor: Any, caption: str = ""
) -> list[EntryPhoto]:
    """Inside the caller's transaction: one row and one audit event per stored photo."""
    photos = []
    for p, name in zip(prepared, stored, strict=True):
        photo = EntryPhoto.objects.create(
            entry=entry,
            room_id=entry.room_id,
            caption=caption.strip()[:200],
            file=name,
            original_name=p.original_name,
            sha256=p.sha256,
            size=p.size,
            content_type=p.content_type,
            uploaded_by=actor,
        )
        audit.record(
            actor,
            "duty.photo_attached",
            photo,
            changes={"entry": entry.pk, "sha256": p.sha256, "size": p.size, "name": p.original_name},
        )
        photos.append(photo)
    return photos


def attach_photo(entry: LogEntry, *, actor: Any, upload: Any, caption: str = "") -> EntryPhoto:
    """Attach a photo or snapshot to a duty-log entry (DUTY-5) until its shift is handed over; after
    the handover the entry and its photos are immutable. Only a person on duty on the entry's shift
    adds one. The file is checked by content and stored before the row is written."""
    prepared = _prepare_photos([upload])
    stored = _store_photos(prepared)
    try:
        with transaction.atomic():
            shift = Shift.objects.select_for_update().get(pk=entry.shift_id)
            if shift.state != Shift.State.ON_DUTY:
                raise InvalidTransition(
                    _("The shift of this entry has been handed over: its entries and photos are final."),
                    code="entry_final",
                )
            _my_assignment(shift, actor)
            (photo,) = _record_photos(entry, prepared, stored, actor, caption)
            return photo
    except Exception:
        _delete_stored(stored)
        raise


def read_photo(photo: EntryPhoto, *, actor: Any) -> Any:
    """Open a stored photo for reading and audit the read (``duty.photo_read``)."""
    from django.core.files.storage import default_storage

    audit.record_read(actor, "duty.photo_read", photo, note=f"sha256={photo.sha256}")
    return default_storage.open(photo.file.name, "rb")


def add_entry(
    shift: Shift,
    *,
    actor: Any,
    category: str,
    description: str,
    occurred_at: datetime | None = None,
    area: Area | None = None,
    camera: Camera | None = None,
    action_taken: str = "",
    reported_to: str = "",
    reported_at: datetime | None = None,
    suspect_appearance: str = "",
    suspect_direction: str = "",
    suspect_cameras: str = "",
    is_open: bool = False,
    fault_category: str = "",
    corrects: LogEntry | None = None,
    correction_reason: str = "",
    register_fault: bool = True,
    fault_ref: str = "",
    now: datetime | None = None,
    photos: list[Any] | None = None,
) -> LogEntry:
    """Write an entry in the duty log of a shift on duty (DUTY-5). Only a person signed in on the
    shift writes; the event time defaults to now and may be earlier, never later. ``photos``
    (uploads, JPEG or PNG) are checked and stored before the entry is written (``attach_photo``)."""
    now = now or timezone.now()
    occurred_at = occurred_at or now
    prepared = _prepare_photos(photos or [])  # checked and hashed before any database work
    stored = _store_photos(prepared)
    try:
        with transaction.atomic():
            shift = Shift.objects.select_for_update().select_related("room").get(pk=shift.pk)
            if shift.state != Shift.State.ON_DUTY:
                raise InvalidTransition(
                    _("The duty log of this shift is closed: it has been handed over or has not begun."),
                    code="shift_not_on_duty",
                )
            _my_assignment(shift, actor)
            if category not in Category.values:
                raise ValidationFailed(_("Unknown category."), code="unknown_category")
            if not description.strip():
                raise ValidationFailed(_("Describe what happened."), code="description_required")
            if occurred_at > now + timedelta(minutes=1):
                raise ValidationFailed(
                    _("The time of the event cannot be in the future."), code="future_event"
                )
            if occurred_at < shift.starts_at - timedelta(hours=24):
                raise ValidationFailed(
                    _("The event is more than a day before the shift."), code="event_too_old"
                )
            for obj in (area, camera):
                campus_id = obj.campus_id if isinstance(obj, Area) else (obj.area.campus_id if obj else None)
                if obj is not None and campus_id != shift.room.campus_id:
                    raise ValidationFailed(_("The place is not on this room's campus."), code="wrong_campus")
            if category == Category.SUSPICIOUS and not suspect_appearance.strip():
                raise ValidationFailed(
                    _("Describe the suspicious person's appearance."), code="suspect_appearance_required"
                )
            if reported_to and not reported_at:
                reported_at = now
            entry = LogEntry.objects.create(
                shift=shift,
                room=shift.room,
                author=actor,
                occurred_at=occurred_at,
                recorded_at=now,
                category=category,
                area=area or (camera.area if camera else None),
                camera=camera,
                description=description.strip(),
                action_taken=action_taken.strip(),
                reported_to=reported_to.strip(),
                reported_at=reported_at,
                suspect_appearance=suspect_appearance.strip(),
                suspect_direction=suspect_direction.strip(),
                suspect_cameras=suspect_cameras.strip(),
                is_open=is_open,
                corrects=corrects,
                correction_reason=correction_reason.strip(),
                fault_ref=fault_ref,
            )
            if register_fault and category in (Category.EQUIPMENT_FAULT, Category.SYSTEM_FAULT):
                default = (
                    "network" if category == Category.SYSTEM_FAULT else ("video_loss" if camera else "other")
                )
                entry.fault_ref = _report_fault(entry, actor, fault_category or default)
                if entry.fault_ref:
                    entry.save(update_fields=["fault_ref"])
            audit.record(
                actor,
                "duty.entry_corrected" if corrects else "duty.entry_added",
                entry,
                changes={
                    "category": category,
                    "shift": shift.pk,
                    "corrects": corrects.pk if corrects else None,
                },
                note=correction_reason,
            )
            _record_photos(entry, prepared, stored, actor)
            return entry
    except Exception:
        _delete_stored(stored)  # nothing was recorded: no orphan file stays behind
        raise


def correct_entry(original: LogEntry, *, actor: Any, reason: str, **fields: Any) -> LogEntry:
    """A correction is a new entry on the actor's shift on duty pointing to the original, which is
    then shown struck through (DUTY-5). The original is never changed."""
    if not reason.strip():
        raise ValidationFailed(_("Give the reason for the correction."), code="reason_required")
    if original.corrections.exists():
        raise InvalidTransition(_("This entry has already been corrected."), code="already_corrected")
    shift = current_shift(original.room)
    if shift is None or shift.state != Shift.State.ON_DUTY:
        raise InvalidTransition(_("No shift is on duty in this room."), code="no_shift_on_duty")
    values: dict[str, Any] = {
        "category": original.category,
        "description": original.description,
        "occurred_at": original.occurred_at,
        "area": original.area,
        "camera": original.camera,
        "action_taken": original.action_taken,
        "reported_to": original.reported_to,
        "reported_at": original.reported_at,
        "suspect_appearance": original.suspect_appearance,
        "suspect_direction": original.suspect_direction,
        "suspect_cameras": original.suspect_cameras,
        "is_open": original.is_open,
    }
    values.update({k: v for k, v in fields.items() if k in values})
    return add_entry(
        shift,
        actor=actor,
        corrects=original,
        correction_reason=reason,
        register_fault=not original.fault_ref,
        fault_ref=original.fault_ref,
        **values,
    )


@transaction.atomic
def close_item(entry: LogEntry, *, actor: Any, note: str = "") -> LogEntry:
    """Close an open log item (follow-up done); the people on duty now close it."""
    entry = LogEntry.objects.select_for_update().get(pk=entry.pk)
    if not entry.is_open or entry.closed_at:
        raise InvalidTransition(_("This item is not open."), code="not_open")
    shift = current_shift(entry.room)
    if shift is None:
        raise InvalidTransition(_("No shift is on duty in this room."), code="no_shift_on_duty")
    _my_assignment(shift, actor)
    entry.is_open, entry.closed_at, entry.closed_by = False, timezone.now(), actor
    entry.save(update_fields=["is_open", "closed_at", "closed_by"])
    audit.record(actor, "duty.item_closed", entry, note=note)
    return entry


# --- inspections --------------------------------------------------------------------------------


def inspection_counts(shift: Shift) -> tuple[int, int]:
    return shift.inspections.count(), settings_for(shift.room).inspections_per_shift


def ensure_reminders(shift: Shift) -> list[InspectionReminder]:
    """Reminders at random moments inside equal windows spread over the shift (DUTY-6: irregular
    times). Created once per shift; callers hold the transaction."""
    existing = list(shift.reminders.all())
    if existing:
        return existing
    count = settings_for(shift.room).inspections_per_shift
    length = (shift.ends_at - shift.starts_at) / count
    rng = random.SystemRandom()
    result = []
    for i in range(count):
        start = shift.starts_at + length * i
        end = start + length
        # leave the last quarter of each window for doing the inspection
        due = start + timedelta(seconds=rng.uniform(0, length.total_seconds() * 0.75))
        result.append(InspectionReminder(shift=shift, window_start=start, window_end=end, due_at=due))
    return InspectionReminder.objects.bulk_create(result)


def _parse_checklist(checklist: dict[str, Any]) -> tuple[dict[str, dict[str, Any]], bool]:
    missing = [k for k in CHECKLIST_KEYS if k not in checklist]
    if missing:
        raise ValidationFailed(
            _("Every checklist item needs a result."),
            code="checklist_incomplete",
            details={"missing": missing},
        )
    clean: dict[str, dict[str, Any]] = {}
    for key in CHECKLIST_KEYS:
        value = checklist[key]
        if isinstance(value, dict):
            ok, note = bool(value.get("ok")), str(value.get("note", ""))[:300]
        else:
            ok, note = bool(value), ""
        if not ok and not note.strip():
            raise ValidationFailed(_("Describe each problem found."), code="problem_note_required")
        clean[key] = {"ok": ok, "note": note}
    return clean, all(v["ok"] for v in clean.values())


@transaction.atomic
def record_inspection(
    shift: Shift,
    *,
    actor: Any,
    checklist: dict[str, Any],
    group_results: list[tuple[CameraGroup, bool, str]] | None = None,
    notes: str = "",
    started_at: datetime | None = None,
    now: datetime | None = None,
) -> Inspection:
    """Record an inspection of the system (DUTY-6, 14): the checklist and results per camera group.
    It satisfies the earliest open reminder; done later than the reminder plus grace is late."""
    now = now or timezone.now()
    shift = Shift.objects.select_for_update().select_related("room").get(pk=shift.pk)
    if shift.state != Shift.State.ON_DUTY:
        raise InvalidTransition(_("Inspections are recorded on a shift on duty."), code="shift_not_on_duty")
    _my_assignment(shift, actor)
    clean, all_ok = _parse_checklist(checklist)
    group_results = group_results or []
    for group, ok, note in group_results:
        if group.room_id != shift.room_id:
            raise ValidationFailed(_("The camera group is not watched from this room."), code="wrong_group")
        if not ok and not note.strip():
            raise ValidationFailed(_("Describe each problem found."), code="problem_note_required")
    all_ok = all_ok and all(ok for _g, ok, _n in group_results)
    reminder = (
        InspectionReminder.objects.select_for_update()
        .filter(shift=shift, inspection__isnull=True, window_start__lte=now)
        .order_by("due_at")
        .first()
    )
    grace = timedelta(minutes=settings_for(shift.room).inspection_grace_minutes)
    on_time = reminder is None or now <= max(reminder.due_at + grace, reminder.window_end)
    inspection = Inspection.objects.create(
        shift=shift,
        performed_by=actor,
        started_at=started_at or now,
        finished_at=now,
        checklist=clean,
        all_ok=all_ok,
        notes=notes.strip(),
        on_time=on_time,
    )
    for group, ok, note in group_results:
        InspectionGroupResult.objects.create(inspection=inspection, group=group, ok=ok, note=note.strip())
    if reminder is not None:
        reminder.inspection = inspection
        reminder.save(update_fields=["inspection"])
    audit.record(
        actor,
        "duty.inspection_recorded",
        inspection,
        changes={"all_ok": all_ok, "on_time": on_time, "groups": len(group_results)},
    )
    return inspection


@transaction.atomic
def attach_automated_round(
    room: MonitoringRoom,
    *,
    actor: Any,
    started_at: datetime,
    finished_at: datetime,
    summary: dict[str, Any],
    results: list[dict[str, Any]],
) -> Inspection:
    """Record the camera-health engine's automatic round as an inspection of the shift in progress
    of `room` (counts toward the shift's inspections; marked automatic). ``results`` are per-camera
    dicts (``camera``, ``ok``, ...); a result with ``ok`` false makes the round not all normal.
    Raises ``NotFound`` (code ``no_shift_on_duty``) when no shift of the room is on duty."""
    shift = current_shift(room, finished_at)
    if shift is None or shift.state != Shift.State.ON_DUTY:
        raise NotFound(_("No shift is on duty in this room."), code="no_shift_on_duty")
    shift = Shift.objects.select_for_update().get(pk=shift.pk)
    inspection = Inspection.objects.create(
        shift=shift,
        performed_by=actor,
        started_at=started_at,
        finished_at=max(finished_at, started_at),
        automatic=True,
        summary=summary,
        camera_results=results,
        all_ok=all(bool(r.get("ok", True)) for r in results),
    )
    audit.record(
        actor,
        "duty.inspection_recorded",
        inspection,
        changes={"automatic": True, "cameras": len(results), "all_ok": inspection.all_ok},
    )
    return inspection


OVERDUE_ALERT_WITHIN = timedelta(hours=24)


def check_reminders(now: datetime | None = None) -> dict[str, int]:
    """The periodic job: remind the people on duty of due inspections; alert the director when one is
    overdue (a window closed within ``OVERDUE_ALERT_WITHIN``). Idempotent (each reminder is sent and
    alerted once)."""
    from watchroom.accounts.services import system_user

    now = now or timezone.now()
    actor = system_user()
    sent = alerted = 0
    due = InspectionReminder.objects.filter(
        notified_at__isnull=True, inspection__isnull=True, due_at__lte=now, shift__state=Shift.State.ON_DUTY
    ).select_related("shift__room")
    for reminder_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            reminder = (
                InspectionReminder.objects.select_for_update()
                .select_related("shift__room")
                .filter(pk=reminder_id, notified_at__isnull=True)
                .first()
            )
            if reminder is None:
                continue
            reminder.notified_at = now
            reminder.save(update_fields=["notified_at"])
            people = [a.person for a in present(reminder.shift)]
            _notify(
                people,
                title=_("Time for an inspection of the system"),
                body=_("Inspect before %(time)s.")
                % {"time": timezone.localtime(reminder.window_end).strftime("%H:%M")},
                url=reminder.shift.get_absolute_url(),
                kind="duty.inspection_due",
                actor=actor,
            )
            audit.record(actor, "duty.inspection_reminded", reminder.shift, changes={"reminder": reminder.pk})
            sent += 1
    overdue = InspectionReminder.objects.filter(
        inspection__isnull=True,
        overdue_alerted_at__isnull=True,
        notified_at__isnull=False,
        window_end__lte=now,
        # an alert is for the director to act now; a window that closed longer ago (the worker was
        # stopped, data loaded) stays a missed inspection in the reports, without a flood of alerts
        window_end__gt=now - OVERDUE_ALERT_WITHIN,
    )
    for reminder_id in list(overdue.values_list("pk", flat=True)):
        with transaction.atomic():
            reminder = (
                InspectionReminder.objects.select_for_update()
                .select_related("shift__room")
                .filter(pk=reminder_id, overdue_alerted_at__isnull=True)
                .first()
            )
            if reminder is None:
                continue
            reminder.overdue_alerted_at = now
            reminder.save(update_fields=["overdue_alerted_at"])
            _notify(
                supervisors(reminder.shift.room),
                title=_("An inspection is overdue in %(room)s") % {"room": reminder.shift.room.name},
                url=reminder.shift.get_absolute_url(),
                kind="duty.inspection_overdue",
                actor=actor,
            )
            audit.record(
                actor,
                "duty.inspection_overdue",
                reminder.shift,
                changes={"reminder": reminder.pk},
                outcome="failure",
            )
            alerted += 1
    return {"reminded": sent, "overdue": alerted}


def check_attendance(now: datetime | None = None) -> dict[str, int]:
    """The periodic job: alert the director when nobody has signed in N minutes after a shift began
    (DUTY-3) and when a handover is overdue by N minutes (DUTY-9); close pending swaps whose shift
    has begun (``expire_started_swaps``)."""
    from watchroom.accounts.services import system_user

    now = now or timezone.now()
    actor = system_user()
    counts = {"no_signin": 0, "handover_overdue": 0, "swaps_expired": 0}
    candidates = Shift.objects.filter(
        signin_alerted_at__isnull=True, starts_at__lte=now, ends_at__gt=now, state=Shift.State.PLANNED
    ).select_related("room")
    for shift in candidates:
        conf = settings_for(shift.room)
        if now < shift.starts_at + timedelta(minutes=conf.signin_alert_minutes):
            continue
        with transaction.atomic():
            if not Shift.objects.filter(pk=shift.pk, signin_alerted_at__isnull=True).update(
                signin_alerted_at=now
            ):
                continue
            _notify(
                supervisors(shift.room),
                title=_("Nobody has signed in for %(shift)s") % {"shift": str(shift)},
                url=shift.get_absolute_url(),
                kind="duty.no_signin",
                actor=actor,
            )
            audit.record(actor, "duty.no_signin_alerted", shift, outcome="failure")
            counts["no_signin"] += 1
    late = Shift.objects.filter(
        handover_alerted_at__isnull=True, state=Shift.State.ON_DUTY, ends_at__lte=now
    ).select_related("room")
    for shift in late:
        conf = settings_for(shift.room)
        if now < shift.ends_at + timedelta(minutes=conf.handover_overdue_minutes):
            continue
        with transaction.atomic():
            if not Shift.objects.filter(pk=shift.pk, handover_alerted_at__isnull=True).update(
                handover_alerted_at=now
            ):
                continue
            _notify(
                supervisors(shift.room),
                title=_("The handover of %(shift)s is overdue") % {"shift": str(shift)},
                url=shift.get_absolute_url(),
                kind="duty.handover_overdue",
                actor=actor,
            )
            audit.record(actor, "duty.handover_overdue", shift, outcome="failure")
            counts["handover_overdue"] += 1
    counts["swaps_expired"] = expire_started_swaps(now, actor=actor)
    return counts


def expire_started_swaps(now: datetime, *, actor: Any) -> int:
    """A pending swap whose shift (or the shift taken in exchange) has begun can no longer be applied
    (DUTY-9): it is closed as expired together with its approval request, the rota stays as published
    and both people are told. Approving it anyway is refused by ``on_swap_decided``."""
    due = ShiftSwap.objects.pending().filter(
        Q(assignment__shift__starts_at__lte=now) | Q(counterpart_assignment__shift__starts_at__lte=now)
    )
    closed = 0
    for swap_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            swap = (
                ShiftSwap.objects.select_for_update(of=("self",))
                .select_related("assignment__shift", "requester", "counterpart")
                .filter(pk=swap_id, status=ShiftSwap.Status.PENDING)
                .first()
            )
            if swap is None:
                continue
            swap.status = ShiftSwap.Status.EXPIRED
            swap.decided_at = now
            swap.save(update_fields=["status", "decided_at"])
            audit.record(
                actor,
                "duty.swap_decided",
                swap,
                changes={"status": ["pending", ShiftSwap.Status.EXPIRED], "approval": swap.approval_id},
                note="shift began before a decision",
            )
            if swap.approval_id:
                # approvers no longer see a request that can only be rejected
                approvals.expire_early(swap.approval, actor=actor, reason="shift began before a decision")
            _notify(
                [swap.requester, swap.counterpart],
                title=_("Shift swap expired: %(shift)s began before a decision")
                % {"shift": str(swap.assignment.shift)},
                url=_url("duty:swap_list"),
                kind="duty.swap",
                actor=actor,
            )
            closed += 1
    return closed


# --- handover -----------------------------------------------------------------------------------


@transaction.atomic
def open_handover(outgoing: Shift, *, actor: Any, notes: str = "") -> Handover:
    """Open the handover of a shift on duty to the next shift and build its packet (DUTY-8, 11).
    The incoming person must be present (signed in): no handover by telephone (DUTY-9)."""
    outgoing = Shift.objects.select_for_update().select_related("room").get(pk=outgoing.pk)
    if outgoing.state != Shift.State.ON_DUTY:
        raise InvalidTransition(_("Only a shift on duty is handed over."), code="shift_not_on_duty")
    existing = Handover.objects.filter(outgoing=outgoing).first()
    if existing is not None:
        return existing
    incoming = next_shift(outgoing)
    if incoming is None:
        raise InvalidTransition(_("There is no next shift on the rota."), code="no_next_shift")
    if actor.pk not in {a.person_id for a in outgoing.assignments.all()} | {
        a.person_id for a in incoming.assignments.all()
    }:
        raise PermissionRefused(_("Only the people of the two shifts hand over."), code="not_on_duty")
    if not incoming.assignments.filter(signed_in_at__isnull=False).exists():
        raise InvalidTransition(
            _("The incoming person has not signed in: a handover is done in person."),
            code="incoming_not_present",
        )
    handover = Handover.objects.create(outgoing=outgoing, incoming=incoming, free_notes=notes.strip())
    packet: dict[str, Any] = {"outgoing": outgoing.pk, "incoming": incoming.pk, "sections": []}
    order = 0
    for section in handover_sections.sections():
        items = section.fn(outgoing)
        packet["sections"].append({"key": section.key, "items": items})
        for item in items:
            order += 1
            HandoverItem.objects.create(
                handover=handover,
                section=section.key,
                ref=str(item.get("ref", ""))[:60],
                title=str(item.get("title", ""))[:300],
                detail=str(item.get("detail", "")),
                order=order,
            )
    if handover.free_notes:
        order += 1
        HandoverItem.objects.create(
            handover=handover, section="notes", ref="notes", title=handover.free_notes[:300], order=order
        )
    packet["notes"] = handover.free_notes
    handover.packet = packet
    handover.save(update_fields=["packet"])
    audit.record(actor, "duty.handover_opened", handover, changes={"items": order})
    return handover


@transaction.atomic
def acknowledge_item(item: HandoverItem, *, actor: Any, note: str = "") -> HandoverItem:
    """The incoming person takes over one item (DUTY-8: item by item)."""
    item = HandoverItem.objects.select_for_update().select_related("handover").get(pk=item.pk)
    handover = item.handover
    if handover.state != Handover.State.OPEN:
        raise InvalidTransition(
            _("The handover has been signed; items cannot change."), code="handover_signed"
        )
    _my_assignment(handover.incoming, actor)
    if item.acknowledged_at:
        raise InvalidTransition(_("This item is already taken over."), code="already_acknowledged")
    item.acknowledged_by, item.acknowledged_at, item.note = actor, timezone.now(), note.strip()[:300]
    item.save(update_fields=["acknowledged_by", "acknowledged_at", "note"])
    audit.record(actor, "duty.handover_item_acknowledged", item.handover, changes={"item": item.pk})
    return item


def _handover_content(handover: Handover) -> dict[str, Any]:
    return {
        "handover": handover.pk,
        "packet": handover.packet,
        "items": [
            {"id": i.pk, "title": i.title, "by": i.acknowledged_by_id, "at": i.acknowledged_at}
            for i in handover.items.order_by("order", "id")
        ],
    }


def sign_handover_outgoing(handover: Handover, *, actor: Any, password: str, otp: str = "") -> Handover:
    """The outgoing person signs first, after every item has been taken over (DUTY-8)."""
    with approvals.signature_failures_audited(actor, handover), transaction.atomic():
        handover = Handover.objects.select_for_update().get(pk=handover.pk)
        if handover.state != Handover.State.OPEN:
            raise InvalidTransition(_("The outgoing side has already signed."), code="already_signed")
        _my_assignment(handover.outgoing, actor)
        pending = handover.items.filter(acknowledged_at__isnull=True).count()
        if pending:
            raise InvalidTransition(
                _("%(n)s items have not been taken over yet.") % {"n": pending}, code="items_pending"
            )
        signature = approvals.sign(
            actor,
            password=password,
            otp=otp,
            meaning="handed_over",
            target=handover,
            content=_handover_content(handover),
        )
        handover.outgoing_signature = signature
        handover.state = Handover.State.OUTGOING_SIGNED
        handover.save(update_fields=["outgoing_signature", "state"])
        audit.record(actor, "duty.handover_signed_outgoing", handover)
        return handover


def sign_handover_incoming(handover: Handover, *, actor: Any, password: str, otp: str = "") -> Handover:
    """The incoming person signs second, within minutes of the outgoing signature (DUTY-9); that is
    the moment responsibility passes (DUTY-10). The packet is then locked and archived as a PDF."""
    with approvals.signature_failures_audited(actor, handover), transaction.atomic():
        handover = (
            Handover.objects.select_for_update(of=("self",))
            .select_related("outgoing_signature")
            .get(pk=handover.pk)
        )
        if handover.state == Handover.State.OPEN:
            raise InvalidTransition(_("The outgoing person signs first."), code="outgoing_signs_first")
        if handover.state == Handover.State.COMPLETED:
            raise InvalidTransition(_("The handover is already complete."), code="already_signed")
        _my_assignment(handover.incoming, actor)
        now = timezone.now()
        outgoing = handover.outgoing_signature
        if outgoing is None:
            raise InvalidTransition(_("The outgoing person signs first."), code="outgoing_first")
        if now - outgoing.signed_at > HANDOVER_SIGN_WINDOW:
            raise InvalidTransition(
                _("Both sign in person within %(m)s minutes; the outgoing person must sign again.")
                % {"m": int(HANDOVER_SIGN_WINDOW.total_seconds() // 60)},
                code="sign_window_passed",
            )
        signature = approvals.sign(
            actor,
            password=password,
            otp=otp,
            meaning="received",
            target=handover,
            content=_handover_content(handover),
        )
        handover.incoming_signature = signature
        handover.state = Handover.State.COMPLETED
        handover.responsibility_passed_at = signature.signed_at
        handover.save(update_fields=["incoming_signature", "state", "responsibility_passed_at"])
        outgoing = Shift.objects.select_for_update().get(pk=handover.outgoing_id)
        outgoing.state = Shift.State.HANDED_OVER
        outgoing.responsibility_until = signature.signed_at
        outgoing.save(update_fields=["state", "responsibility_until"])
        incoming = Shift.objects.select_for_update().get(pk=handover.incoming_id)
        if incoming.state == Shift.State.PLANNED:
            incoming.state, incoming.opened_at = Shift.State.ON_DUTY, now
            incoming.save(update_fields=["state", "opened_at"])
        audit.record(
            actor,
            "duty.handover_completed",
            handover,
            changes={"responsibility_passed_at": signature.signed_at.isoformat()},
        )
    try:
        archive_handover(handover, actor=actor)
    except Exception:  # the handover stands; the archive can be made again
        log.exception("handover %s: PDF archive failed", handover.pk)
    return handover


def reopen_outgoing_signature(handover: Handover, *, actor: Any) -> Handover:
    """When the incoming person did not sign in time, the outgoing signature lapses (audited)."""
    with transaction.atomic():
        handover = Handover.objects.select_for_update().get(pk=handover.pk)
        if handover.state != Handover.State.OUTGOING_SIGNED:
            raise InvalidTransition(_("Nothing to reopen."), code="not_outgoing_signed")
        _my_assignment(handover.outgoing, actor)
        handover.state = Handover.State.OPEN
        handover.outgoing_signature = None
        handover.save(update_fields=["state", "outgoing_signature"])
        audit.record(actor, "duty.handover_reopened", handover)
        return handover


def archive_handover(handover: Handover, *, actor: Any) -> Handover:
    """Render the locked packet as a Chinese PDF, store it and record its SHA-256 (DUTY-8)."""
    import hashlib

    from .pdf import handover_pdf

    handover = Handover.objects.get(pk=handover.pk)
    if handover.state != Handover.State.COMPLETED:
        raise InvalidTransition(_("Only a completed handover is archived."), code="not_completed")
    if handover.pdf_sha256:
        return handover
    data = handover_pdf(handover)
    digest = hashlib.sha256(data).hexdigest()
    folder = Path(settings.DATA_DIR) / "duty" / "handovers"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"handover-{handover.pk}-{digest[:12]}.pdf"
    path.write_bytes(data)
    with transaction.atomic():
        locked = Handover.objects.select_for_update().get(pk=handover.pk)
        locked.pdf_path = str(path.relative_to(settings.DATA_DIR))
        locked.pdf_sha256 = digest
        locked.save(update_fields=["pdf_path", "pdf_sha256"])
        audit.record(actor, "duty.handover_archived", locked, changes={"sha256": digest, "bytes": len(data)})
    return locked


@transaction.atomic
def end_duty(assignment: Assignment, *, actor: Any) -> Assignment:
    """End one's duty. Refused until the incoming person has signed the handover (DUTY-9)."""
    assignment = Assignment.objects.select_for_update().select_related("shift").get(pk=assignment.pk)
    if assignment.person_id != actor.pk:
        raise PermissionRefused(_("Only the person ends their own duty."), code="not_allowed")
    if assignment.ended_at:
        raise InvalidTransition(_("Your duty has already ended."), code="already_ended")
    handover = Handover.objects.filter(outgoing=assignment.shift).first()
    if handover is None or handover.state != Handover.State.COMPLETED:
        raise InvalidTransition(
            _("You cannot leave before the incoming person has signed the handover."),
            code="handover_not_signed",
        )
    assignment.ended_at = timezone.now()
    assignment.save(update_fields=["ended_at"])
    audit.record(actor, "duty.duty_ended", assignment)
    return assignment


# --- report sign-off ----------------------------------------------------------------------------


def signoff_level_for(actor: Any) -> str | None:
    roles = set(actor.role_codes)
    if roles & {"director", "deputy"}:
        return ReportSignoff.Level.DIRECTOR
    if roles & {"leader", "security_head"}:
        return ReportSignoff.Level.LEADER
    return None


def report_content(shift: Shift) -> dict[str, Any]:
    entries = list(shift.entries.order_by("occurred_at", "id").values_list("pk", "category", "description"))
    done, required = inspection_counts(shift)
    handover = Handover.objects.filter(outgoing=shift).first()
    return {
        "shift": shift.pk,
        "room": shift.room_id,
        "starts": shift.starts_at.isoformat(),
        "ends": shift.ends_at.isoformat(),
        "entries": entries,
        "inspections": [done, required],
        "handover_pdf_sha256": handover.pdf_sha256 if handover else "",
    }


def sign_off_report(
    shift: Shift, *, actor: Any, password: str, otp: str = "", comment: str = ""
) -> ReportSignoff:
    """The director (or deputy) and a leader sign off the shift report (DUTY-7), each once, after
    the shift has been handed over."""
    level = signoff_level_for(actor)
    if level is None:
        raise PermissionRefused(_("Only the director or a leader signs off reports."), code="not_allowed")
    with approvals.signature_failures_audited(actor, shift), transaction.atomic():
        shift = Shift.objects.select_for_update().get(pk=shift.pk)
        if shift.state != Shift.State.HANDED_OVER:
            raise InvalidTransition(
                _("The report is signed off after the handover."), code="shift_not_handed_over"
            )
        if ReportSignoff.objects.filter(shift=shift, level=level).exists():
            raise InvalidTransition(
                _("This report is already signed off at your level."), code="already_signed"
            )
        signature = approvals.sign(
            actor, password=password, otp=otp, meaning="reviewed", target=shift, content=report_content(shift)
        )
        signoff = ReportSignoff.objects.create(
            shift=shift, level=level, signed_by=actor, signature=signature, comment=comment.strip()
        )
        audit.record(actor, "duty.report_signed_off", shift, changes={"level": level})
        return signoff


def overdue_reports(user: Any, now: datetime | None = None) -> QuerySet[Shift]:
    """Handed-over shifts whose report the director has not signed within the set hours (DUTY-7)."""
    now = now or timezone.now()
    hours = DutySettings._meta.get_field("signoff_due_hours").default
    return (
        Shift.objects.visible_to(user)
        .filter(state=Shift.State.HANDED_OVER, ends_at__lt=now - timedelta(hours=hours))
        .exclude(signoffs__level=ReportSignoff.Level.DIRECTOR)
    )


# --- violations ---------------------------------------------------------------------------------


@transaction.atomic
def record_violation(
    person: Any,
    *,
    actor: Any,
    kind: str,
    description: str,
    occurred_at: datetime | None = None,
    consequence: str = "",
    shift: Shift | None = None,
) -> Violation:
    """Record a breach of the duty rules against a person (DUTY-4, 9, 13)."""
    if kind not in Violation.Kind.values:
        raise ValidationFailed(_("Unknown kind of violation."), code="unknown_kind")
    if not description.strip():
        raise ValidationFailed(_("Describe the violation."), code="description_required")
    if person.pk == actor.pk:
        raise DomainError(_("You cannot record a violation against yourself."), code="self_violation")
    violation = Violation.objects.create(
        person=person,
        shift=shift,
        kind=kind,
        occurred_at=occurred_at or timezone.now(),
        description=description.strip(),
        consequence=consequence.strip(),
        recorded_by=actor,
    )
    audit.record(actor, "duty.violation_recorded", violation, changes={"person": person.pk, "kind": kind})
    return violation


@transaction.atomic
def void_violation(violation: Violation, *, actor: Any, reason: str) -> Violation:
    violation = Violation.objects.select_for_update().get(pk=violation.pk)
    if violation.voided_at:
        raise InvalidTransition(_("Already voided."), code="already_voided")
    if not reason.strip():
        raise ValidationFailed(_("Give the reason for voiding."), code="reason_required")
    violation.voided_at, violation.void_reason = timezone.now(), reason.strip()
    violation.save(update_fields=["voided_at", "void_reason"])
    audit.record(actor, "duty.violation_voided", violation, note=reason)
    return violation


def people_counts(rota: Rota) -> list[dict[str, Any]]:
    """Per person: shifts, nights, weekend shifts and hours of a rota (for the rota page)."""
    result: dict[int, dict[str, Any]] = {}
    for a in Assignment.objects.filter(shift__rota=rota).select_related("person", "shift__template"):
        row = result.setdefault(
            a.person_id,
            {"person": a.person, "shifts": 0, "nights": 0, "weekends": 0, "hours": 0.0, "days": {}},
        )
        row["shifts"] += 1
        row["nights"] += int(a.shift.template.is_night)
        row["weekends"] += int(a.shift.date.weekday() >= 5)
        row["hours"] += (a.shift.ends_at - a.shift.starts_at).total_seconds() / 3600
        row["days"].setdefault(a.shift.date, []).append(a.shift.template.code)
    return sorted(result.values(), key=lambda r: r["person"].username)


def my_assignment_now(user: Any, now: datetime | None = None) -> Assignment | None:
    """The user's assignment of a shift on duty or about to begin (for the 'my shift' shortcut)."""
    now = now or timezone.now()
    return (
        Assignment.objects.filter(person=user, ended_at__isnull=True)
        .filter(
            Q(shift__state=Shift.State.ON_DUTY)
            | Q(shift__starts_at__lte=now + SIGNIN_EARLIEST, shift__ends_at__gt=now)
        )
        .exclude(shift__state=Shift.State.HANDED_OVER, shift__ends_at__lt=now - timedelta(hours=12))
        .select_related("shift__room", "shift__template")
        .order_by("shift__starts_at")
        .first()
    )


# --- shift swaps (DUTY-9) -----------------------------------------------------------------------

SWAP_KIND = "duty.swap"


def _name(person: Any) -> str:
    return str(person.real_name or person.username)


def _eligible(person: Any, room: MonitoringRoom) -> bool:
    return bool(person.is_active and person.has_perm("duty.work") and _person_in_scope(person, room))


def _overlaps(person: Any, shift: Shift, *, ignore: set[int]) -> Assignment | None:
    """Another assignment of `person` overlapping `shift` (anywhere in the hospital)."""
    return (
        Assignment.objects.filter(
            person=person, shift__starts_at__lt=shift.ends_at, shift__ends_at__gt=shift.starts_at
        )
        .exclude(pk__in=ignore)
        .select_related("shift")
        .first()
    )


def _check_swap(kind: str, assignment: Assignment, counterpart: Any, other: Assignment | None) -> None:
    """The rules of a swap, checked when it is asked for and again when it is applied."""
    shift = assignment.shift
    if shift.rota.status != Rota.Status.PUBLISHED:
        raise InvalidTransition(
            _("This rota is a draft: the rota manager edits it directly."), code="rota_not_published"
        )
    for s in [shift] + ([other.shift] if other else []):
        if s.state != Shift.State.PLANNED or s.starts_at <= timezone.now():
            raise InvalidTransition(
                _("%(shift)s has begun; it can no longer be swapped.") % {"shift": str(s)},
                code="shift_started",
            )
    if counterpart.pk == assignment.person_id:
        raise ValidationFailed(_("Choose another person."), code="same_person")
    if not _eligible(counterpart, shift.room):
        raise ValidationFailed(
            _("%(name)s may not be on duty in this room.") % {"name": _name(counterpart)},
            code="person_not_eligible",
        )
    if kind == ShiftSwap.Kind.SWAP:
        if other is None or other.person_id != counterpart.pk:
            raise ValidationFailed(
                _("Choose a shift of the other person to take in exchange."), code="swap_shift_required"
            )
        if other.shift.room_id != shift.room_id:
            raise ValidationFailed(_("Both shifts must be in the same room."), code="other_room")
        if other.shift.rota.status != Rota.Status.PUBLISHED:
            raise InvalidTransition(
                _("This rota is a draft: the rota manager edits it directly."), code="rota_not_published"
            )
    ignore = {assignment.pk} | ({other.pk} if other else set())
    clash = _overlaps(counterpart, shift, ignore=ignore)
    if clash is not None:
        raise ValidationFailed(
            _("%(name)s is already on %(shift)s at that time.")
            % {"name": _name(counterpart), "shift": str(clash.shift)},
            code="double_booked",
        )
    if other is not None:
        clash = _overlaps(assignment.person, other.shift, ignore=ignore)
        if clash is not None:
            raise ValidationFailed(
                _("%(name)s is already on %(shift)s at that time.")
                % {"name": _name(assignment.person), "shift": str(clash.shift)},
                code="double_booked",
            )


def request_swap(
    assignment: Assignment,
    *,
    actor: Any,
    counterpart: Any,
    reason: str,
    counterpart_assignment: Assignment | None = None,
) -> ShiftSwap:
    """Ask to swap one's assignment of a published rota with another person's assignment, or (without
    `counterpart_assignment`) to give it to a named substitute (DUTY-9). A leader decides it through
    the approvals mechanism; nothing changes on the rota until then."""
    kind = ShiftSwap.Kind.SWAP if counterpart_assignment is not None else ShiftSwap.Kind.SUBSTITUTE
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update(of=("self",))
            .select_related("shift__rota", "shift__room", "person")
            .get(pk=assignment.pk)
        )
        if assignment.person_id != actor.pk:
            raise PermissionRefused(_("Only the person on the shift asks to swap it."), code="not_allowed")
        if not reason.strip():
            raise ValidationFailed(_("Give the reason for the swap."), code="reason_required")
        other = None
        if counterpart_assignment is not None:
            other = Assignment.objects.select_related("shift__rota", "shift__room").get(
                pk=counterpart_assignment.pk
            )
        _check_swap(kind, assignment, counterpart, other)
        if ShiftSwap.objects.filter(
            Q(assignment=assignment) | Q(counterpart_assignment=assignment), status=ShiftSwap.Status.PENDING
        ).exists():
            raise InvalidTransition(
                _("A swap of this shift is already waiting for a decision."), code="swap_pending"
            )
        swap = ShiftSwap.objects.create(
            kind=kind,
            requester=actor,
            assignment=assignment,
            counterpart=counterpart,
            counterpart_assignment=other,
            reason=reason.strip(),
        )
        shift = assignment.shift
        if other is None:
            title = _("Shift swap: %(shift)s to %(name)s") % {"shift": str(shift), "name": _name(counterpart)}
        else:
            title = _("Shift swap: %(a)s with %(name)s on %(b)s") % {
                "a": str(shift),
                "name": _name(counterpart),
                "b": str(other.shift),
            }
        req = approvals.submit_request(
            SWAP_KIND,
            actor=actor,
            title=title,
            reason=reason,
            subject=swap,
            campus=shift.room.campus,
        )
        swap.approval = req
        swap.save(update_fields=["approval"])
        audit.record(
            actor,
            "duty.swap_requested",
            swap,
            changes={
                "kind": kind,
                "assignment": assignment.pk,
                "counterpart": counterpart.pk,
                "counterpart_assignment": other.pk if other else None,
                "approval": req.pk,
            },
            note=reason,
        )
        _notify(
            [counterpart],
            title=title,
            body=reason,
            url=_url("duty:swap_list"),
            kind="duty.swap",
            actor=actor,
        )
    return swap


def _url(name: str, *args: Any) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


def _publish_change(rota: Rota, *, actor: Any, note: str) -> RotaVersion:
    """A new version of a published rota after an approved swap or a manager's correction with a
    reason; the publish-time checks are not repeated (the change was checked on its own)."""
    rota = Rota.objects.select_for_update().get(pk=rota.pk)
    snapshot = rota_snapshot(rota)
    rota.version += 1
    rota.save(update_fields=["version"])
    version = RotaVersion.objects.create(
        rota=rota,
        number=rota.version,
        published_by=actor,
        snapshot=snapshot,
        sha256=sha256_of(snapshot),
        warnings=[{"code": "change", "message": note}],
    )
    audit.record(
        actor,
        "duty.rota_published",
        rota,
        changes={"version": version.number, "sha256": version.sha256, "swap": True},
        note=note,
    )
    return version


_SWAP_STATUS = {
    "approved": ShiftSwap.Status.APPROVED,
    "rejected": ShiftSwap.Status.REJECTED,
    "withdrawn": ShiftSwap.Status.WITHDRAWN,
    "expired": ShiftSwap.Status.EXPIRED,
}


def on_swap_decided(req: Any) -> None:
    """Approvals hook (inside the deciding transaction). Approved: the assignments change hands, a new
    rota version is published and both people are told. Refused, withdrawn or expired: the rota is
    untouched. A swap no longer possible (a shift has begun, a person is now elsewhere) refuses the
    approval with the reason, so the leader rejects it instead."""
    swap = (
        ShiftSwap.objects.select_for_update(of=("self",))
        .select_related("assignment__shift__rota", "assignment__person", "counterpart")
        .filter(approval=req)
        .first()
    )
    if swap is None:
        return
    if swap.status != ShiftSwap.Status.PENDING:
        if req.status == "approved":
            # closed on our side (its shift began before the decision): approving would change nothing
            raise InvalidTransition(
                _("This swap is closed (%(status)s): its shift has begun; reject the request.")
                % {"status": swap.get_status_display()},
                code="swap_closed",
            )
        return
    status = _SWAP_STATUS.get(req.status)
    if status is None:
        return
    decider = req.steps.order_by("-level").first()
    actor = decider.decided_by if decider else None
    changes: dict[str, Any] = {"status": ["pending", status]}
    if status == ShiftSwap.Status.APPROVED:
        a = (
            Assignment.objects.select_for_update()
            .select_related("shift__rota", "shift__room")
            .get(pk=swap.assignment_id)
        )
        b = None
        if swap.counterpart_assignment_id:
            b = (
                Assignment.objects.select_for_update()
                .select_related("shift__rota")
                .get(pk=swap.counterpart_assignment_id)
            )
        if a.person_id != swap.requester_id or (b is not None and b.person_id != swap.counterpart_id):
            raise InvalidTransition(
                _("The rota has changed since the swap was asked for; reject it."), code="swap_stale"
            )
        _check_swap(swap.kind, a, swap.counterpart, b)
        requester_id = a.person_id
        a.person = swap.counterpart
        a.save(update_fields=["person"])
        if b is not None:
            b.person_id = requester_id
            b.save(update_fields=["person"])
        note = _("Swap %(id)s approved") % {"id": swap.pk}
        rotas = {a.shift.rota_id: a.shift.rota}
        if b is not None:
            rotas[b.shift.rota_id] = b.shift.rota
        versions = [_publish_change(r, actor=actor, note=note) for r in rotas.values()]
        swap.rota_versions = [[v.rota_id, v.number] for v in versions]
        changes["rota_versions"] = swap.rota_versions
    swap.status = status
    swap.decided_at = req.decided_at or timezone.now()
    swap.save(update_fields=["status", "decided_at", "rota_versions"])
    audit.record(actor, "duty.swap_decided", swap, changes=changes, username="" if actor else "approvals")
    if status == ShiftSwap.Status.APPROVED:
        _notify(
            [swap.requester, swap.counterpart],
            title=_("Shift swap approved: %(shift)s") % {"shift": str(swap.assignment.shift)},
            body=swap.reason,
            url=swap.assignment.shift.rota.get_absolute_url(),
            kind="duty.swap",
            actor=actor,
        )
    elif status == ShiftSwap.Status.REJECTED:
        _notify(
            [swap.counterpart],
            title=_("Shift swap rejected: %(shift)s") % {"shift": str(swap.assignment.shift)},
            url=_url("duty:swap_list"),
            kind="duty.swap",
            actor=actor,
        )


def withdraw_swap(swap: ShiftSwap, *, actor: Any, reason: str) -> ShiftSwap:
    """The requester withdraws a pending swap (through approvals; the hook records it)."""
    if swap.approval is None:
        raise InvalidTransition(_("Only a pending request can be withdrawn."), code="not_pending")
    approvals.withdraw(swap.approval, actor=actor, reason=reason)
    swap.refresh_from_db()
    return swap


# --- early leave (DUTY-9) -----------------------------------------------------------------------


def _check_substitute(substitute: Any, shift: Shift, *, replaced_id: int, missing: str) -> None:
    """The named substitute of a post of `shift` (DUTY-9: leaving early, arriving late): given, not
    the person replaced, eligible for the room, not already on the shift, not on another shift then."""
    if substitute is None:
        raise ValidationFailed(missing, code="substitute_required")
    if substitute.pk == replaced_id or not _eligible(substitute, shift.room):
        raise ValidationFailed(
            _("%(name)s may not be on duty in this room.") % {"name": _name(substitute)},
            code="person_not_eligible",
        )
    if Assignment.objects.filter(shift=shift, person=substitute).exists():
        raise ValidationFailed(
            _("%(name)s is already on this shift and cannot also cover the post.")
            % {"name": _name(substitute)},
            code="substitute_on_shift",
        )
    clash = _overlaps(substitute, shift, ignore=set())
    if clash is not None:
        raise ValidationFailed(
            _("%(name)s is already on %(shift)s at that time.")
            % {"name": _name(substitute), "shift": str(clash.shift)},
            code="double_booked",
        )


def leave_early(
    assignment: Assignment,
    *,
    actor: Any,
    substitute: Any,
    reason: str,
    password: str,
    substitute_password: str,
    otp: str = "",
    substitute_otp: str = "",
    now: datetime | None = None,
) -> EarlyLeave:
    """Leave the post before the end of the shift (DUTY-9). Needs a named substitute who comes to the
    centre's workstation, signs in there (re-entering their password) and takes over the shift's
    open items by electronic signature after the leaver has signed: a full handover in person. The
    substitute takes the leaver's post on the shift. Without it the leaver cannot end duty early."""
    with approvals.signature_failures_audited(actor, assignment), transaction.atomic():
        now = now or timezone.now()
        assignment = (
            Assignment.objects.select_for_update(of=("self",))
            .select_related("shift__room", "person")
            .get(pk=assignment.pk)
        )
        shift = assignment.shift
        if assignment.person_id != actor.pk:
            raise PermissionRefused(_("Only the person ends their own duty."), code="not_allowed")
        if not assignment.signed_in_at or assignment.ended_at:
            raise InvalidTransition(_("You are not on duty on this shift."), code="not_on_duty")
        if shift.state != Shift.State.ON_DUTY or now >= shift.ends_at:
            raise InvalidTransition(
                _("The shift is over: end your duty through the handover."), code="not_early"
            )
        if not reason.strip():
            raise ValidationFailed(_("Give the reason for leaving early."), code="reason_required")
        _check_substitute(
            substitute, shift, replaced_id=actor.pk,
            missing=_("Leaving before the end of the shift needs a named substitute."),
        )  # fmt: skip
        assert substitute is not None  # noqa: S101 - checked above
        if not substitute_password:
            raise ValidationFailed(
                _("The substitute must be present and sign in at this workstation before you leave."),
                code="substitute_not_signed_in",
            )
        items = [
            {"id": e.pk, "category": e.category, "description": e.description[:200]}
            for e in shift.entries.filter(is_open=True, closed_at__isnull=True).order_by("occurred_at")
        ]
        done, required = inspection_counts(shift)
        content = {
            "shift": shift.pk,
            "post": assignment.post,
            "leaver": actor.pk,
            "substitute": substitute.pk,
            "open_items": items,
            "inspections": [done, required],
            "reason": reason.strip(),
        }
        leaver_sig = approvals.sign(
            actor, password=password, otp=otp, meaning="handed_over", target=shift, content=content
        )
        sub_sig = approvals.sign(
            substitute,
            password=substitute_password,
            otp=substitute_otp,
            meaning="received",
            target=shift,
            content=content,
        )
        sub = Assignment.objects.create(
            shift=shift, person=substitute, post=assignment.post, signed_in_at=now
        )
        assignment.ended_at = now
        assignment.save(update_fields=["ended_at"])
        leave = EarlyLeave.objects.create(
            leaver=assignment,
            substitute=sub,
            reason=reason.strip(),
            left_at=now,
            leaver_signature=leaver_sig,
            substitute_signature=sub_sig,
            open_items=items,
        )
        audit.record(
            actor,
            "duty.left_early",
            leave,
            changes={"shift": shift.pk, "substitute": substitute.pk, "open_items": len(items)},
            note=reason,
        )
        audit.record(substitute, "duty.signed_in", sub, changes={"substitute_for": assignment.pk})
        _notify(
            supervisors(shift.room),
            title=_("%(name)s left the post early; %(sub)s took over")
            % {"name": _name(actor), "sub": _name(substitute)},
            body=reason,
            url=shift.get_absolute_url(),
            kind="duty.early_leave",
            actor=actor,
        )
        return leave


# --- certificates (DUTY-12) ---------------------------------------------------------------------


def people_visible_to(actor: Any) -> QuerySet[User]:
    """People whose records the actor may keep: those of the actor's campuses (or everybody)."""
    campuses = visible_campus_ids(actor)
    people = User.objects.filter(is_active=True)
    if campuses is not None:
        people = people.filter(campuses__in=campuses)
    return people.distinct().order_by("username")


@transaction.atomic
def add_certificate(
    person: Any,
    *,
    actor: Any,
    kind: str,
    number: str,
    valid_until: date,
    issued_by: str = "",
) -> Certificate:
    """Register a person's certificate (DUTY-12). Not one's own; not already expired; one active
    entry per kind and number."""
    number = (number or "").strip()
    if kind not in CertificateKind.values:
        raise ValidationFailed(_("Unknown kind of certificate."), code="unknown_kind")
    if not number:
        raise ValidationFailed(_("Give the certificate number."), code="number_required")
    if person.pk == actor.pk:
        raise DomainError(_("You cannot register your own certificate."), code="own_certificate")
    if not people_visible_to(actor).filter(pk=person.pk).exists():
        raise PermissionRefused(_("This person is outside your scope."), code="out_of_scope")
    if valid_until < timezone.localdate():
        raise ValidationFailed(_("This certificate has already expired."), code="already_expired")
    if Certificate.objects.active().filter(kind=kind, number=number).exists():
        raise ValidationFailed(
            _("A certificate with this number is already registered."), code="duplicate_certificate"
        )
    cert = Certificate.objects.create(
        person=person,
        kind=kind,
        number=number,
        issued_by=issued_by.strip(),
        valid_until=valid_until,
        recorded_by=actor,
    )
    audit.record(
        actor,
        "duty.certificate_added",
        cert,
        changes={"person": person.pk, "kind": kind, "number": number, "valid_until": valid_until},
    )
    return cert


@transaction.atomic
def void_certificate(cert: Certificate, *, actor: Any, reason: str) -> Certificate:
    """Void a certificate entry (entered wrongly, revoked); it stays in the register, struck through."""
    cert = Certificate.objects.select_for_update().get(pk=cert.pk)
    if cert.voided_at:
        raise InvalidTransition(_("Already voided."), code="already_voided")
    if not reason.strip():
        raise ValidationFailed(_("Give the reason for voiding."), code="reason_required")
    cert.voided_at, cert.void_reason = timezone.now(), reason.strip()[:300]
    cert.save(update_fields=["voided_at", "void_reason"])
    audit.record(actor, "duty.certificate_voided", cert, note=reason)
    return cert


# --- daily and weekly summaries (DUTY-7) --------------------------------------------------------


@dataclass(frozen=True)
class SummaryPeriod:
    """A day (local calendar day) or an ISO week (Monday–Sunday) of one room, in Asia/Shanghai."""

    period: str
    start: date  # the day, or the Monday of the week
    end: date  # the day after the last day

    @property
    def starts_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, datetime.min.time()))

    @property
    def ends_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end, datetime.min.time()))

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)


def summary_period(period: str, day: date) -> SummaryPeriod:
    """The period of `period` ("daily" or "weekly") that contains the local date `day`."""
    if period == SummarySignoff.Period.DAILY:
        return SummaryPeriod(period, day, day + timedelta(days=1))
    if period == SummarySignoff.Period.WEEKLY:
        monday = day - timedelta(days=day.weekday())
        return SummaryPeriod(period, monday, monday + timedelta(days=7))
    raise ValidationFailed(_("Unknown summary period."), code="unknown_period")


def summary_shifts(room: MonitoringRoom, p: SummaryPeriod) -> QuerySet[Shift]:
    """The shifts of the period: those that begin on one of its days (a night shift belongs to the
    day it begins; Sunday's night shift to the week that ends that Sunday)."""
    return Shift.objects.filter(room=room, date__gte=p.start, date__lt=p.end).order_by("starts_at")


def _minutes(delta: timedelta) -> int:
    return max(0, math.ceil(delta.total_seconds() / 60))


def build_summary(room: MonitoringRoom, p: SummaryPeriod, now: datetime | None = None) -> dict[str, Any]:
    """The summary of a room's day or week (DUTY-7): shifts, entries by category, abnormal and
    suspicious entries, inspections done / required with late and missed ones, handovers and their
    lateness, late sign-ins, open faults and violations. JSON-ready: it is what the sign-off signs."""
    now = now or timezone.now()
    shifts = list(summary_shifts(room, p).select_related("template").prefetch_related("assignments__person"))
    ids = [s.pk for s in shifts]
    required_each = settings_for(room).inspections_per_shift
    entries = LogEntry.objects.filter(shift_id__in=ids)
    by_category = {c.value: 0 for c in Category}
    for cat, n in (
        entries.values("category").annotate(n=models.Count("id")).values_list("category", "n").order_by()
    ):
        by_category[cat] = n
    notable = [
        {
            "id": e.pk,
            "at": _local(e.occurred_at),
            "category": e.category,
            "category_label": str(Category(e.category).label),
            "description": e.description[:300],
            "action_taken": e.action_taken[:300],
            "suspect": " ".join(x for x in (e.suspect_appearance, e.suspect_direction) if x)[:300],
            "corrected": e.has_corrections,
        }
        for e in entries.filter(category__in=[Category.ABNORMAL, Category.SUSPICIOUS])
        .annotate(has_corrections=models.Exists(LogEntry.objects.filter(corrects=models.OuterRef("pk"))))
        .order_by("occurred_at", "id")
    ]
    inspections = {
        sid: (n, late)
        for sid, n, late in Inspection.objects.filter(shift_id__in=ids)
        .values("shift_id")
        .annotate(n=models.Count("id"), late=models.Count("id", filter=Q(on_time=False)))
        .values_list("shift_id", "n", "late")
        .order_by()
    }
    missed = dict(
        InspectionReminder.objects.filter(shift_id__in=ids, inspection__isnull=True, window_end__lte=now)
        .values("shift_id")
        .annotate(n=models.Count("id"))
        .values_list("shift_id", "n")
        .order_by()
    )
    handovers = {h.outgoing_id: h for h in Handover.objects.filter(outgoing_id__in=ids)}
    rows = []
    late_people = []
    totals = {"done": 0, "required": 0, "late": 0, "missed": 0}
    for s in shifts:
        done, late = inspections.get(s.pk, (0, 0))
        totals["done"] += done
        totals["required"] += required_each
        totals["late"] += late
        totals["missed"] += missed.get(s.pk, 0)
        h = handovers.get(s.pk)
        passed = h.responsibility_passed_at if h else None
        for a in s.assignments.all():
            if a.minutes_late or a.handover_late:
                late_people.append(
                    {
                        "shift": str(s),
                        "person": _name(a.person),
                        "minutes_late": a.minutes_late,
                        "handover_late": a.handover_late,
                    }
                )
        rows.append(
            {
                "id": s.pk,
                "label": str(s),
                "starts": _local(s.starts_at),
                "ends": _local(s.ends_at),
                "state": s.state,
                "people": [f"{_name(a.person)}（{a.get_post_display()}）" for a in s.assignments.all()],
                "inspections": [done, required_each],
                "late_inspections": late,
                "missed_inspections": missed.get(s.pk, 0),
                "handover": h.pk if h else None,
                "handover_state": h.state if h else "",
                "handed_over_at": _local(passed) if passed else "",
                "handover_minutes_late": _minutes(passed - s.ends_at) if passed else None,
            }
        )
    faults: list[dict[str, Any]] = []
    if shifts:
        faults = handover_sections.open_faults(shifts[-1])
    fault_entries = [
        {"id": e.pk, "at": _local(e.occurred_at), "description": e.description[:300], "fault": e.fault_ref}
        for e in entries.filter(
            category__in=[Category.EQUIPMENT_FAULT, Category.SYSTEM_FAULT], is_open=True
        ).order_by("occurred_at", "id")
    ]
    violations = [
        {
            "id": v.pk,
            "person": _name(v.person),
            "kind": v.kind,
            "kind_label": str(v.get_kind_display()),
            "at": _local(v.occurred_at),
            "description": v.description[:300],
            "consequence": v.consequence,
        }
        for v in Violation.objects.active()
        .filter(shift_id__in=ids)
        .select_related("person")
        .order_by("occurred_at")
    ]
    return {
        "room": room.pk,
        "room_name": room.name,
        "period": p.period,
        "start": p.start.isoformat(),
        "last_day": p.last_day.isoformat(),
        "shifts": rows,
        "entries_total": sum(by_category.values()),
        "entries_by_category": by_category,
        "notable": notable,
        "inspections": totals,
        "handovers": {
            "completed": sum(1 for r in rows if r["handover_state"] == Handover.State.COMPLETED),
            "late": sum(1 for r in rows if r["handover_minutes_late"]),
        },
        "late_sign_ins": late_people,
        "open_faults": [{"ref": f.get("ref", ""), "title": f.get("title", "")} for f in faults],
        "fault_entries": fault_entries,
        "violations": violations,
    }


def summary_due_at(room: MonitoringRoom, p: SummaryPeriod) -> datetime:
    """A summary is due for sign-off the set hours after the end of its last shift."""
    last = summary_shifts(room, p).order_by("-ends_at").values_list("ends_at", flat=True).first()
    end = max(p.ends_at, last) if last else p.ends_at
    return end + timedelta(hours=settings_for(room).signoff_due_hours)


def sign_off_summary(
    room: MonitoringRoom,
    period: str,
    day: date,
    *,
    actor: Any,
    password: str,
    otp: str = "",
    comment: str = "",
    now: datetime | None = None,
) -> SummarySignoff:
    """The director (or deputy) and a leader sign off a room's daily or weekly summary (DUTY-7), each
    once per period, with an electronic signature over the summary. Refused before the period has
    ended and while one of its shifts is not handed over."""
    level = signoff_level_for(actor)
    if level is None:
        raise PermissionRefused(_("Only the director or a leader signs off reports."), code="not_allowed")
    p = summary_period(period, day)
    now = now or timezone.now()
    with approvals.signature_failures_audited(actor, room), transaction.atomic():
        room = MonitoringRoom.objects.select_for_update().get(pk=room.pk)
        if now < p.ends_at:
            raise InvalidTransition(
                _("This summary can be signed off after %(end)s, when its period has ended.")
                % {"end": _local(p.ends_at)},
                code="period_not_ended",
            )
        shifts = list(summary_shifts(room, p))
        if not shifts:
            raise InvalidTransition(_("There are no shifts in this period."), code="no_shifts")
        open_ = [s for s in shifts if s.state != Shift.State.HANDED_OVER]
        if open_:
            raise InvalidTransition(
                _("%(shift)s has not been handed over yet; sign off the summary after the handover.")
                % {"shift": str(open_[0])},
                code="shift_not_handed_over",
            )
        if SummarySignoff.objects.filter(
            room=room, period=p.period, period_start=p.start, level=level
        ).exists():
            raise InvalidTransition(
                _("This summary is already signed off at your level."), code="already_signed"
            )
        content = build_summary(room, p, now=now)
        signature = approvals.sign(
            actor, password=password, otp=otp, meaning="reviewed", target=room, content=content
        )
        signoff = SummarySignoff.objects.create(
            room=room,
            period=p.period,
            period_start=p.start,
            level=level,
            signed_by=actor,
            signature=signature,
            signed_at=signature.signed_at,
            comment=comment.strip()[:300],
        )
        audit.record(
            actor,
            "duty.summary_signed_off",
            signoff,
            changes={
                "room": room.pk,
                "period": p.period,
                "start": p.start.isoformat(),
                "level": level,
                "sha256": signature.content_sha256,
            },
        )
        return signoff


def recent_summaries(user: Any, now: datetime | None = None, *, days: int = 14, weeks: int = 6) -> list[dict]:
    """The summaries of the user's rooms over the last `days` days and `weeks` weeks that have
    shifts: ended or not, who signed them, and whether the director's sign-off is overdue (DUTY-7)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    first = min(today - timedelta(days=days), summary_period("weekly", today - timedelta(weeks=weeks)).start)
    rooms = list(MonitoringRoom.objects.visible_to(user).filter(is_active=True).order_by("code"))
    dates: dict[int, set[date]] = {}
    ends: dict[tuple[int, date], datetime] = {}
    for room_id, d, end in Shift.objects.filter(room__in=rooms, date__gte=first, date__lte=today).values_list(
        "room_id", "date", "ends_at"
    ):
        dates.setdefault(room_id, set()).add(d)
        ends[(room_id, d)] = max(end, ends.get((room_id, d), end))
    signed: dict[tuple[int, str, date], list[SummarySignoff]] = {}
    for so in SummarySignoff.objects.filter(room__in=rooms, period_start__gte=first).select_related(
        "signed_by"
    ):
        signed.setdefault((so.room_id, so.period, so.period_start), []).append(so)
    rows = []
    for room in rooms:
        hours = timedelta(hours=settings_for(room).signoff_due_hours)
        room_dates = dates.get(room.pk, set())
        periods = {summary_period("daily", d) for d in room_dates if d >= today - timedelta(days=days)}
        periods |= {summary_period("weekly", d) for d in room_dates}
        for p in sorted(periods, key=lambda x: (x.start, x.period), reverse=True):
            last_end = max(
                (ends[(room.pk, d)] for d in room_dates if p.start <= d < p.end), default=p.ends_at
            )
            due = max(last_end, p.ends_at) + hours
            sos = signed.get((room.pk, p.period, p.start), [])
            levels = {so.level for so in sos}
            rows.append(
                {
                    "room": room,
                    "period": p,
                    "ended": now >= p.ends_at,
                    "signoffs": sos,
                    "levels": levels,
                    "due_at": due,
                    "overdue": now > due and ReportSignoff.Level.DIRECTOR not in levels,
                }
            )
    return rows


def overdue_summaries(user: Any, now: datetime | None = None) -> list[dict]:
    """Daily and weekly summaries whose director sign-off is past due (DUTY-7)."""
    return [r for r in recent_summaries(user, now) if r["overdue"]]


# --- late arrival (DUTY-9) ----------------------------------------------------------------------


@transaction.atomic
def arrange_late_arrival(
    assignment: Assignment,
    *,
    actor: Any,
    substitute: Any,
    reason: str,
    expected_at: datetime,
    now: datetime | None = None,
) -> LateArrival:
    """A person who will be late names a substitute who covers their post until they arrive (DUTY-9).
    The person or a supervisor (the director on their behalf) arranges it before the person has
    signed in and before the shift is over. The substitute is put on the same post of the shift and
    signs in as usual; when the late person arrives the substitute hands over to them in person
    (``take_over_from_substitute``)."""
    now = now or timezone.now()
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("shift__room", "person")
        .get(pk=assignment.pk)
    )
    shift = assignment.shift
    if assignment.person_id != actor.pk and not (
        actor.has_perm("duty.supervise") and _person_in_scope(actor, shift.room)
    ):
        raise PermissionRefused(
            _("Only the person or the director arranges a substitute for a late arrival."),
            code="not_allowed",
        )
    if shift.state == Shift.State.HANDED_OVER or now >= shift.ends_at:
        raise InvalidTransition(_("This shift is over."), code="shift_over")
    if assignment.signed_in_at:
        raise InvalidTransition(
            _("%(name)s has already signed in.") % {"name": _name(assignment.person)},
            code="already_signed_in",
        )
    if hasattr(assignment, "covers_late"):
        raise InvalidTransition(
            _("A substitute cannot name another substitute."), code="substitute_of_substitute"
        )
    if LateArrival.objects.filter(late=assignment).exists():
        raise InvalidTransition(
            _("A substitute has already been named for this late arrival."), code="already_arranged"
        )
    if not reason.strip():
        raise ValidationFailed(_("Give the reason for arriving late."), code="reason_required")
    if expected_at is None or expected_at <= max(now, shift.starts_at) or expected_at >= shift.ends_at:
        raise ValidationFailed(
            _("The expected arrival must be after the start of the shift and before its end."),
            code="bad_expected_time",
        )
    _check_substitute(
        substitute,
        shift,
        replaced_id=assignment.person_id,
        missing=_("Arriving late needs a named substitute."),
    )
    assert substitute is not None  # noqa: S101 - checked above
    cover = Assignment.objects.create(shift=shift, person=substitute, post=assignment.post)
    late = LateArrival.objects.create(
        late=assignment,
        substitute=cover,
        reason=reason.strip()[:300],
        expected_at=expected_at,
        arranged_by=actor,
        arranged_at=now,
    )
    audit.record(
        actor,
        "duty.late_arrival_arranged",
        late,
        changes={
            "shift": shift.pk,
            "late": assignment.person_id,
            "substitute": substitute.pk,
            "expected_at": expected_at.isoformat(),
        },
        note=reason,
    )
    _notify(
        [substitute, *supervisors(shift.room)],
        title=_("%(name)s will be late for %(shift)s; %(sub)s covers the post")
        % {"name": _name(assignment.person), "shift": str(shift), "sub": _name(substitute)},
        body=reason,
        url=late.get_absolute_url(),
        kind="duty.late_arrival",
        actor=actor,
    )
    return late


def _shift_packet(shift: Shift) -> list[dict[str, Any]]:
    """The handover packet of a shift as it stands (every registered section), for a handover inside
    the shift (a substitute to the person they covered for)."""
    return [{"key": s.key, "items": s.fn(shift)} for s in handover_sections.sections()]


def take_over_from_substitute(
    late: LateArrival,
    *,
    actor: Any,
    password: str,
    substitute_password: str,
    otp: str = "",
    substitute_otp: str = "",
    now: datetime | None = None,
) -> LateArrival:
    """The late person has arrived (DUTY-9): at the same workstation the substitute signs the packet
    over (handed over), then the late person signs it (received). The late person is signed in with
    their lateness recorded, the substitute's duty ends; no handover by telephone."""
    with approvals.signature_failures_audited(actor, late), transaction.atomic():
        now = now or timezone.now()
        late = (
            LateArrival.objects.select_for_update(of=("self",))
            .select_related("late__shift__room", "late__person", "substitute__person")
            .get(pk=late.pk)
        )
        mine, cover = late.late, late.substitute
        shift = mine.shift
        if mine.person_id != actor.pk:
            raise PermissionRefused(_("Only the late person takes over the post."), code="not_allowed")
        if late.taken_over_at:
            raise InvalidTransition(_("The post has already been taken over."), code="already_taken_over")
        if shift.state == Shift.State.HANDED_OVER or now >= shift.ends_at:
            raise InvalidTransition(_("This shift is over."), code="shift_over")
        cover = Assignment.objects.select_for_update().get(pk=cover.pk)
        if not cover.signed_in_at or cover.ended_at:
            raise InvalidTransition(
                _("The substitute is not on duty: a handover is done in person."),
                code="substitute_not_on_duty",
            )
        if not substitute_password:
            raise ValidationFailed(
                _("The substitute must sign the handover at this workstation."),
                code="substitute_signature_required",
            )
        if not mine.signed_in_at:
            mine = sign_in(shift, actor=actor, now=now)
        packet = _shift_packet(shift)
        content = {
            "shift": shift.pk,
            "post": mine.post,
            "substitute": cover.person_id,
            "late": mine.person_id,
            "minutes_late": mine.minutes_late,
            "packet": packet,
        }
        sub_sig = approvals.sign(
            cover.person,
            password=substitute_password,
            otp=substitute_otp,
            meaning="handed_over",
            target=late,
            content=content,
        )
        late_sig = approvals.sign(
            actor, password=password, otp=otp, meaning="received", target=late, content=content
        )
        cover.ended_at = now
        cover.save(update_fields=["ended_at"])
        late.taken_over_at = now
        late.packet = {"sections": packet}
        late.substitute_signature, late.late_signature = sub_sig, late_sig
        late.save(update_fields=["taken_over_at", "packet", "substitute_signature", "late_signature"])
        audit.record(
            actor,
            "duty.late_arrival_taken_over",
            late,
            changes={
                "shift": shift.pk,
                "substitute": cover.person_id,
                "minutes_late": mine.minutes_late,
                "items": sum(len(s["items"]) for s in packet),
            },
        )
        audit.record(cover.person, "duty.duty_ended", cover, changes={"covered_for": mine.pk})
        return late
