"""Alarms and incidents (INC-1…9, DUTY-5, PPL-3).

Alarm sources post alarms (GB/T 28181 taxonomy: priority 1–4, method, device and video alarm types);
each alarm belongs to the monitoring room of its camera's group. Alarm and handling records cannot be
modified (GB 55029-2022): an `Alarm` row is written once; acknowledgements and escalations are rows
of their own; an incident's timeline is append-only. Incidents follow a playbook (预案, INC-7) whose
mandatory steps must be done or skipped with a reason before the incident closes. Drills (PPL-3) are
incidents with `is_drill` and are never counted as real.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from watchroom.accounts.roles import Role
from watchroom.lib import crypto

from . import querysets

USER = settings.AUTH_USER_MODEL


class SourceKind(models.TextChoices):
    RECORDER = "recorder", _("Recorder (NVR/DVR)")
    INTRUSION = "intrusion_panel", _("Intrusion alarm panel")
    PANIC = "panic_button", _("Panic button")
    FIRE = "fire", _("Fire alarm system")
    ACCESS = "access_control", _("Access control")
    CAMERA_HEALTH = "camera_health", _("Camera health engine")
    OTHER = "other", _("Other")


class AlarmMethod(models.TextChoices):
    """GB/T 28181 alarm method (报警方式)."""

    PHONE = "phone", _("Phone")
    DEVICE = "device", _("Device")
    SMS = "sms", _("SMS")
    GPS = "gps", _("GPS")
    VIDEO = "video", _("Video")
    DEVICE_FAULT = "device_fault", _("Device fault")
    OTHER = "other", _("Other")


class AlarmType(models.TextChoices):
    """Alarm types: GB/T 28181 device and video alarm types, plus the hospital's own signals."""

    # device alarms
    VIDEO_LOSS = "video_loss", _("Video loss")
    TAMPER = "tamper", _("Device tamper")
    DISK_FULL = "disk_full", _("Disk full")
    DEVICE_HIGH_TEMP = "device_high_temp", _("Device over-temperature")
    DEVICE_LOW_TEMP = "device_low_temp", _("Device under-temperature")
    # video alarms
    MANUAL_VIDEO = "manual_video", _("Manual video alarm")
    MOTION = "motion", _("Motion detection")
    LEFT_OBJECT = "left_object", _("Left object")
    OBJECT_REMOVED = "object_removed", _("Object removed")
    TRIPWIRE = "tripwire", _("Tripwire")
    INTRUSION = "intrusion", _("Intrusion")
    REVERSE = "reverse", _("Wrong-way movement")
    LOITERING = "loitering", _("Loitering")
    CROWD = "crowd", _("Crowd gathering")
    FAST_MOVING = "fast_moving", _("Fast movement")
    VIDEO_ANOMALY = "video_anomaly", _("Video anomaly")
    OCCLUSION = "occlusion", _("Occlusion")
    # hospital signals
    PANIC = "panic", _("Panic button (一键报警)")
    FIRE = "fire", _("Fire alarm")
    DOOR_FORCED = "door_forced", _("Door forced open")
    DOOR_HELD = "door_held", _("Door held open")
    CAMERA_OFFLINE = "camera_offline", _("Camera offline")
    OTHER = "other", _("Other")


class Priority(models.IntegerChoices):
    """GB/T 28181 alarm priority: 1 is the most urgent (一级警情)."""

    P1 = 1, _("Priority 1 (most urgent)")
    P2 = 2, _("Priority 2")
    P3 = 3, _("Priority 3")
    P4 = 4, _("Priority 4")


