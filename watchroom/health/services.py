"""Health services: recording probe results, opening and closing fault episodes, reference snapshots,
thresholds, one camera's diagnosis (EQP-3, EQP-4, EQP-6, INC-9).

Every state change runs in `transaction.atomic`, locks the camera's health row and writes its audit
event; files (thumbnails) are written before the transaction, never inside it. Faults go to the
equipment module (`report_fault` / `note_recovery` / `record_unapproved_change`) when it is
installed; without it the transition is recorded all the same.
"""

from __future__ import annotations

import importlib
import random
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from watchroom.audit import services as audit
from watchroom.lib.errors import InvalidTransition, ValidationFailed
from watchroom.sites.models import Camera, CameraGroup

from . import conf
from .models import (
    CONNECTION_CODES,
    CameraHealth,
    FaultCode,
    HealthThresholds,
    HealthTransition,
    ProbeResult,
    Status,
)
from .probe import metrics as m
from .probe import run


def _optional(module: str, name: str) -> Any:
    """A function of another module that may not be built yet (equipment, duty)."""
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError:
        return None
    return getattr(mod, name, None)


# --- files -------------------------------------------------------------------------------------


def _write_file(kind: str, camera_id: int, data: bytes) -> str:
    rel = Path(kind) / str(camera_id) / f"{timezone.now():%Y%m%d%H%M%S}-{uuid.uuid4().hex[:8]}.jpg"
    path = conf.storage_dir() / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return str(rel)


def read_file(rel: str) -> bytes | None:
    """A stored thumbnail or reference snapshot; None when missing or pruned."""
    if not rel:
        return None
    root = conf.storage_dir().resolve()
    path = (root / rel).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path.read_bytes()


# --- thresholds --------------------------------------------------------------------------------


def thresholds_for(camera: Camera) -> m.Thresholds:
    """The camera group's thresholds, else the hospital default row, else the built-in defaults."""
    wanted = Q(group__isnull=True) | Q(group_id=camera.group_id) if camera.group_id else Q(group__isnull=True)
    rows = {t.group_id: t for t in HealthThresholds.objects.filter(wanted)}
    row = rows.get(camera.group_id) if camera.group_id else None
    row = row or rows.get(None)
    return row.as_thresholds() if row else m.Thresholds()


def thresholds_map() -> dict[int | None, m.Thresholds]:
    """group id (None: default) -> thresholds, for a sweep."""
    rows = {t.group_id: t.as_thresholds() for t in HealthThresholds.objects.all()}
    rows.setdefault(None, m.Thresholds())
    return rows


@transaction.atomic
def update_thresholds(group: CameraGroup | None, values: dict[str, Any], *, actor: Any) -> HealthThresholds:
    """Set the thresholds and the probe interval (`probe_minutes`, None: the hospital default) of a
    camera group (None: the hospital default)."""
    names = (*HealthThresholds.VALUE_FIELDS, "probe_minutes")
    unknown = set(values) - set(names)
    if unknown:
        raise ValidationFailed(_("Unknown threshold: %(names)s") % {"names": ", ".join(sorted(unknown))})
    row = HealthThresholds.objects.select_for_update().filter(group=group).first()
    if row is None:
        row = HealthThresholds(group=group)
    before = {f: getattr(row, f) for f in names}
    for name, value in values.items():
        if name == "probe_minutes":
            if value is not None and not (isinstance(value, int) and 1 <= value <= MAX_PROBE_MINUTES):
                raise ValidationFailed(
                    _("The probe interval must be between 1 and %(max)s minutes.")
                    % {"max": MAX_PROBE_MINUTES}
                )
            row.probe_minutes = value
            continue
        if value is None or float(value) < 0:
            raise ValidationFailed(_("Thresholds must be zero or more."))
        setattr(row, name, float(value))
    row.updated_at, row.updated_by = timezone.now(), actor
    row.save()
    after = {f: getattr(row, f) for f in names}
    audit.record(actor, "health.thresholds_updated", row, changes=audit.diff(before, after))
    return row


