"""Alarms and incidents: every state change of the module (INC-1…9, PPL-3).

Alarm records are written once (GB 55029-2022): acknowledging, escalating and linking write rows
of their own. Each service checks the rules, locks what it transitions and writes its audit event
in the same transaction. Network I/O (group robots, e-mail) happens in the notifications worker.

Interface for other modules:
- `receive_alarm(source, ...)`: the intake (the API and the camera-health engine's source use it);
- `raise_manual_alarm(actor=..., ...)`: a manual alarm from the console or the duty log;
- `open_incident(actor=..., ...)`.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from watchroom.accounts.roles import Role
from watchroom.audit import services as audit
from watchroom.lib.errors import DomainError, InvalidTransition, PermissionRefused, ValidationFailed
from watchroom.sites.models import Area, Camera, Campus, MonitoringRoom

from . import intake_cache
from .models import (
    Alarm,
    AlarmAck,
    AlarmEscalation,
    AlarmMethod,
    AlarmSource,
    AlarmType,
    CorrectiveAction,
    EmergencyContact,
    HoldRequest,
    Incident,
    IncidentStep,
    IncidentType,
    Playbook,
    PlaybookStep,
    Priority,
    RobotMessage,
    RobotWebhook,
    Severity,
    SourceKind,
    TimelineEntry,
)

VIEW, HANDLE, MANAGE = "incidents.view", "incidents.handle", "incidents.manage"

# Seconds an alarm may stay unacknowledged before it escalates to the directors, per priority.
DEFAULT_ACK_SECONDS = {1: 30, 2: 60, 3: 180, 4: 600}
# Repeated alarms of one source, camera and type within this window form one group (storm handling).
DEFAULT_STORM_SECONDS = 120
DEFAULT_HOLD_MINUTES = 30


def ack_seconds() -> dict[int, int]:
    return {**DEFAULT_ACK_SECONDS, **getattr(settings, "WATCHROOM_INCIDENTS_ACK_SECONDS", {})}


def storm_window() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "WATCHROOM_INCIDENTS_STORM_SECONDS", DEFAULT_STORM_SECONDS))


def _require(actor: Any, code: str) -> None:
    if not getattr(actor, "is_active", False) or not actor.has_perm(code):
        raise PermissionRefused(_("You may not do this."), code="permission_denied")


def _system() -> Any:
    from watchroom.accounts.services import system_user

    return system_user()


def _directors(campus_id: int) -> list[Any]:
    """The centre directors (and deputies) whose scope covers the campus."""
    from watchroom.accounts.models import User

    return list(
        User.objects.filter(is_active=True, role_rows__role__in=[Role.DIRECTOR, Role.DEPUTY])
        .filter(Q(scope_all=True) | Q(campuses=campus_id))
        .distinct()
    )


def _room_for(
    campus: Campus, camera: Camera | None, fallback: MonitoringRoom | None
) -> MonitoringRoom | None:
    """Room routing: the room watching the camera's group, else the source's room, else the campus's."""
    if camera is not None and camera.group is not None and camera.group.room is not None:
        return camera.group.room
    if fallback is not None:
        return fallback
    return MonitoringRoom.objects.filter(campus=campus, is_active=True).order_by("code").first()


# --- alarm sources ---------------------------------------------------------------------------------


def _new_key() -> str:
    return "wr_" + secrets.token_urlsafe(32)


@transaction.atomic
def create_source(
    *, actor: Any, campus: Campus, name: str, kind: str, room: MonitoringRoom | None = None
) -> tuple[AlarmSource, str]:
    """Register an alarm source. Returns it and its API key, which is shown once and stored hashed."""
    _require(actor, MANAGE)
    if kind not in SourceKind.values:
        raise ValidationFailed(_("Unknown source kind."), code="bad_kind")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Give the source a name."), code="name_required")
    if room is not None and room.campus_id != campus.pk:
        raise ValidationFailed(_("The room is on another campus."), code="room_campus")
    if AlarmSource.objects.filter(campus=campus, name=name).exists():
        raise ValidationFailed(_("A source with this name exists."), code="duplicate_name")
    key = _new_key()
    source = AlarmSource.objects.create(
        campus=campus,
        room=room,
        name=name,
        kind=kind,
        key_prefix=key[:10],
        key_hash=AlarmSource.hash_key(key),
        created_by=actor,
    )
    audit.record(actor, "incidents.source_created", source, changes={"kind": kind, "campus": campus.pk})
    return source, key


@transaction.atomic
def rotate_source_key(source_id: int, *, actor: Any) -> tuple[AlarmSource, str]:
    """A new key for a source; the old one stops working at once."""
    _require(actor, MANAGE)
    source = AlarmSource.objects.select_for_update().get(pk=source_id)
    key = _new_key()
    source.key_prefix, source.key_hash = key[:10], AlarmSource.hash_key(key)
    source.save(update_fields=["key_prefix", "key_hash"])
    audit.record(actor, "incidents.source_key_rotated", source)
    _forget_lookups()
    return source, key


@transaction.atomic
def retire_source(source_id: int, *, actor: Any, reason: str) -> AlarmSource:
    _require(actor, MANAGE)
    source = AlarmSource.objects.select_for_update().get(pk=source_id)
    if not source.is_active:
        raise InvalidTransition(_("The source is already retired."), code="already_retired")
    if not (reason or "").strip():
        raise ValidationFailed(_("Give a reason."), code="reason_required")
    source.is_active, source.retired_reason = False, reason.strip()[:300]
    source.save(update_fields=["is_active", "retired_reason"])
    audit.record(actor, "incidents.source_retired", source, note=source.retired_reason)
    _forget_lookups()
    return source


def source_for_key(key: str) -> AlarmSource | None:
    """The active source of an API key (by its SHA-256), cached briefly per process (intake_cache)."""
    if not key:
        return None
    key_hash = AlarmSource.hash_key(key)
    return intake_cache.sources.get(
        key_hash,
        lambda: (
            AlarmSource.objects.select_related("campus", "room")
            .filter(key_hash=key_hash, is_active=True)
            .first()
        ),
    )


def _forget_lookups() -> None:
    """Now (this thread's next lookup reads the changed row) and again on commit (a lookup by another
    thread between now and the commit may have cached the row as it was)."""
    intake_cache.clear_all()
    transaction.on_commit(intake_cache.clear_all)


# --- alarms --------------------------------------------------------------------------------------


# the choices as sets: `Choices.values` builds a list on every call (80 µs of an alarm's intake)
_ALARM_TYPES = frozenset(AlarmType.values)
_ALARM_METHODS = frozenset(AlarmMethod.values)
_PRIORITIES = frozenset(Priority.values)


