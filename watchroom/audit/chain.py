"""The hash chain: the canonical content of an audit event and the walk that verifies it.

Kept separate from the model so that the verifier can read raw rows fast (DATA-13).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection

GENESIS = "0" * 64
SEP = "\x1f"

# The columns that the hash covers, in order. `at` is rendered as Django stores it on SQLite:
# str() of the naive UTC datetime.
COLUMNS = (
    "at",
    "actor_id",
    "actor_username",
    "actor_name",
    "actor_roles",
    "ip",
    "request_id",
    "channel",
    "action",
    "target_type",
    "target_id",
    "target_repr",
    "changes_json",
    "outcome",
    "note",
    "prev_hash",
)


def at_text(value: dt.datetime | str) -> str:
    if isinstance(value, str):  # SQLite returns the stored text
        return value
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return str(value)


def content_hash(values: dict[str, object]) -> str:
    parts = []
    for name in COLUMNS:
        value = values[name]
        if name == "at":
            parts.append(at_text(value))  # type: ignore[arg-type]
        elif value is None:
            parts.append("")
        else:
            parts.append(str(value))
    return hashlib.sha256(SEP.join(parts).encode()).hexdigest()


@dataclass
class VerifyResult:
    ok: bool
    count: int
    bad_id: int | None = None
    reason: str = ""
    head: str = GENESIS


def _rows(batch: int = 20000) -> Iterator[tuple]:
    # On SQLite, read `at` as the stored text (no datetime parsing); PostgreSQL returns a datetime.
    first = "CAST(at AS TEXT)" if connection.vendor == "sqlite" else "at"
    cols = ", ".join(["id", first, *COLUMNS[1:], "hash"])
    with connection.cursor() as cursor:
        last_id = 0
        while True:
            cursor.execute(
                f"SELECT {cols} FROM audit_auditevent WHERE id > %s ORDER BY id LIMIT %s",  # noqa: S608
                [last_id, batch],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            yield from rows
            last_id = rows[-1][0]


def verify() -> VerifyResult:
    """Walk the whole chain in id order. The first row whose hash or link is wrong is reported."""
    sha = hashlib.sha256
    prev = GENESIS
    count = 0
    postgres = connection.vendor == "postgresql"
    for row in _rows():
        row_id = row[0]
        stored_prev = row[16]
        if stored_prev != prev:
            return VerifyResult(False, count, row_id, "link", prev)
        parts = list(row[1:17])
        at = parts[0]
        if postgres or not isinstance(at, str):
            parts[0] = at_text(at)
        text = SEP.join("" if v is None else str(v) for v in parts)
        if sha(text.encode()).hexdigest() != row[17]:
            return VerifyResult(False, count, row_id, "content", prev)
        prev = row[17]
        count += 1
    return VerifyResult(True, count, None, "", prev)
