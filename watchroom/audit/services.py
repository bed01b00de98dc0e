"""Writing audit events. Every service calls `record` inside its own transaction (DATA-7, DATA-13).

Usage::

    from watchroom.audit import services as audit
    audit.record(actor, "sites.camera_created", camera, changes=audit.diff({}, after))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, NamedTuple

from django.db import connection, models, transaction
from django.utils import timezone

from watchroom.lib import context
from watchroom.lib.hashing import canonical_json

from .chain import ANCHOR, COLUMNS, CONTENT, GENESIS, LINK, VerifyResult, content_hash, verify
from .models import AuditEvent

_PG_LOCK_KEY = 7270013  # advisory lock that serialises appends to the chain on PostgreSQL
_INSERT_COLUMNS = (*COLUMNS, "hash")  # "at" first
_INSERT_SQL = (
    f"INSERT INTO audit_auditevent ({', '.join(_INSERT_COLUMNS)}) "  # noqa: S608
    f"VALUES ({', '.join(['%s'] * len(_INSERT_COLUMNS))}) RETURNING id"
)


def _actor_fields(actor: Any) -> dict[str, Any]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        name = getattr(actor, "username", "") if actor is not None else ""
        return {
            "actor_id": getattr(actor, "pk", None),
            "actor_username": name or "system",
            "actor_name": getattr(actor, "real_name", "") or (name if name else "系统"),
            "actor_roles": ",".join(getattr(actor, "role_codes", []) or []),
        }
    return {
        "actor_id": actor.pk,
        "actor_username": actor.get_username(),
        "actor_name": getattr(actor, "real_name", "") or actor.get_username(),
        "actor_roles": ",".join(getattr(actor, "role_codes", [])),
    }


def _target_fields(target: Any) -> dict[str, str]:
    if target is None:
        return {"target_type": "", "target_id": "", "target_repr": ""}
    if isinstance(target, models.Model):
        return {
            "target_type": target._meta.label_lower,
            "target_id": str(target.pk),
            "target_repr": str(target)[:300],
        }
    if isinstance(target, tuple) and len(target) == 3:  # (type, id, repr)
        return {
            "target_type": str(target[0]),
            "target_id": str(target[1]),
            "target_repr": str(target[2])[:300],
        }
    return {"target_type": "", "target_id": "", "target_repr": str(target)[:300]}


def _values(
    ctx: Any,
    at: dt.datetime,
    actor: Any,
    action: str,
    target: Any,
    changes: dict[str, Any] | None,
    outcome: str,
    note: str,
    username: str,
) -> dict[str, Any]:
    """The hashed columns of one event, less `prev_hash`."""
    values: dict[str, Any] = {
        "at": at,
        **_actor_fields(actor),
        "ip": ctx.ip,
        "request_id": ctx.request_id,
        "channel": ctx.channel,
        "action": action,
        **_target_fields(target),
        "changes_json": canonical_json(changes) if changes else "",
        "outcome": str(outcome),
        "note": note or "",
    }
    if username and values["actor_username"] == "system":
        values["actor_username"] = username[:150]
        values["actor_name"] = username[:150]
    return values


def _lock_and_read_head(cursor: Any) -> str:
    """Take the chain's append lock (PostgreSQL; SQLite's IMMEDIATE transactions already have one
    writer at a time) and read the hash of the last event."""
    if connection.vendor == "postgresql":
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
    cursor.execute("SELECT hash FROM audit_auditevent ORDER BY id DESC LIMIT 1")
    row = cursor.fetchone()
    return str(row[0]) if row else GENESIS


def lock_chain() -> None:
    """Take the chain's append lock now, inside the caller's transaction, for a service that will
    append and must read and write under the same lock from its start (the alarm intake's group
    commit). PostgreSQL: the transaction-level advisory lock (`record` takes it again, which is
    free); SQLite: nothing, its IMMEDIATE transactions already hold the one writer's lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])


def _event(new_id: int, values: dict[str, Any]) -> AuditEvent:
    event = AuditEvent(id=new_id, **values)
    event._state.adding = False
    event._state.db = connection.alias
    return event