def _check_taxonomy(alarm_type: str, method: str, priority: Any) -> int:
    if alarm_type not in _ALARM_TYPES:
        raise ValidationFailed(_("Unknown alarm type."), code="bad_alarm_type")
    if method not in _ALARM_METHODS:
        raise ValidationFailed(_("Unknown alarm method."), code="bad_method")
    try:
        prio = int(priority)
    except (TypeError, ValueError):
        prio = 0
    if prio not in _PRIORITIES:
        raise ValidationFailed(_("Priority is 1 to 4."), code="bad_priority")
    return prio


_GROUP_SQL = (
    "SELECT group_key FROM incidents_alarm WHERE {source} AND {place} AND alarm_type = %s"
    " AND received_at >= %s ORDER BY received_at DESC LIMIT 1"
)


def _group_key(
    source_id: int | None, camera: Camera | None, area: Area | None, alarm_type: str, now: Any
) -> tuple[str, bool]:
    """The storm group of a new alarm: the group of the latest alarm of the same source, camera (or
    area) and type within the window, or a new group. No alarm is dropped.

    Raw SQL (served by `inc_alarm_storm_idx`): it runs for every alarm, and compiling the ORM query
    cost more than running it (docs/benchmarks.md)."""
    params: list[Any] = []
    if source_id is None:
        source_sql = "source_id IS NULL"
    else:
        source_sql, params = "source_id = %s", [source_id]
    if camera is not None:
        place_sql = "camera_id = %s"
        params.append(camera.pk)
    elif area is not None:
        place_sql = "camera_id IS NULL AND area_id = %s"
        params.append(area.pk)
    else:
        place_sql = "camera_id IS NULL AND area_id IS NULL"
    params += [alarm_type, connection.ops.adapt_datetimefield_value(now - storm_window())]
    with connection.cursor() as cursor:
        cursor.execute(_GROUP_SQL.format(source=source_sql, place=place_sql), params)
        row = cursor.fetchone()
    if row and row[0]:
        return row[0], False
    return secrets.token_hex(8), True


GroupKey = tuple[int | None, int | None, int | None, str]  # source, camera, area (no camera), type


def _group_keys(keys: Iterable[GroupKey], now: Any) -> dict[GroupKey, tuple[str, bool]]:
    """`_group_key` for several (source id, camera id, area id, type) at once: one SELECT of one
    scalar subquery per key (each served by `inc_alarm_storm_idx` as the single form is), instead of
    a statement per alarm of a group commit."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return {}
    since = connection.ops.adapt_datetimefield_value(now - storm_window())
    parts: list[str] = []
    params: list[Any] = []
    for source_id, camera_id, area_id, alarm_type in keys:
        where = ["source_id IS NULL" if source_id is None else "source_id = %s"]
        params += [] if source_id is None else [source_id]
        if camera_id is not None:
            where.append("camera_id = %s")
            params.append(camera_id)
        elif area_id is not None:
            where.append("camera_id IS NULL AND area_id = %s")
            params.append(area_id)
        else:
            where.append("camera_id IS NULL AND area_id IS NULL")
        params += [alarm_type, since]
        parts.append(
            f"(SELECT group_key FROM incidents_alarm WHERE {' AND '.join(where)} AND alarm_type = %s"  # noqa: S608
            " AND received_at >= %s ORDER BY received_at DESC LIMIT 1)"
        )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)  # noqa: S608
        row = cursor.fetchone()
    return {
        key: ((found, False) if found else (secrets.token_hex(8), True))
        for key, found in zip(keys, row, strict=True)
    }


def _camera_by_number(number: str) -> Camera | None:
    return intake_cache.cameras.get(
        number, lambda: Camera.objects.select_related("group__room", "area").filter(number=number).first()
    )


def _system_actor() -> Any:
    return intake_cache.actors.get("system", _system)


def _lock_source(source_id: int) -> None:
    """Serialise the alarms of one source (storm grouping reads the latest of its group). SQLite
    needs no lock: every transaction there is BEGIN IMMEDIATE, one writer at a time."""
    if connection.vendor == "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM incidents_alarmsource WHERE id = %s FOR UPDATE", [source_id])


_ALARM_FIELDS = [f for f in Alarm._meta.concrete_fields if not f.primary_key]
_INSERT_ALARM_SQL = (
    f"INSERT INTO {Alarm._meta.db_table} ({', '.join(f.column for f in _ALARM_FIELDS)}) "  # noqa: S608
    f"VALUES ({', '.join(['%s'] * len(_ALARM_FIELDS))}) RETURNING id"
)


def _insert_alarms(alarms: Sequence[Alarm]) -> None:
    """One multi-row INSERT … RETURNING of new alarms (of sources: matched back by source and event
    id), values prepared as `_insert_alarm` does; 500 rows per statement."""
    columns = ", ".join(f.column for f in _ALARM_FIELDS)
    row_sql = f"({', '.join(['%s'] * len(_ALARM_FIELDS))})"
    for start in range(0, len(alarms), 500):
        chunk = alarms[start : start + 500]
        params: list[Any] = []
        for alarm in chunk:
            for field in _ALARM_FIELDS:
                if getattr(alarm, field.attname) is None and field.has_default():
                    setattr(alarm, field.attname, field.get_default())
                params.append(field.get_db_prep_save(getattr(alarm, field.attname), connection))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {Alarm._meta.db_table} ({columns}) VALUES {', '.join([row_sql] * len(chunk))} "  # noqa: S608
                "RETURNING id, source_id, source_event_id",
                params,
            )
            ids = {(source_id, event_id): pk for pk, source_id, event_id in cursor.fetchall()}
        for alarm in chunk:
            alarm.pk = ids[(alarm.source_id, alarm.source_event_id)]
            alarm._state.adding = False
            alarm._state.db = connection.alias


def _insert_alarm(**values: Any) -> Alarm:
    """One INSERT … RETURNING id of a new alarm, values prepared by each field as the ORM would
    (`get_db_prep_save`), without the ORM's per-call query compilation (a third of the intake's time)."""
    alarm = Alarm(**values)
    for field in _ALARM_FIELDS:  # defaults and callables, as Model.save() would fill them
        if getattr(alarm, field.attname) is None and field.has_default():
            setattr(alarm, field.attname, field.get_default())
    params = [f.get_db_prep_save(getattr(alarm, f.attname), connection) for f in _ALARM_FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_ALARM_SQL, params)
        (alarm.pk,) = cursor.fetchone()
    alarm._state.adding = False
    alarm._state.db = connection.alias
    return alarm


def _prepare_alarm(
    source: AlarmSource,
    *,
    event_id: str,
    occurred_at: dt.datetime,
    alarm_type: str,
    priority: Any,
    method: str = AlarmMethod.DEVICE,
    camera: str = "",
    area: str = "",
    place: str = "",
    description: str = "",
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Check one posted alarm and resolve its camera, area and room; the values of its row, less the
    storm group. Raises ValidationFailed (nothing stored)."""
    event_id = (event_id or "").strip()
    if not event_id or len(event_id) > 100:
        raise ValidationFailed(_("An event id (up to 100 characters) is required."), code="bad_event_id")
    prio = _check_taxonomy(alarm_type, method, priority)
    if occurred_at is None or timezone.is_naive(occurred_at):
        raise ValidationFailed(_("The time needs a time zone."), code="bad_time")
    cam = area_obj = None
    if camera:
        cam = _camera_by_number(camera)
        if cam is None or cam.area.campus_id != source.campus_id:
            raise ValidationFailed(_("Unknown camera for this source."), code="unknown_camera")
    elif area:
        area_obj = Area.objects.filter(campus=source.campus_id, code=area).first()
        if area_obj is None:
            raise ValidationFailed(_("Unknown area for this source."), code="unknown_area")
    elif not (place or "").strip():
        raise ValidationFailed(_("Give a camera, an area or a place."), code="place_required")
    return {
        "source": source,
        "source_event_id": event_id,
        "occurred_at": occurred_at,
        "method": method,
        "alarm_type": alarm_type,
        "priority": prio,
        "campus_id": source.campus_id,
        "room": _room_for(source.campus, cam, source.room),
        "camera": cam,
        "area": area_obj or (cam.area if cam else None),
        "place": (place or "")[:200],
        "description": (description or "")[:500],
        "details": details or {},
    }


