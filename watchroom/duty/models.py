"""Duty operations: rota (DUTY-1, 2, 9), sign-in and presence (DUTY-3, 4), the duty log (DUTY-5,
INC-9), inspections (DUTY-6, 14), handover with two signatures (DUTY-8…11), report sign-off (DUTY-7)
and violations (DUTY-13).

Every change goes through ``services.py``; these models hold state and invariants only.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from watchroom.lib.fulltext import Searchable, key_token
from watchroom.sites.models import Area, Camera, CameraGroup, MonitoringRoom

from . import querysets

USER = settings.AUTH_USER_MODEL


class CertificateKind(models.TextChoices):
    """Kinds of certificate of the register (DUTY-12)."""

    SECURITY_TRAINING = "security_training", _("Security training certificate")
    FIRE_CONTROL = "fire_control", _("Fire control room operator certificate")
    OTHER = "other", _("Other certificate")


class DutySettings(models.Model):
    """The duty rules of one monitoring room; created with the defaults the regulations set."""

    class CertificateCheck(models.TextChoices):
        OFF = "off", _("Not checked")
        WARN = "warn", _("Warn")
        BLOCK = "block", _("Block")

    room = models.OneToOneField(
        MonitoringRoom, on_delete=models.PROTECT, related_name="duty_settings", verbose_name=_("room")
    )
    min_staffing = models.PositiveSmallIntegerField(_("minimum staffing"), default=2)
    inspections_per_shift = models.PositiveSmallIntegerField(_("inspections per shift"), default=4)
    early_arrival_minutes = models.PositiveSmallIntegerField(
        _("incoming arrives early (minutes)"), default=10
    )
    signin_alert_minutes = models.PositiveSmallIntegerField(_("no sign-in alert after (minutes)"), default=15)
    handover_overdue_minutes = models.PositiveSmallIntegerField(
        _("handover overdue after (minutes)"), default=30
    )
    inspection_grace_minutes = models.PositiveSmallIntegerField(
        _("inspection overdue after (minutes)"), default=30
    )
    signoff_due_hours = models.PositiveSmallIntegerField(_("report sign-off due within (hours)"), default=24)
    min_rest_hours = models.PositiveSmallIntegerField(_("minimum rest between shifts (hours)"), default=8)
    certificate_check = models.CharField(
        _("certificate check"), max_length=10, choices=CertificateCheck.choices, default=CertificateCheck.WARN
    )
    required_certificate = models.CharField(
        _("certificate required for duty"),
        max_length=30,
        choices=CertificateKind.choices,
        default="security_training",
        blank=True,
        help_text=_("Empty: any valid certificate of the register."),
    )

    class Meta:
        verbose_name = _("duty settings")
        verbose_name_plural = _("duty settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_staffing__gte=1), name="duty_settings_min_staffing_positive"
            ),
            models.CheckConstraint(
                condition=Q(inspections_per_shift__gte=2), name="duty_settings_inspections_at_least_two"
            ),
        ]

    def __str__(self) -> str:
        return str(self.room)


class Post(models.TextChoices):
    """The posts of a shift (DUTY-2): one operates, one records."""

    # contexts keep these apart from "Operator" (the role) and "Recorder" (the NVR) in other catalogues
    OPERATOR = "operator", pgettext_lazy("duty post", "Operator")
    RECORDER = "recorder", pgettext_lazy("duty post", "Recorder")


class ShiftTemplate(models.Model):
    """A shift pattern of a room, e.g. day 08:00–20:00 or night 20:00–08:00 (ends next day)."""

    room = models.ForeignKey(
        MonitoringRoom, on_delete=models.PROTECT, related_name="shift_templates", verbose_name=_("room")
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=50)
    start_time = models.TimeField(_("starts"))
    end_time = models.TimeField(_("ends"))
    is_night = models.BooleanField(_("night shift"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("shift template")
        verbose_name_plural = _("shift templates")
        ordering = ["room", "order", "start_time"]
        constraints = [models.UniqueConstraint(fields=["room", "code"], name="duty_template_code_unique")]

    def __str__(self) -> str:
        return f"{self.name} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    @property
    def crosses_midnight(self) -> bool:
        return self.end_time <= self.start_time

    def bounds(self, day: Any) -> tuple[datetime, datetime]:
        """Aware start and end of this template's shift on `day` (local time zone)."""
        tz = timezone.get_current_timezone()
        start = timezone.make_aware(datetime.combine(day, self.start_time), tz)
        end_day = day + timedelta(days=1) if self.crosses_midnight else day
        end = timezone.make_aware(datetime.combine(end_day, self.end_time), tz)
        return start, end