def record(
    actor: Any,
    action: str,
    target: Any = None,
    *,
    changes: dict[str, Any] | None = None,
    outcome: str = AuditEvent.Outcome.SUCCESS,
    note: str = "",
    username: str = "",
    savepoint: bool = True,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction when there is one.

    `savepoint=False`: the caller's transaction is rolled back as a whole if the append fails,
    instead of the append running in a savepoint of its own (two statements fewer, a round trip
    each on PostgreSQL; for hot paths such as the alarm intake, which run one service per
    transaction). Outside a transaction the event is appended in a transaction of its own either way.
    """
    values = _values(
        context.current(),
        timezone.now().astimezone(dt.UTC),
        actor,
        action,
        target,
        changes,
        outcome,
        note,
        username,
    )
    # Raw SQL for the statements: this runs inside every service call, and the ORM's query
    # compilation was most of its cost (docs/benchmarks.md).
    with transaction.atomic(savepoint=savepoint), connection.cursor() as cursor:
        values["prev_hash"] = _lock_and_read_head(cursor)
        values["hash"] = content_hash(values)
        params = [values[c] for c in _INSERT_COLUMNS]
        params[0] = connection.ops.adapt_datetimefield_value(values["at"])
        cursor.execute(_INSERT_SQL, params)
        (new_id,) = cursor.fetchone()
    return _event(new_id, values)


class Entry(NamedTuple):
    """One event for `record_many`: the arguments of `record`."""

    actor: Any
    action: str
    target: Any = None
    changes: dict[str, Any] | None = None
    outcome: str = AuditEvent.Outcome.SUCCESS
    note: str = ""
    username: str = ""
    # the request the event comes from, when it is not the current one: a group commit writes the
    # events of several requests (the alarm intake's `GroupCommitter`); None = `context.current()`
    request_context: context.RequestContext | None = None


_MANY_ROWS = 500  # rows per multi-row INSERT (17 parameters each, well under SQLite's 32,766)


def record_many(entries: Sequence[Entry], *, savepoint: bool = False) -> list[AuditEvent]:
    """Append several events to the chain in order, with one lock, one read of the head and one
    multi-row INSERT per 500 events (instead of three statements each): the batch form of the alarm
    intake (INC-1, DATA-7). Each event is chained and hashed exactly as `record` would; the events
    get ascending ids in the order given (checked: a mismatch rolls back and raises).

    Meant to run inside the caller's transaction (all events or none); `savepoint=True` isolates a
    failure in a savepoint as `record` does by default."""
    if not entries:
        return []
    ctx = context.current()
    at = timezone.now().astimezone(dt.UTC)
    adapt = connection.ops.adapt_datetimefield_value
    events: list[AuditEvent] = []
    with transaction.atomic(savepoint=savepoint), connection.cursor() as cursor:
        prev = _lock_and_read_head(cursor)
        rows: list[dict[str, Any]] = []
        for entry in entries:
            values = _values(entry.request_context or ctx, at, *entry[:7])
            values["prev_hash"] = prev
            values["hash"] = prev = content_hash(values)
            rows.append(values)
        at_param = adapt(at)
        row_sql = f"({', '.join(['%s'] * len(_INSERT_COLUMNS))})"
        for start in range(0, len(rows), _MANY_ROWS):
            chunk = rows[start : start + _MANY_ROWS]
            params: list[Any] = []
            for values in chunk:
                params.append(at_param)
                params.extend(values[c] for c in _INSERT_COLUMNS[1:])
            cursor.execute(
                f"INSERT INTO audit_auditevent ({', '.join(_INSERT_COLUMNS)}) "  # noqa: S608
                f"VALUES {', '.join([row_sql] * len(chunk))} RETURNING id, hash",
                params,
            )
            ids = {h: i for i, h in cursor.fetchall()}
            chunk_ids = [ids[v["hash"]] for v in chunk]
            if chunk_ids != sorted(chunk_ids) or (events and events[-1].pk >= chunk_ids[0]):
                raise RuntimeError("audit events were not given ascending ids in chain order")
            events.extend(_event(new_id, values) for new_id, values in zip(chunk_ids, chunk, strict=True))
    return events


def record_read(actor: Any, action: str, target: Any, *, note: str = "") -> AuditEvent:
    """Audit a read of sensitive data (footage, evidence, personal data, the audit trail itself)."""
    return record(actor, action, target, note=note)


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The values of `fields` on `obj` (foreign keys by id), for a before/after diff."""
    result = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attname = getattr(field, "attname", name)
        result[name] = _plain(getattr(obj, attname))
    return result


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for the fields whose value changed."""
    keys = sorted(set(before) | set(after))
    return {k: [_plain(before.get(k)), _plain(after.get(k))] for k in keys if before.get(k) != after.get(k)}


def verify_chain(*, actor: Any = None, anchor: str = "") -> VerifyResult:
    """Walk the chain and record the result as `audit.chain_verified` (DATA-13, 等保 8.1.4.3 c).

    The walk reads outside any transaction; only the result is appended. On failure the audit
    administrators are notified (when the notifications module is installed).
    """
    result = verify(anchor=anchor)
    if result.ok:
        note = f"count={result.count} head={result.head}"
    else:
        note = f"bad_id={result.bad_id or ''} reason={result.reason} count={result.count}"
    record(actor, "audit.chain_verified", None, outcome="success" if result.ok else "failure", note=note)
    if not result.ok:
        transaction.on_commit(lambda: _notify_failure(result))
    return result


def last_verification() -> AuditEvent | None:
    """The most recent `audit.chain_verified` event, for the home card."""
    return AuditEvent.objects.filter(action="audit.chain_verified").order_by("-id").first()


def _notify_failure(result: VerifyResult) -> None:
    try:
        from watchroom.notifications.services import notify
    except ImportError:  # the notifications module is not installed
        return
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation
    from django.utils.translation import gettext as _

    from watchroom.accounts.models import User

    users = list(User.objects.filter(is_active=True, role_rows__role="auditadmin").distinct())
    if not users:
        return
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            users,
            title=_("Audit trail verification failed"),
            body=_("Event %(id)s: %(reason)s")
            % {"id": result.bad_id or "—", "reason": reason_label(result.reason)},
            url=reverse("audit:event_list"),
            kind="audit.chain_broken",
        )


def reason_label(reason: str) -> str:
    from django.utils.translation import gettext as _

    labels = {
        CONTENT: _("content altered"),
        LINK: _("link broken (a row removed, inserted or reordered)"),
        ANCHOR: _("the recorded head is missing (rows cut off the end)"),
    }
    return str(labels.get(reason, reason))