def _received_entry(actor: Any, alarm: Alarm) -> audit.Entry:
    """The audit event of an alarm received from a source (INC-1, DATA-7)."""
    source = alarm.source
    assert source is not None  # noqa: S101 - alarms from sources only
    return audit.Entry(
        actor,
        "incidents.alarm_received",
        alarm,
        changes={
            "source": source.pk,
            "event": alarm.source_event_id,
            "type": alarm.alarm_type,
            "priority": alarm.priority,
        },
        username=f"source:{source.name}",
    )


def _audit_received(actor: Any, alarm: Alarm) -> None:
    entry = _received_entry(actor, alarm)
    # No savepoint of its own: the intake's transaction rolls back as a whole (docs/benchmarks.md).
    audit.record(entry.actor, entry.action, entry.target, changes=entry.changes, username=entry.username,
                 savepoint=False)  # fmt: skip


def receive_alarm(source: AlarmSource, **fields: Any) -> tuple[Alarm, bool]:
    """Store an alarm posted by a source (fields as `_prepare_alarm`: event_id, occurred_at,
    alarm_type, priority, method, camera, area, place, description, details). Idempotent per (source,
    event id): a repeat returns the stored alarm and False. Refuses (nothing stored) an unknown camera
    or area, a bad type or priority.

    Three statements per new alarm with a known camera, plus the audit service's own (INC-1): the
    source lock (PostgreSQL only), the storm-group lookup, the INSERT; source, camera and the system
    actor come from the process's short-lived lookups (`intake_cache`). A repeated event id is caught
    by the unique constraint `inc_alarm_source_event_unique` rather than looked up first: the
    transaction (or savepoint) rolls back and the stored alarm is returned."""
    values = _prepare_alarm(source, **fields)
    actor = _system_actor()
    try:
        with transaction.atomic():
            _lock_source(source.pk)
            now = timezone.now()
            key, head = _group_key(source.pk, values["camera"], values["area"] if not values["camera"] else None,
                                   values["alarm_type"], now)  # fmt: skip
            alarm = _insert_alarm(**values, received_at=now, group_key=key, is_group_head=head)
            _audit_received(actor, alarm)
    except IntegrityError:
        existing = Alarm.objects.filter(source=source, source_event_id=values["source_event_id"]).first()
        if existing is None:
            raise
        return existing, False
    return alarm, True


def receive_alarms(source: AlarmSource, items: Sequence[dict[str, Any]]) -> list[tuple[Alarm, bool]]:
    """A batch of alarms from one source in one transaction (the list form of POST /api/v1/alarms/).

    All or nothing: every item is checked first, a bad one refuses the batch. Event ids already
    stored (or repeated within the batch) return the stored alarm and False, as `receive_alarm` does.
    Stored by `store_prepared` (one lock, one duplicate query, one multi-row INSERT, one audit INSERT)."""
    prepared = [Prepared(source, _prepare_alarm(source, **item)) for item in items]
    return store_prepared(prepared)


class Prepared(NamedTuple):
    """An alarm checked by `prepare_alarm`, waiting to be stored; `context`: the request it came
    from (its audit event records that request's id and address when a group commit stores it)."""

    source: AlarmSource
    values: dict[str, Any]
    context: Any = None


def prepare_alarm(source: AlarmSource, **fields: Any) -> Prepared:
    """Check one posted alarm (fields as `receive_alarm`) without storing it: ValidationFailed for a
    bad one. The request thread's half of the group commit (`watchroom.incidents.intake`)."""
    from watchroom.lib import context

    return Prepared(source, _prepare_alarm(source, **fields), context.current())


def store_prepared(items: Sequence[Prepared]) -> list[tuple[Alarm, bool]]:
    """Store checked alarms, of one source or several, in one transaction of their own; answers
    (alarm, created) in the order given (`store_locked` does the work)."""
    with transaction.atomic():
        audit.lock_chain()
        return store_locked(items)


