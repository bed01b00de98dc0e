"""The evidence vault: identical archive copy, encrypted at rest, alteration detected (DATA-8, DATA-11)."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest

from watchroom.audit.models import AuditEvent
from watchroom.footage import services, vault
from watchroom.footage.models import CustodyEntry, FootageRequest
from watchroom.lib.errors import InvalidTransition

from .conftest import clip, register


def test_the_archive_copy_is_byte_identical_after_decryption(
    exported: Any, operator: Any, director: Any
) -> None:
    evidence, upload = exported
    upload.seek(0)
    original = upload.read()
    assert evidence.sha256 == hashlib.sha256(original).hexdigest()
    assert evidence.size == len(original)
    assert b"".join(services.open_evidence(evidence.pk, actor=director)) == original
    assert evidence.request.status == FootageRequest.Status.EXPORTED
    assert AuditEvent.objects.filter(action="footage.evidence_stored", outcome="success").exists()


def test_the_file_on_disk_is_not_the_plaintext(exported: Any) -> None:
    evidence, upload = exported
    upload.seek(0)
    original = upload.read()
    stored = vault.raw_path(evidence.vault_path).read_bytes()
    assert original[:4096] not in stored
    assert original[-1024:] not in stored
    assert stored.startswith(b"WRV1")


def test_an_altered_vault_file_is_detected(exported: Any, director: Any) -> None:
    evidence, _upload = exported
    assert services.verify_evidence(evidence.pk, actor=director) is True
    path = vault.raw_path(evidence.vault_path)
    path.chmod(0o600)
    data = bytearray(path.read_bytes())
    data[2_000_000] ^= 0x01
    path.write_bytes(bytes(data))
    assert services.verify_evidence(evidence.pk, actor=director) is False
    evidence.refresh_from_db()
    assert evidence.last_verified_ok is False
    assert AuditEvent.objects.filter(action="footage.evidence_verified", outcome="failure").exists()
    assert evidence.custody.filter(action="verified", outcome="failure").exists()


def test_a_truncated_vault_file_is_detected(exported: Any, director: Any) -> None:
    evidence, _upload = exported
    path = vault.raw_path(evidence.vault_path)
    path.chmod(0o600)
    data = path.read_bytes()
    block = vault.CHUNK + vault.TAG
    path.write_bytes(data[: vault.HEADER_LEN + 2 * block])  # drop the last chunk at a boundary
    assert services.verify_evidence(evidence.pk, actor=director) is False


def test_reordered_chunks_are_detected(settings: Any, tmp_path: Any) -> None:
    sealed = vault.seal_stream(io.BytesIO(b"a" * 100 + b"b" * 100), chunk_size=64)
    path = vault.raw_path(sealed.path)
    path.chmod(0o600)
    data = path.read_bytes()
    head, body = data[: vault.HEADER_LEN], data[vault.HEADER_LEN :]
    blocks = [body[i : i + 80] for i in range(0, len(body), 80)]
    blocks[0], blocks[1] = blocks[1], blocks[0]
    path.write_bytes(head + b"".join(blocks))
    with pytest.raises(vault.VaultError):
        vault.verify(sealed.path)


@pytest.mark.parametrize("size", [0, 1, vault.CHUNK - 1, vault.CHUNK, vault.CHUNK + 1, 2 * vault.CHUNK])
def test_chunk_boundaries_round_trip(size: int) -> None:
    data = bytes(i % 256 for i in range(size))
    sealed = vault.seal_stream(io.BytesIO(data))
    assert sealed.sha256 == hashlib.sha256(data).hexdigest()
    assert b"".join(vault.open_chunks(sealed.path)) == data


def test_uploads_need_an_approved_copy_request(operator: Any, camera_a: Any) -> None:
    req = register(operator, camera_a)
    with pytest.raises(InvalidTransition) as exc:
        services.upload_evidence(req.pk, actor=operator, files=[clip(1000)])
    assert exc.value.code == "not_approved"
    assert not list(vault.vault_root().rglob("*.wrv"))


def test_the_archive_copy_is_put_under_hold(exported: Any) -> None:
    evidence, _upload = exported
    assert services.holds_covering(evidence)
    assert evidence.custody.filter(action=CustodyEntry.Action.HELD).exists()
    assert AuditEvent.objects.filter(action="footage.hold_placed").exists()