# --- probe intervals ---------------------------------------------------------------------------

MAX_PROBE_MINUTES = 1440
# a camera probed this long before its interval is over counts as due, so that a one-minute tick
# does not skip a camera whose last probe finished a few seconds late
DUE_SLACK = timedelta(seconds=15)


def probe_intervals() -> tuple[dict[int | None, int], int]:
    """(group id -> its own probe interval in minutes, the hospital default): the default row's
    interval, else `WATCHROOM_HEALTH_SWEEP_MINUTES`."""
    rows = dict(HealthThresholds.objects.exclude(probe_minutes=None).values_list("group_id", "probe_minutes"))
    default = rows.pop(None, None) or conf.sweep_minutes()
    return rows, default


def due_cameras(cameras: Any, *, now: datetime | None = None) -> list[Camera]:
    """The cameras whose group's probe interval has passed since their last probe (never probed:
    due), e.g. key areas every minute and the rest every five; what the periodic tick sweeps."""
    now = now or timezone.now()
    own, default = probe_intervals()
    last = dict(CameraHealth.objects.filter(camera__in=cameras).values_list("camera_id", "last_probe_at"))
    due = []
    for camera in cameras:
        at = last.get(camera.pk)
        minutes = own.get(camera.group_id, default) if camera.group_id else default
        if at is None or now - at >= timedelta(minutes=minutes) - DUE_SLACK:
            due.append(camera)
    return due


# --- the probe worker's schedule (`watchroom runprobes`) ---------------------------------------


def next_delay(minutes: int, failed: int, *, fail_count: int, cap_minutes: int) -> timedelta:
    """The wait before a camera's next probe: its interval while it answers; once it has failed
    more than `fail_count` probes in a row (its fault is open), the interval doubles with each
    further failure, up to `cap_minutes` (never below the interval itself)."""
    extra = max(0, failed - fail_count)
    cap = max(minutes, cap_minutes)
    return timedelta(minutes=min(cap, minutes * 2 ** min(extra, 20)))


def _probe_candidates() -> Any:
    return Camera.objects.in_service().exclude(stream_url="", snapshot_url="")


def due_rows(
    *, limit: int, now: datetime | None = None, campus_ids: list[int] | None = None
) -> list[tuple[int, int, datetime | None]]:
    """(health row id, camera id, next_probe_at as read) of up to `limit` cameras that are due
    (`next_probe_at` empty or past), most overdue first; creates the missing health rows."""
    now = now or timezone.now()
    candidates = _probe_candidates()
    if campus_ids:
        candidates = candidates.filter(area__campus_id__in=campus_ids)
    missing = candidates.filter(health__isnull=True).values_list("pk", flat=True)
    new_rows = [CameraHealth(camera_id=pk) for pk in missing]
    if new_rows:
        CameraHealth.objects.bulk_create(new_rows, ignore_conflicts=True)
    due = (
        CameraHealth.objects.filter(Q(next_probe_at__isnull=True) | Q(next_probe_at__lte=now))
        .filter(camera__in=candidates.values("pk"))
        .order_by(F("next_probe_at").asc(nulls_first=True), "pk")
        .values_list("pk", "camera_id", "next_probe_at")[:limit]
    )
    return list(due)


def claim_rows(rows: list[tuple[int, int, datetime | None]], mark: datetime) -> list[int]:
    """Claim the rows read by `due_rows`: each is moved to `mark` by a conditional UPDATE
    (`… WHERE id = ? AND next_probe_at = <as read>`) whose row count says whether this worker got
    it; a row another worker claimed after the read is not matched. Returns the claimed camera ids."""
    claimed: list[int] = []
    with transaction.atomic():
        for pk, camera_id, seen in sorted(rows):  # one lock order for every worker (PostgreSQL)
            row = CameraHealth.objects.filter(pk=pk)
            row = row.filter(next_probe_at__isnull=True) if seen is None else row.filter(next_probe_at=seen)
            if row.update(next_probe_at=mark) == 1:
                claimed.append(camera_id)
    return claimed


