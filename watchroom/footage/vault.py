"""The evidence vault: archive copies of released footage, encrypted at rest (DATA-8, DATA-11).

A file is read once, in 1 MiB chunks, in constant memory: each chunk is fed to SHA-256 and sealed
with AES-256-GCM — either from a stream (``seal_stream``) or as it arrives (``Sealer``, fed by the
export upload handler in ``uploads.py`` while Django parses the request, so an upload is never
written to a temporary file and read again). Format (version 1)::

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
import contextlib
import hashlib
import os
import queue
import struct
import tempfile
import threading
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


class _Writer(threading.Thread):
    """Writes the sealed chunks to disk on its own thread, so the disk (``write`` and the
    ``fdatasync`` every ``SYNC_EVERY`` bytes, which both release the GIL) works while the request
    thread receives, hashes and encrypts the next chunks. The queue is bounded: at most
    ``QUEUE_CHUNKS`` sealed chunks wait in memory. After an error it keeps draining the queue (so
    the producer never blocks) and reports the error to the next ``put``/``close``."""

    QUEUE_CHUNKS = 4
    SYNC_EVERY = 64 * 1024 * 1024

    def __init__(self, out: IO[bytes]) -> None:
        super().__init__(name="vault-writer", daemon=True)
        self.out = out
        self.queue: queue.Queue[bytes | None] = queue.Queue(maxsize=self.QUEUE_CHUNKS)
        self.error: BaseException | None = None
        self.start()

    def run(self) -> None:
        unsynced = 0
        while (item := self.queue.get()) is not None:
            if self.error is not None:
                continue
            try:
                self.out.write(item)
                unsynced += len(item)
                if unsynced >= self.SYNC_EVERY:
                    self.out.flush()
                    os.fdatasync(self.out.fileno())  # write back as we go: the final fsync is short
                    unsynced = 0
            except BaseException as exc:  # noqa: BLE001 - handed to the producer
                self.error = exc

    def put(self, data: bytes) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(data)

    def close(self) -> None:
        """Wait until everything queued is written; raise the writer's error, if any."""
        if self.is_alive():
            self.queue.put(None)
            self.join()
        if self.error is not None:
            raise self.error


class Sealer:
    """Seal a file incrementally, as its bytes arrive (the upload handler feeds it while Django
    parses the request, so the file is read once): ``feed(data)`` any number of times, then
    ``finish()`` → ``Sealed``; ``abort()`` (or ``close()`` before ``finish()``) removes the partial
    file. The result is byte for byte the format ``seal_stream`` writes.

    The ciphertext goes to a temporary ``.sealing-*`` file in the target's directory of the vault
    (same file system, so ``finish()`` is an atomic rename), written by a ``_Writer`` thread. At
    most one plaintext chunk is held (a full chunk is encrypted only when more data arrives, because
    the last chunk carries the authenticated final flag) and at most ``_Writer.QUEUE_CHUNKS``
    sealed chunks wait for the disk."""

    def __init__(self, *, chunk_size: int = CHUNK) -> None:
        self._key = _key()
        self._aes = AESGCM(self._key)
        self._file_nonce = os.urandom(8)
        self._header = MAGIC + self._file_nonce + struct.pack(">I", chunk_size)
        self._chunk_size = chunk_size
        self._buffer = bytearray(chunk_size)
        self._fill = 0
        self._index = 0
        self._digest = hashlib.sha256()
        self.size = 0
        now = timezone.now()
        self._relative = Path(f"{now:%Y}") / f"{now:%m}" / f"{uuid.uuid4().hex}.wrv"
        target = vault_root() / self._relative
        target.parent.mkdir(parents=True, exist_ok=True)
        self._target = target
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".sealing-")
        self._tmp: str | None = tmp
        self._out: IO[bytes] | None = os.fdopen(fd, "wb")
        self._out.write(self._header)
        self._writer = _Writer(self._out)
        self.result: Sealed | None = None

    def _seal_buffer(self, final: bool) -> None:
        assert self._out is not None
        plain = memoryview(self._buffer)[: self._fill]
        aad = _aad(self._header, self._index, final)
        self._writer.put(self._aes.encrypt(_nonce(self._file_nonce, self._index), plain, aad))
        self._index += 1
        self._fill = 0

    def feed(self, data: bytes | bytearray | memoryview) -> None:
        """Hash and (chunk by chunk) encrypt the next bytes of the file."""
        if self._out is None:
            raise VaultError("the sealer is closed")
        view = memoryview(data)
        self._digest.update(view)
        self.size += len(view)
        chunk_size = self._chunk_size
        while view:
            if self._fill == chunk_size:
                self._seal_buffer(final=False)  # more bytes follow: this chunk is not the last
            take = min(len(view), chunk_size - self._fill)
            self._buffer[self._fill : self._fill + take] = view[:take]
            self._fill += take
            view = view[take:]

    def finish(self) -> Sealed:
        """Seal the last chunk, flush to disk and move the file into place in the vault."""
        if self.result is not None:
            return self.result
        if self._out is None or self._tmp is None:
            raise VaultError("the sealer is closed")
        try:
            self._seal_buffer(final=True)
            self._writer.close()
            self._out.flush()
            os.fsync(self._out.fileno())
            self._out.close()
            self._out = None
            os.chmod(self._tmp, 0o400)
            os.replace(self._tmp, self._target)
            self._tmp = None
        except BaseException:
            self.abort()
            raise
        self.result = Sealed(
            str(self._relative),
            self._digest.hexdigest(),
            self.size,
            hashlib.sha256(self._key).hexdigest()[:16],
        )
        return self.result

    def abort(self) -> None:
        """Drop an unfinished file (an aborted or refused upload leaves nothing in the vault)."""
        with contextlib.suppress(BaseException):
            self._writer.close()
        if self._out is not None:
            self._out.close()
            self._out = None
        if self._tmp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._tmp)
            self._tmp = None

    def close(self) -> None:
        """Django's multipart parser closes its handlers' files on errors: unfinished means aborted."""
        if self.result is None:
            self.abort()


def seal_stream(stream: IO[bytes], *, chunk_size: int = CHUNK) -> Sealed:
    """Hash and encrypt ``stream`` into a new vault file. Returns its relative path, SHA-256 and size."""
    sealer = Sealer(chunk_size=chunk_size)
    try:
        while data := stream.read(chunk_size):
            sealer.feed(data)
        return sealer.finish()
    except BaseException:
        sealer.abort()
        raise


def sweep_unfinished(older_than_seconds: float = 24 * 3600) -> int:
    """Remove ``.sealing-*`` files left by a process that died while sealing (a killed worker
    cannot clean up after itself). Returns how many were removed."""
    import time

    cutoff = time.time() - older_than_seconds
    removed = 0
    for path in vault_root().glob("*/*/.sealing-*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed


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
