"""Footage requests, their documents, the evidence vault, custody, releases, holds, the viewing
register and the retention register (DATA-1…14, INC-5, INC-6, SEC-2; State Council Order 799).

State changes go through ``services.py`` only. Nothing here is ever hard-deleted: a destroyed
evidence file keeps its record (what, why, who, hash) and loses only its ciphertext.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from watchroom.sites.models import AreaType

from .querysets import CampusQuerySet, EvidenceQuerySet, RequestChildQuerySet, RequestQuerySet

USER = settings.AUTH_USER_MODEL


class Category(models.TextChoices):
    STAFF = "staff", _("Hospital staff")
    PATIENT = "patient", _("Patient")
    FAMILY = "family", _("Patient's family")
    POLICE = "police", _("Public security organ")
    PROCURATORATE = "procuratorate", _("Procuratorate")
    COURT = "court", _("Court")
    STATE_ORGAN = "state_organ", _("Other state organ")
    OTHER = "other", _("Other (insurer, lawyer…)")


# Categories that must bring an introduction letter (介绍信) (DATA-11).
LETTER_REQUIRED = {Category.POLICE, Category.PROCURATORATE, Category.COURT, Category.STATE_ORGAN}
# The only recipients of copies without an exception approved by a leader (DATA-4).
COPY_ALLOWED = {Category.POLICE}


class Purpose(models.TextChoices):
    CASE = "case", _("Criminal or administrative case")
    DISPUTE = "dispute", _("Medical dispute")
    SAFETY = "safety", _("Patient safety incident")
    THEFT = "theft", _("Loss or theft")
    INTERNAL = "internal", _("Internal investigation")
    INSURANCE = "insurance", _("Insurance claim")
    OTHER = "other", _("Other")


class FootageRequest(models.Model):
    """A request to view or copy footage (调阅/拷贝申请), registered by the centre for a requester,
    routed through the approvals mechanism and valid for a window once approved (DATA-9…11)."""

    class Access(models.TextChoices):
        VIEW = "view", _("View only")
        COPY = "copy", _("Copy")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        EXPORTED = "exported", _("Exported, waiting for release")
        RELEASED = "released", _("Released")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    number = models.CharField(_("number"), max_length=30, unique=True)
    campus = models.ForeignKey(
        "sites.Campus", on_delete=models.PROTECT, related_name="+", verbose_name=_("campus")
    )
    category = models.CharField(_("requester category"), max_length=20, choices=Category.choices)
    unit = models.CharField(_("unit or department"), max_length=200, blank=True)
    names = models.CharField(_("requester names"), max_length=300)
    id_numbers = models.CharField(_("ID or badge numbers"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    relation = models.CharField(_("relation to the patient"), max_length=100, blank=True)
    case_number = models.CharField(_("case number"), max_length=100, blank=True)
    purpose_code = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    purpose_text = models.TextField(_("purpose in detail"))
    access = models.CharField(_("access"), max_length=10, choices=Access.choices)
    copy_exception_reason = models.TextField(
        _("reason for a copy exception"),
        blank=True,
        help_text=_(
            "Copies go only to public security organs unless a leader approves an exception (DATA-4)."
        ),
    )
    cameras = models.ManyToManyField("sites.Camera", related_name="+", verbose_name=_("cameras"))
    sensitive = models.BooleanField(_("includes sensitive cameras"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    approval = models.ForeignKey(
        "approvals.ApprovalRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approval"),
    )
    registered_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)

    objects = RequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("footage request")
        verbose_name_plural = _("footage requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "pending",
                        "approved",
                        "exported",
                        "released",
                        "rejected",
                        "withdrawn",
                        "expired",
                    ]
                ),
                name="footage_request_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(access__in=["view", "copy"]), name="footage_request_access_valid"
            ),
        ]
        indexes = [
            # the request list: a campus's requests by status, newest first
            models.Index(fields=["campus", "status", "-created_at"], name="footage_req_list_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("footage:request_detail", args=[self.pk])

    @property
    def needs_letter(self) -> bool:
        return self.category in LETTER_REQUIRED

    def is_valid_now(self, now: Any = None) -> bool:
        """Approved (or exported) and inside the approval's validity window."""
        if self.status not in (self.Status.APPROVED, self.Status.EXPORTED):
            return False
        now = now or timezone.now()
        return self.valid_until is None or now < self.valid_until