CLAIM_ATTEMPTS = 50


def claim_due(
    *,
    limit: int,
    lease: timedelta,
    now: datetime | None = None,
    campus_ids: list[int] | None = None,
) -> tuple[list[Camera], datetime]:
    """Claim up to `limit` due cameras for one worker (`due_rows`, then `claim_rows`), so that of
    several workers (threads, processes, machines) on one database exactly one gets each camera. Its
    claim lasts `lease`: a worker that dies loses its cameras when the lease runs out. Returns the
    claimed cameras and the lease mark (for `release`)."""
    now = now or timezone.now()
    mark = now + lease
    for attempt in range(CLAIM_ATTEMPTS):
        try:
            claimed = claim_rows(due_rows(limit=limit, now=now, campus_ids=campus_ids), mark)
            break
        except OperationalError as exc:
            # SQLite: another worker holds the write lock longer than the busy timeout (or a
            # shared-cache table lock, which is not waited for): nothing was claimed, try again
            if "locked" not in str(exc) or attempt == CLAIM_ATTEMPTS - 1:
                raise
            time.sleep(0.02 * (attempt + 1) * (1 + random.random()))  # noqa: S311 - jitter only
    cameras = list(
        Camera.objects.filter(pk__in=claimed).select_related("group__room", "area__campus").order_by("pk")
    )
    return cameras, mark


def release(cameras: list[Camera], mark: datetime, *, now: datetime | None = None) -> int:
    """Give back claimed cameras that were not probed (a worker stopping, a campus worker not
    answering): due again now, unless another worker has claimed them since (the mark differs)."""
    if not cameras:
        return 0
    return CameraHealth.objects.filter(camera__in=[c.pk for c in cameras], next_probe_at=mark).update(
        next_probe_at=now or timezone.now()
    )


# --- probe results and episodes ----------------------------------------------------------------


# fault code -> equipment fault category
FAULT_CATEGORY = {
    "unreachable": "network",
    "timeout": "network",
    "unauthorised": "video_loss",
    "not_found": "video_loss",
    "no_video": "video_loss",
    "signal_loss": "video_loss",
    "frozen": "video_loss",
}


def _status_of(codes: list[str]) -> str:
    if any(c in CONNECTION_CODES for c in codes):
        return Status.OFFLINE
    return Status.FAULT if codes else Status.OK


def _symptom(camera: Camera, code: str, outcome: run.ProbeOutcome) -> str:
    label = FaultCode(code).label if code in FaultCode.values else code
    return _("Automatic diagnosis of %(camera)s: %(cause)s") % {"camera": camera.number, "cause": label}


def _open_fault(camera: Camera, code: str, outcome: run.ProbeOutcome, at: datetime, actor: Any) -> Any:
    """Hand the new episode to the equipment module; returns [model label, pk] or None."""
    if code == FaultCode.SCENE_CHANGED:
        fn = _optional("watchroom.equipment.services", "record_unapproved_change")
        if fn is None:
            return None
        detail = _("The view differs from the approved reference snapshot (similarity %(sim)s).") % {
            "sim": outcome.metrics.get("scene_similarity", "?")
        }
        obj = fn(camera, actor=actor, detected_by="health", detail=detail)
    else:
        fn = _optional("watchroom.equipment.services", "report_fault")
        if fn is None:
            return None
        obj = fn(
            actor=actor,
            symptom=_symptom(camera, code, outcome),
            camera=camera,
            category=FAULT_CATEGORY.get(code, "image"),
            source="health",
            external_ref=f"health:{camera.pk}:{code}:{at:%Y%m%dT%H%M%S}",
        )
    if obj is None or not hasattr(obj, "_meta"):
        return None
    return [obj._meta.label, obj.pk]


