"""SHA-256 helpers: streaming file hashes and canonical content hashes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import IO, Any

CHUNK = 1024 * 1024


def sha256_stream(stream: IO[bytes] | Iterable[bytes]) -> tuple[str, int]:
    """Hash a file or an iterable of chunks in constant memory. Returns (hex digest, size)."""
    digest = hashlib.sha256()
    size = 0
    if hasattr(stream, "read"):
        while True:
            chunk = stream.read(CHUNK)  # type: ignore[union-attr]
            if not chunk:
                break
            digest.update(chunk)
            size += len(chunk)
    else:
        for chunk in stream:
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def canonical_json(value: Any) -> str:
    """A stable JSON text: sorted keys, no whitespace, non-ASCII kept, dates as ISO strings."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def sha256_of(value: Any) -> str:
    """SHA-256 of the canonical JSON of a value (the content a signature or audit event covers)."""
    return hashlib.sha256(canonical_json(value).encode()).hexdigest()
