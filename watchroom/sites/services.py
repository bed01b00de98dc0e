"""Sites services: every change to a campus, building, floor, area, monitoring room, camera group,
recorder or camera goes through here, checks the rules and writes its audit event with the
before/after values in the same transaction (GOV-2, EQP-1, EQP-8, DATA-7).

Rules kept here:

- an area's building and floor belong to its campus; its privacy class and key-area flag default
  from its type (`DEFAULT_PRIVACY`, `DEFAULT_KEY_AREA`);
- no camera is placed in an area where cameras are prohibited (toilets, changing rooms, nursing
  rooms — State Council Order 799);
- a camera records on a recorder of its own campus, on a channel that exists and is free;
- camera and recorder passwords are stored encrypted, never audited, and reading one is an
  audited read that needs `sites.view_credentials` (DATA-8, SEC-2).

Nothing is deleted: records are retired with a reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from watchroom.audit import services as audit
from watchroom.lib.errors import InvalidTransition, PermissionRefused, ValidationFailed

from .models import (
    DEFAULT_KEY_AREA,
    DEFAULT_PRIVACY,
    Area,
    AreaType,
    Building,
    Camera,
    CameraGroup,
    Campus,
    DeviceStatus,
    Floor,
    MonitoringRoom,
    PrivacyClass,
    Recorder,
)

CAMPUS_FIELDS = ["code", "name", "address", "is_active"]
BUILDING_FIELDS = ["campus", "code", "name", "is_active"]
FLOOR_FIELDS = ["building", "level", "name", "is_active"]
AREA_FIELDS = [
    "campus",
    "building",
    "floor",
    "code",
    "name",
    "area_type",
    "key_area",
    "privacy_class",
    "is_active",
]
ROOM_FIELDS = ["campus", "code", "name", "area", "phone", "is_active"]
GROUP_FIELDS = ["campus", "room", "code", "name", "is_active"]
RECORDER_FIELDS = [
    "campus",
    "room",
    "number",
    "name",
    "vendor",
    "model",
    "ip",
    "channels",
    "storage_tb",
    "retention_days",
    "status",
    "username",
]
CAMERA_FIELDS = [
    "number",
    "name",
    "area",
    "group",
    "kind",
    "vendor",
    "model",
    "ip",
    "stream_url",
    "snapshot_url",
    "onvif_url",
    "recorder",
    "channel",
    "status",
    "notes",
    "username",
]


# --- shared plumbing ---------------------------------------------------------------------------


def _assign(obj: models.Model, fields: list[str], values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name not in fields:
            raise ValidationFailed(_("Unknown field: %(field)s") % {"field": name}, code="unknown_field")
        setattr(obj, name, value)


def _full_clean(obj: models.Model) -> None:
    """Model validation (choices, lengths, uniqueness, named constraints) as a ValidationFailed."""
    try:
        obj.full_clean()
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


def _create(
    model: type[models.Model],
    fields: list[str],
    action: str,
    actor: Any,
    values: dict[str, Any],
    check: Any = None,
) -> Any:
    obj = model()
    _assign(obj, fields, values)
    if check:
        check(obj, None)
    _full_clean(obj)
    _save(obj)
    audit.record(actor, action, obj, changes=audit.diff({}, audit.snapshot(obj, fields)))
    return obj


def _update(
    obj: models.Model,
    fields: list[str],
    action: str,
    actor: Any,
    values: dict[str, Any],
    check: Any = None,
    extra_update: list[str] | None = None,
) -> Any:
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)  # type: ignore[attr-defined]
    before = audit.snapshot(obj, fields)
    _assign(obj, fields, values)
    if check:
        check(obj, before)
    after = audit.snapshot(obj, fields)
    changes = audit.diff(before, after)
    if not changes:
        return obj
    _full_clean(obj)
    _save(obj, update_fields=[*changes, *(extra_update or [])])
    audit.record(actor, action, obj, changes=changes)
    return obj


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give a reason."), code="reason_required")
    return reason


def _retire_flag(obj: models.Model, action: str, actor: Any, reason: str) -> Any:
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)  # type: ignore[attr-defined]
    if not obj.is_active:  # type: ignore[attr-defined]
        raise InvalidTransition(_("This record is already retired."), code="already_retired")
    obj.is_active = False  # type: ignore[attr-defined]
    obj.save(update_fields=["is_active"])
    audit.record(actor, action, obj, changes={"is_active": [True, False]}, note=reason)
    return obj


def _in_service_cameras() -> models.QuerySet:
    return Camera.objects.exclude(status=DeviceStatus.RETIRED)


# --- campuses, buildings, floors ---------------------------------------------------------------


@transaction.atomic
def create_campus(*, actor: Any, **values: Any) -> Campus:
    return _create(Campus, CAMPUS_FIELDS, "sites.campus_created", actor, values)


@transaction.atomic
def update_campus(campus: Campus, *, actor: Any, **values: Any) -> Campus:
    return _update(campus, CAMPUS_FIELDS, "sites.campus_updated", actor, values)


@transaction.atomic
def retire_campus(campus: Campus, *, actor: Any, reason: str) -> Campus:
    """Retire a campus that no longer has cameras in service."""
    reason = _require_reason(reason)
    if _in_service_cameras().filter(area__campus=campus).exists():
        raise InvalidTransition(_("Retire the cameras of this campus first."), code="campus_in_use")
    return _retire_flag(campus, "sites.campus_retired", actor, reason)


@transaction.atomic
def create_building(*, actor: Any, **values: Any) -> Building:
    return _create(Building, BUILDING_FIELDS, "sites.building_created", actor, values)


@transaction.atomic
def update_building(building: Building, *, actor: Any, **values: Any) -> Building:
    return _update(building, BUILDING_FIELDS, "sites.building_updated", actor, values)


@transaction.atomic
def retire_building(building: Building, *, actor: Any, reason: str) -> Building:
    reason = _require_reason(reason)
    if _in_service_cameras().filter(area__building=building).exists():
        raise InvalidTransition(_("Retire the cameras of this building first."), code="building_in_use")
    return _retire_flag(building, "sites.building_retired", actor, reason)


@transaction.atomic
def create_floor(*, actor: Any, **values: Any) -> Floor:
    return _create(Floor, FLOOR_FIELDS, "sites.floor_created", actor, values)


@transaction.atomic
def update_floor(floor: Floor, *, actor: Any, **values: Any) -> Floor:
    return _update(floor, FLOOR_FIELDS, "sites.floor_updated", actor, values)


@transaction.atomic
def retire_floor(floor: Floor, *, actor: Any, reason: str) -> Floor:
    reason = _require_reason(reason)
    if _in_service_cameras().filter(area__floor=floor).exists():
        raise InvalidTransition(_("Retire the cameras of this floor first."), code="floor_in_use")
    return _retire_flag(floor, "sites.floor_retired", actor, reason)


# --- areas -------------------------------------------------------------------------------------


def _check_area(area: Area, before: dict[str, Any] | None) -> None:
    floor, building = area.floor, area.building
    if floor is not None and building is None:
        area.building = building = floor.building
    if building is not None and area.campus_id and building.campus_id != area.campus_id:
        raise ValidationFailed(_("The building is not on the area's campus."), code="building_other_campus")
    if floor is not None and floor.building_id != area.building_id:
        raise ValidationFailed(_("The floor is not in the area's building."), code="floor_other_building")


@transaction.atomic
def create_area(*, actor: Any, **values: Any) -> Area:
    """Create an area. Unless given, its privacy class and key-area flag follow its type (Order 799)."""
    area_type = values.get("area_type") or AreaType.OTHER
    values["area_type"] = area_type
    if not values.get("privacy_class"):
        values["privacy_class"] = DEFAULT_PRIVACY.get(area_type, PrivacyClass.PUBLIC)
    if values.get("key_area") is None:
        values["key_area"] = area_type in DEFAULT_KEY_AREA
    return _create(Area, AREA_FIELDS, "sites.area_created", actor, values, check=_check_area)


@transaction.atomic
def update_area(area: Area, *, actor: Any, **values: Any) -> Area:
    """Edit an area. Making an area prohibited while cameras are in it is allowed but flagged in the
    audit note, so the cameras can be removed (the area page shows a warning)."""
    if values.get("privacy_class") == "":
        values["privacy_class"] = DEFAULT_PRIVACY.get(
            AreaType(values.get("area_type") or area.area_type), PrivacyClass.PUBLIC
        )
    if "key_area" in values and values["key_area"] is None:
        values["key_area"] = (values.get("area_type") or area.area_type) in DEFAULT_KEY_AREA
    return _update(area, AREA_FIELDS, "sites.area_updated", actor, values, check=_check_area)


@transaction.atomic
def retire_area(area: Area, *, actor: Any, reason: str) -> Area:
    reason = _require_reason(reason)
    if _in_service_cameras().filter(area=area).exists():
        raise InvalidTransition(_("Move or retire the cameras of this area first."), code="area_in_use")
    return _retire_flag(area, "sites.area_retired", actor, reason)


# --- monitoring rooms and camera groups --------------------------------------------------------


def _check_room(room: MonitoringRoom, before: dict[str, Any] | None) -> None:
    if room.area is not None and room.campus_id and room.area.campus_id != room.campus_id:
        raise ValidationFailed(_("The area is not on the room's campus."), code="area_other_campus")


@transaction.atomic
def create_room(*, actor: Any, **values: Any) -> MonitoringRoom:
    return _create(MonitoringRoom, ROOM_FIELDS, "sites.room_created", actor, values, check=_check_room)


@transaction.atomic
def update_room(room: MonitoringRoom, *, actor: Any, **values: Any) -> MonitoringRoom:
    return _update(room, ROOM_FIELDS, "sites.room_updated", actor, values, check=_check_room)


@transaction.atomic
def retire_room(room: MonitoringRoom, *, actor: Any, reason: str) -> MonitoringRoom:
    return _retire_flag(room, "sites.room_retired", actor, _require_reason(reason))


def _check_group(group: CameraGroup, before: dict[str, Any] | None) -> None:
    if group.room is not None and group.campus_id and group.room.campus_id != group.campus_id:
        raise ValidationFailed(
            _("The monitoring room is not on the group's campus."), code="room_other_campus"
        )


@transaction.atomic
def create_camera_group(*, actor: Any, **values: Any) -> CameraGroup:
    return _create(CameraGroup, GROUP_FIELDS, "sites.camera_group_created", actor, values, check=_check_group)


@transaction.atomic
def update_camera_group(group: CameraGroup, *, actor: Any, **values: Any) -> CameraGroup:
    return _update(group, GROUP_FIELDS, "sites.camera_group_updated", actor, values, check=_check_group)


@transaction.atomic
def retire_camera_group(group: CameraGroup, *, actor: Any, reason: str) -> CameraGroup:
    reason = _require_reason(reason)
    if _in_service_cameras().filter(group=group).exists():
        raise InvalidTransition(_("Move the cameras of this group first."), code="group_in_use")
    return _retire_flag(group, "sites.camera_group_retired", actor, reason)


# --- recorders ---------------------------------------------------------------------------------


def _check_recorder(recorder: Recorder, before: dict[str, Any] | None) -> None:
    if recorder.room is not None and recorder.campus_id and recorder.room.campus_id != recorder.campus_id:
        raise ValidationFailed(
            _("The monitoring room is not on the recorder's campus."), code="room_other_campus"
        )
    if before is not None and recorder.pk:
        highest = recorder.cameras.exclude(channel__isnull=True).aggregate(m=models.Max("channel"))["m"]
        if highest and recorder.channels < highest:
            raise ValidationFailed(
                _("Channel %(channel)d is in use; the recorder needs at least that many channels.")
                % {"channel": highest},
                code="channel_out_of_range",
            )
        if before.get("campus") != recorder.campus_id and recorder.cameras.exists():
            raise ValidationFailed(
                _("Move the recorder's cameras before moving it to another campus."),
                code="recorder_other_campus",
            )


def _pop_password(values: dict[str, Any]) -> str | None:
    password = values.pop("password", None)
    return password if password else None


@transaction.atomic
def create_recorder(*, actor: Any, **values: Any) -> Recorder:
    password = _pop_password(values)
    recorder = _create(
        Recorder, RECORDER_FIELDS, "sites.recorder_created", actor, values, check=_check_recorder
    )
    if password is not None:
        _store_secret(
            recorder,
            actor=actor,
            username=recorder.username,
            password=password,
            action="sites.recorder_credentials_set",
        )
    return recorder


@transaction.atomic
def update_recorder(recorder: Recorder, *, actor: Any, **values: Any) -> Recorder:
    password = _pop_password(values)
    recorder = _update(
        recorder, RECORDER_FIELDS, "sites.recorder_updated", actor, values, check=_check_recorder
    )
    if password is not None:
        _store_secret(
            recorder,
            actor=actor,
            username=recorder.username,
            password=password,
            action="sites.recorder_credentials_set",
        )
    return recorder


@transaction.atomic
def retire_recorder(recorder: Recorder, *, actor: Any, reason: str) -> Recorder:
    reason = _require_reason(reason)
    recorder = Recorder.objects.select_for_update().get(pk=recorder.pk)
    if recorder.status == DeviceStatus.RETIRED:
        raise InvalidTransition(_("This record is already retired."), code="already_retired")
    if _in_service_cameras().filter(recorder=recorder).exists():
        raise InvalidTransition(
            _("Move the recorder's cameras to another recorder first."), code="recorder_in_use"
        )
    before = recorder.status
    recorder.status = DeviceStatus.RETIRED
    recorder.save(update_fields=["status"])
    audit.record(
        actor, "sites.recorder_retired", recorder, changes={"status": [before, recorder.status]}, note=reason
    )
    return recorder


# --- cameras -----------------------------------------------------------------------------------


def check_camera_placement(
    *,
    area: Area | None,
    group: CameraGroup | None,
    recorder: Recorder | None,
    channel: int | None,
    exclude_pk: int | None = None,
) -> None:
    """The placement rules of a camera, shared by the services and the import's validation."""
    if area is not None and area.privacy_class == PrivacyClass.PROHIBITED:
        raise ValidationFailed(
            _("Cameras are prohibited in %(area)s (toilets, changing rooms and nursing rooms).")
            % {"area": area.name},
            code="camera_in_prohibited_area",
        )
    if area is not None and not area.is_active:
        raise ValidationFailed(_("The area %(area)s is retired.") % {"area": area.name}, code="area_retired")
    if group is not None and area is not None and group.campus_id != area.campus_id:
        raise ValidationFailed(
            _("The camera group is not on the camera's campus."), code="group_other_campus"
        )
    if recorder is None:
        if channel is not None:
            raise ValidationFailed(_("A channel needs a recorder."), code="channel_without_recorder")
        return
    if area is not None and recorder.campus_id != area.campus_id:
        raise ValidationFailed(_("The recorder is not on the camera's campus."), code="recorder_other_campus")
    if recorder.status == DeviceStatus.RETIRED:
        raise ValidationFailed(_("The recorder is retired."), code="recorder_retired")
    if channel is None:
        raise ValidationFailed(_("Give the recorder channel."), code="channel_required")
    if channel < 1 or channel > recorder.channels:
        raise ValidationFailed(
            _("The channel must be between 1 and %(channels)d.") % {"channels": recorder.channels},
            code="channel_out_of_range",
        )
    taken = Camera.objects.filter(recorder=recorder, channel=channel)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    holder = taken.values_list("number", flat=True).first()
    if holder:
        raise ValidationFailed(
            _("Channel %(channel)d of this recorder is used by camera %(number)s.")
            % {"channel": channel, "number": holder},
            code="channel_taken",
        )


