"""Audit trail exports: CSV (UTF-8 with BOM, for Excel) streamed row by row, and XLSX written with
openpyxl's write-only mode (constant memory) — both from the same columns."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

FIELDS = (
    "id", "at", "actor_username", "actor_name", "actor_roles", "ip", "channel", "request_id", "action",
    "target_type", "target_id", "target_repr", "outcome", "changes_json", "note", "prev_hash", "hash",
)  # fmt: skip
_TEXT = {"actor_username", "actor_name", "target_repr", "changes_json", "note", "target_id", "action"}


def headers() -> list[str]:
    return [
        _("ID"), _("Time"), _("Username"), _("Actor"), _("Roles"), _("IP address"), _("Channel"), _("Request id"),
        _("Action"), _("Target type"), _("Target id"), _("Target"), _("Outcome"), _("Changes"), _("Note"),
        _("Previous hash"), _("Hash"),
    ]  # fmt: skip


def _safe(value: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula (CSV/formula injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def rows(queryset: QuerySet) -> Iterator[list[Any]]:
    tz = timezone.get_current_timezone()
    at_index = FIELDS.index("at")
    text_indexes = [i for i, f in enumerate(FIELDS) if f in _TEXT]
    for values in queryset.values_list(*FIELDS).iterator(chunk_size=2000):
        row = list(values)
        row[at_index] = row[at_index].astimezone(tz).replace(tzinfo=None)
        for i in text_indexes:
            row[i] = _safe(row[i] or "")
        yield row


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_chunks(queryset: QuerySet) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(headers())
    for row in rows(queryset):
        row[1] = row[1].strftime("%Y-%m-%d %H:%M:%S")
        yield writer.writerow(row)


def xlsx_file(queryset: QuerySet) -> IO[bytes]:
    """A temporary file holding the workbook (the caller streams it and it is removed on close)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Audit trail"))
    sheet.append(headers())
    for row in rows(queryset):
        sheet.append(row)
    handle = tempfile.TemporaryFile()  # noqa: SIM115  (the response closes it)
    workbook.save(handle)
    handle.seek(0)
    return handle
