"""The hash chain: the canonical content of an audit event and the walk that verifies it.

Kept separate from the model so that the verifier can read raw rows fast (DATA-13).

Each row's `hash` is the SHA-256 of its canonical text: the columns in `COLUMNS` (which end with
`prev_hash`) joined by U+001F, `NULL` as the empty string and `at` as `str()` of the naive UTC
datetime (the text Django stores on SQLite). The verifier lets the database build that text (one
string per row, in C, with one `printf`) and only hashes and compares in Python, over one
streaming cursor.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db import connection

GENESIS = "0" * 64
SEP = "\x1f"
BATCH = 20000

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

# Why a row fails verification.
CONTENT = "content"  # the row's content does not match its hash: altered in place
LINK = "link"  # the row does not point at the row before it: a row removed, inserted or reordered
ANCHOR = "anchor"  # a head recorded off-system is no longer in the chain: the tail was cut off


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
    count: int  # rows verified before the first bad one (all rows when ok)
    bad_id: int | None = None
    reason: str = ""
    head: str = GENESIS  # hash of the last good row


def canonical_text_sql(vendor: str) -> str:
    """SQL that selects (id, hash, canonical text) for every row in id order.

    One `printf`/`format` call builds the text (NULL as the empty string, numbers as decimal text);
    on SQLite the hash and text come back as bytes, which saves a decode and an encode per row.
    """
    template = SEP.join(["%s"] * len(COLUMNS))
    rest = ", ".join(COLUMNS[1:])
    if vendor == "postgresql":
        at = (
            "CASE WHEN date_trunc('second', at) = at"
            " THEN to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')"
            " ELSE to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') END"
        )
        return f"SELECT id, hash, format('{template}', {at}, {rest}) FROM audit_auditevent ORDER BY id"  # noqa: S608
    text = f"printf('{template}', CAST(at AS TEXT), {rest})"
    return f"SELECT id, CAST(hash AS BLOB), CAST({text} AS BLOB) FROM audit_auditevent ORDER BY id"  # noqa: S608


def verify(*, anchor: str = "") -> VerifyResult:
    """Walk the whole chain in id order. The first row whose link or hash is wrong is reported.

    The link is checked on the text's last 64 characters, which are the row's `prev_hash`.
    `anchor`: a head hash recorded earlier outside the system (`watchroom audit head`); if it is no
    longer in the chain, rows were cut off the end.
    """
    connection.ensure_connection()
    as_bytes = connection.vendor != "postgresql"
    sha = hashlib.sha256
    prev: str | bytes = GENESIS.encode() if as_bytes else GENESIS
    want: str | bytes = anchor.encode() if as_bytes else anchor
    seen_anchor = not anchor or anchor == GENESIS
    count = 0

    def fail(index: int, row_id: int, reason: str) -> VerifyResult:
        head = prev.decode() if isinstance(prev, bytes) else prev
        return VerifyResult(False, count + index, int(row_id), reason, head)

    with connection.chunked_cursor() as cursor:  # a server-side cursor on PostgreSQL
        cursor.execute(canonical_text_sql(connection.vendor))
        fetchmany = cursor.fetchmany
        while True:
            rows = fetchmany(BATCH)
            if not rows:
                break
            if as_bytes:  # two copies of the tight loop, so that neither tests the type per row
                for index, (row_id, stored_hash, text) in enumerate(rows):
                    if text[-64:] != prev:
                        return fail(index, row_id, LINK)
                    if sha(text).hexdigest().encode() != stored_hash:
                        return fail(index, row_id, CONTENT)
                    prev = stored_hash
                    if stored_hash == want:
                        seen_anchor = True
            else:
                for index, (row_id, stored_hash, text) in enumerate(rows):
                    if text[-64:] != prev:
                        return fail(index, row_id, LINK)
                    if sha(text.encode()).hexdigest() != stored_hash:
                        return fail(index, row_id, CONTENT)
                    prev = stored_hash
                    if stored_hash == want:
                        seen_anchor = True
            count += len(rows)
    head = prev.decode() if isinstance(prev, bytes) else prev
    if not seen_anchor:
        return VerifyResult(False, count, None, ANCHOR, head)
    return VerifyResult(True, count, None, "", head)


def head() -> tuple[int, str]:
    """(number of events, hash of the last one) — to be written down off-system."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM audit_auditevent")
        (count,) = cursor.fetchone()
        cursor.execute("SELECT hash FROM audit_auditevent ORDER BY id DESC LIMIT 1")
        row = cursor.fetchone()
    return int(count), row[0] if row else GENESIS
