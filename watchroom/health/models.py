"""Camera health: probe results, current state, transitions and thresholds (EQP-4, INC-9, KPI-1).

A probe result keeps every measured value; the current state of a camera is a row of `CameraHealth`;
every change of state is an append-only `HealthTransition` row: the raw material for 在线率 (online
time ÷ scheduled time), 完好率 (cameras online and passing every check ÷ all cameras) and fault
durations. Thumbnails are small JPEGs under DATA_DIR/health, served only through a scoped view.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from watchroom.sites.models import Camera, CameraGroup

from . import querysets
from .probe import metrics as m


class Status(models.TextChoices):
    UNKNOWN = "unknown", _("Not probed yet")
    OK = "ok", _("OK")
    FAULT = "fault", _("Picture fault")
    OFFLINE = "offline", _("Offline")


class FaultCode(models.TextChoices):
    SIGNAL_LOSS = "signal_loss", _("Signal loss")
    TOO_DARK = "too_dark", _("Too dark")
    OVEREXPOSED = "overexposed", _("Overexposed")
    LOW_CONTRAST = "low_contrast", _("Low contrast")
    BLURRED = "blurred", _("Blurred")
    NOISY = "noisy", _("Noisy")
    COLOUR_CAST = "colour_cast", _("Colour cast")
    OCCLUDED = "occluded", _("Occluded")
    FROZEN = "frozen", _("Frozen picture")
    SCENE_CHANGED = "scene_changed", _("View changed")
    UNREACHABLE = "unreachable", _("Unreachable")
    UNAUTHORISED = "unauthorised", _("Login refused")
    NOT_FOUND = "not_found", _("Stream not found")
    TIMEOUT = "timeout", _("No answer (timeout)")
    NO_VIDEO = "no_video", _("No video")


CONNECTION_CODES = {"unreachable", "unauthorised", "not_found", "timeout", "no_video"}


class HealthThresholds(models.Model):
    """Diagnosis thresholds of a camera group; the row without a group is the hospital default."""

    group = models.ForeignKey(
        CameraGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="health_thresholds",
        verbose_name=_("camera group"),
    )
    uniform_std = models.FloatField(_("uniform picture: luma std below"), default=m.Thresholds.uniform_std)
    snow_sharpness = models.FloatField(_("snow: sharpness above"), default=m.Thresholds.snow_sharpness)
    snow_noise = models.FloatField(_("snow: noise above"), default=m.Thresholds.snow_noise)
    dark_mean = models.FloatField(_("too dark: mean luma below"), default=m.Thresholds.dark_mean)
    overexposed_mean = models.FloatField(
        _("overexposed: mean luma above"), default=m.Thresholds.overexposed_mean
    )
    low_contrast_std = models.FloatField(
        _("low contrast: luma std below"), default=m.Thresholds.low_contrast_std
    )
    blur_sharpness = models.FloatField(_("blurred: sharpness below"), default=m.Thresholds.blur_sharpness)
    noise_sigma = models.FloatField(_("noisy: noise sigma above"), default=m.Thresholds.noise_sigma)
    cast_distance = models.FloatField(
        _("colour cast: Lab distance above"), default=m.Thresholds.cast_distance
    )
    cast_ratio = models.FloatField(_("colour cast: distance ÷ spread above"), default=m.Thresholds.cast_ratio)
    occluded_share = models.FloatField(
        _("occluded: share of flat cells above"), default=m.Thresholds.occluded_share
    )
    frozen_diff = models.FloatField(_("frozen: difference below"), default=m.Thresholds.frozen_diff)
    scene_similarity = models.FloatField(
        _("view changed: similarity below"), default=m.Thresholds.scene_similarity
    )
    probe_minutes = models.PositiveSmallIntegerField(
        _("probe every (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1440)],
        help_text=_("Empty: the hospital default. Key areas every minute, others every few minutes."),
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    objects = querysets.ThresholdsQuerySet.as_manager()

    VALUE_FIELDS = tuple(m.Thresholds().as_dict())

    class Meta:
        verbose_name = _("health thresholds")
        verbose_name_plural = _("health thresholds")
        constraints = [
            # one row per group, and one default row (group null -> 0)
            models.UniqueConstraint(
                Coalesce(models.F("group"), models.Value(0)), name="health_thresholds_one_per_group"
            ),
            models.CheckConstraint(
                condition=models.Q(probe_minutes__isnull=True)
                | models.Q(probe_minutes__gte=1, probe_minutes__lte=1440),
                name="health_thresholds_probe_minutes_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.group) if self.group_id else str(_("Hospital default"))

    def as_thresholds(self) -> m.Thresholds:
        return m.Thresholds.from_mapping({f: getattr(self, f) for f in self.VALUE_FIELDS})


class ProbeResult(models.Model):
    """One probe of one camera: what was measured, what was found, a small thumbnail."""

    camera = models.ForeignKey(
        Camera, on_delete=models.PROTECT, related_name="probe_results", verbose_name=_("camera")
    )
    at = models.DateTimeField(_("probed at"), default=timezone.now)
    tier = models.PositiveSmallIntegerField(_("tier"), default=2)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    faults = models.JSONField(_("faults"), default=list, blank=True)
    metrics = models.JSONField(_("measured values"), default=dict, blank=True)
    elapsed = models.FloatField(_("seconds"), default=0.0)
    error = models.CharField(_("error"), max_length=300, blank=True)
    thumbnail = models.CharField(_("thumbnail file"), max_length=200, blank=True)

    objects = querysets.ProbeResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("probe result")
        verbose_name_plural = _("probe results")
        ordering = ["-at", "-pk"]
        indexes = [
            # a camera's history, newest first
            models.Index(fields=["camera", "-at"], name="health_probe_camera_at_idx"),
            # thumbnail retention sweep
            models.Index(fields=["at"], name="health_probe_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.camera_id} {self.at:%Y-%m-%d %H:%M} {self.status}"


class CameraHealth(models.Model):
    """The current health of a camera: its status, its open fault episodes and their counters."""

    camera = models.OneToOneField(
        Camera, on_delete=models.PROTECT, related_name="health", verbose_name=_("camera")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.UNKNOWN)
    faults = models.JSONField(pgettext_lazy("field", "open faults"), default=list, blank=True)
    since = models.DateTimeField(_("since"), default=timezone.now)
    last_probe = models.ForeignKey(
        ProbeResult,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last probe"),
    )
    last_probe_at = models.DateTimeField(_("last probed"), null=True, blank=True)
    # the probe worker's schedule (`watchroom runprobes`): when this camera is due next (empty: now).
    # A worker claims a camera by moving it forward by a lease with a conditional UPDATE
    # (`services.claim_due`), so two workers never probe one camera at once.
    next_probe_at = models.DateTimeField(_("next probe"), null=True, blank=True)
    # consecutive probes that found the camera offline: the back-off of its schedule
    failed_probes = models.PositiveIntegerField(_("consecutive failed probes"), default=0)
    # code -> consecutive probes that found it / that no longer found an open one
    fail_streaks = models.JSONField(_("failing streaks"), default=dict, blank=True)
    pass_streaks = models.JSONField(_("passing streaks"), default=dict, blank=True)
    # code -> {"opened_at": iso, "fault": [model label, pk] or null}
    episodes = models.JSONField(_("open episodes"), default=dict, blank=True)
    reference_thumbnail = models.CharField(_("reference snapshot file"), max_length=200, blank=True)
    reference_set_at = models.DateTimeField(_("reference set at"), null=True, blank=True)
    reference_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reference set by"),
    )

    objects = querysets.CameraHealthQuerySet.as_manager()

    class Meta:
        verbose_name = _("camera health")
        verbose_name_plural = _("camera health")
        ordering = ["camera"]
        indexes = [
            # the probe worker's "which cameras are due" scan
            models.Index(fields=["next_probe_at"], name="health_next_probe_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["unknown", "ok", "fault", "offline"]),
                name="health_camerahealth_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.camera_id} {self.status}"

    @property
    def online(self) -> bool:
        return self.status in (Status.OK, Status.FAULT)


class HealthTransition(models.Model):
    """An append-only change of a camera's health: status before and after, causes opened and cleared."""

    camera = models.ForeignKey(
        Camera, on_delete=models.PROTECT, related_name="health_transitions", verbose_name=_("camera")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    from_status = models.CharField(
        pgettext_lazy("previous status", "from"), max_length=10, choices=Status.choices
    )
    to_status = models.CharField(pgettext_lazy("new status", "to"), max_length=10, choices=Status.choices)
    opened = models.JSONField(_("faults opened"), default=list, blank=True)
    cleared = models.JSONField(_("faults cleared"), default=list, blank=True)
    probe = models.ForeignKey(
        ProbeResult,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transitions",
        verbose_name=_("probe"),
    )

    objects = querysets.TransitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("health transition")
        verbose_name_plural = _("health transitions")
        ordering = ["-at", "-pk"]
        indexes = [
            # online-rate walk per camera over a period
            models.Index(fields=["camera", "at"], name="health_transition_camera_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.camera_id} {self.from_status}→{self.to_status}"


class AccuracyRun(models.Model):
    """One run of the diagnosis over the labelled set of simulated pictures (`watchroom healthaccuracy`,
    EQP-4): the confusion matrix, recall and precision per class, and whether the targets were met
    (every defect class found ≥ 95 %, clean pictures flagged ≤ 2 %). Append-only."""

    at = models.DateTimeField(_("run at"), default=timezone.now)
    per_class = models.PositiveIntegerField(_("pictures per class"))
    seed = models.IntegerField(_("seed"))
    machine = models.CharField(_("machine"), max_length=200, blank=True)
    seconds = models.FloatField(_("seconds"), default=0.0)
    # true class -> reported class -> count
    matrix = models.JSONField(_("confusion matrix"), default=dict)
    recall = models.JSONField(_("recall per class"), default=dict)
    precision = models.JSONField(_("precision per class"), default=dict)
    clean_flagged = models.FloatField(_("clean pictures flagged"), default=0.0)
    misses = models.JSONField(_("misses"), default=list, blank=True)
    targets_met = models.BooleanField(_("targets met"), default=False)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("run by"),
    )

    class Meta:
        verbose_name = _("accuracy run")
        verbose_name_plural = _("accuracy runs")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"accuracy {self.at:%Y-%m-%d %H:%M} seed {self.seed}"
