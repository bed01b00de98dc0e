"""Writing audit events. Every service calls `record` inside its own transaction (DATA-7, DATA-13).

Usage::

    from watchroom.audit import services as audit
    audit.record(actor, "sites.camera_created", camera, changes=audit.diff({}, after))
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from watchroom.lib import context
from watchroom.lib.hashing import canonical_json

from .chain import GENESIS, content_hash
from .models import AuditEvent

_PG_LOCK_KEY = 7270013  # advisory lock that serialises appends to the chain on PostgreSQL


def _actor_fields(actor: Any) -> dict[str, Any]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        name = getattr(actor, "username", "") if actor is not None else ""
        return {
            "actor_id": getattr(actor, "pk", None),
            "actor_username": name or "system",
            "actor_name": getattr(actor, "real_name", "") or ("系统" if not name else name),
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
        return {"target_type": str(target[0]), "target_id": str(target[1]), "target_repr": str(target[2])[:300]}
    return {"target_type": "", "target_id": "", "target_repr": str(target)[:300]}


def record(
    actor: Any,
    action: str,
    target: Any = None,
    *,
    changes: dict[str, Any] | None = None,
    outcome: str = AuditEvent.Outcome.SUCCESS,
    note: str = "",
    username: str = "",
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction when there is one."""
    ctx = context.current()
    now = timezone.now()
    values: dict[str, Any] = {
        "at": now.astimezone(dt.UTC),
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
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
        prev = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS
        values["prev_hash"] = prev
        values["hash"] = content_hash(values)
        return AuditEvent.objects.create(**values)


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