def _close_fault(ref: Any, code: str, outcome: run.ProbeOutcome, actor: Any) -> None:
    if not ref or code == FaultCode.SCENE_CHANGED:
        return
    fn = _optional("watchroom.equipment.services", "note_recovery")
    if fn is None:
        return
    try:
        fault = apps.get_model(ref[0]).objects.get(pk=ref[1])
    except (LookupError, ValueError):
        return
    except Exception as exc:  # the row may be gone
        if exc.__class__.__name__ == "DoesNotExist":
            return
        raise
    detail = _("Recovered: %(n)s consecutive probes passed (last %(at)s).") % {
        "n": conf.pass_count(),
        "at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
    }
    fn(fault, actor=actor, detail=detail)


def record_probe(
    camera: Camera, outcome: run.ProbeOutcome, *, actor: Any, at: datetime | None = None
) -> ProbeResult:
    """Store one probe, then update the camera's state: a cause found `fail_count` probes in a row
    opens an episode (and an equipment fault, once), a cause absent `pass_count` probes in a row closes
    it (recovered, with the evidence). A change of status or of open causes is a transition row."""
    return record_probes([(camera, outcome)], actor=actor, at=at)[0]


def record_probes(
    items: list[tuple[Camera, run.ProbeOutcome]], *, actor: Any, at: datetime | None = None
) -> list[ProbeResult]:
    """`record_probe` for many cameras at once, as a sweep does: thumbnails written first, then one
    transaction that locks the cameras' health rows, inserts the probe and transition rows in bulk
    and writes one audit event per change of state. One commit per batch instead of one per camera:
    on SQLite the per-camera commits were most of a tier-1 sweep's time (docs/benchmarks.md)."""
    if not items:
        return []
    at = at or timezone.now()
    thumbs = [_write_file("thumbs", c.pk, o.thumbnail) if o.thumbnail else "" for c, o in items]
    return _record_many(items, thumbs, at, actor)


@transaction.atomic
def _record_many(
    items: list[tuple[Camera, run.ProbeOutcome]], thumbs: list[str], at: datetime, actor: Any
) -> list[ProbeResult]:
    ids = [c.pk for c, _o in items]
    if len(set(ids)) != len(ids):
        raise ValidationFailed(_("A camera appears twice in one batch of probe results."))
    have = set(CameraHealth.objects.filter(camera_id__in=ids).values_list("camera_id", flat=True))
    missing = [CameraHealth(camera_id=pk) for pk in ids if pk not in have]
    if missing:
        CameraHealth.objects.bulk_create(missing, ignore_conflicts=True)
    healths = {h.camera_id: h for h in CameraHealth.objects.select_for_update().filter(camera_id__in=ids)}
    probes = ProbeResult.objects.bulk_create(
        [
            ProbeResult(
                camera=camera,
                at=at,
                tier=outcome.tier,
                status=outcome.status,
                faults=outcome.faults,
                metrics=outcome.metrics,
                elapsed=round(outcome.elapsed, 3),
                error=outcome.error[:300],
                thumbnail=thumb,
            )
            for (camera, outcome), thumb in zip(items, thumbs, strict=True)
        ]
    )
    transitions = []
    own, default = probe_intervals()
    for (camera, outcome), probe in zip(items, probes, strict=True):
        health = healths[camera.pk]
        transition = _apply(health, camera, outcome, probe, at, actor)
        health.failed_probes = health.failed_probes + 1 if outcome.status == run.OFFLINE else 0
        minutes = own.get(camera.group_id, default) if camera.group_id else default
        health.next_probe_at = at + next_delay(
            minutes,
            health.failed_probes,
            fail_count=conf.fail_count(),
            cap_minutes=conf.backoff_max_minutes(),
        )
        if transition is not None:
            transitions.append(transition)
    HealthTransition.objects.bulk_create(transitions)
    _update_healths(list(healths.values()))
    return probes


_HEALTH_STATE = (
    "status",
    "faults",
    "since",
    "fail_streaks",
    "pass_streaks",
    "episodes",
    "last_probe",
    "last_probe_at",
    "next_probe_at",
    "failed_probes",
)