class Rota(models.Model):
    """The rota of one room for one month; publishing makes a version (DUTY-1)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    room = models.ForeignKey(
        MonitoringRoom, on_delete=models.PROTECT, related_name="rotas", verbose_name=_("room")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(_("published version"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = querysets.RotaQuerySet.as_manager()

    class Meta:
        verbose_name = _("rota")
        verbose_name_plural = _("rotas")
        ordering = ["-month", "room"]
        constraints = [
            models.UniqueConstraint(fields=["room", "month"], name="duty_rota_room_month_unique"),
            models.CheckConstraint(condition=Q(month__day=1), name="duty_rota_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.room} {self.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("duty:rota_detail", args=[self.pk])


class RotaVersion(models.Model):
    """A published version of a rota: the assignments as published, their SHA-256, and the problems
    the check found and the publisher accepted. Append-only."""

    rota = models.ForeignKey(Rota, on_delete=models.PROTECT, related_name="versions", verbose_name=_("rota"))
    number = models.PositiveIntegerField(_("version"))
    published_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("published by")
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    snapshot = models.JSONField(_("assignments"), default=list)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    warnings = models.JSONField(_("warnings accepted"), default=list)

    class Meta:
        verbose_name = _("rota version")
        verbose_name_plural = _("rota versions")
        ordering = ["rota", "number"]
        constraints = [models.UniqueConstraint(fields=["rota", "number"], name="duty_rota_version_unique")]

    def __str__(self) -> str:
        return f"{self.rota} v{self.number}"


class Shift(models.Model):
    """One shift of a room: a date, a template and its aware start and end."""

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ON_DUTY = "on_duty", _("On duty")
        HANDED_OVER = "handed_over", pgettext_lazy("shift state", "Handed over")

    room = models.ForeignKey(
        MonitoringRoom, on_delete=models.PROTECT, related_name="shifts", verbose_name=_("room")
    )
    rota = models.ForeignKey(Rota, on_delete=models.PROTECT, related_name="shifts", verbose_name=_("rota"))
    template = models.ForeignKey(
        ShiftTemplate, on_delete=models.PROTECT, related_name="shifts", verbose_name=_("shift template")
    )
    date = models.DateField(_("date"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PLANNED)
    opened_at = models.DateTimeField(_("duty began"), null=True, blank=True)
    responsibility_until = models.DateTimeField(_("responsible until"), null=True, blank=True)
    signin_alerted_at = models.DateTimeField(_("missing sign-in alerted"), null=True, blank=True)
    handover_alerted_at = models.DateTimeField(_("overdue handover alerted"), null=True, blank=True)

    objects = querysets.ShiftQuerySet.as_manager()

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts_at", "room"]
        constraints = [
            models.UniqueConstraint(fields=["room", "date", "template"], name="duty_shift_unique"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="duty_shift_ends_after_start"
            ),
        ]
        indexes = [
            # the shift in progress of a room; the rota grid
            models.Index(fields=["room", "starts_at"], name="duty_shift_room_start_idx"),
            models.Index(fields=["state", "ends_at"], name="duty_shift_state_end_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.room} {self.date:%Y-%m-%d} {self.template.name}"

    def get_absolute_url(self) -> str:
        return reverse("duty:shift_detail", args=[self.pk])


class Assignment(models.Model):
    """A person on a post of a shift, with their sign-in (DUTY-3) and end of duty."""

    shift = models.ForeignKey(
        Shift, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("shift")
    )
    person = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="duty_assignments", verbose_name=_("person")
    )
    post = models.CharField(_("post"), max_length=10, choices=Post.choices)
    signed_in_at = models.DateTimeField(_("signed in"), null=True, blank=True)
    minutes_late = models.PositiveIntegerField(_("minutes late"), default=0)
    handover_late = models.BooleanField(
        _("arrived late for the handover"),
        default=False,
        help_text=_("Signed in less than the set minutes early."),
    )
    checked_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sign-in checked by"),
    )
    checked_at = models.DateTimeField(_("sign-in checked"), null=True, blank=True)
    ended_at = models.DateTimeField(_("duty ended"), null=True, blank=True)

    objects = querysets.AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["shift", "post", "person"]
        constraints = [
            models.UniqueConstraint(fields=["shift", "person"], name="duty_assignment_person_unique")
        ]
        indexes = [
            # a person's shifts (double booking, rest time, "my shift")
            models.Index(fields=["person", "shift"], name="duty_assignment_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_post_display()} {self.shift}"


class Absence(models.Model):
    """A short absence from the post (DUTY-4) with its reason and return."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="absences", verbose_name=_("assignment")
    )
    left_at = models.DateTimeField(_("left"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=200)
    expected_return_at = models.DateTimeField(_("expected back"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    below_minimum = models.BooleanField(_("below minimum staffing"), default=False)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["-left_at"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="duty_absence_reason_required")]

    def __str__(self) -> str:
        return f"{self.assignment.person} {self.left_at:%H:%M}"


class Category(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    ABNORMAL = "abnormal", _("Abnormal situation")
    SUSPICIOUS = "suspicious", _("Suspicious person")
    ALARM = "alarm", _("Alarm")
    EQUIPMENT_FAULT = "equipment_fault", _("Equipment fault")
    SYSTEM_FAULT = "system_fault", _("System or network fault")
    REPORT = "report", _("Report to a leader")
    OTHER = "other", _("Other")


def category_token(category: str) -> str:
    """The index token of a log category (``fulltext.key_token``), added to every entry's search
    tokens (migration 0007 for the entries written before)."""
    return key_token("cat", category)


class LogEntry(Searchable, models.Model):
    """An entry of the duty log (监控运行记录, DUTY-5). Never edited: a correction is a new entry
    pointing to the original (``corrects``), which is then shown struck through. The text fields are
    indexed for the log search (``watchroom.lib.fulltext``: FTS5 on SQLite, GIN on PostgreSQL)."""

    search_fields = (
        "description",
        "action_taken",
        "reported_to",
        "suspect_appearance",
        "suspect_direction",
        "suspect_cameras",
    )

    shift = models.ForeignKey(
        Shift, on_delete=models.PROTECT, related_name="entries", verbose_name=_("shift")
    )
    room = models.ForeignKey(
        MonitoringRoom, on_delete=models.PROTECT, related_name="+", verbose_name=_("room")
    )
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by"))
    occurred_at = models.DateTimeField(_("time of the event"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("area")
    )
    camera = models.ForeignKey(
        Camera, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("camera")
    )
    description = models.TextField(_("description"))
    action_taken = models.TextField(_("action taken"), blank=True)
    reported_to = models.CharField(_("reported to"), max_length=100, blank=True)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    suspect_appearance = models.TextField(_("appearance"), blank=True)
    suspect_direction = models.CharField(_("direction of movement"), max_length=200, blank=True)
    suspect_cameras = models.CharField(_("cameras seen on"), max_length=300, blank=True)
    is_open = models.BooleanField(_("open item"), default=False, help_text=_("Still needs follow-up."))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("closed by")
    )
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects"),
    )
    correction_reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)
    fault_ref = models.CharField(_("equipment fault"), max_length=40, blank=True)

    objects = querysets.LogEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty log entry")
        verbose_name_plural = _("duty log entries")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(description=""), name="duty_entry_description_required"),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(correction_reason=""),
                name="duty_entry_correction_reason_required",
            ),
        ]
        indexes = [
            # the log list, newest first (ties by id), per room: counted and paged over the index
            # alone (bench/duty_bench.py); filters by category
            models.Index(fields=["room", "-occurred_at", "-id"], name="duty_entry_room_time_id_idx"),
            models.Index(fields=["-occurred_at", "-id"], name="duty_entry_time_id_idx"),
            # the corrections of a page of entries (prefetch): the FK's own index is all NULLs, which
            # SQLite's ANALYZE statistics make it skip for a full scan; this one holds only corrections
            models.Index(
                fields=["corrects"], condition=Q(corrects__isnull=False), name="duty_entry_corrects_idx"
            ),
            # the open items of a room (the handover packet's first section), among a million entries
            models.Index(
                fields=["room", "occurred_at"], condition=Q(is_open=True), name="duty_entry_open_idx"
            ),
            models.Index(fields=["category", "-occurred_at"], name="duty_entry_cat_time_idx"),
            # the log of a room filtered by category: counted and paged over the index alone
            models.Index(
                fields=["room", "category", "-occurred_at", "-id"], name="duty_entry_room_cat_time_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.get_category_display()}"

    def extra_tokens(self) -> list[str]:
        """The category as an index token: a search within one category is one index intersection."""
        return [category_token(self.category)]


class EntryTemplate(models.Model):
    """A frequent entry, filled in with one key (DUTY-5: an entry in under 10 seconds)."""

    room = models.ForeignKey(
        MonitoringRoom,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("room"),
    )
    title = models.CharField(_("title"), max_length=60)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.TextField(_("description"))
    action_taken = models.TextField(_("action taken"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("entry template")
        verbose_name_plural = _("entry templates")
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title


CHECKLIST = [
    ("video_wall", _("Video wall displays normally")),
    ("recording", _("Recording is running")),
    ("storage", _("Storage space and disks normal")),
    ("network", _("Network normal")),
    ("time_sync", _("Time synchronised")),
    ("ups", _("UPS and power normal")),
    ("room_clean", _("Room clean and dry, cabling tidy")),
    ("no_prohibited", _("No prohibited items in the room")),
]
CHECKLIST_KEYS = [k for k, _label in CHECKLIST]


class Inspection(models.Model):
    """An inspection of the monitoring system (巡查, DUTY-6, 14): the checklist, results per camera
    group, and for an automatic round the per-camera results of the camera-health engine."""

    shift = models.ForeignKey(
        Shift, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("shift")
    )
    performed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("performed by")
    )
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"))
    automatic = models.BooleanField(_("automatic"), default=False)
    checklist = models.JSONField(_("checklist"), default=dict)
    all_ok = models.BooleanField(_("all normal"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    camera_results = models.JSONField(_("per-camera results"), default=list, blank=True)
    on_time = models.BooleanField(_("on time"), default=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(finished_at__gte=F("started_at")), name="duty_inspection_finish_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.shift} {self.started_at:%H:%M}"


class InspectionGroupResult(models.Model):
    """The result of one camera group in an inspection."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="group_results", verbose_name=_("inspection")
    )
    group = models.ForeignKey(
        CameraGroup, on_delete=models.PROTECT, related_name="+", verbose_name=_("camera group")
    )
    ok = models.BooleanField(_("normal"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("camera group result")
        verbose_name_plural = _("camera group results")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "group"], name="duty_group_result_unique")
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.ok}"


class InspectionReminder(models.Model):
    """A reminder at a random moment inside a window of the shift (DUTY-6: irregular times)."""

    shift = models.ForeignKey(
        Shift, on_delete=models.PROTECT, related_name="reminders", verbose_name=_("shift")
    )
    window_start = models.DateTimeField(_("window starts"))
    window_end = models.DateTimeField(_("window ends"))
    due_at = models.DateTimeField(_("remind at"))
    notified_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    overdue_alerted_at = models.DateTimeField(_("overdue alerted"), null=True, blank=True)
    inspection = models.OneToOneField(
        Inspection,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reminder",
        verbose_name=_("inspection"),
    )

    class Meta:
        verbose_name = _("inspection reminder")
        verbose_name_plural = _("inspection reminders")
        ordering = ["due_at"]
        indexes = [
            # the periodic job: reminders due and not yet sent
            models.Index(fields=["notified_at", "due_at"], name="duty_reminder_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.shift} {self.due_at:%H:%M}"


class Handover(models.Model):
    """The handover from one shift to the next (交接班, DUTY-8…11): the packet, item-by-item
    acceptance, the outgoing then incoming signature, the moment responsibility passes, the
    archived PDF and its SHA-256."""

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("handover state", "Open")
        OUTGOING_SIGNED = "outgoing_signed", _("Outgoing signed")
        COMPLETED = "completed", pgettext_lazy("handover state", "Completed")

    outgoing = models.OneToOneField(
        Shift, on_delete=models.PROTECT, related_name="handover_out", verbose_name=_("outgoing shift")
    )
    incoming = models.OneToOneField(
        Shift, on_delete=models.PROTECT, related_name="handover_in", verbose_name=_("incoming shift")
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(_("opened"), default=timezone.now)
    packet = models.JSONField(_("packet"), default=dict)
    free_notes = models.TextField(_("notes"), blank=True)
    outgoing_signature = models.ForeignKey(
        "approvals.Signature",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("outgoing signature"),
    )
    incoming_signature = models.ForeignKey(
        "approvals.Signature",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("incoming signature"),
    )
    responsibility_passed_at = models.DateTimeField(_("responsibility passed"), null=True, blank=True)
    pdf_path = models.CharField(_("archived PDF"), max_length=300, blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)

    objects = querysets.HandoverQuerySet.as_manager()

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(outgoing=F("incoming")), name="duty_handover_two_shifts"),
            models.CheckConstraint(
                condition=Q(state="open") | Q(outgoing_signature__isnull=False),
                name="duty_handover_outgoing_signs_first",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outgoing} → {self.incoming}"

    def get_absolute_url(self) -> str:
        return reverse("duty:handover_detail", args=[self.pk])


class HandoverItem(models.Model):
    """One item of the packet, acknowledged by the incoming side (DUTY-8: item by item)."""

    handover = models.ForeignKey(
        Handover, on_delete=models.PROTECT, related_name="items", verbose_name=_("handover")
    )
    section = models.CharField(_("section"), max_length=40)
    ref = models.CharField(_("reference"), max_length=60, blank=True)
    title = models.CharField(_("item"), max_length=300)
    detail = models.TextField(_("detail"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    acknowledged_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("handover item")
        verbose_name_plural = _("handover items")
        ordering = ["handover", "order", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def section_title(self) -> str:
        from . import handover_sections

        return handover_sections.title_of(self.section) if self.section != "notes" else str(_("Notes"))


class ReportSignoff(models.Model):
    """The sign-off of a shift report by the director or a leader (报表审签, DUTY-7)."""

    class Level(models.TextChoices):
        DIRECTOR = "director", _("Director")
        LEADER = "leader", _("Leader")

    shift = models.ForeignKey(
        Shift, on_delete=models.PROTECT, related_name="signoffs", verbose_name=_("shift")
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    signed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("signed by")
    )
    signature = models.ForeignKey(
        "approvals.Signature", on_delete=models.PROTECT, related_name="+", verbose_name=_("signature")
    )
    signed_at = models.DateTimeField(_("signed"), default=timezone.now)
    comment = models.CharField(_("comment"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("report sign-off")
        verbose_name_plural = _("report sign-offs")
        ordering = ["shift", "signed_at"]
        constraints = [models.UniqueConstraint(fields=["shift", "level"], name="duty_signoff_one_per_level")]

    def __str__(self) -> str:
        return f"{self.shift} {self.get_level_display()}"


class Violation(models.Model):
    """A breach of the duty rules recorded against a person (DUTY-4, DUTY-9, DUTY-13), with its
    consequence; voided with a reason, never deleted."""

    class Kind(models.TextChoices):
        MISUSE = "misuse", _("Misuse of a monitoring computer")
        LEFT_POST = "left_post", _("Left the post")
        LATE_SIGNIN = "late_signin", _("Late for duty")
        LATE_HANDOVER = "late_handover", _("Late handover")
        OTHER = "other", _("Other")

    person = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="duty_violations", verbose_name=_("person")
    )
    shift = models.ForeignKey(
        Shift,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="violations",
        verbose_name=_("shift"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("occurred"))
    description = models.TextField(_("description"))
    consequence = models.CharField(_("consequence"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)
    void_reason = models.CharField(_("reason for voiding"), max_length=300, blank=True)

    objects = querysets.ViolationQuerySet.as_manager()

    class Meta:
        verbose_name = _("violation")
        verbose_name_plural = _("violations")
        ordering = ["-occurred_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(description=""), name="duty_violation_description")
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display()}"


class ShiftSwap(models.Model):
    """A request to change a published rota (DUTY-9): swap one's assignment with another person's
    assignment, or give it to a named substitute. Decided by a leader through the approvals
    mechanism (kind ``duty.swap``); on approval the rota changes and a new version is published."""

    class Kind(models.TextChoices):
        SWAP = "swap", _("Swap shifts")
        SUBSTITUTE = "substitute", _("Give to a substitute")

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("swap awaiting a decision", "Pending")
        APPROVED = "approved", _("Approved and applied")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    requester = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="duty_swaps", verbose_name=_("requested by")
    )
    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="swaps_out", verbose_name=_("assignment given")
    )
    counterpart = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="duty_swaps_in", verbose_name=_("other person")
    )
    counterpart_assignment = models.ForeignKey(
        Assignment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="swaps_in",
        verbose_name=_("assignment taken in exchange"),
    )
    reason = models.TextField(_("reason"))
    approval = models.OneToOneField(
        "approvals.ApprovalRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duty_swap",
        verbose_name=_("approval request"),
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    rota_versions = models.JSONField(_("rota versions made"), default=list, blank=True)

    objects = querysets.ShiftSwapQuerySet.as_manager()

    class Meta:
        verbose_name = _("shift swap")
        verbose_name_plural = _("shift swaps")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="duty_swap_reason_required"),
            models.CheckConstraint(
                condition=Q(kind="substitute", counterpart_assignment__isnull=True)
                | Q(kind="swap", counterpart_assignment__isnull=False),
                name="duty_swap_kind_matches",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.assignment.shift}"


class EarlyLeave(models.Model):
    """A person leaving the post before the end of the shift (DUTY-9): only with a named substitute
    who signs in on the spot and takes over by electronic signature, after the leaver signed."""

    leaver = models.OneToOneField(
        Assignment, on_delete=models.PROTECT, related_name="early_leave", verbose_name=_("leaving")
    )
    substitute = models.OneToOneField(
        Assignment, on_delete=models.PROTECT, related_name="substitutes_for", verbose_name=_("substitute")
    )
    reason = models.CharField(_("reason"), max_length=300)
    left_at = models.DateTimeField(_("left"), default=timezone.now)
    leaver_signature = models.ForeignKey(
        "approvals.Signature",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("leaver's signature"),
    )
    substitute_signature = models.ForeignKey(
        "approvals.Signature",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("substitute's signature"),
    )
    open_items = models.JSONField(_("items taken over"), default=list, blank=True)

    class Meta:
        verbose_name = _("early leave")
        verbose_name_plural = _("early leaves")
        ordering = ["-left_at"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="duty_early_leave_reason")]

    def __str__(self) -> str:
        return f"{self.leaver} → {self.substitute.person}"


class Certificate(models.Model):
    """A qualification certificate of a person on duty (DUTY-12), checked by ``check_rota``.
    Voided with a reason, never deleted."""

    Kind = CertificateKind

    person = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="duty_certificates", verbose_name=_("person")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    number = models.CharField(_("certificate number"), max_length=60)
    issued_by = models.CharField(_("issued by"), max_length=100, blank=True)
    valid_until = models.DateField(_("valid until"))
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)
    void_reason = models.CharField(_("reason for voiding"), max_length=300, blank=True)

    objects = querysets.CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["person", "kind", "-valid_until"]
        constraints = [models.CheckConstraint(condition=~Q(number=""), name="duty_certificate_number")]
        indexes = [
            # check_rota: the valid certificates of the people of a rota
            models.Index(fields=["person", "kind", "valid_until"], name="duty_cert_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class SummarySignoff(models.Model):
    """The sign-off of a room's daily or weekly summary by the director or a leader (报表审签,
    DUTY-7). A day is a local (Asia/Shanghai) calendar day; a week runs Monday to Sunday. The period
    holds the shifts that begin in it. One sign-off per room, period and level."""

    class Period(models.TextChoices):
        DAILY = "daily", _("Daily summary")
        WEEKLY = "weekly", _("Weekly summary")

    Level = ReportSignoff.Level

    room = models.ForeignKey(
        MonitoringRoom, on_delete=models.PROTECT, related_name="+", verbose_name=_("room")
    )
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    period_start = models.DateField(_("first day"))
    level = models.CharField(_("level"), max_length=10, choices=ReportSignoff.Level.choices)
    signed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("signed by")
    )
    signature = models.ForeignKey(
        "approvals.Signature", on_delete=models.PROTECT, related_name="+", verbose_name=_("signature")
    )
    signed_at = models.DateTimeField(_("signed"), default=timezone.now)
    comment = models.CharField(_("comment"), max_length=300, blank=True)

    objects = querysets.SummarySignoffQuerySet.as_manager()

    class Meta:
        verbose_name = _("summary sign-off")
        verbose_name_plural = _("summary sign-offs")
        ordering = ["room", "period", "period_start", "signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["room", "period", "period_start", "level"], name="duty_summary_signoff_unique"
            ),
            models.CheckConstraint(
                condition=Q(period__in=["daily", "weekly"]), name="duty_summary_signoff_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room} {self.get_period_display()} {self.period_start} {self.get_level_display()}"


class LateArrival(models.Model):
    """A person who will arrive late for a shift (DUTY-9): a named substitute covers their post until
    they arrive; on arrival the substitute hands over to them in person, both signing the packet.
    The late person's lateness is still recorded on their sign-in."""

    late = models.OneToOneField(
        Assignment, on_delete=models.PROTECT, related_name="late_arrival", verbose_name=_("late person")
    )
    substitute = models.OneToOneField(
        Assignment, on_delete=models.PROTECT, related_name="covers_late", verbose_name=_("substitute")
    )
    reason = models.CharField(_("reason"), max_length=300)
    expected_at = models.DateTimeField(_("expected arrival"))
    arranged_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("arranged by")
    )
    arranged_at = models.DateTimeField(_("arranged"), default=timezone.now)
    taken_over_at = models.DateTimeField(_("taken over"), null=True, blank=True)
    packet = models.JSONField(_("packet"), default=dict, blank=True)
    substitute_signature = models.ForeignKey(
        "approvals.Signature",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("substitute's signature"),
    )
    late_signature = models.ForeignKey(
        "approvals.Signature",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("late person's signature"),
    )

    objects = querysets.LateArrivalQuerySet.as_manager()

    class Meta:
        verbose_name = _("late arrival")
        verbose_name_plural = _("late arrivals")
        ordering = ["-arranged_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="duty_late_arrival_reason"),
            models.CheckConstraint(
                condition=Q(taken_over_at__isnull=True)
                | (Q(substitute_signature__isnull=False) & Q(late_signature__isnull=False)),
                name="duty_late_arrival_signed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.late} ← {self.substitute.person}"

    def get_absolute_url(self) -> str:
        return reverse("duty:late_detail", args=[self.pk])


def _photo_path(instance: EntryPhoto, filename: str) -> str:
    return f"duty/photos/{timezone.now():%Y/%m}/{filename}"


class EntryPhoto(models.Model):
    """A photo or snapshot of a duty-log entry (DUTY-5): JPEG or PNG checked by content (approvals'
    ``prepare_attachment``), at most 10 MB, stored under MEDIA_ROOT in the data directory (outside the
    web root) and read only through ``duty:photo_content``, which checks the scope and audits every
    read. Added while the entry's shift is not handed over; immutable afterwards; never deleted."""

    entry = models.ForeignKey(
        LogEntry, on_delete=models.PROTECT, related_name="photos", verbose_name=_("duty log entry")
    )
    room = models.ForeignKey(
        MonitoringRoom, on_delete=models.PROTECT, related_name="+", verbose_name=_("room")
    )
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to=_photo_path, max_length=300)
    original_name = models.CharField(_("original name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=50)
    uploaded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    objects = querysets.EntryPhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("entry photo")
        verbose_name_plural = _("entry photos")
        ordering = ["entry", "uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(content_type__in=["image/jpeg", "image/png"]), name="duty_photo_image_only"
            )
        ]

    def __str__(self) -> str:
        return self.caption or self.original_name