class AlarmSource(models.Model):
    """A system that posts alarms, with its own API key (only the key's SHA-256 is stored)."""

    campus = models.ForeignKey(
        "sites.Campus", on_delete=models.PROTECT, related_name="+", verbose_name=_("campus")
    )
    room = models.ForeignKey(
        "sites.MonitoringRoom",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("default monitoring room"),
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=SourceKind.choices)
    key_prefix = models.CharField(_("key prefix"), max_length=12, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("created by")
    )
    retired_reason = models.CharField(_("reason for retiring"), max_length=300, blank=True)

    objects = querysets.CampusScoped.as_manager()

    class Meta:
        verbose_name = _("alarm source")
        verbose_name_plural = _("alarm sources")
        ordering = ["campus", "name"]
        constraints = [
            models.UniqueConstraint(fields=["campus", "name"], name="inc_source_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class Alarm(models.Model):
    """One alarm as received. Written once, never changed (GB 55029-2022)."""

    source = models.ForeignKey(
        AlarmSource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alarms",
        verbose_name=_("source"),
    )
    source_event_id = models.CharField(_("source event id"), max_length=100, blank=True)
    occurred_at = models.DateTimeField(_("occurred"))
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    method = models.CharField(_("method"), max_length=20, choices=AlarmMethod.choices)
    alarm_type = models.CharField(_("type"), max_length=30, choices=AlarmType.choices)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices)
    campus = models.ForeignKey(
        "sites.Campus", on_delete=models.PROTECT, related_name="+", verbose_name=_("campus")
    )
    room = models.ForeignKey(
        "sites.MonitoringRoom",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("monitoring room"),
    )
    camera = models.ForeignKey(
        "sites.Camera",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("camera"),
    )
    area = models.ForeignKey(
        "sites.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area"),
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    group_key = models.CharField(_("group key"), max_length=40, db_index=True)
    is_group_head = models.BooleanField(_("first of its group"), default=True)
    is_drill = models.BooleanField(_("drill"), default=False)
    raised_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("raised by")
    )
    # a manual alarm raised from a duty-log entry (DUTY-5) points to it
    duty_log_entry = models.ForeignKey(
        "duty.LogEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("duty log entry"),
    )

    objects = querysets.AlarmQuerySet.as_manager()

    class Meta:
        verbose_name = _("alarm")
        verbose_name_plural = _("alarms")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_event_id"],
                condition=models.Q(source__isnull=False),
                name="inc_alarm_source_event_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(priority__gte=1, priority__lte=4), name="inc_alarm_priority"
            ),
        ]
        indexes = [
            # the console stream: room = ? AND id > ? ORDER BY id
            models.Index(fields=["room", "id"], name="inc_alarm_room_id_idx"),
            # storm grouping: latest alarm of (source, camera, type) within the window
            models.Index(
                fields=["source", "camera", "alarm_type", "received_at"], name="inc_alarm_storm_idx"
            ),
        ]

    def __str__(self) -> str:
        # not get_alarm_type_display(): it rebuilds a dict of the lazy choices on every call, which
        # was a tenth of the intake's time (the audit event's target text is this string)
        label = AlarmType(self.alarm_type).label if self.alarm_type in AlarmType.values else self.alarm_type
        return f"#{self.pk} {label}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk and not self._state.adding:
            raise ValueError("alarm records cannot be modified")
        super().save(*args, **kwargs)

    @property
    def where(self) -> str:
        if self.camera_id:
            return str(self.camera)
        if self.area_id:
            return str(self.area)
        return self.place