def store_locked(items: Sequence[Prepared]) -> list[tuple[Alarm, bool]]:
    """`store_prepared` inside the caller's transaction, which holds the audit chain's append lock
    (`audit.lock_chain`): the group commit takes the lock first and only then gathers the alarms
    waiting, so a process that waited for another's commit stores everything that came meanwhile.
    The list form of the POST and the group commit of single POSTs both end here.

    The chain lock serialises every intake transaction (on SQLite, one writer at a time does), so
    the stored duplicates found with one query and the storm groups looked up with one SELECT stay
    true until the commit; the new rows go in with one multi-row INSERT, and each alarm still gets
    its own audit event, chained in one INSERT (INC-1, DATA-7). `receive_alarm` (the camera-health
    engine's single alarms) locks its source row instead; groups are per source, so the two never
    group each other's alarms."""
    actor = _system_actor()
    sources = {p.source.pk: p.source for p in items}
    stored: dict[tuple[int, str], Alarm] = {}
    event_ids = list({p.values["source_event_id"] for p in items})
    with connection.cursor() as cursor:  # raw: one per group commit, usually finds nothing
        cursor.execute(
            f"SELECT id FROM {Alarm._meta.db_table} WHERE source_id IN ({', '.join(['%s'] * len(sources))})"  # noqa: S608
            f" AND source_event_id IN ({', '.join(['%s'] * len(event_ids))})",
            [*sources, *event_ids],
        )
        found = [row[0] for row in cursor.fetchall()]
    if found:
        stored = {(a.source_id, a.source_event_id): a for a in Alarm.objects.filter(pk__in=found)}  # type: ignore[misc]
    now = timezone.now()
    fresh: list[Prepared] = []
    seen: set[tuple[int, str]] = set()
    for item in items:
        key = (item.source.pk, item.values["source_event_id"])
        if key not in stored and key not in seen:
            seen.add(key)
            fresh.append(item)

    def group_of(v: dict[str, Any], source_id: int) -> GroupKey:
        cam, area = v["camera"], (v["area"] if not v["camera"] else None)
        return (source_id, cam.pk if cam else None, area.pk if area else None, v["alarm_type"])

    groups = _group_keys((group_of(p.values, p.source.pk) for p in fresh), now)
    new: list[Alarm] = []
    contexts: list[Any] = []
    planned: dict[tuple[int, str], Alarm] = {}
    order: list[tuple[tuple[int, str], bool]] = []
    for item in items:
        key = (item.source.pk, item.values["source_event_id"])
        if key in stored or key in planned:
            order.append((key, False))
            continue
        gkey = group_of(item.values, item.source.pk)
        group, head = groups[gkey]
        groups[gkey] = (group, False)  # the next alarm of the same key joins this one's group
        alarm = Alarm(**item.values, received_at=now, group_key=group, is_group_head=head)
        new.append(alarm)
        contexts.append(item.context)
        planned[key] = alarm
        order.append((key, True))
    _insert_alarms(new)
    audit.record_many(
        [
            _received_entry(actor, alarm)._replace(request_context=ctx)
            for alarm, ctx in zip(new, contexts, strict=True)
        ]
    )
    return [(planned[key] if created else stored.get(key) or planned[key], created) for key, created in order]


@transaction.atomic
def raise_manual_alarm(
    *,
    actor: Any,
    alarm_type: str,
    priority: Any,
    camera: Camera | None = None,
    area: Area | None = None,
    campus: Campus | None = None,
    place: str = "",
    description: str = "",
    method: str = AlarmMethod.VIDEO,
    is_drill: bool = False,
    log_entry: Any = None,
    room: MonitoringRoom | None = None,
) -> Alarm:
    """An alarm raised by a person (console, duty log; INC-1). Routed like any other. Raised from a
    duty-log entry (DUTY-5) it points to the entry, which must be of the same campus. `room`: the
    console's room, where an alarm without a camera is routed (a camera's group room still wins)."""
    _require(actor, HANDLE)
    prio = _check_taxonomy(alarm_type, method, priority)
    if log_entry is not None and campus is None and camera is None and area is None:
        campus = log_entry.room.campus
    if camera is not None:
        campus = camera.area.campus
        area = area or camera.area
    elif area is not None:
        campus = area.campus
    if campus is None:
        raise ValidationFailed(_("Give a camera, an area or a campus."), code="place_required")
    if camera is None and area is None and not (place or "").strip():
        raise ValidationFailed(_("Give a camera, an area or a place."), code="place_required")
    if log_entry is not None and log_entry.room.campus_id != campus.pk:
        raise ValidationFailed(_("The duty-log entry is of another campus."), code="log_entry_campus")
    if room is not None and room.campus_id != campus.pk:
        raise ValidationFailed(_("The room is of another campus."), code="room_campus")
    now = timezone.now()
    key, head = (
        _group_key(None, camera, area, alarm_type, now) if not is_drill else (secrets.token_hex(8), True)
    )
    alarm = Alarm.objects.create(
        source=None,
        occurred_at=now,
        received_at=now,
        method=method,
        alarm_type=alarm_type,
        priority=prio,
        campus=campus,
        room=_room_for(campus, camera, log_entry.room if log_entry is not None else room),
        camera=camera,
        area=area,
        place=(place or "")[:200],
        description=(description or "")[:500],
        group_key=key,
        is_group_head=head,
        is_drill=is_drill,
        raised_by=actor,
        duty_log_entry=log_entry,
    )
    changes: dict[str, Any] = {"type": alarm_type, "priority": prio}
    if log_entry is not None:
        changes["log_entry"] = log_entry.pk
    audit.record(actor, "incidents.alarm_raised", alarm, changes=changes)
    return alarm


@transaction.atomic
def acknowledge_alarm(alarm_id: int, *, actor: Any, note: str = "") -> list[AlarmAck]:
    """Acknowledge an alarm and the unacknowledged alarms of its storm group; records who and when."""
    _require(actor, HANDLE)
    alarm = Alarm.objects.select_for_update().get(pk=alarm_id)
    if not Alarm.objects.visible_to(actor).filter(pk=alarm.pk).exists():
        raise PermissionRefused(_("This alarm is outside your scope."), code="out_of_scope")
    members = list(
        Alarm.objects.select_for_update(of=("self",))
        .filter(group_key=alarm.group_key, ack__isnull=True)
        .order_by("id")
    )
    if not members:
        raise InvalidTransition(_("The alarm is already acknowledged."), code="already_acknowledged")
    now = timezone.now()
    acks = [
        AlarmAck.objects.create(alarm=m, room_id=m.room_id, at=now, by=actor, note=note[:300])
        for m in members
    ]
    audit.record(
        actor,
        "incidents.alarm_acknowledged",
        alarm,
        changes={"alarms": [m.pk for m in members]},
        note=note[:300],
    )
    return acks


def escalate_overdue(now: dt.datetime | None = None) -> list[AlarmEscalation]:
    """Escalate every alarm (first of its group) not acknowledged within its priority's time: notify the
    directors and sound the consoles again. Idempotent (one escalation per alarm and level)."""
    from watchroom.notifications.services import notify

    now = now or timezone.now()
    limits = ack_seconds()
    shortest = min(limits.values())
    candidates = list(
        Alarm.objects.heads()
        .unacknowledged()  # type: ignore[attr-defined]
        .real()
        .filter(
            received_at__lte=now - dt.timedelta(seconds=shortest),
            received_at__gte=now - dt.timedelta(days=1),
            escalations__isnull=True,
        )
        .select_related("camera", "area")
        .order_by("id")[:500]
    )
    result = []
    system = _system()
    for alarm in candidates:
        if alarm.received_at > now - dt.timedelta(seconds=limits.get(alarm.priority, shortest)):
            continue
        with transaction.atomic():
            locked = Alarm.objects.select_for_update().get(pk=alarm.pk)
            if AlarmAck.objects.filter(alarm=locked).exists() or locked.escalations.exists():
                continue
            directors = _directors(locked.campus_id)
            esc = AlarmEscalation.objects.create(
                alarm=locked, room_id=locked.room_id, level=1, at=now, notified=len(directors)
            )
            notify(
                directors,
                title=_("Alarm not acknowledged: %(type)s at %(place)s")
                % {"type": locked.get_alarm_type_display(), "place": alarm.where or "-"},
                body=_("Priority %(p)s, received %(at)s.")
                % {"p": locked.priority, "at": timezone.localtime(locked.received_at).strftime("%H:%M:%S")},
                url=f"/incidents/alarms/{locked.pk}/",
                kind="incidents.alarm_escalated",
                actor=system,
            )
            audit.record(
                system, "incidents.alarm_escalated", locked, changes={"level": 1, "notified": len(directors)}
            )
            result.append(esc)
    return result


