"""The evidence vault: archive copies of released footage, encrypted at rest (DATA-8, DATA-11).

A file is read once, in 1 MiB chunks, in constant memory: each chunk is fed to SHA-256 and sealed
with AES-256-GCM. Format (version 1)::

    header  = b"WRV1" | file nonce (8 bytes) | chunk size (4 bytes, big-endian)
    chunk i = AESGCM(key).encrypt(nonce = file nonce | i (4 bytes), plain, aad = header | i (8) | final (1))

Every chunk except the last holds exactly ``chunk size`` bytes of plaintext; the last one is
flagged final (an empty file is one empty final chunk). Because the chunk index and the final flag
are authenticated, reordering, dropping or truncating chunks fails decryption, as does any altered
byte. No database work happens here: services hash and encrypt first, then record.

The key is ``WATCHROOM_VAULT_KEY`` (base64 of 32 bytes, from settings or the environment), else
derived from the secret key with HKDF. ``key_id`` (first 16 hex digits of the key's SHA-256) is
kept with each file so a rotated key is noticed rather than silently failing.
"""

from __future__ import annotations

import base64
import hashlib
import os
import struct
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils import timezone

MAGIC = b"WRV1"
CHUNK = 1024 * 1024
TAG = 16
HEADER_LEN = len(MAGIC) + 8 + 4


class VaultError(Exception):
    """The vault file is missing, altered, truncated or sealed with another key."""


def _key() -> bytes:
    configured = getattr(settings, "WATCHROOM_VAULT_KEY", "") or os.environ.get("WATCHROOM_VAULT_KEY", "")
    if configured:
        key = base64.b64decode(configured)
        if len(key) != 32:
            raise ValueError("WATCHROOM_VAULT_KEY must be base64 of 32 bytes")
        return key
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"watchroom-vault", info=b"v1").derive(
        settings.SECRET_KEY.encode()
    )


def key_id() -> str:
    return hashlib.sha256(_key()).hexdigest()[:16]


def vault_root() -> Path:
    root = Path(settings.EVIDENCE_VAULT_DIR)
    root.mkdir(parents=True, exist_ok=True)
    return root


def _aad(header: bytes, index: int, final: bool) -> bytes:
    return header + struct.pack(">Q?", index, final)


def _nonce(file_nonce: bytes, index: int) -> bytes:
    return file_nonce + struct.pack(">I", index)


@dataclass
class Sealed:
    path: str  # relative to the vault root
    sha256: str
    size: int
    key_id: str


def _read_full(stream: IO[bytes], size: int) -> bytes:
    """Read exactly ``size`` bytes unless the stream ends (uploads may return short reads)."""
    parts = []
    remaining = size
    while remaining > 0:
        part = stream.read(remaining)
        if not part:
            break
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts) if len(parts) != 1 else parts[0]


def seal_stream(stream: IO[bytes], *, chunk_size: int = CHUNK) -> Sealed:
    """Hash and encrypt ``stream`` into a new vault file. Returns its relative path, SHA-256 and size."""
    key = _key()
    aes = AESGCM(key)
    file_nonce = os.urandom(8)
    header = MAGIC + file_nonce + struct.pack(">I", chunk_size)
    digest = hashlib.sha256()
    size = 0
    now = timezone.now()
    relative = Path(f"{now:%Y}") / f"{now:%m}" / f"{uuid.uuid4().hex}.wrv"
    target = vault_root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".sealing-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(header)
            index = 0
            chunk = _read_full(stream, chunk_size)
            while True:
                following = _read_full(stream, chunk_size) if len(chunk) == chunk_size else b""
                final = not following
                digest.update(chunk)
                size += len(chunk)
                out.write(aes.encrypt(_nonce(file_nonce, index), chunk, _aad(header, index, final)))
                if final:
                    break
                index += 1
                chunk = following
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o400)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return Sealed(str(relative), digest.hexdigest(), size, hashlib.sha256(key).hexdigest()[:16])


def _path(relative: str) -> Path:
    root = vault_root().resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise VaultError("path outside the vault")
    return path


def open_chunks(relative: str) -> Iterator[bytes]:
    """Decrypt a vault file chunk by chunk; raises ``VaultError`` on any alteration or truncation."""
    path = _path(relative)
    if not path.exists():
        raise VaultError("missing")
    aes = AESGCM(_key())
    with path.open("rb") as src:
        header = src.read(HEADER_LEN)
        if len(header) != HEADER_LEN or not header.startswith(MAGIC):
            raise VaultError("bad header")
        file_nonce = header[4:12]
        (chunk_size,) = struct.unpack(">I", header[12:16])
        block = chunk_size + TAG
        index = 0
        current = src.read(block)
        if len(current) < TAG:
            raise VaultError("truncated")
        while True:
            following = src.read(block)
            final = not following
            try:
                plain = aes.decrypt(_nonce(file_nonce, index), current, _aad(header, index, final))
            except InvalidTag:
                raise VaultError(f"chunk {index} altered, reordered or truncated") from None
            if not final and len(plain) != chunk_size:
                raise VaultError("short chunk")
            yield plain
            if final:
                return
            index += 1
            current = following


def open_range(relative: str, start: int, end: int) -> Iterator[bytes]:
    """Decrypt only the chunks holding plaintext bytes ``start`` to ``end`` (inclusive) and yield
    exactly those bytes, for seeking in the browser player (HTTP Range). Random access works because
    every chunk has its own nonce and authenticated index; the final flag of a chunk is known from
    the file's length. Each chunk read is still authenticated: an altered one raises ``VaultError``."""
    if start < 0 or end < start:
        raise ValueError("bad range")
    path = _path(relative)
    if not path.exists():
        raise VaultError("missing")
    aes = AESGCM(_key())
    with path.open("rb") as src:
        header = src.read(HEADER_LEN)
        if len(header) != HEADER_LEN or not header.startswith(MAGIC):
            raise VaultError("bad header")
        file_nonce = header[4:12]
        (chunk_size,) = struct.unpack(">I", header[12:16])
        block = chunk_size + TAG
        body = os.fstat(src.fileno()).st_size - HEADER_LEN
        count = max(1, -(-body // block))
        first, last = start // chunk_size, min(end // chunk_size, count - 1)
        for index in range(first, last + 1):
            src.seek(HEADER_LEN + index * block)
            sealed = src.read(block)
            final = index == count - 1
            try:
                plain = aes.decrypt(_nonce(file_nonce, index), sealed, _aad(header, index, final))
            except InvalidTag:
                raise VaultError(f"chunk {index} altered, reordered or truncated") from None
            if not final and len(plain) != chunk_size:
                raise VaultError("short chunk")
            base = index * chunk_size
            lo = max(start - base, 0)
            hi = min(end - base + 1, len(plain))
            if lo < hi:
                yield plain[lo:hi]


def verify(relative: str) -> tuple[str, int]:
    """Decrypt and re-hash; returns (SHA-256, size) or raises ``VaultError``."""
    digest = hashlib.sha256()
    size = 0
    for chunk in open_chunks(relative):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def destroy(relative: str) -> None:
    """Remove a vault file (after a leader approved its destruction, DATA-9); missing is fine."""
    path = _path(relative)
    if path.exists():
        os.chmod(path, 0o600)
        path.unlink()


def raw_path(relative: str) -> Path:
    """The ciphertext on disk (for tests and operations; never served)."""
    return _path(relative)