def _check_camera(camera: Camera, before: dict[str, Any] | None) -> None:
    moved = before is None or any(
        before.get(k) != getattr(camera, f"{k}_id" if k in {"area", "group", "recorder"} else k)
        for k in ("area", "group", "recorder", "channel")
    )
    if (
        camera.status == DeviceStatus.RETIRED
        and before is not None
        and before.get("status") != DeviceStatus.RETIRED
    ):
        raise ValidationFailed(_("Use retire to take a camera out of service."), code="use_retire")
    if moved:
        check_camera_placement(
            area=camera.area if camera.area_id else None,
            group=camera.group if camera.group_id else None,
            recorder=camera.recorder if camera.recorder_id else None,
            channel=camera.channel,
            exclude_pk=camera.pk,
        )


@transaction.atomic
def create_camera(*, actor: Any, **values: Any) -> Camera:
    """Register a camera. It may not be placed in an area where cameras are prohibited (Order 799)."""
    password = _pop_password(values)
    values.setdefault("status", DeviceStatus.IN_SERVICE)
    if values["status"] == DeviceStatus.RETIRED:
        raise ValidationFailed(_("A new camera cannot be retired."), code="use_retire")
    now = timezone.now()
    camera = Camera(created_at=now, updated_at=now)
    _assign(camera, CAMERA_FIELDS, values)
    _check_camera(camera, None)
    _full_clean(camera)
    _save(camera)
    audit.record(
        actor, "sites.camera_created", camera, changes=audit.diff({}, audit.snapshot(camera, CAMERA_FIELDS))
    )
    if password is not None:
        _store_secret(
            camera,
            actor=actor,
            username=camera.username,
            password=password,
            action="sites.camera_credentials_set",
        )
    return camera


