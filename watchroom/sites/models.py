"""Campus → building → floor → area; monitoring rooms; camera groups; recorders and cameras.

Shared by every module (GOV-2, EQP-1, EQP-8). Areas carry a type, a key-area flag (重点部位) and a
privacy class: public, sensitive (wards, ICU, psychiatric) or cameras prohibited (toilets,
changing rooms, nursing rooms — State Council Order 799). Records are retired, never deleted.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from watchroom.lib import crypto

from . import querysets


class Campus(models.Model):
    """A campus (院区) of the hospital."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = querysets.CampusQuerySet.as_manager()

    class Meta:
        verbose_name = _("campus")
        verbose_name_plural = _("campuses")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sites:campus_detail", args=[self.pk])


class Building(models.Model):
    """A building on a campus."""

    campus = models.ForeignKey(
        Campus, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("campus")
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    objects = querysets.BuildingQuerySet.as_manager()

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["campus", "code"]
        constraints = [models.UniqueConstraint(fields=["campus", "code"], name="sites_building_code_unique")]

    def __str__(self) -> str:
        return f"{self.campus.name} {self.name}"


class Floor(models.Model):
    """A floor of a building; basements are negative."""

    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="floors", verbose_name=_("building")
    )
    level = models.IntegerField(pgettext_lazy("floor of a building", "level"))
    name = models.CharField(_("name"), max_length=50)
    is_active = models.BooleanField(_("active"), default=True)

    objects = querysets.FloorQuerySet.as_manager()

    class Meta:
        verbose_name = _("floor")
        verbose_name_plural = _("floors")
        ordering = ["building", "level"]
        constraints = [models.UniqueConstraint(fields=["building", "level"], name="sites_floor_level_unique")]

    def __str__(self) -> str:
        return f"{self.building} {self.name}"


class AreaType(models.TextChoices):
    WARD = "ward", _("Ward")
    ICU = "icu", _("ICU")
    PSYCHIATRIC = "psychiatric", _("Psychiatric ward")
    OPERATING_ROOM = "operating_room", _("Operating room")
    PHARMACY = "pharmacy", _("Pharmacy")
    EMERGENCY = "emergency", _("Emergency department")
    OUTPATIENT = "outpatient", _("Outpatient department")
    CASHIER = "cashier", _("Registration / cashier")
    FINANCE = "finance", _("Finance office")
    BLOOD_BANK = "blood_bank", _("Blood bank")
    SERVER_ROOM = "server_room", _("Server room")
    NURSE_STATION = "nurse_station", _("Nurse station")
    MEDICAL_RECORDS = "medical_records", _("Medical records room")
    MORTUARY = "mortuary", _("Mortuary")
    ENTRANCE = "entrance", _("Entrance / exit")
    CAR_PARK = "car_park", _("Car park")
    LIFT = "lift", _("Lift")
    CORRIDOR = "corridor", _("Corridor")
    STORES = "stores", _("Stores")
    HAZMAT_STORE = "hazmat_store", _("Controlled drugs / hazardous materials store")
    UTILITY = "utility", _("Power, water, gas or oxygen supply")
    MONITORING_ROOM = "monitoring_room", _("Monitoring room")
    PUBLIC = "public", _("Public area")
    TOILET = "toilet", _("Toilet")
    CHANGING_ROOM = "changing_room", _("Changing room")
    NURSING_ROOM = "nursing_room", _("Nursing (breastfeeding) room")
    OTHER = "other", _("Other")


class PrivacyClass(models.TextChoices):
    PUBLIC = "public", _("Public")
    SENSITIVE = "sensitive", _("Sensitive (privacy)")
    PROHIBITED = "prohibited", _("Cameras prohibited")


# The privacy class an area type gets unless someone decides otherwise (Order 799; DATA-8).
DEFAULT_PRIVACY = {
    AreaType.WARD: PrivacyClass.SENSITIVE,
    AreaType.ICU: PrivacyClass.SENSITIVE,
    AreaType.PSYCHIATRIC: PrivacyClass.SENSITIVE,
    AreaType.OPERATING_ROOM: PrivacyClass.SENSITIVE,
    AreaType.TOILET: PrivacyClass.PROHIBITED,
    AreaType.CHANGING_ROOM: PrivacyClass.PROHIBITED,
    AreaType.NURSING_ROOM: PrivacyClass.PROHIBITED,
}
# Area types that are key areas (重点部位) by default (国卫办医发〔2013〕28号).
DEFAULT_KEY_AREA = {
    AreaType.PHARMACY,
    AreaType.EMERGENCY,
    AreaType.CASHIER,
    AreaType.FINANCE,
    AreaType.BLOOD_BANK,
    AreaType.SERVER_ROOM,
    AreaType.HAZMAT_STORE,
    AreaType.UTILITY,
    AreaType.ENTRANCE,
    AreaType.MEDICAL_RECORDS,
    AreaType.ICU,
    AreaType.OPERATING_ROOM,
    AreaType.MONITORING_ROOM,
}


