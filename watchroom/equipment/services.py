"""Every state change of the equipment app: ledger, faults, maintenance, change control.

Each service runs in one transaction, locks what it transitions and writes its audit event
(`equipment.*`). Interfaces for other modules (duty log, camera health):

- `report_fault(actor=..., symptom=..., camera=... | device=..., source="duty"|"health", external_ref=...)`
  opens a fault (idempotent per open fault and external reference);
- `note_recovery(fault, actor=..., detail=...)` moves an automatic fault to repaired, awaiting an
  operator's verification;
- `record_unapproved_change(camera, actor=..., detected_by=..., detail=...)` records a violation.
"""

from __future__ import annotations

import calendar
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from watchroom.accounts.models import User
from watchroom.approvals import services as approvals
from watchroom.approvals.models import ApprovalRequest, Signature
from watchroom.audit import services as audit
from watchroom.lib.errors import InvalidTransition, SeparationOfDuties, ValidationFailed
from watchroom.sites.models import Area, AreaType, Camera, Campus, DeviceStatus, PrivacyClass, Recorder

from .models import (
    DEFAULT_SLA_HOURS,
    ChangeKind,
    ChangeRequest,
    ChangeViolation,
    CoverageRule,
    Device,
    DeviceFile,
    DeviceStatusChange,
    DeviceType,
    Fault,
    FaultTransition,
    MaintenancePlan,
    SlaSetting,
    WorkOrder,
)

CHANGE_KIND = "equipment.change"

DEVICE_FIELDS = [
    "device_type",
    "campus",
    "area",
    "camera",
    "recorder",
    "name",
    "vendor",
    "model",
    "serial",
    "ip",
    "mac",
    "installed_on",
    "commissioned_on",
    "warranty_until",
    "supplier",
    "maintenance_contract",
    "resolution",
    "infrared",
    "notes",
]
PLAN_FIELDS = [
    "name",
    "campus",
    "device_type",
    "device",
    "interval_months",
    "checklist",
    "assignee",
    "next_due",
    "lead_days",
    "is_active",
]


# --- plumbing ----------------------------------------------------------------------------------