# --- playbooks, contacts, webhooks --------------------------------------------------------------------


@transaction.atomic
def publish_playbook(
    *, actor: Any, incident_type: str, name: str, steps: Sequence[dict[str, Any]]
) -> Playbook:
    """A new version of the playbook of a type; the previous version goes out of force (INC-7)."""
    _require(actor, MANAGE)
    if incident_type not in IncidentType.values:
        raise ValidationFailed(_("Unknown incident type."), code="bad_incident_type")
    if not steps:
        raise ValidationFailed(_("A playbook needs at least one step."), code="steps_required")
    # steps go in the order given by their "order" (ties keep the list order), renumbered 1…n
    steps = sorted(steps, key=lambda st: int(st.get("order") or 0))
    for step in steps:
        if not str(step.get("title", "")).strip():
            raise ValidationFailed(_("Every step needs a title."), code="step_title_required")
        if step.get("role") not in Role.values:
            raise ValidationFailed(_("Unknown responsible role."), code="bad_role")
    previous = list(
        Playbook.objects.select_for_update().filter(incident_type=incident_type).order_by("-version")
    )
    Playbook.objects.filter(incident_type=incident_type, is_active=True).update(is_active=False)
    version = previous[0].version + 1 if previous else 1
    playbook = Playbook.objects.create(
        incident_type=incident_type, name=name.strip() or incident_type, version=version, created_by=actor
    )
    for i, step in enumerate(steps, start=1):
        PlaybookStep.objects.create(
            playbook=playbook,
            order=i,
            title=str(step["title"]).strip()[:300],
            responsible_role=step["role"],
            contacts=str(step.get("contacts", ""))[:300],
            mandatory=bool(step.get("mandatory", True)),
        )
    audit.record(
        actor, "incidents.playbook_published", playbook, changes={"version": version, "steps": len(steps)}
    )
    return playbook


def _check_webhook_url(url: str) -> str:
    url = (url or "").strip()
    if not url.startswith(("http://", "https://")) or len(url) > 500:
        raise ValidationFailed(_("The webhook address must be an http(s) URL."), code="bad_url")
    return url


@transaction.atomic
def create_webhook(
    *, actor: Any, campus: Campus, name: str, channel: str, url: str, secret: str = ""
) -> RobotWebhook:
    """Register a group robot (INC-3, INC-8). The address carries the robot's token and the DingTalk
    signing secret (加签) is stored encrypted (AES-256-GCM); the page shows them once, then only the
    host of the address and whether a secret is set. The audit event holds neither."""
    _require(actor, MANAGE)
    if channel not in RobotWebhook.Channel.values:
        raise ValidationFailed(_("Unknown channel."), code="bad_channel")
    url = _check_webhook_url(url)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Give the webhook a name."), code="name_required")
    secret = (secret or "").strip()
    if secret and channel != RobotWebhook.Channel.DINGTALK:
        raise ValidationFailed(_("Only DingTalk robots sign with a secret."), code="secret_not_supported")
    hook = RobotWebhook(campus=campus, name=name[:100], channel=channel, url=url)
    hook.set_secret(secret)
    hook.save()
    audit.record(
        actor,
        "incidents.webhook_created",
        hook,
        changes={"channel": channel, "host": hook.url_host, "signed": bool(secret)},
    )
    return hook


@transaction.atomic
def update_webhook(
    webhook_id: int, *, actor: Any, name: str, channel: str, url: str = "", secret: str = ""
) -> tuple[RobotWebhook, bool, bool]:
    """Edit a group robot (INC-3, INC-8): name and channel always; the address and the DingTalk
    signing secret only when given (blank keeps them: the page never shows them again). A WeCom
    robot does not sign, so changing a robot to WeCom drops its secret. Returns (robot, address
    replaced, secret replaced); the page shows a replaced address or secret once. The audit diff holds
    the name, channel and host, and only whether the address and secret changed, never their text."""
    _require(actor, MANAGE)
    hook = RobotWebhook.objects.select_for_update().get(pk=webhook_id)
    if not hook.is_active:
        raise InvalidTransition(_("A retired webhook cannot be edited."), code="already_retired")
    if channel not in RobotWebhook.Channel.values:
        raise ValidationFailed(_("Unknown channel."), code="bad_channel")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Give the webhook a name."), code="name_required")
    url = (url or "").strip()
    if url:
        url = _check_webhook_url(url)
    secret = (secret or "").strip()
    if secret and channel != RobotWebhook.Channel.DINGTALK:
        raise ValidationFailed(_("Only DingTalk robots sign with a secret."), code="secret_not_supported")
    before = {"name": hook.name, "channel": hook.channel, "host": hook.url_host, "signed": hook.has_secret}
    url_replaced = bool(url) and url != hook.url
    hook.name, hook.channel = name[:100], channel
    if url_replaced:
        hook.url = url
    if secret:
        hook.set_secret(secret)
    elif channel != RobotWebhook.Channel.DINGTALK:
        hook.set_secret("")
    after = {"name": hook.name, "channel": hook.channel, "host": hook.url_host, "signed": hook.has_secret}
    changes: dict[str, Any] = audit.diff(before, after)
    if url_replaced:
        changes["address_replaced"] = True
    if secret:
        changes["secret_replaced"] = True
    if not changes:
        return hook, False, False
    hook.save(update_fields=["name", "channel", "url", "secret_encrypted"])
    audit.record(actor, "incidents.webhook_updated", hook, changes=changes)
    return hook, url_replaced, bool(secret)


@transaction.atomic
def retire_webhook(webhook_id: int, *, actor: Any, reason: str) -> RobotWebhook:
    """Take a group robot out of use (kept for the record of the messages it carried)."""
    _require(actor, MANAGE)
    hook = RobotWebhook.objects.select_for_update().get(pk=webhook_id)
    if not hook.is_active:
        raise InvalidTransition(_("The webhook is already retired."), code="already_retired")
    if not (reason or "").strip():
        raise ValidationFailed(_("Give a reason."), code="reason_required")
    hook.is_active = False
    hook.save(update_fields=["is_active"])
    audit.record(actor, "incidents.webhook_retired", hook, note=reason.strip()[:300])
    return hook