class AlarmAck(models.Model):
    """Who acknowledged an alarm, and when. One per alarm; never changed."""

    alarm = models.OneToOneField(Alarm, on_delete=models.PROTECT, related_name="ack", verbose_name=_("alarm"))
    room = models.ForeignKey(
        "sites.MonitoringRoom",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("monitoring room"),
    )
    at = models.DateTimeField(pgettext_lazy("alarm", "acknowledged"), default=timezone.now)
    by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("alarm", "acknowledged by"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("alarm acknowledgement")
        verbose_name_plural = _("alarm acknowledgements")
        ordering = ["id"]
        indexes = [models.Index(fields=["room", "id"], name="inc_ack_room_id_idx")]  # console stream

    def __str__(self) -> str:
        return f"{self.alarm_id}:{self.by_id}@{self.at:%H:%M:%S}"


class AlarmEscalation(models.Model):
    """An alarm not acknowledged in time was escalated to the directors."""

    alarm = models.ForeignKey(
        Alarm, on_delete=models.PROTECT, related_name="escalations", verbose_name=_("alarm")
    )
    room = models.ForeignKey(
        "sites.MonitoringRoom",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("monitoring room"),
    )
    level = models.PositiveSmallIntegerField(pgettext_lazy("incidents", "level"), default=1)
    at = models.DateTimeField(_("escalated"), default=timezone.now)
    notified = models.PositiveIntegerField(_("people notified"), default=0)

    class Meta:
        verbose_name = _("alarm escalation")
        verbose_name_plural = _("alarm escalations")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["alarm", "level"], name="inc_escalation_once")]
        indexes = [models.Index(fields=["room", "id"], name="inc_esc_room_id_idx")]  # console stream

    def __str__(self) -> str:
        return f"{self.alarm_id}:L{self.level}"


