"""HTTP Range requests for the vault player (RFC 9110 §14): one byte range per request."""

from __future__ import annotations

import re
from dataclasses import dataclass

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class Unsatisfiable(Exception):
    """The Range header asks for bytes the file does not have (answered with 416)."""


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    def content_range(self, size: int) -> str:
        return f"bytes {self.start}-{self.end}/{size}"


def parse_range(header: str, size: int) -> ByteRange | None:
    """The single byte range asked for, None to send the whole file (no header, another unit, or
    several ranges — a server may ignore Range), or ``Unsatisfiable``."""
    header = (header or "").strip()
    if not header or not header.startswith("bytes="):
        return None
    if "," in header:
        return None
    match = _RANGE.match(header.replace(" ", ""))
    if not match or (match.group(1) == "" and match.group(2) == ""):
        raise Unsatisfiable(header)
    first, last = match.group(1), match.group(2)
    if first == "":  # suffix: the last N bytes
        n = int(last)
        if n == 0 or size == 0:
            raise Unsatisfiable(header)
        return ByteRange(max(size - n, 0), size - 1)
    start = int(first)
    end = int(last) if last else size - 1
    if start >= size or end < start:
        raise Unsatisfiable(header)
    return ByteRange(start, min(end, size - 1))