def _full_clean(obj: models.Model, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        errors = {key: [str(m) for m in msgs] for key, msgs in exc.message_dict.items()}
        text = "; ".join(f"{'' if k == '__all__' else k + ': '}{' '.join(v)}" for k, v in errors.items())
        raise ValidationFailed(text, code="invalid", details={"errors": errors}) from None


def _save(obj: models.Model, update_fields: list[str] | None = None) -> None:
    try:
        with transaction.atomic():
            obj.save(update_fields=update_fields)
    except IntegrityError:
        raise ValidationFailed(_("The record conflicts with an existing one."), code="conflict") from None


def _require(text: str, message: str | None = None) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(message or _("Give a reason."), code="reason_required")
    return text


def _people(roles: Iterable[str], campus_id: int | None = None) -> list[User]:
    """Active users holding one of `roles` whose scope includes the campus."""
    qs = User.objects.filter(is_active=True, role_rows__role__in=list(roles)).distinct()
    if campus_id is not None:
        qs = qs.filter(Q(scope_all=True) | Q(campuses=campus_id)).distinct()
    return list(qs)


def _notify(users: list[User], *, title: str, body: str, url: str, kind: str, actor: Any) -> None:
    if not users:
        return
    from watchroom.notifications.services import notify

    notify(users, title=title, body=body, url=url, kind=kind, actor=actor)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- devices -----------------------------------------------------------------------------------


def _check_device(device: Device) -> None:
    _check_device_in_memory(device)
    if device.serial and Device.objects.filter(serial=device.serial).exclude(pk=device.pk).exists():
        raise ValidationFailed(
            _("Serial number %(serial)s is already in the ledger.") % {"serial": device.serial},
            code="serial_taken",
        )


def _check_device_in_memory(device: Device) -> None:
    """The device's rules that need no query (its related objects are already loaded)."""
    if device.camera_id and device.device_type != DeviceType.CAMERA:
        raise ValidationFailed(_("Only a camera device links to a camera."), code="camera_link_type")
    if device.recorder_id and device.device_type != DeviceType.RECORDER:
        raise ValidationFailed(_("Only a recorder device links to a recorder."), code="recorder_link_type")
    if device.area is not None and device.area.campus_id != device.campus_id:
        raise ValidationFailed(_("The location is on another campus."), code="area_other_campus")
    if device.camera is not None and device.camera.area.campus_id != device.campus_id:
        raise ValidationFailed(_("The camera is on another campus."), code="camera_other_campus")
    if device.recorder is not None and device.recorder.campus_id != device.campus_id:
        raise ValidationFailed(_("The recorder is on another campus."), code="recorder_other_campus")
    device.serial = (device.serial or "").strip()
    device.mac = (device.mac or "").strip().upper().replace("-", ":")
    if device.installed_on and device.commissioned_on and device.commissioned_on < device.installed_on:
        raise ValidationFailed(_("Commissioning cannot precede installation."), code="dates_order")


@transaction.atomic
def create_device(*, actor: Any, **values: Any) -> Device:
    """Add a device to the ledger (EQP-1); audited `equipment.device_created`."""
    device = Device()
    for name, value in values.items():
        if name not in DEVICE_FIELDS:
            raise ValidationFailed(_("Unknown field: %(field)s") % {"field": name}, code="unknown_field")
        setattr(device, name, value)
    _check_device(device)
    _full_clean(device, exclude=["serial"])
    _save(device)
    audit.record(
        actor,
        "equipment.device_created",
        device,
        changes=audit.diff({}, audit.snapshot(device, DEVICE_FIELDS)),
    )
    return device


@transaction.atomic
def update_device(device: Device, *, actor: Any, **values: Any) -> Device:
    """Edit a device's ledger data (not its status: faults and `retire_device` move that)."""
    device = Device.objects.select_for_update().get(pk=device.pk)
    if device.status == DeviceStatus.RETIRED:
        raise InvalidTransition(_("A retired device cannot be edited."), code="retired")
    before = audit.snapshot(device, DEVICE_FIELDS)
    for name, value in values.items():
        if name not in DEVICE_FIELDS:
            raise ValidationFailed(_("Unknown field: %(field)s") % {"field": name}, code="unknown_field")
        setattr(device, name, value)
    _check_device(device)
    changes = audit.diff(before, audit.snapshot(device, DEVICE_FIELDS))
    if not changes:
        return device
    device.updated_at = timezone.now()
    _full_clean(device, exclude=["serial"])
    _save(device, update_fields=[*changes, "updated_at"])
    audit.record(actor, "equipment.device_updated", device, changes=changes)
    return device


def _set_status(
    device: Device, to_status: str, *, actor: Any, reason: str = "", at: datetime | None = None
) -> bool:
    """Move a (locked) device's status with a history row and an audit event; False if unchanged."""
    if device.status == to_status:
        return False
    before = device.status
    device.status = to_status
    device.updated_at = timezone.now()
    device.save(update_fields=["status", "updated_at"])
    DeviceStatusChange.objects.create(
        device=device,
        from_status=before,
        to_status=to_status,
        reason=reason[:300],
        actor=actor if getattr(actor, "pk", None) else None,
        at=at or timezone.now(),
    )
    audit.record(
        actor, "equipment.device_status_changed", device, changes={"status": [before, to_status]}, note=reason
    )
    return True


@transaction.atomic
def retire_device(device: Device, *, actor: Any, reason: str) -> Device:
    """Take a device out of the ledger's service (never deleted); open faults must be closed first."""
    reason = _require(reason)
    device = Device.objects.select_for_update().get(pk=device.pk)
    if device.status == DeviceStatus.RETIRED:
        raise InvalidTransition(_("This device is already retired."), code="already_retired")
    if device.faults.filter(status__in=Fault.UNREPAIRED).exists():
        raise InvalidTransition(_("Repair or close the device's open faults first."), code="open_faults")
    _set_status(device, DeviceStatus.RETIRED, actor=actor, reason=reason)
    return device


def _device_values_for_camera(camera: Camera) -> dict[str, Any]:
    return {
        "device_type": DeviceType.CAMERA,
        "campus_id": camera.area.campus_id,
        "area_id": camera.area_id,
        "camera": camera,
        "name": f"{camera.number} {camera.name}"[:100],
        "vendor": camera.vendor,
        "model": camera.model,
        "ip": camera.ip,
        "status": DeviceStatus.RETIRED if camera.status == DeviceStatus.RETIRED else DeviceStatus.IN_SERVICE,
    }


@transaction.atomic
def ensure_device_for_camera(camera: Camera, *, actor: Any = None) -> Device:
    """The ledger row of a camera, created from the camera's data the first time (audited)."""
    existing = Device.objects.filter(camera=camera).first()
    if existing is not None:
        return existing
    if actor is None:
        from watchroom.accounts.services import system_user

        actor = system_user()
    device = Device(**_device_values_for_camera(camera))
    _save(device)
    audit.record(
        actor, "equipment.device_created", device, changes={"camera": [None, camera.pk]}, note="camera"
    )
    return device


@transaction.atomic
def ensure_device_for_recorder(recorder: Recorder, *, actor: Any = None) -> Device:
    """The ledger row of a recorder, created from the recorder's data the first time (audited)."""
    existing = Device.objects.filter(recorder=recorder).first()
    if existing is not None:
        return existing
    if actor is None:
        from watchroom.accounts.services import system_user

        actor = system_user()
    device = Device(
        device_type=DeviceType.RECORDER,
        campus_id=recorder.campus_id,
        recorder=recorder,
        name=f"{recorder.number} {recorder.name}"[:100],
        vendor=recorder.vendor,
        model=recorder.model,
        ip=recorder.ip,
        status=DeviceStatus.RETIRED if recorder.status == DeviceStatus.RETIRED else DeviceStatus.IN_SERVICE,
    )
    _save(device)
    audit.record(
        actor, "equipment.device_created", device, changes={"recorder": [None, recorder.pk]}, note="recorder"
    )
    return device


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    serials: list[str] = field(default_factory=list)


IMPORT_BATCH = 500
_FK_FIELDS = ["campus", "area", "camera", "recorder", "serial"]


def _clean_fields(device: Device) -> None:
    """Field validation (choices, lengths, IP) without the per-row queries of `full_clean`: the
    foreign keys come resolved from `spreadsheet.validate_devices` and the database constraints
    (serial, one device per camera/recorder) stay the last word."""
    try:
        device.clean_fields(exclude=_FK_FIELDS)
    except ValidationError as exc:
        errors = {key: [str(m) for m in msgs] for key, msgs in exc.message_dict.items()}
        text = "; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items())
        raise ValidationFailed(text, code="invalid", details={"errors": errors}) from None


def _assign(device: Device, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name not in DEVICE_FIELDS:
            raise ValidationFailed(_("Unknown field: %(field)s") % {"field": name}, code="unknown_field")
        setattr(device, name, value)


@transaction.atomic
def import_devices(rows: Iterable[dict[str, Any]], *, actor: Any, file_name: str = "") -> ImportResult:
    """Create or update devices by serial number, all or nothing (EQP-1). `rows` come validated from
    `spreadsheet.validate_devices` (serials unique in the file, references resolved in the user's
    scope); a rule broken here still rolls every row back. One audit event per created or changed
    device plus a summary `equipment.devices_imported`; unchanged rows write nothing.

    Built for the hospital's whole ledger at once: existing devices are read in one query, new ones
    inserted in batches, and no row costs a query of its own except a changed one's UPDATE
    (10,000 rows: see docs/benchmarks.md)."""
    result = ImportResult()
    rows = list(rows)
    serials = [r.get("serial", "") for r in rows]
    existing = {d.serial: d for d in Device.objects.select_for_update().filter(serial__in=serials)}
    now = timezone.now()
    new_devices: list[Device] = []
    for values in rows:
        serial = values.get("serial", "")
        device = existing.get(serial) if serial else None
        if device is None:
            device = Device(created_at=now, updated_at=now)
            _assign(device, values)
            _check_device_in_memory(device)
            _clean_fields(device)
            device.refresh_search_tokens()  # bulk_create bypasses save()
            new_devices.append(device)
        else:
            if device.status == DeviceStatus.RETIRED:
                raise InvalidTransition(_("A retired device cannot be edited."), code="retired")
            before = audit.snapshot(device, DEVICE_FIELDS)
            _assign(device, values)
            _check_device_in_memory(device)
            changes = audit.diff(before, audit.snapshot(device, DEVICE_FIELDS))
            if not changes:
                result.unchanged += 1
            else:
                device.updated_at = now
                _clean_fields(device)
                _save(device, update_fields=[*changes, "updated_at"])
                audit.record(actor, "equipment.device_updated", device, changes=changes)
                result.updated += 1
        result.serials.append(serial)
    try:
        with transaction.atomic():
            Device.objects.bulk_create(new_devices, batch_size=IMPORT_BATCH)
    except IntegrityError:
        raise ValidationFailed(_("The record conflicts with an existing one."), code="conflict") from None
    for device in new_devices:
        audit.record(
            actor,
            "equipment.device_created",
            device,
            changes=audit.diff({}, audit.snapshot(device, DEVICE_FIELDS)),
        )
    result.created = len(new_devices)
    audit.record(
        actor,
        "equipment.devices_imported",
        ("file", "", file_name or "import"),
        changes={
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "rows": len(rows),
        },
    )
    return result


# --- SLA settings ------------------------------------------------------------------------------


def sla_hours_for(device_type: str) -> int:
    setting = SlaSetting.objects.filter(device_type=device_type).first()
    return setting.hours if setting else DEFAULT_SLA_HOURS


@transaction.atomic
def set_sla_hours(device_type: str, hours: int, *, actor: Any) -> SlaSetting:
    """Set the repair time of a device type (24 h by default); applies to faults reported afterwards."""
    if device_type not in DeviceType.values:
        raise ValidationFailed(_("Unknown device type."), code="unknown_type")
    if not 1 <= int(hours) <= 24 * 30:
        raise ValidationFailed(_("The repair time must be between 1 hour and 30 days."), code="bad_hours")
    setting, _created = SlaSetting.objects.select_for_update().get_or_create(
        device_type=device_type, defaults={"hours": DEFAULT_SLA_HOURS}
    )
    before = setting.hours if not _created else None
    setting.hours = int(hours)
    setting.save(update_fields=["hours"])
    audit.record(actor, "equipment.sla_set", setting, changes={"hours": [before, setting.hours]})
    return setting


# --- faults ------------------------------------------------------------------------------------


def _transition(
    fault: Fault, to_status: str, *, actor: Any, note: str = "", at: datetime | None = None
) -> None:
    before = fault.status
    fault.status = to_status
    FaultTransition.objects.create(
        fault=fault,
        from_status=before,
        to_status=to_status,
        actor=actor if getattr(actor, "pk", None) else None,
        note=note,
        at=at or timezone.now(),
    )


def _lock(fault: Fault) -> Fault:
    return Fault.objects.select_for_update().select_related("device").get(pk=fault.pk)


def _expect(fault: Fault, *allowed: str) -> None:
    if fault.status not in allowed:
        raise InvalidTransition(
            _("This fault is %(status)s; that step is not possible now.")
            % {"status": fault.get_status_display()},
            code="invalid_transition",
        )


def _sync_device_status(device: Device, *, actor: Any, reason: str) -> Device:
    """Device status follows its faults: fault/under repair while one is unrepaired."""
    device = Device.objects.select_for_update().get(pk=device.pk)
    if device.status == DeviceStatus.RETIRED:
        return device
    statuses = set(device.faults.filter(status__in=Fault.UNREPAIRED).values_list("status", flat=True))
    if Fault.Status.IN_REPAIR in statuses:
        target = DeviceStatus.UNDER_REPAIR
    elif statuses:
        target = DeviceStatus.FAULT
    else:
        target = DeviceStatus.IN_SERVICE
    _set_status(device, target, actor=actor, reason=reason)
    return device


def report_fault(
    *,
    actor: Any,
    symptom: str,
    camera: Camera | None = None,
    device: Device | None = None,
    category: str = "other",
    source: str = "manual",
    occurred_at: datetime | None = None,
    external_ref: str = "",
) -> Fault:
    """Register a fault of a device (or of a camera, whose ledger row is created when missing).

    Idempotent for automatic reports: while a fault of the same device with the same `external_ref`
    is open, the existing fault is returned. The security department is notified at once (EQP-3);
    audited `equipment.fault_reported`. The SLA is the device type's setting (24 h by default).
    """
    symptom = _require(symptom, _("Describe the symptom."))
    if category not in Fault.Category.values:
        raise ValidationFailed(_("Unknown fault category."), code="unknown_category")
    if source not in Fault.Source.values:
        raise ValidationFailed(_("Unknown fault source."), code="unknown_source")
    if device is None and camera is None:
        raise ValidationFailed(_("Name the device or camera."), code="device_required")
    external_ref = (external_ref or "").strip()[:100]
    now = timezone.now()
    occurred_at = occurred_at or now
    if occurred_at > now + timedelta(minutes=5):
        raise ValidationFailed(_("A fault cannot occur in the future."), code="future")
    with transaction.atomic():
        if device is None:
            assert camera is not None
            device = ensure_device_for_camera(camera, actor=actor)
        device = Device.objects.select_for_update().get(pk=device.pk)
        if external_ref:
            existing = Fault.objects.open().filter(device=device, external_ref=external_ref).first()
            if existing is not None:
                return existing
        if device.status == DeviceStatus.RETIRED:
            raise InvalidTransition(_("This device is retired."), code="retired")
        hours = sla_hours_for(device.device_type)
        fault = Fault(
            device=device,
            campus_id=device.campus_id,
            category=category,
            symptom=symptom,
            source=source,
            external_ref=external_ref,
            occurred_at=occurred_at,
            reported_at=now,
            reported_by=actor if getattr(actor, "pk", None) else None,
            sla_hours=hours,
            due_at=occurred_at + timedelta(hours=hours),
        )
        _save(fault)
        _transition(fault, Fault.Status.REPORTED, actor=actor, note=symptom, at=now)
        audit.record(
            actor,
            "equipment.fault_reported",
            fault,
            changes={
                "device": device.pk,
                "category": category,
                "source": source,
                "occurred_at": occurred_at,
                "due_at": fault.due_at,
                "external_ref": external_ref,
            },
        )
        fault.device = _sync_device_status(
            device, actor=actor, reason=_("Fault #%(id)s reported") % {"id": fault.pk}
        )
        _notify(
            # the security department at once (EQP-3), and the campus's engineers, who repair it
            _people(["security_head"]) + _people(["director", "deputy", "engineer"], device.campus_id),
            title=_("Equipment fault: %(device)s") % {"device": device.name},
            body=symptom,
            url=fault.get_absolute_url(),
            kind="equipment.fault_reported",
            actor=actor,
        )
    return fault


@transaction.atomic
def acknowledge_fault(fault: Fault, *, actor: Any, note: str = "") -> Fault:
    """The engineer takes the fault (reported → acknowledged)."""
    fault = _lock(fault)
    _expect(fault, Fault.Status.REPORTED)
    now = timezone.now()
    _transition(fault, Fault.Status.ACKNOWLEDGED, actor=actor, note=note, at=now)
    fault.acknowledged_at = now
    fault.save(update_fields=["status", "acknowledged_at"])
    audit.record(
        actor,
        "equipment.fault_acknowledged",
        fault,
        changes={"status": ["reported", fault.status]},
        note=note,
    )
    return fault


@transaction.atomic
def start_repair(fault: Fault, *, actor: Any, note: str = "") -> Fault:
    """Repair begins (reported/acknowledged → in_repair); the device is under repair."""
    fault = _lock(fault)
    _expect(fault, Fault.Status.REPORTED, Fault.Status.ACKNOWLEDGED)
    before = fault.status
    now = timezone.now()
    _transition(fault, Fault.Status.IN_REPAIR, actor=actor, note=note, at=now)
    fault.acknowledged_at = fault.acknowledged_at or now
    fault.repair_started_at = now
    fault.save(update_fields=["status", "acknowledged_at", "repair_started_at"])
    audit.record(
        actor, "equipment.fault_repair_started", fault, changes={"status": [before, fault.status]}, note=note
    )
    fault.device = _sync_device_status(
        fault.device, actor=actor, reason=_("Fault #%(id)s in repair") % {"id": fault.pk}
    )
    return fault


def _repaired(fault: Fault, *, actor: Any, resolution: str, action: str) -> Fault:
    before = fault.status
    now = timezone.now()
    _transition(fault, Fault.Status.REPAIRED, actor=actor, note=resolution, at=now)
    fault.repaired_at = now
    fault.repaired_by = actor if getattr(actor, "pk", None) else None
    fault.resolution = resolution
    fault.save(update_fields=["status", "repaired_at", "repaired_by", "resolution"])
    audit.record(
        actor,
        action,
        fault,
        changes={
            "status": [before, fault.status],
            "downtime_seconds": int(fault.downtime.total_seconds()),
            "within_sla": fault.repaired_at <= fault.due_at,
        },
        note=resolution,
    )
    fault.device = _sync_device_status(
        fault.device, actor=actor, reason=_("Fault #%(id)s repaired") % {"id": fault.pk}
    )
    # the person who reported it checks the picture and verifies or reopens (the system user, which
    # reports automatic faults, is inactive and is not told)
    reporter = fault.reported_by if fault.reported_by_id else None
    if reporter is not None and reporter.is_active and reporter.pk != getattr(actor, "pk", None):
        _notify(
            [reporter],
            title=_("Fault #%(id)s repaired: please verify") % {"id": fault.pk},
            body=resolution,
            url=fault.get_absolute_url(),
            kind="equipment.fault_repaired",
            actor=actor,
        )
    return fault


@transaction.atomic
def mark_repaired(fault: Fault, *, actor: Any, resolution: str) -> Fault:
    """The engineer has repaired it (→ repaired); an operator must now verify. Stops the SLA clock."""
    resolution = _require(resolution, _("Describe what was done."))
    fault = _lock(fault)
    _expect(fault, Fault.Status.REPORTED, Fault.Status.ACKNOWLEDGED, Fault.Status.IN_REPAIR)
    return _repaired(fault, actor=actor, resolution=resolution, action="equipment.fault_repaired")


@transaction.atomic
def note_recovery(fault: Fault, *, actor: Any, detail: str) -> Fault:
    """An automatic check saw the device recover: the fault moves to repaired, awaiting an operator's
    verification. Idempotent: a fault already repaired or later is returned unchanged."""
    detail = _require(detail, _("Describe the recovery."))
    fault = _lock(fault)
    if fault.status not in Fault.UNREPAIRED:
        return fault
    return _repaired(fault, actor=actor, resolution=detail, action="equipment.fault_recovered")


@transaction.atomic
def verify_fault(fault: Fault, *, actor: Any, note: str = "") -> Fault:
    """An operator confirms the repair works (repaired → verified). The repairer may not verify."""
    fault = _lock(fault)
    _expect(fault, Fault.Status.REPAIRED)
    if fault.repaired_by_id and fault.repaired_by_id == getattr(actor, "pk", None):
        raise SeparationOfDuties(_("The person who repaired a fault cannot verify it."), code="self_verify")
    now = timezone.now()
    _transition(fault, Fault.Status.VERIFIED, actor=actor, note=note, at=now)
    fault.verified_at = now
    fault.save(update_fields=["status", "verified_at"])
    audit.record(
        actor, "equipment.fault_verified", fault, changes={"status": ["repaired", fault.status]}, note=note
    )
    return fault


@transaction.atomic
def reopen_fault(fault: Fault, *, actor: Any, reason: str) -> Fault:
    """Verification failed (repaired → acknowledged): the repair is undone, the SLA clock runs again
    from the original occurrence and the downtime keeps counting."""
    reason = _require(reason)
    fault = _lock(fault)
    _expect(fault, Fault.Status.REPAIRED)
    _transition(fault, Fault.Status.ACKNOWLEDGED, actor=actor, note=reason)
    repairer = fault.repaired_by
    fault.repaired_at = None
    fault.repaired_by = None
    fault.reopen_count += 1
    fault.save(update_fields=["status", "repaired_at", "repaired_by", "reopen_count"])
    audit.record(
        actor,
        "equipment.fault_reopened",
        fault,
        changes={"status": ["repaired", fault.status], "reopen_count": fault.reopen_count},
        note=reason,
    )
    fault.device = _sync_device_status(
        fault.device, actor=actor, reason=_("Fault #%(id)s reopened") % {"id": fault.pk}
    )
    engineers = _people(["engineer"], fault.campus_id)
    if repairer is not None and repairer.is_active and repairer not in engineers:
        engineers.append(repairer)
    _notify(
        engineers,
        title=_("Fault #%(id)s failed verification and is reopened") % {"id": fault.pk},
        body=reason,
        url=fault.get_absolute_url(),
        kind="equipment.fault_reopened",
        actor=actor,
    )
    return fault


@transaction.atomic
def close_fault(fault: Fault, *, actor: Any, note: str = "") -> Fault:
    """Close a verified fault (verified → closed)."""
    fault = _lock(fault)
    _expect(fault, Fault.Status.VERIFIED)
    now = timezone.now()
    _transition(fault, Fault.Status.CLOSED, actor=actor, note=note, at=now)
    fault.closed_at = now
    fault.save(update_fields=["status", "closed_at"])
    audit.record(
        actor, "equipment.fault_closed", fault, changes={"status": ["verified", fault.status]}, note=note
    )
    return fault


TRANSITIONS = {
    "acknowledge": acknowledge_fault,
    "start_repair": start_repair,
    "close": close_fault,
    "verify": verify_fault,
}


def escalate_due_faults(now: datetime | None = None) -> dict[str, int]:
    """The periodic SLA check: warn at 75 % of the repair time and again at breach (director, deputy
    and the security head). Each fault is escalated once per level; audited per escalation."""
    from watchroom.accounts.services import system_user

    now = now or timezone.now()
    counts = {"warned": 0, "breached": 0}
    actor = system_user()
    candidates = Fault.objects.filter(status__in=Fault.UNREPAIRED).filter(
        Q(escalated_75_at__isnull=True) | Q(breached_at__isnull=True)
    )
    for pk in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            fault = Fault.objects.select_for_update().select_related("device").get(pk=pk)
            if fault.status not in Fault.UNREPAIRED:
                continue
            total = fault.due_at - fault.occurred_at
            level = ""
            if fault.breached_at is None and now >= fault.due_at:
                fault.breached_at = now
                fault.escalated_75_at = fault.escalated_75_at or now
                level = "breach"
                counts["breached"] += 1
            elif fault.escalated_75_at is None and now >= fault.occurred_at + total * 0.75:
                fault.escalated_75_at = now
                level = "75"
                counts["warned"] += 1
            if not level:
                continue
            fault.save(update_fields=["escalated_75_at", "breached_at"])
            audit.record(
                actor,
                "equipment.fault_escalated",
                fault,
                changes={"level": level, "due_at": fault.due_at},
                outcome="success",
            )
            if level == "breach":
                title = _("Fault repair time exceeded: %(device)s") % {"device": fault.device.name}
            else:
                title = _("Fault at 75%% of its repair time: %(device)s") % {"device": fault.device.name}
            _notify(
                _people(["director", "deputy"], fault.campus_id) + _people(["security_head"]),
                title=title,
                body=fault.symptom,
                url=fault.get_absolute_url(),
                kind="equipment.fault_escalated",
                actor=actor,
            )
    return counts


# --- preventive maintenance --------------------------------------------------------------------


def _check_plan(plan: MaintenancePlan) -> None:
    if plan.device is not None:
        if plan.device.campus_id != plan.campus_id:
            raise ValidationFailed(_("The device is on another campus."), code="device_other_campus")
        plan.device_type = plan.device.device_type
    if not plan.checklist_items:
        raise ValidationFailed(_("The checklist needs at least one item."), code="checklist_required")


@transaction.atomic
def create_plan(*, actor: Any, **values: Any) -> MaintenancePlan:
    """A preventive maintenance plan (EQP-4); audited `equipment.plan_created`."""
    plan = MaintenancePlan()
    for name, value in values.items():
        if name not in PLAN_FIELDS:
            raise ValidationFailed(_("Unknown field: %(field)s") % {"field": name}, code="unknown_field")
        setattr(plan, name, value)
    _check_plan(plan)
    _full_clean(plan)
    _save(plan)
    audit.record(
        actor, "equipment.plan_created", plan, changes=audit.diff({}, audit.snapshot(plan, PLAN_FIELDS))
    )
    return plan


@transaction.atomic
def update_plan(plan: MaintenancePlan, *, actor: Any, **values: Any) -> MaintenancePlan:
    plan = MaintenancePlan.objects.select_for_update().get(pk=plan.pk)
    before = audit.snapshot(plan, PLAN_FIELDS)
    for name, value in values.items():
        if name not in PLAN_FIELDS:
            raise ValidationFailed(_("Unknown field: %(field)s") % {"field": name}, code="unknown_field")
        setattr(plan, name, value)
    _check_plan(plan)
    changes = audit.diff(before, audit.snapshot(plan, PLAN_FIELDS))
    if not changes:
        return plan
    _full_clean(plan)
    _save(plan)
    audit.record(actor, "equipment.plan_updated", plan, changes=changes)
    return plan


def _issue(plan: MaintenancePlan, due: date, *, actor: Any) -> WorkOrder:
    target = plan.device.name if plan.device is not None else DeviceType(plan.device_type).label
    wo = WorkOrder(
        plan=plan,
        campus_id=plan.campus_id,
        device=plan.device,
        device_type=plan.device_type,
        title=f"{plan.name} · {target}"[:200],
        checklist=plan.checklist_items,
        assignee_id=plan.assignee_id,
        due_date=due,
    )
    _save(wo)
    audit.record(
        actor,
        "equipment.workorder_issued",
        wo,
        changes={"plan": plan.pk, "due_date": due, "assignee": plan.assignee_id},
    )
    _notify(
        [plan.assignee],
        title=_("Maintenance work order: %(title)s") % {"title": wo.title},
        body=_("Due %(date)s") % {"date": due.isoformat()},
        url=wo.get_absolute_url(),
        kind="equipment.workorder_issued",
        actor=actor,
    )
    return wo


def issue_due_work_orders(today: date | None = None, *, actor: Any = None) -> int:
    """Issue the work orders of every active plan whose next due date is within its lead days, and move
    the plan to its next date (the daily job; idempotent by the plan/due-date constraint)."""
    from watchroom.accounts.services import system_user

    today = today or timezone.localdate()
    actor = actor or system_user()
    issued = 0
    for pk in MaintenancePlan.objects.filter(is_active=True).values_list("pk", flat=True):
        with transaction.atomic():
            plan = (
                MaintenancePlan.objects.select_for_update(of=("self",))
                .select_related("device", "assignee")
                .get(pk=pk)
            )
            for _i in range(24):  # catch up at most two years of missed dates
                if plan.next_due - timedelta(days=plan.lead_days) > today:
                    break
                if not plan.work_orders.filter(due_date=plan.next_due).exists():
                    _issue(plan, plan.next_due, actor=actor)
                    issued += 1
                plan.next_due = add_months(plan.next_due, plan.interval_months)
            plan.save(update_fields=["next_due"])
    return issued


def complete_work_order(
    wo: WorkOrder,
    *,
    actor: Any,
    results: list[dict[str, Any]],
    notes: str = "",
    password: str,
    otp: str = "",
) -> WorkOrder:
    """Record the results of every checklist item and sign the record (EQP-4). Only the designated
    person (or a centre lead with `equipment.manage`) may complete it; a wrong password signs nothing
    and is audited `approvals.signature_failed`."""
    with approvals.signature_failures_audited(actor, wo), transaction.atomic():
        wo = WorkOrder.objects.select_for_update().get(pk=wo.pk)
        if wo.status != WorkOrder.Status.OPEN:
            raise InvalidTransition(_("This work order is not open."), code="not_open")
        if wo.assignee_id != actor.pk and not actor.has_perm("equipment.manage"):
            raise SeparationOfDuties(
                _("Only the designated person completes this work order."), code="not_assignee"
            )
        by_item = {str(r.get("item", "")): r for r in results}
        clean = []
        for item in wo.checklist:
            r = by_item.get(item)
            if r is None or r.get("ok") is None:
                raise ValidationFailed(
                    _("Record a result for: %(item)s") % {"item": item}, code="result_missing"
                )
            clean.append({"item": item, "ok": bool(r["ok"]), "note": str(r.get("note", ""))[:300]})
        now = timezone.now()
        signature = approvals.sign(
            actor,
            password=password,
            otp=otp,
            meaning=Signature.Meaning.SUBMITTED,
            target=wo,
            content={
                "work_order": wo.pk,
                "title": wo.title,
                "results": clean,
                "notes": notes,
                "at": now.isoformat(),
            },
        )
        wo.results = clean
        wo.all_passed = all(r["ok"] for r in clean)
        wo.notes = notes
        wo.status = WorkOrder.Status.DONE
        wo.completed_at = now
        wo.completed_by = actor
        wo.signature = signature
        wo.save(
            update_fields=[
                "results",
                "all_passed",
                "notes",
                "status",
                "completed_at",
                "completed_by",
                "signature",
            ]
        )
        audit.record(
            actor,
            "equipment.workorder_completed",
            wo,
            changes={"all_passed": wo.all_passed, "signature": signature.pk, "on_time": wo.on_time},
        )
        return wo


@transaction.atomic
def void_work_order(wo: WorkOrder, *, actor: Any, reason: str) -> WorkOrder:
    reason = _require(reason)
    wo = WorkOrder.objects.select_for_update().get(pk=wo.pk)
    if wo.status != WorkOrder.Status.OPEN:
        raise InvalidTransition(_("This work order is not open."), code="not_open")
    wo.status = WorkOrder.Status.VOID
    wo.void_reason = reason[:300]
    wo.save(update_fields=["status", "void_reason"])
    audit.record(actor, "equipment.workorder_voided", wo, changes={"status": ["open", "void"]}, note=reason)
    return wo


# --- change control ----------------------------------------------------------------------------


def submit_change_request(
    *,
    actor: Any,
    camera: Camera,
    kind: str,
    before_value: str,
    after_value: str,
    reason: str,
    snapshot: Any = None,
) -> ChangeRequest:
    """File a change of a camera's view or settings (EQP-6) and its approval request (kind
    `equipment.change`); the reference snapshot goes with the approval as an attachment."""
    if kind not in ChangeKind.values:
        raise ValidationFailed(_("Unknown change."), code="unknown_change")
    before_value = _require(before_value, _("Give the value before the change."))
    after_value = _require(after_value, _("Give the value after the change."))
    reason = _require(reason)
    with transaction.atomic():
        campus = Campus.objects.get(pk=camera.area.campus_id)
        cr = ChangeRequest.objects.create(
            camera=camera,
            campus=campus,
            kind=kind,
            before_value=before_value,
            after_value=after_value,
            reason=reason,
            requested_by=actor,
        )
        title = _("Change %(kind)s of camera %(number)s") % {
            "kind": ChangeKind(kind).label,
            "number": camera.number,
        }
        req = approvals.submit_request(
            CHANGE_KIND,
            actor=actor,
            title=title,
            reason=f"{reason}\n{_('Before')}: {before_value}\n{_('After')}: {after_value}",
            subject=cr,
            campus=campus,
            attachments=[snapshot] if snapshot else [],
        )
        cr.approval = req
        first = req.attachments.first()
        cr.snapshot_sha256 = first.sha256 if first else ""
        cr.save(update_fields=["approval", "snapshot_sha256"])
        audit.record(
            actor,
            "equipment.change_requested",
            cr,
            changes={
                "camera": camera.pk,
                "kind": kind,
                "before": before_value,
                "after": after_value,
                "approval": req.pk,
            },
        )
    return cr


_DECISION = {
    ApprovalRequest.Status.APPROVED: ChangeRequest.Status.APPROVED,
    ApprovalRequest.Status.REJECTED: ChangeRequest.Status.REJECTED,
    ApprovalRequest.Status.WITHDRAWN: ChangeRequest.Status.WITHDRAWN,
    ApprovalRequest.Status.EXPIRED: ChangeRequest.Status.EXPIRED,
}


def on_change_decided(req: ApprovalRequest) -> None:
    """Approvals hook (inside the deciding transaction): the change request follows the decision."""
    cr = ChangeRequest.objects.select_for_update().filter(approval=req).first()
    if cr is None and req.subject_id:
        cr = ChangeRequest.objects.select_for_update().filter(pk=req.subject_id).first()
    if cr is None or cr.status != ChangeRequest.Status.PENDING:
        return
    cr.status = _DECISION.get(ApprovalRequest.Status(req.status), cr.status)
    cr.decided_at = req.decided_at or timezone.now()
    cr.save(update_fields=["status", "decided_at"])
    audit.record(
        None, "equipment.change_decided", cr, changes={"status": ["pending", cr.status]}, username="approvals"
    )


@transaction.atomic
def implement_change(cr: ChangeRequest, *, actor: Any, note: str = "") -> ChangeRequest:
    """Record that an approved change was carried out."""
    cr = ChangeRequest.objects.select_for_update().get(pk=cr.pk)
    if cr.status != ChangeRequest.Status.APPROVED:
        raise InvalidTransition(_("Only an approved change can be carried out."), code="not_approved")
    cr.status = ChangeRequest.Status.IMPLEMENTED
    cr.implemented_at = timezone.now()
    cr.implemented_by = actor
    cr.save(update_fields=["status", "implemented_at", "implemented_by"])
    audit.record(
        actor, "equipment.change_implemented", cr, changes={"status": ["approved", cr.status]}, note=note
    )
    return cr


@transaction.atomic
def record_unapproved_change(
    camera: Camera, *, actor: Any, detected_by: str, detail: str, kind: str = ""
) -> ChangeViolation:
    """A change found without approval (e.g. the camera-health scene-change check, or by hand on the
    violations page): a recorded violation (EQP-6), the director, deputy and security head told at
    once. `kind` (optional) says what changed (a `ChangeKind`)."""
    detail = _require(detail, _("Describe the change."))
    if kind and kind not in ChangeKind.values:
        raise ValidationFailed(_("Unknown change."), code="unknown_change")
    violation = ChangeViolation.objects.create(
        camera=camera,
        campus_id=camera.area.campus_id,
        detected_by=(detected_by or "manual")[:50],
        detail=detail,
        kind=kind,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor,
        "equipment.unapproved_change",
        violation,
        changes={"camera": camera.pk, "detected_by": violation.detected_by, "kind": kind},
        outcome="failure",
        note=detail,
    )
    _notify(
        _people(["director", "deputy"], violation.campus_id) + _people(["security_head"]),
        title=_("Unapproved change of camera %(number)s") % {"number": camera.number},
        body=detail,
        url="/equipment/violations/",
        kind="equipment.unapproved_change",
        actor=actor,
    )
    return violation


@transaction.atomic
def void_unapproved_change(violation: ChangeViolation, *, actor: Any, reason: str) -> ChangeViolation:
    """Void a recorded violation that proves wrong (e.g. the change was approved after all); the row
    stays, marked void with who, when and why. Audited `equipment.unapproved_change_voided`."""
    reason = _require(reason)
    violation = ChangeViolation.objects.select_for_update().get(pk=violation.pk)
    if violation.voided_at is not None:
        raise InvalidTransition(_("This record is already void."), code="already_void")
    violation.save(update_fields=violation.mark_void(actor, reason))
    audit.record(
        actor,
        "equipment.unapproved_change_voided",
        violation,
        changes={"voided": [False, True]},
        note=reason,
    )
    return violation


# --- photos and documents ----------------------------------------------------------------------


def _store_file(prepared: Any) -> str:
    path = f"equipment/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{prepared.extension}"
    return default_storage.save(path, prepared.file)


def attach_file(
    *,
    actor: Any,
    upload: Any,
    device: Device | None = None,
    work_order: WorkOrder | None = None,
    caption: str = "",
) -> DeviceFile:
    """Attach a photo or document to a device (EQP-1) or a photo to a work-order record (EQP-4).

    The upload is checked by content (JPEG, PNG or PDF; at most 10 MB) and hashed before any database
    work, stored under the data directory, then recorded with its audit event `equipment.file_attached`.
    Work orders take photos only, and not once voided; a retired device takes no new files."""
    if (device is None) == (work_order is None):
        raise ValidationFailed(_("Attach the file to one device or one work order."), code="owner_required")
    prepared = approvals.prepare_attachment(upload)
    kind = DeviceFile.Kind.PHOTO if prepared.content_type.startswith("image/") else DeviceFile.Kind.DOCUMENT
    if work_order is not None and kind != DeviceFile.Kind.PHOTO:
        raise ValidationFailed(_("Work-order records take photos (JPEG or PNG)."), code="photo_required")
    stored = _store_file(prepared)
    try:
        with transaction.atomic():
            if device is not None:
                owner_device = Device.objects.select_for_update().get(pk=device.pk)
                if owner_device.status == DeviceStatus.RETIRED:
                    raise InvalidTransition(_("A retired device cannot be edited."), code="retired")
                campus_id = owner_device.campus_id
            else:
                assert work_order is not None
                wo = WorkOrder.objects.select_for_update().get(pk=work_order.pk)
                if wo.status == WorkOrder.Status.VOID:
                    raise InvalidTransition(_("This work order is void."), code="work_order_void")
                if wo.assignee_id != actor.pk and not actor.has_perm("equipment.manage"):
                    raise SeparationOfDuties(
                        _("Only the designated person adds photos to this work order."), code="not_assignee"
                    )
                campus_id = wo.campus_id
            item = DeviceFile.objects.create(
                campus_id=campus_id,
                device=device,
                work_order=work_order,
                kind=kind,
                caption=(caption or "").strip()[:200],
                file=stored,
                original_name=prepared.original_name,
                sha256=prepared.sha256,
                size=prepared.size,
                content_type=prepared.content_type,
                uploaded_by=actor,
            )
            audit.record(
                actor,
                "equipment.file_attached",
                item,
                changes={
                    "device": device.pk if device is not None else None,
                    "work_order": work_order.pk if work_order is not None else None,
                    "kind": kind,
                    "sha256": prepared.sha256,
                    "size": prepared.size,
                    "name": prepared.original_name,
                },
            )
    except Exception:
        default_storage.delete(stored)  # nothing was recorded: no orphan file stays behind
        raise
    return item


@transaction.atomic
def void_file(item: DeviceFile, *, actor: Any, reason: str) -> DeviceFile:
    """Void a photo or document (wrong device, unreadable…); the file and row stay. Audited."""
    reason = _require(reason)
    item = DeviceFile.objects.select_for_update().get(pk=item.pk)
    if item.voided_at is not None:
        raise InvalidTransition(_("This record is already void."), code="already_void")
    item.save(update_fields=item.mark_void(actor, reason))
    audit.record(actor, "equipment.file_voided", item, changes={"voided": [False, True]}, note=reason)
    return item


def read_file(item: DeviceFile, *, actor: Any) -> Any:
    """Open a stored file for reading and audit the read (`equipment.file_read`)."""
    audit.record_read(actor, "equipment.file_read", item, note=f"sha256={item.sha256}")
    return default_storage.open(item.file.name, "rb")


# --- required coverage (EQP-8) -----------------------------------------------------------------

# The area types the requirements name (EQP-8: public areas, wards, operating rooms, pharmacy, stores,
# entrances, car parks, lifts, corridors, emergency and outpatient departments); the demo stores them.
REQUIREMENT_AREA_TYPES = [
    AreaType.PUBLIC,
    AreaType.WARD,
    AreaType.OPERATING_ROOM,
    AreaType.PHARMACY,
    AreaType.STORES,
    AreaType.ENTRANCE,
    AreaType.CAR_PARK,
    AreaType.LIFT,
    AreaType.CORRIDOR,
    AreaType.EMERGENCY,
    AreaType.OUTPATIENT,
]


@transaction.atomic
def add_coverage_rule(
    *,
    actor: Any,
    scope: str,
    campus: Campus | None = None,
    area: Area | None = None,
    area_type: str = "",
    note: str = "",
) -> CoverageRule:
    """Add a line to the required-coverage list (EQP-8); audited `equipment.coverage_rule_added`.
    The same active line twice is refused."""
    if scope not in CoverageRule.Scope.values:
        raise ValidationFailed(_("Choose what must be covered."), code="unknown_scope")
    area_type = area_type or ""
    if scope == CoverageRule.Scope.AREA:
        if area is None:
            raise ValidationFailed(_("Choose the area."), code="area_required")
        if area.privacy_class == PrivacyClass.PROHIBITED:
            raise ValidationFailed(
                _("Cameras are prohibited in %(area)s; it cannot be required.") % {"area": area.name},
                code="area_prohibited",
            )
        campus, area_type = None, ""
    elif scope == CoverageRule.Scope.AREA_TYPE:
        if area_type not in AreaType.values:
            raise ValidationFailed(_("Choose the area type."), code="area_type_required")
        area = None
    else:
        area, area_type = None, ""
    duplicate = CoverageRule.objects.filter(
        is_active=True, scope=scope, campus=campus, area=area, area_type=area_type
    )
    if duplicate.exists():
        raise ValidationFailed(_("This line is already on the list."), code="duplicate")
    rule = CoverageRule.objects.create(
        scope=scope,
        campus=campus,
        area=area,
        area_type=area_type,
        note=(note or "").strip()[:300],
        created_by=actor,
    )
    audit.record(
        actor,
        "equipment.coverage_rule_added",
        rule,
        changes={
            "scope": scope,
            "campus": campus.pk if campus else None,
            "area": area.pk if area else None,
            "area_type": area_type,
        },
        note=rule.note,
    )
    return rule


@transaction.atomic
def end_coverage_rule(rule: CoverageRule, *, actor: Any, reason: str) -> CoverageRule:
    """Take a line off the required-coverage list; the row stays with who, when and why."""
    reason = _require(reason)
    rule = CoverageRule.objects.select_for_update().get(pk=rule.pk)
    if not rule.is_active:
        raise InvalidTransition(_("This line is no longer on the list."), code="already_ended")
    rule.is_active = False
    rule.ended_at = timezone.now()
    rule.ended_by = actor
    rule.end_reason = reason[:300]
    rule.save(update_fields=["is_active", "ended_at", "ended_by", "end_reason"])
    audit.record(
        actor, "equipment.coverage_rule_ended", rule, changes={"is_active": [True, False]}, note=reason
    )
    return rule


def seed_requirement_coverage(*, actor: Any) -> int:
    """Store the requirements' list (every key area plus the EQP-8 area types, all campuses) when no
    line exists yet; returns the number of lines added."""
    if CoverageRule.objects.exists():
        return 0
    n = 0
    add_coverage_rule(actor=actor, scope=CoverageRule.Scope.KEY_AREAS, note="EQP-8")
    n += 1
    for area_type in REQUIREMENT_AREA_TYPES:
        add_coverage_rule(actor=actor, scope=CoverageRule.Scope.AREA_TYPE, area_type=area_type, note="EQP-8")
        n += 1
    return n


def refresh_area_search(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> int:
    """`post_save` of `sites.Area`: the devices in a renamed area get their search tokens again, so
    the ledger search finds them by the area's new name (EQP-1). Runs in the saving transaction (the
    area service's), so both land or neither does. Returns the devices refreshed."""
    if created or kwargs.get("raw"):
        return 0
    devices = list(Device.objects.filter(area_id=instance.pk).select_related("area"))
    for d in devices:
        d.refresh_search_tokens()
    Device.objects.bulk_update(devices, ["search_tokens"], batch_size=500)
    return len(devices)
