"""The equipment ledger, faults, preventive maintenance and change control (EQP-1…8, INC-9, KPI-1).

Every device of the monitoring system is a `Device`: cameras and recorders link one-to-one to the
sites app's `Camera`/`Recorder` (which keep their stream and placement data), the other types live
here only. A device belongs to a campus (the scope) and optionally an area (its location).

Faults move reported → acknowledged → in_repair → repaired → verified → closed (a failed
verification reopens them); every move is an append-only `FaultTransition`. Device status changes
are kept the same way in `DeviceStatusChange`. Nothing here is hard-deleted: devices are retired,
work orders voided, change requests withdrawn through approvals.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from watchroom.lib.fulltext import Searchable
from watchroom.lib.records import StoredFile, Voidable
from watchroom.sites.models import AreaType, DeviceStatus

from . import querysets


class DeviceType(models.TextChoices):
    CAMERA = "camera", _("Camera")
    RECORDER = "recorder", _("Recorder")
    DISK = "disk", _("Disk")
    VIDEO_WALL = "video_wall", _("Video wall")
    MONITOR = "monitor", _("Monitor")
    WORKSTATION = "workstation", _("Workstation")
    SWITCH = "switch", _("Network switch")
    UPS = "ups", _("UPS")
    PANIC_BUTTON = "panic_button", _("Panic button")
    ACCESS_CONTROL = "access_control", _("Access-control unit")
    OTHER = "other", _("Other")


_STATUS_BADGE: dict[str, str] = {
    DeviceStatus.IN_SERVICE.value: "bg-success",
    DeviceStatus.FAULT.value: "bg-danger",
    DeviceStatus.UNDER_REPAIR.value: "bg-warning text-dark",
}


class Device(Searchable):
    """One device of the ledger (EQP-1): identity, location, dates, supplier and specification.

    The ledger search is full-text (`watchroom.lib.fulltext`): `search_tokens` holds the Chinese
    bigrams and Latin/digit parts of the fields below and of the location's name, indexed by FTS5 on
    SQLite and GIN on PostgreSQL; `SEARCH_LOOKUPS` are the exact conditions the index narrows to."""

    search_fields = (
        "name",
        "vendor",
        "model",
        "serial",
        "ip",
        "mac",
        "supplier",
        "maintenance_contract",
        "resolution",
        "notes",
    )
    # what a search term must occur in (case-insensitive): the fields and the location's name
    SEARCH_LOOKUPS = (*search_fields, "area__name")

    device_type = models.CharField(_("device type"), max_length=20, choices=DeviceType.choices)
    campus = models.ForeignKey(
        "sites.Campus", on_delete=models.PROTECT, related_name="+", verbose_name=_("campus")
    )
    area = models.ForeignKey(
        "sites.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("location"),
    )
    camera = models.OneToOneField(
        "sites.Camera",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="device",
        verbose_name=_("camera"),
    )
    recorder = models.OneToOneField(
        "sites.Recorder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="device",
        verbose_name=_("recorder"),
    )
    name = models.CharField(_("name"), max_length=100)
    vendor = models.CharField(_("vendor"), max_length=50, blank=True)
    model = models.CharField(_("model"), max_length=50, blank=True)
    serial = models.CharField(_("serial number"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    mac = models.CharField(_("MAC address"), max_length=17, blank=True)
    installed_on = models.DateField(_("installed on"), null=True, blank=True)
    commissioned_on = models.DateField(_("commissioned on"), null=True, blank=True)
    warranty_until = models.DateField(_("warranty until"), null=True, blank=True)
    supplier = models.CharField(_("supplier"), max_length=100, blank=True)
    maintenance_contract = models.CharField(_("maintenance contract"), max_length=100, blank=True)
    resolution = models.CharField(_("resolution"), max_length=30, blank=True)
    infrared = models.BooleanField(_("infrared night vision"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=DeviceStatus.choices, default=DeviceStatus.IN_SERVICE
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = querysets.DeviceQuerySet.as_manager()

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        ordering = ["campus_id", "device_type", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["serial"], condition=~Q(serial=""), name="equipment_device_serial_unique"
            ),
            models.CheckConstraint(
                condition=Q(camera__isnull=True) | Q(device_type="camera"),
                name="equipment_device_camera_type",
            ),
            models.CheckConstraint(
                condition=Q(recorder__isnull=True) | Q(device_type="recorder"),
                name="equipment_device_recorder_type",
            ),
        ]
        indexes = [
            # the ledger list: scoped by campus, filtered by type and status
            models.Index(fields=["campus", "device_type", "status"], name="equipment_device_list_idx"),
            # the ledger list's order (campus, type, name, id): the first page is read from the index
            # instead of sorting every device in scope (bench/equipment_bench.py)
            models.Index(fields=["campus", "device_type", "name", "id"], name="equipment_device_order_idx"),
            # out of warranty (ledger filter, KPIs): a range on the index, not a read of every row
            models.Index(fields=["campus", "warranty_until"], name="equipment_device_warranty_idx"),
            # KPIs by vendor
            models.Index(fields=["vendor"], name="equipment_device_vendor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_device_type_display()} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("equipment:device_detail", args=[self.pk])

    def search_values(self) -> list[Any]:
        """The indexed texts: the searched fields and the location's name (refreshed when the device
        is saved, and for every device of an area when the area is saved: `refresh_area_search`)."""
        return [*super().search_values(), self.area.name if self.area_id and self.area else ""]

    @property
    def out_of_warranty(self) -> bool:
        return self.warranty_until is not None and self.warranty_until < timezone.localdate()

    @property
    def status_badge(self) -> str:
        """Bootstrap classes of the status badge (the ledger list renders it per row, so no include)."""
        return _STATUS_BADGE.get(self.status, "bg-secondary")


class DeviceStatusChange(models.Model):
    """Append-only history of a device's status (in service, fault, under repair, retired)."""

    device = models.ForeignKey(
        Device, on_delete=models.PROTECT, related_name="status_changes", verbose_name=_("device")
    )
    from_status = models.CharField(
        pgettext_lazy("previous status", "from"), max_length=16, choices=DeviceStatus.choices
    )
    to_status = models.CharField(
        pgettext_lazy("new status", "to"), max_length=16, choices=DeviceStatus.choices
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("device status change")
        verbose_name_plural = _("device status changes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.device_id}: {self.from_status} → {self.to_status}"


class SlaSetting(models.Model):
    """How many hours a fault of a device type may stay unrepaired (24 by default, DB11/T 855)."""

    device_type = models.CharField(_("device type"), max_length=20, choices=DeviceType.choices, unique=True)
    hours = models.PositiveIntegerField(_("hours to repair"), default=24)

    class Meta:
        verbose_name = _("fault SLA")
        verbose_name_plural = _("fault SLAs")
        ordering = ["device_type"]
        constraints = [models.CheckConstraint(condition=Q(hours__gte=1), name="equipment_sla_hours_positive")]

    def __str__(self) -> str:
        return f"{self.get_device_type_display()} {self.hours}h"


DEFAULT_SLA_HOURS = 24


class Fault(models.Model):
    """A fault of a device (EQP-3, INC-9), with its SLA clock and escalations."""

    class Status(models.TextChoices):
        REPORTED = "reported", _("Reported")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        IN_REPAIR = "in_repair", _("In repair")
        REPAIRED = "repaired", _("Repaired")
        VERIFIED = "verified", _("Verified")
        CLOSED = "closed", _("Closed")

    class Category(models.TextChoices):
        VIDEO_LOSS = "video_loss", _("No video")
        IMAGE = "image", _("Poor image")
        RECORDING = "recording", _("Recording failure")
        NETWORK = "network", _("Network")
        POWER = "power", _("Power")
        STORAGE = "storage", _("Storage / disk")
        DISPLAY = "display", _("Display")
        PTZ = "ptz", _("PTZ control")
        DAMAGE = "damage", _("Physical damage")
        OTHER = "other", _("Other")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Registered by hand")
        DUTY = "duty", _("Duty log")
        HEALTH = "health", _("Camera health check")

    # Faults whose SLA clock is still running (not yet repaired).
    UNREPAIRED = (Status.REPORTED, Status.ACKNOWLEDGED, Status.IN_REPAIR)
    OPEN = (Status.REPORTED, Status.ACKNOWLEDGED, Status.IN_REPAIR, Status.REPAIRED, Status.VERIFIED)

    device = models.ForeignKey(
        Device, on_delete=models.PROTECT, related_name="faults", verbose_name=_("device")
    )
    campus = models.ForeignKey(
        "sites.Campus", on_delete=models.PROTECT, related_name="+", verbose_name=_("campus")
    )
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.OTHER
    )
    symptom = models.TextField(_("symptom"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    external_ref = models.CharField(_("external reference"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.REPORTED)
    occurred_at = models.DateTimeField(_("occurred at"))
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    sla_hours = models.PositiveIntegerField(_("SLA (hours)"), default=DEFAULT_SLA_HOURS)
    due_at = models.DateTimeField(_("repair due"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    repair_started_at = models.DateTimeField(_("repair started at"), null=True, blank=True)
    repaired_at = models.DateTimeField(_("repaired at"), null=True, blank=True)
    repaired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("repaired by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    resolution = models.TextField(_("what was done"), blank=True)
    escalated_75_at = models.DateTimeField(_("warned at 75%"), null=True, blank=True)
    breached_at = models.DateTimeField(_("SLA breached at"), null=True, blank=True)
    reopen_count = models.PositiveIntegerField(_("times reopened"), default=0)

    objects = querysets.FaultQuerySet.as_manager()

    class Meta:
        verbose_name = _("fault")
        verbose_name_plural = _("faults")
        ordering = ["-reported_at", "-id"]
        constraints = [
            # one open fault per device and external reference (idempotent automatic reports)
            models.UniqueConstraint(
                fields=["device", "external_ref"],
                condition=~Q(external_ref="") & ~Q(status="closed"),
                name="equipment_fault_open_ref_unique",
            ),
            models.CheckConstraint(
                condition=Q(due_at__gt=models.F("occurred_at")), name="equipment_fault_due_after"
            ),
        ]
        indexes = [
            # the fault list and the escalation job: open faults by due time, per campus
            models.Index(fields=["campus", "status", "due_at"], name="equipment_fault_open_idx"),
            models.Index(fields=["status", "due_at"], name="equipment_fault_due_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.device.name}"

    def get_absolute_url(self) -> str:
        return reverse("equipment:fault_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def clock_running(self) -> bool:
        return self.status in self.UNREPAIRED

    @property
    def remaining(self) -> timedelta | None:
        """Time left before the SLA is breached (negative when overdue); None once repaired."""
        if not self.clock_running:
            return None
        return self.due_at - timezone.now()

    @property
    def remaining_hours(self) -> float | None:
        r = self.remaining
        return None if r is None else round(r.total_seconds() / 3600, 1)

    @property
    def overdue_hours(self) -> float | None:
        """How long past the SLA an unrepaired fault is (positive), for "3.5 h over"."""
        r = self.remaining_hours
        return None if r is None else abs(r)

    @property
    def overdue(self) -> bool:
        r = self.remaining
        return r is not None and r.total_seconds() < 0

    @property
    def breached(self) -> bool:
        if self.repaired_at is not None:
            return self.repaired_at > self.due_at
        return timezone.now() > self.due_at

    @property
    def downtime(self) -> timedelta:
        end = self.repaired_at or timezone.now()
        return max(end - self.occurred_at, timedelta(0))

    @property
    def downtime_hours(self) -> float:
        return round(self.downtime.total_seconds() / 3600, 1)

    @property
    def elapsed_percent(self) -> int:
        total = (self.due_at - self.occurred_at).total_seconds()
        end = self.repaired_at or timezone.now()
        return int(min(100, max(0, (end - self.occurred_at).total_seconds() * 100 / total))) if total else 100


class FaultTransition(models.Model):
    """Append-only row per state change of a fault: who, when, from, to, why."""

    fault = models.ForeignKey(
        Fault, on_delete=models.PROTECT, related_name="transitions", verbose_name=_("fault")
    )
    from_status = models.CharField(
        pgettext_lazy("previous status", "from"), max_length=16, choices=Fault.Status.choices, blank=True
    )
    to_status = models.CharField(
        pgettext_lazy("new status", "to"), max_length=16, choices=Fault.Status.choices
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("by")
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("fault transition")
        verbose_name_plural = _("fault transitions")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.fault_id}: {self.from_status} → {self.to_status}"


class MaintenancePlan(models.Model):
    """Preventive maintenance (EQP-4): a checklist done every N months on a device type of a campus,
    or on one device, by a designated person."""

    name = models.CharField(_("name"), max_length=100)
    campus = models.ForeignKey(
        "sites.Campus", on_delete=models.PROTECT, related_name="+", verbose_name=_("campus")
    )
    device_type = models.CharField(_("device type"), max_length=20, choices=DeviceType.choices)
    device = models.ForeignKey(
        Device,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="maintenance_plans",
        verbose_name=_("device"),
    )
    interval_months = models.PositiveIntegerField(_("every (months)"), default=3)
    checklist = models.TextField(_("checklist"), help_text=_("One item per line."))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("designated person"),
    )
    next_due = models.DateField(_("next due"))
    lead_days = models.PositiveIntegerField(_("issue work order days before"), default=7)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = querysets.CampusScoped.as_manager()

    class Meta:
        verbose_name = _("maintenance plan")
        verbose_name_plural = _("maintenance plans")
        ordering = ["next_due", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(interval_months__gte=1) & Q(interval_months__lte=24),
                name="equipment_plan_interval",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("equipment:plan_detail", args=[self.pk])

    @property
    def checklist_items(self) -> list[str]:
        return [line.strip() for line in self.checklist.splitlines() if line.strip()]


class WorkOrder(models.Model):
    """One occurrence of a plan (or an ad-hoc job): checklist, person, due date, results, signature.
    Kept at least three years (DB11/T 855); voided with a reason, never deleted."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        VOID = "void", _("Void")

    plan = models.ForeignKey(
        MaintenancePlan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_orders",
        verbose_name=_("plan"),
    )
    campus = models.ForeignKey(
        "sites.Campus", on_delete=models.PROTECT, related_name="+", verbose_name=_("campus")
    )
    device = models.ForeignKey(
        Device,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_orders",
        verbose_name=_("device"),
    )
    device_type = models.CharField(_("device type"), max_length=20, choices=DeviceType.choices, blank=True)
    title = models.CharField(_("title"), max_length=200)
    checklist = models.JSONField(_("checklist"), default=list)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("designated person"),
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    results = models.JSONField(_("results"), default=list)
    all_passed = models.BooleanField(_("all items passed"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("completed by"),
    )
    signature = models.ForeignKey(
        "approvals.Signature",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("engineer's signature"),
    )
    void_reason = models.CharField(_("reason voided"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = querysets.WorkOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["due_date", "id"]
        constraints = [
            # a plan issues one work order per due date
            models.UniqueConstraint(
                fields=["plan", "due_date"],
                condition=Q(plan__isnull=False),
                name="equipment_wo_plan_due_unique",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_at__isnull=False), name="equipment_wo_done_has_time"
            ),
        ]
        indexes = [
            # the overdue list: open work orders by due date per campus
            models.Index(fields=["campus", "status", "due_date"], name="equipment_wo_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.due_date:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("equipment:workorder_detail", args=[self.pk])

    @property
    def overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_date < timezone.localdate()

    @property
    def on_time(self) -> bool | None:
        if self.status != self.Status.DONE or self.completed_at is None:
            return None
        return timezone.localdate(self.completed_at) <= self.due_date


class ChangeKind(models.TextChoices):
    RESOLUTION = "resolution", _("Resolution")
    RECORDING_SCHEDULE = "recording_schedule", _("Recording schedule")
    RETENTION = "retention", _("Retention")
    FIELD_OF_VIEW = "field_of_view", _("Field of view")
    PTZ_PRESET = "ptz_preset", _("PTZ presets")
    PRIVACY_MASK = "privacy_mask", _("Privacy masks")
    MOVE = "move", _("Move the device")
    DISMANTLE = "dismantle", _("Dismantle the device")


class ChangeRequest(models.Model):
    """A change of a camera's view or settings, approved through approvals (EQP-5, EQP-6)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")
        IMPLEMENTED = "implemented", _("Implemented")

    camera = models.ForeignKey(
        "sites.Camera", on_delete=models.PROTECT, related_name="change_requests", verbose_name=_("camera")
    )
    campus = models.ForeignKey(
        "sites.Campus", on_delete=models.PROTECT, related_name="+", verbose_name=_("campus")
    )
    kind = models.CharField(_("change"), max_length=20, choices=ChangeKind.choices)
    before_value = models.TextField(_("before"))
    after_value = models.TextField(_("after"))
    reason = models.TextField(_("reason"))
    snapshot_sha256 = models.CharField(_("SHA-256 of the snapshot"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    approval = models.OneToOneField(
        "approvals.ApprovalRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approval request"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    created_at = models.DateTimeField(_("submitted"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    implemented_at = models.DateTimeField(_("implemented"), null=True, blank=True)
    implemented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("implemented by"),
    )

    objects = querysets.CampusScoped.as_manager()

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.camera.number} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("equipment:change_detail", args=[self.pk])


class ChangeViolation(Voidable):
    """A change found without an approved request (EQP-6): a recorded violation."""

    camera = models.ForeignKey(
        "sites.Camera", on_delete=models.PROTECT, related_name="change_violations", verbose_name=_("camera")
    )
    campus = models.ForeignKey(
        "sites.Campus", on_delete=models.PROTECT, related_name="+", verbose_name=_("campus")
    )
    detected_by = models.CharField(_("detected by"), max_length=50)
    detail = models.TextField(_("detail"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    detected_at = models.DateTimeField(_("detected at"), default=timezone.now)
    kind = models.CharField(_("change found"), max_length=20, choices=ChangeKind.choices, blank=True)

    objects = querysets.CampusScoped.as_manager()

    class Meta:
        verbose_name = _("unapproved change")
        verbose_name_plural = _("unapproved changes")
        ordering = ["-detected_at", "-id"]
        indexes = [
            # the violation list: per campus, newest first
            models.Index(fields=["campus", "detected_at"], name="equipment_violation_list_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.camera.number} {self.detected_at:%Y-%m-%d}"


def _file_path(instance: DeviceFile, filename: str) -> str:
    now = timezone.now()
    return f"equipment/{now:%Y/%m}/{filename}"


class DeviceFile(StoredFile):
    """A photo or document of a device (EQP-1) or a photo of a work-order record (EQP-4).

    JPEG, PNG or PDF checked by content (approvals' `prepare_attachment`), at most 10 MB, stored under
    MEDIA_ROOT in the data directory (outside the web root) and read only through
    `equipment:file_content`, which checks the scope and audits every read. Voided, never deleted."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        DOCUMENT = "document", _("Document")

    campus = models.ForeignKey(
        "sites.Campus", on_delete=models.PROTECT, related_name="+", verbose_name=_("campus")
    )
    device = models.ForeignKey(
        Device,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="files",
        verbose_name=_("device"),
    )
    work_order = models.ForeignKey(
        WorkOrder,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="files",
        verbose_name=_("work order"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to=_file_path, max_length=300)

    objects = querysets.CampusScoped.as_manager()

    class Meta:
        verbose_name = _("device file")
        verbose_name_plural = _("device files")
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(device__isnull=False) & Q(work_order__isnull=True))
                | (Q(device__isnull=True) & Q(work_order__isnull=False)),
                name="equipment_file_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True) | ~Q(void_reason=""), name="equipment_file_void_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.caption or self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class CoverageRule(models.Model):
    """One line of the stored required-coverage list (EQP-8): an area, every area of a type, or every
    key area — on one campus or on all — must be covered by at least one camera. Areas where cameras
    are prohibited are never required; a camera found there is flagged. Lines are ended with a
    reason, never deleted."""

    class Scope(models.TextChoices):
        AREA = "area", _("This area")
        AREA_TYPE = "area_type", _("Every area of this type")
        KEY_AREAS = "key_areas", _("Every key area")

    scope = models.CharField(_("what must be covered"), max_length=10, choices=Scope.choices)
    campus = models.ForeignKey(
        "sites.Campus",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("campus"),
        help_text=_("Empty: every campus."),
    )
    area = models.ForeignKey(
        "sites.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area"),
    )
    area_type = models.CharField(_("area type"), max_length=20, choices=AreaType.choices, blank=True)
    note = models.CharField(_("why"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("added by")
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by"),
    )
    end_reason = models.CharField(_("reason ended"), max_length=300, blank=True)

    objects = querysets.CoverageRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("required coverage")
        verbose_name_plural = _("required coverage")
        ordering = ["scope", "area_type", "campus_id", "area_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(scope="area") & Q(area__isnull=False) & Q(area_type=""))
                | (Q(scope="area_type") & Q(area__isnull=True) & ~Q(area_type=""))
                | (Q(scope="key_areas") & Q(area__isnull=True) & Q(area_type="")),
                name="equipment_coverage_rule_shape",
            ),
            models.CheckConstraint(
                condition=Q(is_active=True) | ~Q(end_reason=""), name="equipment_coverage_rule_end_reason"
            ),
        ]

    def __str__(self) -> str:
        if self.scope == self.Scope.AREA and self.area is not None:
            return self.area.name
        if self.scope == self.Scope.AREA_TYPE:
            return self.get_area_type_display()
        return str(self.Scope(self.scope).label)

    def matches(self, area: Any) -> bool:
        """Whether this line requires `area` to be covered (ignoring its privacy class)."""
        if not self.is_active:
            return False
        if self.scope == self.Scope.AREA:
            return self.area_id == area.pk
        if self.campus_id is not None and self.campus_id != area.campus_id:
            return False
        if self.scope == self.Scope.AREA_TYPE:
            return area.area_type == self.area_type
        return bool(area.key_area)
