"""Export uploads sealed while they arrive (DATA-8, DATA-11): one pass over the bytes.

Django's default upload handlers write a large upload to a temporary file, and the vault then read
it again to hash and encrypt it. ``SealingUploadHandler`` feeds each chunk the multipart parser
hands it straight to a ``vault.Sealer`` (SHA-256 of the plaintext + AES-256-GCM), so the only file
written is the vault's own ciphertext. It is installed only on the export-upload views (the page
and the API action) with ``install()``, before anything reads ``request.POST``/``request.FILES``.

``request.FILES["files"]`` then holds ``SealedUpload`` objects: the file is already in the vault,
``services.upload_evidence`` records it without a second pass and ``claim()``s it. Whatever is
not claimed by the end of the request — the service refused, the form was invalid, the client
went away mid-file, the upload was too large — is removed from the vault (``discard()``, also
run by Django when it closes the request's files), so a failed upload leaves nothing behind.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload
from django.http import HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict

from watchroom.lib.errors import DomainError

from . import vault

# The multipart parser reads the body in the smallest chunk size of its handlers (64 KiB by
# default). Larger reads cut the parser's per-chunk work; see docs/benchmarks.md for the figures.
DEFAULT_CHUNK = 1024 * 1024


class SealedUpload(UploadedFile):
    """An uploaded file already hashed and encrypted into the vault; its plaintext is not kept."""

    def __init__(self, sealed: vault.Sealed, *, name: str, content_type: str, charset: str | None) -> None:
        super().__init__(file=None, name=name, content_type=content_type, size=sealed.size, charset=charset)
        self.sealed = sealed
        self.claimed = False

    def claim(self) -> vault.Sealed:
        """The service recorded the file: it is no longer removed when the request ends."""
        self.claimed = True
        return self.sealed

    def discard(self) -> None:
        if not self.claimed:
            vault.destroy(self.sealed.path)
            self.claimed = True  # nothing left to remove

    def close(self) -> None:  # called by Django at the end of the request
        self.discard()

    def read(self, *args: Any, **kwargs: Any) -> bytes:
        raise OSError("a sealed upload cannot be read; its plaintext was not kept")

    def seek(self, *args: Any, **kwargs: Any) -> int:
        raise OSError("a sealed upload cannot be read; its plaintext was not kept")

    def __repr__(self) -> str:
        return f"<SealedUpload: {self.name} ({self.size} bytes, sha256 {self.sealed.sha256[:12]}…)>"


class SealingUploadHandler(FileUploadHandler):
    """Seal the file parts of ``field_name`` into the vault as they arrive; other file parts are
    skipped. Refuses (``error``) an upload over ``max_bytes`` without reading the rest of it."""

    # the part being sealed; set only once there is one, because Django's parser calls
    # ``handler.file.close()`` on errors for every handler that has the attribute
    file: vault.Sealer

    def __init__(
        self,
        request: HttpRequest | None = None,
        *,
        field_name: str = "files",
        chunk_size: int | None = None,
        max_bytes: int | None = None,
    ) -> None:
        super().__init__(request)
        self.sealed_field = field_name  # (``field_name`` is the current part's, set by new_file)
        configured: int = getattr(settings, "FOOTAGE_UPLOAD_CHUNK_SIZE", DEFAULT_CHUNK)
        self.chunk_size = chunk_size or configured
        self.max_bytes = max_bytes
        self.received = 0
        self.uploads: list[SealedUpload] = []
        self.error: DomainError | None = None

    def _refuse(self, error: DomainError) -> None:
        self.error = error
        self.discard()
        raise StopUpload(connection_reset=True)  # stop reading the body: the rest is not wanted

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: Any = None
    ) -> tuple[QueryDict, MultiValueDict] | None:
        """Refuse a body announced as too large before reading any of it (nothing parsed)."""
        from .services import check_export_size

        try:
            check_export_size(content_length, self.max_bytes)
        except DomainError as exc:
            self.error = exc
            return QueryDict(), MultiValueDict()
        return None

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        if field_name != self.sealed_field:
            raise SkipFile
        self.file = vault.Sealer()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        from .services import check_export_size

        self.received += len(raw_data)
        try:
            check_export_size(self.received, self.max_bytes)
        except DomainError as exc:
            self._refuse(exc)
        self.file.feed(raw_data)
        return None

    def file_complete(self, file_size: int) -> SealedUpload | None:
        if getattr(self, "file", None) is None:
            return None
        sealed = self.file.finish()
        upload = SealedUpload(
            sealed,
            name=self.file_name or "export",
            content_type=self.content_type or "",
            charset=self.charset,
        )
        self.uploads.append(upload)
        return upload

    def upload_interrupted(self) -> None:
        """The body ended in the middle of a file (the client went away)."""
        self.discard()

    def discard(self) -> None:
        """Remove everything this handler put in the vault that no service claimed."""
        if getattr(self, "file", None) is not None:
            self.file.close()
        for upload in self.uploads:
            upload.discard()


def install(request: HttpRequest, *, field_name: str = "files") -> SealingUploadHandler:
    """Make ``request``'s multipart files of ``field_name`` seal into the vault as they arrive. Must
    run before anything reads ``request.POST`` or ``request.FILES`` (CSRF included)."""
    handler = SealingUploadHandler(request, field_name=field_name)
    request.upload_handlers = [handler]
    return handler