class Area(models.Model):
    """A place in the hospital that cameras cover (or must not cover)."""

    campus = models.ForeignKey(
        Campus, on_delete=models.PROTECT, related_name="areas", verbose_name=_("campus")
    )
    building = models.ForeignKey(
        Building,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="areas",
        verbose_name=_("building"),
    )
    floor = models.ForeignKey(
        Floor, on_delete=models.PROTECT, null=True, blank=True, related_name="areas", verbose_name=_("floor")
    )
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    area_type = models.CharField(
        _("area type"), max_length=20, choices=AreaType.choices, default=AreaType.OTHER
    )
    key_area = models.BooleanField(_("key area"), default=False)
    privacy_class = models.CharField(
        _("privacy class"), max_length=12, choices=PrivacyClass.choices, default=PrivacyClass.PUBLIC
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = querysets.AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["campus", "code"]
        constraints = [
            models.UniqueConstraint(fields=["campus", "code"], name="sites_area_code_unique"),
            models.CheckConstraint(
                condition=models.Q(privacy_class__in=["public", "sensitive", "prohibited"]),
                name="sites_area_privacy_class_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}"

    def get_absolute_url(self) -> str:
        return reverse("sites:area_detail", args=[self.pk])


class MonitoringRoom(models.Model):
    """A monitoring room (监控室) of a campus, where operators are on duty."""

    campus = models.ForeignKey(
        Campus, on_delete=models.PROTECT, related_name="rooms", verbose_name=_("campus")
    )
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("location")
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = querysets.RoomQuerySet.as_manager()

    class Meta:
        verbose_name = _("monitoring room")
        verbose_name_plural = _("monitoring rooms")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CameraGroup(models.Model):
    """A group of cameras watched together (a wall, a building, a department)."""

    campus = models.ForeignKey(
        Campus, on_delete=models.PROTECT, related_name="camera_groups", verbose_name=_("campus")
    )
    room = models.ForeignKey(
        MonitoringRoom,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="camera_groups",
        verbose_name=_("monitoring room"),
    )
    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    objects = querysets.CameraGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("camera group")
        verbose_name_plural = _("camera groups")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class DeviceStatus(models.TextChoices):
    IN_SERVICE = "in_service", _("In service")
    FAULT = "fault", _("Fault")
    UNDER_REPAIR = "under_repair", _("Under repair")
    RETIRED = "retired", _("Retired")


class EncryptedCredentials(models.Model):
    """Username in clear, password encrypted at rest with AES-256-GCM (lib.crypto)."""

    username = models.CharField(_("username"), max_length=64, blank=True)
    password_encrypted = models.TextField(_("password (encrypted)"), blank=True, editable=False)

    class Meta:
        abstract = True

    def set_password(self, plain: str) -> None:
        self.password_encrypted = crypto.encrypt_text(plain)

    def get_password(self) -> str:
        return crypto.decrypt_text(self.password_encrypted)

    @property
    def has_password(self) -> bool:
        return bool(self.password_encrypted)


class Recorder(EncryptedCredentials):
    """A network video recorder (NVR) or storage server."""

    campus = models.ForeignKey(
        Campus, on_delete=models.PROTECT, related_name="recorders", verbose_name=_("campus")
    )
    room = models.ForeignKey(
        MonitoringRoom,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recorders",
        verbose_name=_("monitoring room"),
    )
    number = models.CharField(_("number"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    vendor = models.CharField(_("vendor"), max_length=50, blank=True)
    model = models.CharField(_("model"), max_length=50, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    channels = models.PositiveIntegerField(_("channels"), default=64)
    storage_tb = models.DecimalField(_("storage (TB)"), max_digits=8, decimal_places=1, null=True, blank=True)
    retention_days = models.PositiveIntegerField(_("retention (days)"), default=30)
    status = models.CharField(
        _("status"), max_length=16, choices=DeviceStatus.choices, default=DeviceStatus.IN_SERVICE
    )

    objects = querysets.RecorderQuerySet.as_manager()

    class Meta:
        verbose_name = _("recorder")
        verbose_name_plural = _("recorders")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(retention_days__gte=30), name="sites_recorder_retention_min_30"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("sites:recorder_detail", args=[self.pk])


class Camera(EncryptedCredentials):
    """A camera: where it is, how to reach it, where it records."""

    class Kind(models.TextChoices):
        FIXED = "fixed", _("Fixed")
        DOME = "dome", _("Dome")
        PTZ = "ptz", _("PTZ")

    number = models.CharField(_("number"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="cameras", verbose_name=_("area"))
    group = models.ForeignKey(
        CameraGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cameras",
        verbose_name=_("camera group"),
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.FIXED)
    vendor = models.CharField(_("vendor"), max_length=50, blank=True)
    model = models.CharField(_("model"), max_length=50, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    stream_url = models.CharField(_("stream URL"), max_length=300, blank=True)
    snapshot_url = models.CharField(_("snapshot URL"), max_length=300, blank=True)
    onvif_url = models.CharField(_("ONVIF address"), max_length=300, blank=True)
    recorder = models.ForeignKey(
        Recorder,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cameras",
        verbose_name=_("recorder"),
    )
    channel = models.PositiveIntegerField(pgettext_lazy("recorder channel", "channel"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=DeviceStatus.choices, default=DeviceStatus.IN_SERVICE
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = querysets.CameraQuerySet.as_manager()

    class Meta:
        verbose_name = _("camera")
        verbose_name_plural = _("cameras")
        ordering = ["number"]
        constraints = [
            # one camera per recorder channel
            models.UniqueConstraint(
                fields=["recorder", "channel"],
                condition=models.Q(recorder__isnull=False, channel__isnull=False),
                name="sites_camera_recorder_channel_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(recorder__isnull=True) | models.Q(channel__isnull=False),
                name="sites_camera_channel_with_recorder",
            ),
        ]
        indexes = [
            # list of cameras by area (scoping joins area → campus)
            models.Index(fields=["area", "number"], name="sites_camera_area_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("sites:camera_detail", args=[self.pk])

    @property
    def campus_id(self) -> int:
        return self.area.campus_id