class TimeRange(models.Model):
    """A period of recorded footage asked for."""

    request = models.ForeignKey(
        FootageRequest, on_delete=models.PROTECT, related_name="ranges", verbose_name=_("request")
    )
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("to"))

    class Meta:
        verbose_name = _("time range")
        verbose_name_plural = _("time ranges")
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="footage_range_order")
        ]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M} – {self.end:%Y-%m-%d %H:%M}"


def _document_path(instance: Any, filename: str) -> str:
    return f"footage/{timezone.now():%Y/%m}/{filename}"


class RequestDocument(models.Model):
    """A document of a request: the introduction letter, an ID document, a paper receipt scanned back.
    PDF, JPEG or PNG checked by content; under MEDIA_ROOT (outside the web root); each view audited."""

    class Kind(models.TextChoices):
        LETTER = "letter", _("Introduction letter")
        ID_DOCUMENT = "id_document", _("ID document")
        RECEIPT_SCAN = "receipt_scan", _("Signed receipt (scan)")
        OTHER = "other", _("Other")

    request = models.ForeignKey(
        FootageRequest, on_delete=models.PROTECT, related_name="documents", verbose_name=_("request")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=_document_path, max_length=300)
    original_name = models.CharField(_("original name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=50)
    uploaded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    objects = RequestChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("request document")
        verbose_name_plural = _("request documents")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class EvidenceFile(models.Model):
    """An exported clip kept as the centre's identical archive copy (DATA-11), encrypted in the vault
    (DATA-8). Destroying it (DATA-9) removes the ciphertext; the record stays."""

    class Status(models.TextChoices):
        STORED = "stored", _("Stored")
        DESTROYED = "destroyed", _("Destroyed")

    request = models.ForeignKey(
        FootageRequest, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("request")
    )
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)  # "is this the file we released?"
    vault_path = models.CharField(_("vault path"), max_length=300)
    key_id = models.CharField(_("key id"), max_length=16)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.STORED)
    uploaded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    last_verified_at = models.DateTimeField(_("last verified"), null=True, blank=True)
    last_verified_ok = models.BooleanField(_("last verification passed"), null=True, blank=True)
    integrity_failed_at = models.DateTimeField(
        _("found damaged or missing"),
        null=True,
        blank=True,
        help_text=_("Set when a verification fails; cleared when the file verifies again."),
    )
    destroyed_at = models.DateTimeField(_("destroyed"), null=True, blank=True)
    destroyed_reason = models.TextField(_("reason for destruction"), blank=True)
    destroy_approval = models.ForeignKey(
        "approvals.ApprovalRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("destruction approval"),
    )

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["stored", "destroyed"]), name="footage_evidence_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="stored") | Q(destroyed_at__isnull=False),
                name="footage_evidence_destroyed_when",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.sha256[:12]})"

    def get_absolute_url(self) -> str:
        return reverse("footage:evidence_detail", args=[self.pk])