CONTACT_FIELDS = ["incident_type", "department", "name", "title", "phone", "user", "webhook"]


def _check_contact(campus: Campus, fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown contact fields."), code="bad_fields")
    for key in ("department", "name", "title", "phone"):
        if key in fields:
            fields[key] = str(fields[key] or "").strip()
    if not fields.get("department") or not fields.get("phone"):
        raise ValidationFailed(_("Department and phone are required."), code="contact_incomplete")
    if fields.get("incident_type") and fields["incident_type"] not in IncidentType.values:
        raise ValidationFailed(_("Unknown incident type."), code="bad_incident_type")
    hook = fields.get("webhook")
    if hook is not None and (hook.campus_id != campus.pk or not hook.is_active):
        raise ValidationFailed(_("The group robot is retired or on another campus."), code="bad_webhook")
    return fields


@transaction.atomic
def create_contact(*, actor: Any, campus: Campus, **fields: Any) -> EmergencyContact:
    """Add a contact to the emergency contact list of a campus (INC-7)."""
    _require(actor, MANAGE)
    fields = _check_contact(campus, {"incident_type": "", "name": "", "title": "", **fields})
    contact = EmergencyContact.objects.create(campus=campus, **fields)
    audit.record(
        actor,
        "incidents.contact_created",
        contact,
        changes=audit.diff({}, audit.snapshot(contact, CONTACT_FIELDS)),
    )
    return contact


@transaction.atomic
def update_contact(contact_id: int, *, actor: Any, **fields: Any) -> EmergencyContact:
    """Change a contact's type, department, name, function, phone, account or group robot (INC-7)."""
    _require(actor, MANAGE)
    contact = EmergencyContact.objects.select_for_update().get(pk=contact_id)
    if not contact.is_active:
        raise InvalidTransition(_("The contact is retired."), code="contact_retired")
    before = audit.snapshot(contact, CONTACT_FIELDS)
    merged = _check_contact(contact.campus, {**{k: getattr(contact, k) for k in CONTACT_FIELDS}, **fields})
    for key, value in merged.items():
        setattr(contact, key, value)
    changes = audit.diff(before, audit.snapshot(contact, CONTACT_FIELDS))
    if not changes:
        return contact
    contact.save(update_fields=list(changes))
    audit.record(actor, "incidents.contact_updated", contact, changes=changes)
    return contact


@transaction.atomic
def retire_contact(contact_id: int, *, actor: Any, reason: str) -> EmergencyContact:
    """Take a contact off the list; the row stays (incidents' timelines point to it)."""
    _require(actor, MANAGE)
    contact = EmergencyContact.objects.select_for_update().get(pk=contact_id)
    if not contact.is_active:
        raise InvalidTransition(_("The contact is retired."), code="contact_retired")
    if not (reason or "").strip():
        raise ValidationFailed(_("Give a reason."), code="reason_required")
    contact.is_active = False
    contact.save(update_fields=["is_active"])
    audit.record(actor, "incidents.contact_retired", contact, note=reason.strip()[:300])
    return contact


# --- incidents ------------------------------------------------------------------------------------------


def _next_number(prefix: str) -> str:
    day = timezone.localdate().strftime("%Y%m%d")
    base = f"{prefix}-{day}-"
    last = (
        Incident.objects.filter(number__startswith=base)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{base}{seq:03d}"


def _entry(incident: Incident, actor: Any, kind: str, text: str = "", department: str = "") -> TimelineEntry:
    return TimelineEntry.objects.create(
        incident=incident, actor=actor, kind=kind, text=text, department=department[:100], at=timezone.now()
    )


@transaction.atomic
def open_incident(
    *,
    actor: Any,
    incident_type: str,
    title: str,
    campus: Campus | None = None,
    severity: str = Severity.MEDIUM,
    place: str = "",
    area: Area | None = None,
    cameras: Iterable[Camera] = (),
    people: str = "",
    description: str = "",
    alarms: Iterable[Alarm] = (),
    is_drill: bool = False,
) -> Incident:
    """Open an incident from alarms or by hand; the type's playbook in force is copied onto it."""
    _require(actor, MANAGE if is_drill else HANDLE)
    if incident_type not in IncidentType.values:
        raise ValidationFailed(_("Unknown incident type."), code="bad_incident_type")
    if severity not in Severity.values:
        raise ValidationFailed(_("Unknown severity."), code="bad_severity")
    if not (title or "").strip():
        raise ValidationFailed(_("Give the incident a title."), code="title_required")
    alarms = list(alarms)
    cameras = list(cameras)
    campuses = {a.campus_id for a in alarms} | {c.area.campus_id for c in cameras}
    if area is not None:
        campuses.add(area.campus_id)
    if campus is not None:
        campuses.add(campus.pk)
    if len(campuses) != 1:
        raise ValidationFailed(_("An incident belongs to exactly one campus."), code="one_campus")
    campus_id = campuses.pop()
    from watchroom.sites.querysets import visible_campus_ids

    visible = visible_campus_ids(actor)
    if visible is not None and campus_id not in visible:
        raise PermissionRefused(_("This campus is outside your scope."), code="out_of_scope")
    playbook = Playbook.objects.filter(incident_type=incident_type, is_active=True).first()
    first_camera = next((a.camera for a in alarms if a.camera_id), cameras[0] if cameras else None)
    room = next((a.room for a in alarms if a.room_id), None)
    if room is None:
        room = _room_for(Campus.objects.get(pk=campus_id), first_camera, None)
    acks = AlarmAck.objects.filter(alarm__in=alarms).order_by("at").values_list("at", flat=True)
    incident = Incident.objects.create(
        number=_next_number("DR" if is_drill else "INC"),
        campus_id=campus_id,
        room=room,
        incident_type=incident_type,
        severity=severity,
        title=title.strip()[:200],
        place=(place or "")[:200],
        area=area or (first_camera.area if first_camera else None),
        people=people,
        description=description,
        playbook=playbook,
        is_drill=is_drill,
        opened_by=actor,
        first_alarm_at=min((a.received_at for a in alarms), default=None),
        first_ack_at=acks.first(),
    )
    if cameras:
        incident.cameras.set(cameras)
    elif first_camera:
        incident.cameras.set([first_camera])
    if alarms:
        incident.alarms.set(alarms)
    if playbook is not None:
        IncidentStep.objects.bulk_create(
            IncidentStep(
                incident=incident,
                order=s.order,
                title=s.title,
                responsible_role=s.responsible_role,
                contacts=s.contacts,
                mandatory=s.mandatory,
            )
            for s in playbook.steps.all()
        )
    _entry(incident, actor, TimelineEntry.Kind.OPENED, incident.title)
    audit.record(
        actor,
        "incidents.drill_started" if is_drill else "incidents.incident_opened",
        incident,
        changes={"type": incident_type, "severity": severity, "alarms": [a.pk for a in alarms]},
    )
    return incident


def _lock_open(incident_id: int, actor: Any) -> Incident:
    incident = Incident.objects.select_for_update().get(pk=incident_id)
    if not Incident.objects.visible_to(actor).filter(pk=incident.pk).exists():
        raise PermissionRefused(_("This incident is outside your scope."), code="out_of_scope")
    if incident.status != Incident.Status.OPEN:
        raise InvalidTransition(_("The incident is closed."), code="incident_closed")
    return incident


@transaction.atomic
def link_alarm(incident_id: int, alarm_id: int, *, actor: Any) -> Incident:
    _require(actor, HANDLE)
    incident = _lock_open(incident_id, actor)
    alarm = Alarm.objects.visible_to(actor).get(pk=alarm_id)
    if alarm.campus_id != incident.campus_id:
        raise ValidationFailed(_("The alarm is on another campus."), code="one_campus")
    incident.alarms.add(alarm)
    if incident.first_alarm_at is None or alarm.received_at < incident.first_alarm_at:
        incident.first_alarm_at = alarm.received_at
        incident.save(update_fields=["first_alarm_at"])
    _entry(incident, actor, TimelineEntry.Kind.ALARM_LINKED, str(alarm))
    audit.record(actor, "incidents.alarm_linked", incident, changes={"alarm": alarm.pk})
    return incident


ENTRY_KINDS = (
    TimelineEntry.Kind.NOTE,
    TimelineEntry.Kind.ACTION,
    TimelineEntry.Kind.CALL,
    TimelineEntry.Kind.DISPATCH,
    TimelineEntry.Kind.DEPARTMENT,
)


@transaction.atomic
def add_entry(incident_id: int, *, actor: Any, kind: str, text: str, department: str = "") -> TimelineEntry:
    """A line on the timeline: note, action, call, dispatch of guards or police room, department told."""
    _require(actor, HANDLE)
    incident = _lock_open(incident_id, actor)
    if kind not in ENTRY_KINDS:
        raise ValidationFailed(_("Unknown kind of entry."), code="bad_entry_kind")
    if not (text or "").strip():
        raise ValidationFailed(_("Write what happened."), code="text_required")
    if kind == TimelineEntry.Kind.DEPARTMENT and not department.strip():
        raise ValidationFailed(_("Name the department."), code="department_required")
    entry = _entry(incident, actor, kind, text.strip(), department.strip())
    if kind == TimelineEntry.Kind.DISPATCH and incident.first_dispatch_at is None:
        incident.first_dispatch_at = entry.at
        incident.save(update_fields=["first_dispatch_at"])
    audit.record(actor, "incidents.timeline_added", incident, changes={"kind": kind, "entry": entry.pk})
    return entry


@transaction.atomic
def notify_contact(incident_id: int, contact_id: int, *, actor: Any, message: str = "") -> TimelineEntry:
    """Tell a department on the emergency contact list (INC-3): through its group robot (WeCom/DingTalk)
    when it has one, to its account in the app when it has one; recorded on the timeline either way."""
    from watchroom.notifications.services import notify

    _require(actor, HANDLE)
    incident = _lock_open(incident_id, actor)
    contact = EmergencyContact.objects.select_related("webhook").get(
        pk=contact_id, campus_id=incident.campus_id
    )
    drill = _("[DRILL] ") if incident.is_drill else ""
    title = f"{drill}{incident.number} {incident.get_incident_type_display()}：{incident.title}"
    body = message.strip() or _("Place: %(place)s. Severity: %(sev)s.") % {
        "place": incident.place or (incident.area.name if incident.area is not None else "-"),
        "sev": incident.get_severity_display(),
    }
    url = incident.get_absolute_url()
    channels_used = []
    if contact.webhook_id and contact.webhook.is_active:
        sent = notify(
            [actor],
            title=title,
            body=body,
            url=url,
            kind="incidents.department",
            actor=actor,
            channels=("in_app", contact.webhook.channel),
        )
        for n in sent:
            RobotMessage.objects.create(notification=n, webhook=contact.webhook, incident=incident)
        channels_used.append(contact.webhook.channel)
    if contact.user_id:
        notify([contact.user], title=title, body=body, url=url, kind="incidents.department", actor=actor)
        channels_used.append("in_app")
    entry = _entry(
        incident,
        actor,
        TimelineEntry.Kind.DEPARTMENT,
        f"{contact.name} {contact.phone} · {', '.join(channels_used) or _('phone')} · {body}",
        contact.department,
    )
    audit.record(
        actor,
        "incidents.department_notified",
        incident,
        changes={"contact": contact.pk, "channels": channels_used},
    )
    return entry


@transaction.atomic
def complete_step(step_id: int, *, actor: Any, note: str = "") -> IncidentStep:
    _require(actor, HANDLE)
    step = IncidentStep.objects.select_for_update().get(pk=step_id)
    incident = _lock_open(step.incident_id, actor)
    if step.status != IncidentStep.Status.PENDING:
        raise InvalidTransition(_("The step is already done or skipped."), code="step_not_pending")
    step.status, step.done_at, step.done_by = IncidentStep.Status.DONE, timezone.now(), actor
    step.save(update_fields=["status", "done_at", "done_by"])
    _entry(incident, actor, TimelineEntry.Kind.STEP_DONE, f"{step.order}. {step.title} {note}".strip())
    audit.record(actor, "incidents.step_done", incident, changes={"step": step.pk, "order": step.order})
    return step


@transaction.atomic
def skip_step(step_id: int, *, actor: Any, reason: str) -> IncidentStep:
    """Skip a step with a reason; the directors are told (they see every skip)."""
    from watchroom.notifications.services import notify

    _require(actor, HANDLE)
    step = IncidentStep.objects.select_for_update().get(pk=step_id)
    incident = _lock_open(step.incident_id, actor)
    if step.status != IncidentStep.Status.PENDING:
        raise InvalidTransition(_("The step is already done or skipped."), code="step_not_pending")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give a reason for skipping the step."), code="reason_required")
    step.status, step.done_at, step.done_by = IncidentStep.Status.SKIPPED, timezone.now(), actor
    step.skip_reason = reason[:500]
    step.save(update_fields=["status", "done_at", "done_by", "skip_reason"])
    _entry(incident, actor, TimelineEntry.Kind.STEP_SKIPPED, f"{step.order}. {step.title}: {reason}")
    notify(
        _directors(incident.campus_id),
        title=_("Playbook step skipped: %(number)s") % {"number": incident.number},
        body=f"{step.order}. {step.title}\n{reason}",
        url=incident.get_absolute_url(),
        kind="incidents.step_skipped",
        actor=actor,
    )
    audit.record(actor, "incidents.step_skipped", incident, changes={"step": step.pk}, note=reason[:300])
    return step


@transaction.atomic
def close_incident(incident_id: int, *, actor: Any, outcome: str, review: str = "") -> Incident:
    """Close with outcome and review. Refused while a mandatory step is neither done nor skipped."""
    _require(actor, MANAGE)
    incident = _lock_open(incident_id, actor)
    if not (outcome or "").strip():
        raise ValidationFailed(_("Record the outcome."), code="outcome_required")
    open_steps = list(
        incident.steps.filter(mandatory=True, status=IncidentStep.Status.PENDING).values_list(
            "order", flat=True
        )
    )
    if open_steps:
        raise InvalidTransition(
            _("Every mandatory step must be done or skipped with a reason first."),
            code="mandatory_steps_open",
            details={"steps": open_steps},
        )
    now = timezone.now()
    incident.status, incident.closed_at, incident.closed_by = Incident.Status.CLOSED, now, actor
    incident.outcome, incident.review = outcome.strip(), (review or "").strip()
    incident.save(update_fields=["status", "closed_at", "closed_by", "outcome", "review"])
    _entry(incident, actor, TimelineEntry.Kind.CLOSED, incident.outcome)
    audit.record(
        actor,
        "incidents.drill_finished" if incident.is_drill else "incidents.incident_closed",
        incident,
        changes={"status": ["open", "closed"]},
    )
    return incident


def cameras_near(incident: Incident) -> list[Camera]:
    """The incident's cameras and those of its area (the cameras "near the place")."""
    cams = {c.pk: c for c in incident.cameras.select_related("area")}
    if incident.area_id:
        for c in (
            Camera.objects.filter(area_id=incident.area_id).exclude(status="retired").select_related("area")
        ):
            cams.setdefault(c.pk, c)
    return list(cams.values())


def hold_evidence(
    incident_id: int, *, actor: Any, minutes: int = DEFAULT_HOLD_MINUTES, reason: str = ""
) -> HoldRequest:
    """One action: hold the footage of the cameras near the place for ±minutes around the first alarm
    (or the opening), through the footage module when installed (INC-5); recorded here either way."""
    _require(actor, HANDLE)
    if not 1 <= int(minutes) <= 24 * 60:
        raise ValidationFailed(_("Minutes must be between 1 and 1440."), code="bad_minutes")
    with transaction.atomic():
        incident = _lock_open(incident_id, actor)
        cameras = cameras_near(incident)
        if not cameras:
            raise ValidationFailed(_("The incident has no camera or area to hold."), code="cameras_required")
        centre = incident.first_alarm_at or incident.opened_at
        start, end = centre - dt.timedelta(minutes=minutes), centre + dt.timedelta(minutes=minutes)
        reason = (reason or "").strip() or _("Incident %(number)s") % {"number": incident.number}
        status, hold_id, error = HoldRequest.Status.RECORDED, None, ""
        place_hold: Callable[..., Any] | None
        try:
            from watchroom.footage.services import place_hold as footage_place_hold

            place_hold = footage_place_hold
        except ImportError:
            place_hold = None
        if place_hold is not None:
            try:
                with transaction.atomic():
                    hold = place_hold(
                        actor=actor, cameras=cameras, start=start, end=end, reason=reason, source="alarm"
                    )
                status, hold_id = HoldRequest.Status.PLACED, getattr(hold, "pk", None)
            except DomainError as exc:
                status, error = HoldRequest.Status.FAILED, exc.code
        req = HoldRequest.objects.create(
            incident=incident,
            start=start,
            end=end,
            reason=reason[:300],
            requested_by=actor,
            status=status,
            footage_hold_id=hold_id,
            error=error,
        )
        req.cameras.set(cameras)
        _entry(
            incident,
            actor,
            TimelineEntry.Kind.HOLD,
            f"{req.get_status_display()} · ±{minutes} min · {', '.join(c.number for c in cameras)}",
        )
        audit.record(
            actor,
            "incidents.hold_requested",
            incident,
            changes={"cameras": [c.pk for c in cameras], "status": status, "footage_hold": hold_id},
            outcome="success" if status != HoldRequest.Status.FAILED else "failure",
            note=error,
        )
    return req


# --- drills and corrective actions (PPL-3) -------------------------------------------------------------


def start_drill(
    *, actor: Any, campus: Campus, incident_type: str, title: str = "", area: Area | None = None
) -> Incident:
    """Run the type's playbook in drill mode: a drill incident, timed from now, never counted as real."""
    return open_incident(
        actor=actor,
        campus=campus,
        incident_type=incident_type,
        title=title or _("Drill: %(type)s") % {"type": IncidentType(incident_type).label},
        severity=Severity.LOW,
        area=area,
        is_drill=True,
    )


@transaction.atomic
def add_corrective_action(
    incident_id: int, *, actor: Any, description: str, owner: Any, due: dt.date
) -> CorrectiveAction:
    _require(actor, MANAGE)
    incident = Incident.objects.select_for_update().get(pk=incident_id)
    if not Incident.objects.visible_to(actor).filter(pk=incident.pk).exists():
        raise PermissionRefused(_("This incident is outside your scope."), code="out_of_scope")
    if not (description or "").strip():
        raise ValidationFailed(_("Describe the action."), code="description_required")
    action = CorrectiveAction.objects.create(
        incident=incident, description=description.strip()[:500], owner=owner, due=due
    )
    audit.record(actor, "incidents.action_added", incident, changes={"action": action.pk, "owner": owner.pk})
    return action


@transaction.atomic
def close_corrective_action(action_id: int, *, actor: Any, note: str) -> CorrectiveAction:
    action = CorrectiveAction.objects.select_for_update().get(pk=action_id)
    if action.owner_id != actor.pk and not actor.has_perm(MANAGE):
        raise PermissionRefused(_("Only the owner or a manager closes the action."), code="permission_denied")
    if action.status != CorrectiveAction.Status.OPEN:
        raise InvalidTransition(_("The action is already closed."), code="action_closed")
    if not (note or "").strip():
        raise ValidationFailed(_("Say what was done."), code="note_required")
    action.status, action.closed_at, action.closed_by = CorrectiveAction.Status.DONE, timezone.now(), actor
    action.closing_note = note.strip()[:500]
    action.save(update_fields=["status", "closed_at", "closed_by", "closing_note"])
    audit.record(actor, "incidents.action_closed", action.incident, changes={"action": action.pk})
    return action