@transaction.atomic
def update_camera(camera: Camera, *, actor: Any, **values: Any) -> Camera:
    """Edit a camera; moving it re-checks the placement rules."""
    password = _pop_password(values)
    values_updated = dict(values)
    camera = Camera.objects.select_for_update().get(pk=camera.pk)
    before = audit.snapshot(camera, CAMERA_FIELDS)
    _assign(camera, CAMERA_FIELDS, values_updated)
    _check_camera(camera, before)
    changes = audit.diff(before, audit.snapshot(camera, CAMERA_FIELDS))
    if changes:
        _full_clean(camera)
        camera.updated_at = timezone.now()
        _save(camera, update_fields=[*changes, "updated_at"])
        audit.record(actor, "sites.camera_updated", camera, changes=changes)
    if password is not None:
        _store_secret(
            camera,
            actor=actor,
            username=camera.username,
            password=password,
            action="sites.camera_credentials_set",
        )
    return camera


@transaction.atomic
def retire_camera(camera: Camera, *, actor: Any, reason: str) -> Camera:
    """Take a camera out of service for good; its recorder channel is freed. The record stays."""
    reason = _require_reason(reason)
    camera = Camera.objects.select_for_update().get(pk=camera.pk)
    if camera.status == DeviceStatus.RETIRED:
        raise InvalidTransition(_("This record is already retired."), code="already_retired")
    before = audit.snapshot(camera, ["status", "recorder", "channel"])
    camera.status = DeviceStatus.RETIRED
    camera.recorder = None
    camera.channel = None
    camera.updated_at = timezone.now()
    camera.save(update_fields=["status", "recorder", "channel", "updated_at"])
    audit.record(
        actor,
        "sites.camera_retired",
        camera,
        changes=audit.diff(before, audit.snapshot(camera, ["status", "recorder", "channel"])),
        note=reason,
    )
    return camera