class CustodyEntry(models.Model):
    """One line of an evidence file's chain of custody. Append-only; mirrored in the audit trail."""

    class Action(models.TextChoices):
        STORED = "stored", _("Stored in the vault")
        VIEWED = "viewed", _("Viewed")
        DOWNLOADED = "downloaded", _("Downloaded")
        VERIFIED = "verified", _("Verified")
        TRANSFERRED = "transferred", _("Transferred to the recipient")
        RE_EXPORTED = "re_exported", _("Re-exported")
        HELD = "held", _("Put on hold")
        DESTROYED = "destroyed", _("Destroyed")

    evidence = models.ForeignKey(
        EvidenceFile, on_delete=models.PROTECT, related_name="custody", verbose_name=_("evidence file")
    )
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    actor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("time"), default=timezone.now)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, default="success")
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("custody entry")
        verbose_name_plural = _("custody entries")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.evidence_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class Release(models.Model):
    """Handing a copy to its recipient: the receipt lists files, sizes and SHA-256; the recipient
    acknowledges on screen (typed name, time, IP) or signs on paper that is scanned back."""

    class Method(models.TextChoices):
        ON_SCREEN = "on_screen", _("Signed on screen")
        PAPER = "paper", _("Signed on paper (scanned)")

    request = models.OneToOneField(
        FootageRequest, on_delete=models.PROTECT, related_name="release", verbose_name=_("request")
    )
    recipient_name = models.CharField(_("recipient"), max_length=100)
    recipient_id_number = models.CharField(_("recipient's ID or badge number"), max_length=100)
    recipient_unit = models.CharField(_("recipient's unit"), max_length=200)
    content_sha256 = models.CharField(_("SHA-256 of the receipt content"), max_length=64)
    method = models.CharField(_("signature"), max_length=12, choices=Method.choices, blank=True)
    typed_name = models.CharField(_("name typed by the recipient"), max_length=100, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_ip = models.GenericIPAddressField(_("signed from IP"), null=True, blank=True)
    scan = models.ForeignKey(
        RequestDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scan"),
    )
    prepared_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("prepared by")
    )
    prepared_at = models.DateTimeField(_("prepared"), default=timezone.now)

    class Meta:
        verbose_name = _("release")
        verbose_name_plural = _("releases")

    def __str__(self) -> str:
        return f"{self.request} → {self.recipient_name}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class Hold(models.Model):
    """An evidence hold (INC-5): cameras and a period preserved, or a request's archive copy kept;
    while active nothing it covers may be destroyed. Releasing it needs a reason and an approval."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Placed by hand")
        REQUEST = "request", _("Footage request")
        ALARM = "alarm", _("Alarm or incident")

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("hold status", "Active")
        RELEASE_PENDING = "release_pending", _("Release waiting for approval")
        RELEASED = "released", _("Released")

    campus = models.ForeignKey(
        "sites.Campus", on_delete=models.PROTECT, related_name="+", verbose_name=_("campus")
    )
    cameras = models.ManyToManyField("sites.Camera", related_name="+", verbose_name=_("cameras"))
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("to"))
    reason = models.TextField(_("reason"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    request = models.ForeignKey(
        FootageRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="holds",
        verbose_name=_("request"),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    placed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("placed by")
    )
    placed_at = models.DateTimeField(_("placed"), default=timezone.now)
    release_reason = models.TextField(_("reason for release"), blank=True)
    release_approval = models.ForeignKey(
        "approvals.ApprovalRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("release approval"),
    )
    released_at = models.DateTimeField(_("released"), null=True, blank=True)

    objects = CampusQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence hold")
        verbose_name_plural = _("evidence holds")
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="footage_hold_order"),
            models.CheckConstraint(
                condition=Q(status__in=["active", "release_pending", "released"]),
                name="footage_hold_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.start:%Y-%m-%d %H:%M} – {self.end:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("footage:hold_list") + f"#hold-{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.RELEASED


class Viewing(models.Model):
    """One line of the viewing register (监控信息图像查看记录表, DATA-7, DATA-10): who looked, when,
    at which cameras and periods, why, who showed it and the approval relied on."""

    class Mode(models.TextChoices):
        LIVE = "live", _("Live")
        PLAYBACK = "playback", _("Playback")

    campus = models.ForeignKey(
        "sites.Campus", on_delete=models.PROTECT, related_name="+", verbose_name=_("campus")
    )
    viewer_unit = models.CharField(_("viewer's unit"), max_length=200)
    viewer_name = models.CharField(_("viewer"), max_length=100)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.PLAYBACK)
    started_at = models.DateTimeField(_("viewing started"))
    ended_at = models.DateTimeField(_("viewing ended"))
    cameras = models.ManyToManyField("sites.Camera", related_name="+", verbose_name=_("cameras"))
    footage_from = models.DateTimeField(_("footage from"), null=True, blank=True)
    footage_to = models.DateTimeField(_("footage to"), null=True, blank=True)
    purpose = models.TextField(_("purpose"))
    leader_review = models.BooleanField(_("a leader's own review"), default=False)
    request = models.ForeignKey(
        FootageRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="viewings",
        verbose_name=_("approved request relied on"),
    )
    operator = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("shown by"))
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)

    objects = CampusQuerySet.as_manager()

    class Meta:
        verbose_name = _("viewing")
        verbose_name_plural = _("viewing register")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__gte=models.F("started_at")), name="footage_viewing_order"
            ),
        ]
        indexes = [
            # the register: a campus's viewings, newest first
            models.Index(fields=["campus", "-started_at"], name="footage_viewing_list_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.viewer_name} {self.started_at:%Y-%m-%d %H:%M}"


class RetentionRule(models.Model):
    """How long a camera group's recordings must be kept (DATA-2: at least 30 days) and the oldest
    recording actually available (entered at inspections). Shortening needs an approval and takes
    effect 24 hours after the director is warned."""

    campus = models.ForeignKey(
        "sites.Campus", on_delete=models.PROTECT, related_name="+", verbose_name=_("campus")
    )
    group = models.OneToOneField(
        "sites.CameraGroup",
        on_delete=models.PROTECT,
        related_name="retention",
        verbose_name=_("camera group"),
    )
    required_days = models.PositiveIntegerField(_("required retention (days)"), default=30)
    oldest_available = models.DateField(_("oldest recording available"), null=True, blank=True)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    pending_days = models.PositiveIntegerField(_("shortened retention waiting"), null=True, blank=True)
    pending_reason = models.TextField(_("reason for shortening"), blank=True)
    pending_approval = models.ForeignKey(
        "approvals.ApprovalRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approval of the shortening"),
    )
    pending_effective_at = models.DateTimeField(_("shortening takes effect"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = CampusQuerySet.as_manager()

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention register")
        ordering = ["campus", "group__code"]
        constraints = [
            models.CheckConstraint(condition=Q(required_days__gte=30), name="footage_retention_min_30"),
            models.CheckConstraint(
                condition=Q(pending_days__isnull=True) | Q(pending_days__gte=30),
                name="footage_retention_pending_min_30",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.required_days}"

    @property
    def label(self) -> str:
        return str(self.group.name)

    def available_days(self, today: Any = None) -> int | None:
        if self.oldest_available is None:
            return None
        today = today or timezone.localdate()
        return (today - self.oldest_available).days

    @property
    def compliant(self) -> bool | None:
        days = self.available_days()
        return None if days is None else days >= self.required_days


class AreaRetention(models.Model):
    """Required retention for one area class (area type) of a campus (DATA-2, DATA-3): at least
    30 days, longer for some classes (for example 90 days at a counter-terrorism key target). A
    camera's effective retention is the longest of the 30-day floor, its area class's policy and its
    camera group's rule. Shortening needs an approval and takes effect 24 hours after the director
    is warned, as for a camera group."""

    campus = models.ForeignKey(
        "sites.Campus", on_delete=models.PROTECT, related_name="+", verbose_name=_("campus")
    )
    area_type = models.CharField(_("area class"), max_length=20, choices=AreaType.choices)
    required_days = models.PositiveIntegerField(_("required retention (days)"), default=30)
    reason = models.TextField(_("basis"), blank=True)
    pending_days = models.PositiveIntegerField(_("shortened retention waiting"), null=True, blank=True)
    pending_reason = models.TextField(_("reason for shortening"), blank=True)
    pending_approval = models.ForeignKey(
        "approvals.ApprovalRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approval of the shortening"),
    )
    pending_effective_at = models.DateTimeField(_("shortening takes effect"), null=True, blank=True)
    updated_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("updated by")
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = CampusQuerySet.as_manager()

    class Meta:
        verbose_name = _("area class retention")
        verbose_name_plural = _("area class retention")
        ordering = ["campus", "area_type"]
        constraints = [
            models.UniqueConstraint(fields=["campus", "area_type"], name="footage_area_retention_unique"),
            models.CheckConstraint(condition=Q(required_days__gte=30), name="footage_area_retention_min_30"),
            models.CheckConstraint(
                condition=Q(pending_days__isnull=True) | Q(pending_days__gte=30),
                name="footage_area_retention_pending_min_30",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campus} {self.get_area_type_display()} {self.required_days}"

    @property
    def label(self) -> str:
        return f"{self.campus} · {self.get_area_type_display()}"


class CameraRetention(models.Model):
    """One camera's own retention (DATA-2, DATA-3: "per area class or camera") and the oldest
    recording actually available on its recorder (entered at an inspection or filled by the
    recorder job). ``required_days`` empty means the camera has no rule of its own: the area class,
    the camera group and the 30-day floor apply. Shortening needs an approval and takes effect 24
    hours after the director is warned, as for a camera group or an area class."""

    class Source(models.TextChoices):
        INSPECTION = "inspection", _("Entered at an inspection")
        RECORDER = "recorder", _("Read from the recorder")

    campus = models.ForeignKey(
        "sites.Campus", on_delete=models.PROTECT, related_name="+", verbose_name=_("campus")
    )
    camera = models.OneToOneField(
        "sites.Camera",
        on_delete=models.PROTECT,
        related_name="footage_retention",
        verbose_name=_("camera"),
    )
    required_days = models.PositiveIntegerField(_("required retention (days)"), null=True, blank=True)
    reason = models.TextField(_("basis"), blank=True)
    oldest_available = models.DateField(_("oldest recording available"), null=True, blank=True)
    oldest_recording_at = models.DateTimeField(_("oldest recording (exact)"), null=True, blank=True)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    checked_source = models.CharField(
        _("checked by"), max_length=12, choices=Source.choices, blank=True, default=""
    )
    shortfall_notified_at = models.DateTimeField(
        _("shortfall reported"),
        null=True,
        blank=True,
        help_text=_("Set when the director is told the camera holds too little; cleared when it complies."),
    )
    pending_days = models.PositiveIntegerField(_("shortened retention waiting"), null=True, blank=True)
    pending_reason = models.TextField(_("reason for shortening"), blank=True)
    pending_approval = models.ForeignKey(
        "approvals.ApprovalRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approval of the shortening"),
    )
    pending_effective_at = models.DateTimeField(_("shortening takes effect"), null=True, blank=True)
    updated_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("updated by")
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = CampusQuerySet.as_manager()

    class Meta:
        verbose_name = _("camera retention")
        verbose_name_plural = _("camera retention")
        ordering = ["campus", "camera__number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(required_days__isnull=True) | Q(required_days__gte=30),
                name="footage_camera_retention_min_30",
            ),
            models.CheckConstraint(
                condition=Q(pending_days__isnull=True) | Q(pending_days__gte=30),
                name="footage_camera_retention_pending_min_30",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.camera} {self.required_days}"

    @property
    def label(self) -> str:
        return str(self.camera)


class RecorderLink(models.Model):
    """How Watchroom talks to one recorder (NVR): its HTTP API address, and the hash of the key the
    recorder presents when it asks whether it may overwrite a recording (``Authorization: Recorder
    <key>``). The key itself is shown once, when linked or rotated."""

    class Protocol(models.TextChoices):
        HTTP = "http", _("Watchroom recorder API (JSON over HTTP)")
        ISAPI = "isapi", _("Hikvision ISAPI")

    recorder = models.OneToOneField(
        "sites.Recorder", on_delete=models.PROTECT, related_name="footage_link", verbose_name=_("recorder")
    )
    campus = models.ForeignKey(
        "sites.Campus", on_delete=models.PROTECT, related_name="+", verbose_name=_("campus")
    )
    protocol = models.CharField(_("protocol"), max_length=20, choices=Protocol.choices, default=Protocol.HTTP)
    base_url = models.CharField(_("recorder API address"), max_length=300)
    key_prefix = models.CharField(_("key prefix"), max_length=12, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    linked_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("linked by")
    )
    linked_at = models.DateTimeField(_("linked"), default=timezone.now)
    last_synced_at = models.DateTimeField(_("last synchronised"), null=True, blank=True)
    last_sync_ok = models.BooleanField(_("last synchronisation passed"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    objects = CampusQuerySet.as_manager()

    class Meta:
        verbose_name = _("recorder link")
        verbose_name_plural = _("recorder links")
        ordering = ["recorder__number"]

    def __str__(self) -> str:
        return f"{self.recorder} → {self.base_url}"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
