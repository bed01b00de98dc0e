"""Export upload in one pass (DATA-8, DATA-11): the export-upload page and API hash and encrypt the
files while Django receives them (``uploads.SealingUploadHandler``), the service records the sealed
file without reading it again, and nothing stays in the vault from an upload that failed, was cut
off, was refused or was too large."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadhandler import StopUpload
from django.http.multipartparser import MultiPartParser
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from watchroom.audit.models import AuditEvent
from watchroom.footage import services, uploads, vault
from watchroom.footage.models import EvidenceFile, FootageRequest

from .conftest import approve_all, clip, letter, register

BOUNDARY = "----watchroom-test-boundary"


def _vault_files() -> list[Path]:
    root = Path(settings.EVIDENCE_VAULT_DIR)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _no_second_pass(monkeypatch: Any) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the upload was read a second time")

    monkeypatch.setattr(vault, "seal_stream", refuse)


def _multipart(
    data: bytes, *, name: str = "files", filename: str = "export.mp4", close: bool = True
) -> bytes:
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    return head + data + (f"\r\n--{BOUNDARY}--\r\n".encode() if close else b"")


def _csrf_token(client: Client, req: FootageRequest) -> str:
    page = client.get(reverse("footage:request_detail", args=[req.pk])).content.decode()
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, "the request page has a form with a CSRF token"
    return match.group(1)


def test_the_page_seals_while_receiving_and_the_copy_is_byte_identical(
    approved_copy: Any, operator: Any, director: Any, monkeypatch: Any
) -> None:
    upload = clip(5 * 1024 * 1024 + 3)
    original = upload.read()
    client = Client(enforce_csrf_checks=True)  # the real CSRF path: it reads POST
    client.force_login(operator)
    token = _csrf_token(client, approved_copy)
    _no_second_pass(monkeypatch)
    response = client.post(
        reverse("footage:evidence_upload", args=[approved_copy.pk]),
        {"files": io.BytesIO(original), "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    evidence = EvidenceFile.objects.get(request=approved_copy)
    assert evidence.sha256 == hashlib.sha256(original).hexdigest() and evidence.size == len(original)
    assert b"".join(services.open_evidence(evidence.pk, actor=director)) == original
    assert original[:4096] not in vault.raw_path(evidence.vault_path).read_bytes()
    assert _vault_files() == [vault.raw_path(evidence.vault_path)]  # no temporary file left beside it
    assert AuditEvent.objects.filter(action="footage.evidence_stored").count() == 1
    assert evidence.custody.filter(action="stored").exists()


def test_the_api_seals_while_receiving(
    approved_copy: Any, operator: Any, director: Any, monkeypatch: Any
) -> None:
    original = clip(2 * 1024 * 1024).read()
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(operator)  # session authentication: DRF's CSRF check reads POST
    token = _csrf_token(api, approved_copy)
    _no_second_pass(monkeypatch)
    response = api.post(
        f"/api/v1/footage/requests/{approved_copy.pk}/upload/",
        data=_multipart(original),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 201, response.content
    [item] = response.json()
    assert item["sha256"] == hashlib.sha256(original).hexdigest()
    evidence = EvidenceFile.objects.get(pk=item["id"])
    assert b"".join(services.open_evidence(evidence.pk, actor=director)) == original
    assert len(_vault_files()) == 1


def test_several_files_in_one_upload(approved_copy: Any, operator: Any) -> None:
    client = Client()
    client.force_login(operator)
    parts = [clip(1024 * 1024, name=f"part{i}.mp4") for i in range(3)]
    response = client.post(reverse("footage:evidence_upload", args=[approved_copy.pk]), {"files": parts})
    assert response.status_code == 302
    stored = EvidenceFile.objects.filter(request=approved_copy).order_by("original_name")
    assert [e.original_name for e in stored] == ["part0.mp4", "part1.mp4", "part2.mp4"]
    assert len(_vault_files()) == 3


def test_a_missing_csrf_token_is_refused_and_leaves_nothing(approved_copy: Any, operator: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(operator)
    response = client.post(reverse("footage:evidence_upload", args=[approved_copy.pk]), {"files": clip()})
    assert response.status_code == 403
    assert not EvidenceFile.objects.exists()
    assert _vault_files() == []


def test_an_upload_the_service_refuses_leaves_nothing(operator: Any, leader: Any, camera_a: Any) -> None:
    viewing = approve_all(register(operator, camera_a, access="view", letter=letter()), leader)
    client = Client()
    client.force_login(operator)
    response = client.post(reverse("footage:evidence_upload", args=[viewing.pk]), {"files": clip()})
    assert response.status_code == 302
    assert not EvidenceFile.objects.exists()
    assert _vault_files() == []


def test_an_upload_cut_off_mid_file_leaves_nothing(approved_copy: Any, operator: Any) -> None:
    client = Client()
    client.force_login(operator)
    body = _multipart(clip(3 * 1024 * 1024).read(), close=False)  # the client went away
    response = client.post(
        reverse("footage:evidence_upload", args=[approved_copy.pk]),
        data=body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )
    assert response.status_code == 302
    assert not EvidenceFile.objects.exists()
    assert _vault_files() == []


def test_a_failure_while_sealing_leaves_nothing(approved_copy: Any, operator: Any, monkeypatch: Any) -> None:
    fed = {"n": 0}
    feed = vault.Sealer.feed

    def failing_feed(self: vault.Sealer, data: Any) -> None:
        fed["n"] += 1
        if fed["n"] == 3:
            raise OSError(28, "No space left on device")
        feed(self, data)

    monkeypatch.setattr(vault.Sealer, "feed", failing_feed)
    client = Client(raise_request_exception=True)
    client.force_login(operator)
    with pytest.raises(OSError):
        client.post(
            reverse("footage:evidence_upload", args=[approved_copy.pk]), {"files": clip(5 * 1024 * 1024)}
        )
    assert not EvidenceFile.objects.exists()
    assert _vault_files() == []


def test_a_database_failure_after_sealing_leaves_nothing(
    approved_copy: Any, operator: Any, monkeypatch: Any
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_custody", broken)
    client = Client(raise_request_exception=True)
    client.force_login(operator)
    with pytest.raises(RuntimeError):
        client.post(reverse("footage:evidence_upload", args=[approved_copy.pk]), {"files": clip()})
    assert not EvidenceFile.objects.exists()
    assert _vault_files() == []


def test_a_too_large_upload_is_refused_before_it_is_read(
    approved_copy: Any, operator: Any, settings: Any
) -> None:
    settings.FOOTAGE_MAX_EXPORT_BYTES = 1024 * 1024
    client = Client(enforce_csrf_checks=True)  # the token is in the body, which is not read
    client.force_login(operator)
    token = _csrf_token(client, approved_copy)
    response = client.post(
        reverse("footage:evidence_upload", args=[approved_copy.pk]),
        {"files": clip(2 * 1024 * 1024), "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert any("MB" in str(m) for m in response.wsgi_request._messages)
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(operator)
    token = _csrf_token(api, approved_copy)
    response = api.post(
        f"/api/v1/footage/requests/{approved_copy.pk}/upload/",
        data=_multipart(clip(2 * 1024 * 1024).read()),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 413 and response.json()["code"] == "export_too_large"
    token_api = APIClient()
    token_api.force_authenticate(operator)
    response = token_api.post(
        f"/api/v1/footage/requests/{approved_copy.pk}/upload/",
        data=_multipart(clip(2 * 1024 * 1024).read()),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )
    assert response.status_code == 413 and response.json()["code"] == "export_too_large"
    assert not EvidenceFile.objects.exists()
    assert _vault_files() == []


def test_the_handler_stops_reading_when_the_bytes_exceed_the_limit() -> None:
    handler = uploads.SealingUploadHandler(max_bytes=100)
    handler.new_file("files", "export.mp4", "video/mp4", None)
    handler.receive_data_chunk(b"x" * 60, 0)
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"x" * 60, 60)
    assert handler.error is not None and handler.error.code == "export_too_large"
    assert _vault_files() == []


def test_the_old_path_still_refuses_a_too_large_file(
    approved_copy: Any, operator: Any, settings: Any
) -> None:
    settings.FOOTAGE_MAX_EXPORT_BYTES = 1024
    with pytest.raises(services.ExportTooLarge):
        services.upload_evidence(approved_copy.pk, actor=operator, files=[clip(4096)])
    assert _vault_files() == []


def test_other_file_fields_are_not_sealed(approved_copy: Any, operator: Any) -> None:
    handler = uploads.SealingUploadHandler()
    body = _multipart(b"not an export", name="other") + b""
    parser = MultiPartParser(
        {"CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}", "CONTENT_LENGTH": str(len(body))},
        io.BytesIO(body),
        [handler],
    )
    _post, files = parser.parse()
    assert not files and _vault_files() == []


def test_the_handler_is_only_on_the_export_upload_views(
    approved_copy: Any, operator: Any, director: Any, monkeypatch: Any
) -> None:
    installed: list[str] = []
    install = uploads.install

    def spy(request: Any, **kwargs: Any) -> Any:
        installed.append(request.path)
        return install(request, **kwargs)

    monkeypatch.setattr(uploads, "install", spy)
    client = Client()
    client.force_login(operator)
    client.post(reverse("footage:document_add", args=[approved_copy.pk]), {"kind": "other", "file": letter()})
    client.force_login(director)
    client.post(reverse("footage:hash_lookup"), {"file": clip(1000)})
    api = APIClient()
    api.force_authenticate(operator)
    api.post(
        f"/api/v1/footage/requests/{approved_copy.pk}/documents/",
        {"kind": "other", "file": letter()},
        format="multipart",
    )
    assert installed == []
    client.force_login(operator)
    client.post(reverse("footage:evidence_upload", args=[approved_copy.pk]), {"files": clip(1000)})
    api.post(
        f"/api/v1/footage/requests/{approved_copy.pk}/upload/", {"files": clip(1000)}, format="multipart"
    )
    assert installed == [
        reverse("footage:evidence_upload", args=[approved_copy.pk]),
        f"/api/v1/footage/requests/{approved_copy.pk}/upload/",
    ]
    assert EvidenceFile.objects.filter(request=approved_copy).count() == 2


def test_the_incremental_sealer_writes_the_stream_format(tmp_path: Any) -> None:
    """Fed in odd pieces, the sealer writes what ``seal_stream`` writes: both decrypt the same,
    including the edge sizes (empty, exactly one chunk, one chunk and a byte)."""
    for size in (0, 1, vault.CHUNK - 1, vault.CHUNK, vault.CHUNK + 1, 3 * vault.CHUNK):
        data = bytes(range(256)) * (size // 256) + bytes(size % 256)
        sealer = vault.Sealer()
        for i in range(0, len(data), 65_537):
            sealer.feed(data[i : i + 65_537])
        fed = sealer.finish()
        streamed = vault.seal_stream(io.BytesIO(data))
        assert (
            (fed.sha256, fed.size)
            == (streamed.sha256, streamed.size)
            == (hashlib.sha256(data).hexdigest(), size)
        )
        assert b"".join(vault.open_chunks(fed.path)) == data
        assert vault.raw_path(fed.path).stat().st_size == vault.raw_path(streamed.path).stat().st_size
    aborted = vault.Sealer()
    aborted.feed(b"partial")
    aborted.abort()
    assert not list(Path(settings.EVIDENCE_VAULT_DIR).rglob(".sealing-*"))


def test_unfinished_seals_of_a_dead_process_are_swept() -> None:
    sealer = vault.Sealer()
    sealer.feed(b"x" * 10)  # never finished: the worker was killed
    assert vault.sweep_unfinished(older_than_seconds=3600) == 0
    assert vault.sweep_unfinished(older_than_seconds=-1) == 1
    assert not list(Path(settings.EVIDENCE_VAULT_DIR).rglob(".sealing-*"))