# --- credentials (DATA-8, SEC-2) ---------------------------------------------------------------


def _store_secret(obj: Camera | Recorder, *, actor: Any, username: str, password: str, action: str) -> None:
    before_username = obj.username
    obj.username = username or ""
    obj.set_password(password or "")
    obj.save(update_fields=["username", "password_encrypted"])
    changes: dict[str, Any] = {"password": "changed" if password else "cleared"}
    if before_username != obj.username:
        changes["username"] = [before_username, obj.username]
    audit.record(actor, action, obj, changes=changes)  # never the secret itself


@transaction.atomic
def set_camera_credentials(camera: Camera, *, actor: Any, username: str, password: str) -> Camera:
    """Store a camera's login; the password is encrypted at rest and never written to the audit trail."""
    camera = Camera.objects.select_for_update().get(pk=camera.pk)
    _store_secret(
        camera, actor=actor, username=username, password=password, action="sites.camera_credentials_set"
    )
    return camera


@transaction.atomic
def set_recorder_credentials(recorder: Recorder, *, actor: Any, username: str, password: str) -> Recorder:
    recorder = Recorder.objects.select_for_update().get(pk=recorder.pk)
    _store_secret(
        recorder, actor=actor, username=username, password=password, action="sites.recorder_credentials_set"
    )
    return recorder