def _update_healths(rows: list[CameraHealth]) -> None:
    """One parameterised UPDATE per row, sent with `executemany`: `bulk_update` builds a CASE
    expression per field and row, which cost most of a batch's time (docs/benchmarks.md)."""
    fields: list[Any] = [CameraHealth._meta.get_field(name) for name in _HEALTH_STATE]
    qn = connection.ops.quote_name
    columns = ", ".join(f"{qn(f.column)} = %s" for f in fields)
    table, pk = qn(CameraHealth._meta.db_table), qn(CameraHealth._meta.pk.column)  # type: ignore[union-attr]
    sql = f"UPDATE {table} SET {columns} WHERE {pk} = %s"  # noqa: S608 - names from the model, values bound
    params = [[f.get_db_prep_save(getattr(h, f.attname), connection) for f in fields] + [h.pk] for h in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _apply(
    health: CameraHealth,
    camera: Camera,
    outcome: run.ProbeOutcome,
    probe: ProbeResult,
    at: datetime,
    actor: Any,
) -> HealthTransition | None:
    """Update one locked health row from one probe; the transition row to insert, if any."""
    found = set(outcome.faults)
    offline = outcome.status == run.OFFLINE
    # which causes this probe could judge: an offline probe says nothing about the picture,
    # a tier-1 probe nothing about the picture either
    judged = set(CONNECTION_CODES) if (offline or outcome.tier == 1) else set(FaultCode.values)
    fails, passes, episodes = dict(health.fail_streaks), dict(health.pass_streaks), dict(health.episodes)
    opened, cleared = [], []
    for code in judged:
        if code in found:
            fails[code] = fails.get(code, 0) + 1
            passes.pop(code, None)
            if code not in episodes and fails[code] >= conf.fail_count():
                episodes[code] = {
                    "opened_at": at.isoformat(),
                    "fault": _open_fault(camera, code, outcome, at, actor),
                }
                opened.append(code)
        else:
            fails.pop(code, None)
            if code in episodes:
                passes[code] = passes.get(code, 0) + 1
                if passes[code] >= conf.pass_count():
                    _close_fault(episodes.pop(code).get("fault"), code, outcome, actor)
                    passes.pop(code, None)
                    cleared.append(code)
    if not offline and outcome.tier == 2:
        # a camera answering with a picture is not offline any more, whatever the streaks say
        for code in [c for c in episodes if c in CONNECTION_CODES and c not in cleared]:
            _close_fault(episodes.pop(code).get("fault"), code, outcome, actor)
            passes.pop(code, None)
            cleared.append(code)
    codes = sorted(episodes)
    new_status = _status_of(codes)
    if not codes and offline and health.status in (Status.UNKNOWN, Status.OFFLINE):
        new_status = Status.OFFLINE  # not damped into "ok" while it has never answered
    transition = None
    if new_status != health.status or opened or cleared:
        transition = HealthTransition(
            camera=camera,
            at=at,
            from_status=health.status,
            to_status=new_status,
            opened=sorted(opened),
            cleared=sorted(cleared),
            probe=probe,
        )
        audit.record(
            actor,
            "health.status_changed",
            camera,
            changes={
                "status": [health.status, new_status],
                "opened": sorted(opened),
                "cleared": sorted(cleared),
            },
        )
    if new_status != health.status:
        health.since = at
    health.status, health.faults = new_status, codes
    health.fail_streaks, health.pass_streaks, health.episodes = fails, passes, episodes
    health.last_probe, health.last_probe_at = probe, at
    return transition


def camera_url(camera: Camera) -> str:
    """The address a probe uses: the stream URL, else the snapshot URL, with the credentials."""
    url = camera.stream_url or camera.snapshot_url
    if not url:
        return ""
    password = camera.get_password() if camera.has_password else ""
    return run.with_credentials(url, camera.username, password)


def probe_inputs(camera: Camera) -> dict[str, Any]:
    """What the pure probe needs beside the URL: the previous thumbnail and the reference."""
    health = CameraHealth.objects.filter(camera=camera).select_related("last_probe").first()
    previous = reference = None
    if health is not None:
        if health.last_probe is not None and health.last_probe.thumbnail:
            previous = read_file(health.last_probe.thumbnail)
        reference = read_file(health.reference_thumbnail)
    return {"previous": previous, "reference": reference}


def run_diagnosis(camera: Camera, *, actor: Any) -> ProbeResult:
    """Diagnose one camera now (the "diagnose now" button): tier 2, recorded like a sweep's probe."""
    url = camera_url(camera)
    if not url:
        raise InvalidTransition(_("This camera has no stream or snapshot address."))
    if conf.broker_url():  # on the Celery worker of the camera's campus
        outcome = _diagnose_remote(camera, url)
    else:
        outcome = run.diagnose(
            url, thresholds_for(camera), timeout=conf.probe_timeout(), **probe_inputs(camera)
        )  # network I/O outside any transaction
    with transaction.atomic():
        probe = record_probe(camera, outcome, actor=actor)
        audit.record(
            actor, "health.diagnosis_run", camera, changes={"status": probe.status, "faults": probe.faults}
        )
    return probe


def _diagnose_remote(camera: Camera, url: str) -> run.ProbeOutcome:
    from . import celery_tasks

    job = celery_tasks.make_job(
        url, tier=2, thresholds=thresholds_for(camera), timeout=conf.probe_timeout(), **probe_inputs(camera)
    )
    deadline = min(conf.remote_deadline(), conf.probe_timeout() + 30)
    queue = celery_tasks.queue_for(str(camera.area.campus.code))
    got: list[run.ProbeOutcome] = []
    results = celery_tasks.send([(queue, job)], broker_url=conf.broker_url(), expires=deadline)
    celery_tasks.gather(
        results, broker_url=conf.broker_url(), timeout=deadline, on_result=lambda _id, o: got.append(o)
    )
    if not got:
        raise InvalidTransition(_("The probe worker of this camera's campus did not answer in time."))
    return got[0]


@transaction.atomic
def set_reference(camera: Camera, *, actor: Any, probe: ProbeResult | None = None) -> CameraHealth:
    """Make a probe's thumbnail (default: the latest with a picture) the camera's reference view,
    against which a moved or turned camera is detected (EQP-6)."""
    if probe is None:
        probe = ProbeResult.objects.filter(camera=camera).exclude(thumbnail="").first()
    if probe is None or probe.camera_id != camera.pk:
        raise InvalidTransition(_("There is no picture of this camera to use as reference yet."))
    data = read_file(probe.thumbnail)
    if data is None:
        raise InvalidTransition(_("That picture is no longer kept."))
    CameraHealth.objects.get_or_create(camera=camera)
    health = CameraHealth.objects.select_for_update().get(camera=camera)
    before = health.reference_thumbnail
    health.reference_thumbnail = _write_file("reference", camera.pk, data)
    health.reference_set_at, health.reference_set_by = timezone.now(), actor
    health.save(update_fields=["reference_thumbnail", "reference_set_at", "reference_set_by"])
    audit.record(
        actor,
        "health.reference_set",
        camera,
        changes={"reference": [before, health.reference_thumbnail], "probe": probe.pk},
    )
    return health


@transaction.atomic
def prune_thumbnails(*, actor: Any, days: int | None = None) -> int:
    """Delete thumbnails older than `days` (the probe rows stay, without their picture)."""
    cutoff = timezone.now() - timedelta(days=days or conf.thumbnail_days())
    keep = set(CameraHealth.objects.exclude(last_probe=None).values_list("last_probe_id", flat=True))
    old = ProbeResult.objects.filter(at__lt=cutoff).exclude(thumbnail="").exclude(pk__in=keep)
    rels = list(old.values_list("pk", "thumbnail"))
    if not rels:
        return 0
    ProbeResult.objects.filter(pk__in=[pk for pk, _rel in rels]).update(thumbnail="")
    audit.record(
        actor, "health.thumbnails_pruned", None, changes={"count": len(rels), "before": cutoff.isoformat()}
    )
    paths = [conf.storage_dir() / rel for _pk, rel in rels]
    transaction.on_commit(lambda: [p.unlink(missing_ok=True) for p in paths])
    return len(rels)