class IncidentType(models.TextChoices):
    VIOLENCE = "violence", _("Violence against medical staff (暴力伤医)")
    DISPUTE = "medical_dispute", _("Medical dispute")
    FIRE = "fire", _("Fire")
    THEFT = "theft", _("Theft")
    WATER_LEAK = "water_leak", _("Water leak")
    SUSPICIOUS = "suspicious_person", _("Suspicious person")
    PATIENT_LEFT = "patient_left", _("Patient leaving unattended")
    INFANT = "infant_security", _("Infant security")
    EQUIPMENT = "equipment_damage", _("Equipment damage")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class Playbook(models.Model):
    """A procedure (预案) for one incident type: ordered steps with a responsible role (INC-7)."""

    incident_type = models.CharField(_("incident type"), max_length=30, choices=IncidentType.choices)
    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveIntegerField(_("version"), default=1)
    is_active = models.BooleanField(_("in force"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("created by")
    )

    objects = querysets.Unscoped.as_manager()

    class Meta:
        verbose_name = _("playbook")
        verbose_name_plural = _("playbooks")
        ordering = ["incident_type", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["incident_type", "version"], name="inc_playbook_version_unique"),
            models.UniqueConstraint(
                fields=["incident_type"], condition=models.Q(is_active=True), name="inc_playbook_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class PlaybookStep(models.Model):
    """One step of a playbook."""

    playbook = models.ForeignKey(
        Playbook, on_delete=models.PROTECT, related_name="steps", verbose_name=_("playbook")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("step"), max_length=300)
    responsible_role = models.CharField(_("responsible role"), max_length=20, choices=Role.choices)
    contacts = models.CharField(_("contacts"), max_length=300, blank=True)
    mandatory = models.BooleanField(_("mandatory"), default=True)

    class Meta:
        verbose_name = _("playbook step")
        verbose_name_plural = _("playbook steps")
        ordering = ["playbook", "order"]
        constraints = [models.UniqueConstraint(fields=["playbook", "order"], name="inc_pbstep_order_unique")]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class Incident(models.Model):
    """An incident, from alarms or by hand; a drill when `is_drill` (never counted as real)."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("incidents", "Open")
        CLOSED = "closed", pgettext_lazy("incidents", "Closed")

    number = models.CharField(_("number"), max_length=30, unique=True)
    campus = models.ForeignKey(
        "sites.Campus", on_delete=models.PROTECT, related_name="+", verbose_name=_("campus")
    )
    room = models.ForeignKey(
        "sites.MonitoringRoom",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("monitoring room"),
    )
    incident_type = models.CharField(_("type"), max_length=30, choices=IncidentType.choices)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM
    )
    title = models.CharField(_("title"), max_length=200)
    place = models.CharField(_("place"), max_length=200, blank=True)
    area = models.ForeignKey(
        "sites.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area"),
    )
    cameras = models.ManyToManyField("sites.Camera", blank=True, related_name="+", verbose_name=_("cameras"))
    alarms = models.ManyToManyField(Alarm, blank=True, related_name="incidents", verbose_name=_("alarms"))
    people = models.TextField(_("people involved"), blank=True)
    description = models.TextField(_("description"), blank=True)
    playbook = models.ForeignKey(
        Playbook,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("playbook"),
    )
    is_drill = models.BooleanField(_("drill"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    opened_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    first_alarm_at = models.DateTimeField(_("first alarm"), null=True, blank=True)
    first_ack_at = models.DateTimeField(_("first acknowledgement"), null=True, blank=True)
    first_dispatch_at = models.DateTimeField(_("first dispatch"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("closed by")
    )
    outcome = models.TextField(_("outcome"), blank=True)
    review = models.TextField(_("review"), blank=True)

    objects = querysets.IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open") | models.Q(closed_at__isnull=False),
                name="inc_closed_has_time",
            ),
        ]
        indexes = [
            # the list page and statistics: campus, real/drill, newest first
            models.Index(fields=["campus", "is_drill", "-opened_at"], name="inc_incident_list_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("incidents:incident_detail", args=[self.pk])

    @property
    def duration_minutes(self) -> int | None:
        """Minutes from opening to closing (how long a drill took, PPL-3)."""
        if self.closed_at is None:
            return None
        return round((self.closed_at - self.opened_at).total_seconds() / 60)


class IncidentStep(models.Model):
    """A playbook step copied onto an incident; done or skipped (with a reason) once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("To do")
        DONE = "done", pgettext_lazy("incidents", "Done")
        SKIPPED = "skipped", _("Skipped")

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="steps", verbose_name=_("incident")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("step"), max_length=300)
    responsible_role = models.CharField(_("responsible role"), max_length=20, choices=Role.choices)
    contacts = models.CharField(_("contacts"), max_length=300, blank=True)
    mandatory = models.BooleanField(_("mandatory"), default=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("done by")
    )
    skip_reason = models.CharField(_("reason for skipping"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("incident step")
        verbose_name_plural = _("incident steps")
        ordering = ["incident", "order"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "order"], name="inc_step_order_unique"),
            models.CheckConstraint(
                condition=~models.Q(status="skipped") | ~models.Q(skip_reason=""),
                name="inc_step_skip_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class TimelineEntry(models.Model):
    """One line of an incident's timeline (INC-3): append-only."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Opened")
        NOTE = "note", _("Note")
        ACTION = "action", _("Action")
        CALL = "call", _("Phone call")
        DISPATCH = "dispatch", _("Dispatch (guards / police room)")
        DEPARTMENT = "department", _("Department notified")
        STEP_DONE = "step_done", _("Step done")
        STEP_SKIPPED = "step_skipped", _("Step skipped")
        HOLD = "hold", _("Evidence hold")
        ALARM_LINKED = "alarm_linked", _("Alarm linked")
        CLOSED = "closed", pgettext_lazy("incidents", "Closed")

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="timeline", verbose_name=_("incident")
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("text"), blank=True)
    department = models.CharField(_("department"), max_length=100, blank=True)
    actor = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=pgettext_lazy("incidents", "by")
    )

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.incident_id}:{self.kind}"


class RobotWebhook(models.Model):
    """A WeCom (企业微信) or DingTalk (钉钉) group-robot webhook of a department or team."""

    class Channel(models.TextChoices):
        WECOM = "wecom", _("WeCom group robot")
        DINGTALK = "dingtalk", _("DingTalk group robot")

    campus = models.ForeignKey(
        "sites.Campus", on_delete=models.PROTECT, related_name="+", verbose_name=_("campus")
    )
    name = models.CharField(_("name"), max_length=100)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    url = models.CharField(_("webhook URL"), max_length=500)
    # DingTalk 加签: the robot's signing secret, AES-256-GCM at rest (lib.crypto); empty = unsigned
    secret_encrypted = models.TextField(_("signing secret (encrypted)"), blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    objects = querysets.CampusScoped.as_manager()

    class Meta:
        verbose_name = _("group-robot webhook")
        verbose_name_plural = _("group-robot webhooks")
        ordering = ["campus", "name"]

    def __str__(self) -> str:
        return self.name

    def set_secret(self, plain: str) -> None:
        self.secret_encrypted = crypto.encrypt_text(plain) if plain else ""

    def get_secret(self) -> str:
        return crypto.decrypt_text(self.secret_encrypted) if self.secret_encrypted else ""

    @property
    def has_secret(self) -> bool:
        return bool(self.secret_encrypted)

    @property
    def url_host(self) -> str:
        """The address without its path and token (what the pages show after creation)."""
        from urllib.parse import urlsplit

        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"


class RobotMessage(models.Model):
    """Links a notification to the group robot that posts it (read by the WeCom/DingTalk channels)."""

    notification = models.OneToOneField(
        "notifications.Notification",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("notification"),
    )
    webhook = models.ForeignKey(
        RobotWebhook, on_delete=models.PROTECT, related_name="+", verbose_name=_("webhook")
    )
    incident = models.ForeignKey(
        Incident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("incident"),
    )

    class Meta:
        verbose_name = _("group-robot message")
        verbose_name_plural = _("group-robot messages")

    def __str__(self) -> str:
        return f"{self.notification_id}->{self.webhook_id}"


class EmergencyContact(models.Model):
    """The emergency contact list (INC-7): who to call per incident type and department."""

    campus = models.ForeignKey(
        "sites.Campus", on_delete=models.PROTECT, related_name="+", verbose_name=_("campus")
    )
    incident_type = models.CharField(
        _("incident type"),
        max_length=30,
        choices=IncidentType.choices,
        blank=True,
        help_text=_("Empty: all types."),
    )
    department = models.CharField(_("department"), max_length=100)
    name = models.CharField(_("name"), max_length=60)
    title = models.CharField(_("function"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=32)
    user = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("account")
    )
    webhook = models.ForeignKey(
        RobotWebhook,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("group robot"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = querysets.CampusScoped.as_manager()

    class Meta:
        verbose_name = _("emergency contact")
        verbose_name_plural = _("emergency contacts")
        ordering = ["campus", "incident_type", "department", "name"]

    def __str__(self) -> str:
        return f"{self.department} {self.name}"


class HoldRequest(models.Model):
    """An evidence hold asked for from an incident (INC-5), with what the footage module answered."""

    class Status(models.TextChoices):
        PLACED = "placed", _("Hold placed")
        RECORDED = "recorded", _("Recorded only (footage module not installed)")
        FAILED = "failed", _("Refused by the footage module")

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="holds", verbose_name=_("incident")
    )
    cameras = models.ManyToManyField("sites.Camera", related_name="+", verbose_name=_("cameras"))
    start = models.DateTimeField(pgettext_lazy("incidents", "from"))
    end = models.DateTimeField(pgettext_lazy("incidents", "to"))
    reason = models.CharField(_("reason"), max_length=300)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    requested_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=pgettext_lazy("incidents", "by")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    footage_hold_id = models.PositiveIntegerField(_("footage hold"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("evidence hold request")
        verbose_name_plural = _("evidence hold requests")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="inc_hold_range")
        ]

    def __str__(self) -> str:
        return f"{self.incident_id}:{self.status}"


class CorrectiveAction(models.Model):
    """A corrective action from an after-action review (drills, PPL-3; and real incidents), tracked to closure."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("incidents", "Open")
        DONE = "done", pgettext_lazy("incidents", "Done")

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="actions", verbose_name=_("incident")
    )
    description = models.CharField(_("action"), max_length=500)
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner"))
    due = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("closed by")
    )
    closing_note = models.CharField(_("closing note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["status", "due"]

    def __str__(self) -> str:
        return self.description