def _reveal(obj: Camera | Recorder, *, actor: Any, action: str) -> str:
    obj = type(obj).objects.get(pk=obj.pk)
    if actor is None or not actor.has_perm("sites.view_credentials"):
        audit.record(actor, action, obj, outcome="denied")
        raise PermissionRefused(_("You may not read device passwords."), code="permission_denied")
    audit.record_read(actor, action, obj)
    return obj.get_password()


@transaction.atomic
def reveal_camera_password(camera: Camera, *, actor: Any) -> str:
    """The camera's password in clear, for `sites.view_credentials` only; every read is audited."""
    return _reveal(camera, actor=actor, action="sites.camera_password_revealed")


@transaction.atomic
def reveal_recorder_password(recorder: Recorder, *, actor: Any) -> str:
    return _reveal(recorder, actor=actor, action="sites.recorder_password_revealed")


# --- bulk import (validated first by `spreadsheet`, then applied all or nothing) ----------------


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    numbers: list[str] = field(default_factory=list)


@transaction.atomic
def import_cameras(rows: Iterable[dict[str, Any]], *, actor: Any, file_name: str = "") -> ImportResult:
    """Create or update cameras by number, in one transaction: one audit event per changed row plus a
    summary `sites.cameras_imported`. `rows` are already validated (`spreadsheet.validate_cameras`);
    a rule broken here still rolls everything back. A blank password leaves the stored one alone."""
    result = ImportResult()
    rows = list(rows)
    existing = {c.number: c for c in Camera.objects.filter(number__in=[r["number"] for r in rows])}
    # existing cameras first, so one that gives up a channel frees it before a new camera takes it
    rows.sort(key=lambda r: r["number"] not in existing)
    for row in rows:
        values = dict(row)
        camera = existing.get(values["number"])
        if camera is None:
            camera = create_camera(actor=actor, **values)
            result.created += 1
        else:
            before = (audit.snapshot(camera, CAMERA_FIELDS), camera.password_encrypted)
            camera = update_camera(camera, actor=actor, **values)
            after = (audit.snapshot(camera, CAMERA_FIELDS), camera.password_encrypted)
            if before == after:
                result.unchanged += 1
            else:
                result.updated += 1
        result.numbers.append(camera.number)
    audit.record(
        actor,
        "sites.cameras_imported",
        ("file", "", file_name or "import"),
        changes={
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "rows": len(rows),
        },
    )
    return result


@transaction.atomic
def import_areas(rows: Iterable[dict[str, Any]], *, actor: Any, file_name: str = "") -> ImportResult:
    """Create or update areas by (campus, code), all or nothing, with a summary `sites.areas_imported`."""
    result = ImportResult()
    rows = list(rows)
    for row in rows:
        values = dict(row)
        area = Area.objects.filter(campus=values["campus"], code=values["code"]).first()
        if area is None:
            area = create_area(actor=actor, **values)
            result.created += 1
        else:
            before = audit.snapshot(area, AREA_FIELDS)
            area = update_area(area, actor=actor, **values)
            if before == audit.snapshot(area, AREA_FIELDS):
                result.unchanged += 1
            else:
                result.updated += 1
        result.numbers.append(area.code)
    audit.record(
        actor,
        "sites.areas_imported",
        ("file", "", file_name or "import"),
        changes={
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "rows": len(rows),
        },
    )
    return result
