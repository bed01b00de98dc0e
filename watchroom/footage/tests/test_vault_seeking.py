"""Seeking in the browser player (DATA-7, DATA-8): HTTP Range on the vault view answers 206 with the
right bytes, decrypting only the chunks needed; an unsatisfiable range is 416; custody is one
"viewed" entry per 30-minute viewing session, not one per range."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from watchroom.audit.models import AuditEvent
from watchroom.footage import services, vault
from watchroom.footage.models import CustodyEntry
from watchroom.footage.ranges import ByteRange, Unsatisfiable, parse_range
from watchroom.lib.errors import PermissionRefused

MIB = vault.CHUNK


def _plain(upload: Any) -> bytes:
    upload.seek(0)
    return bytes(upload.read())


def _get(client: Any, evidence: Any, header: str) -> Any:
    return client.get(reverse("footage:evidence_view", args=[evidence.pk]), HTTP_RANGE=header)


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-99", 0, 99),  # the start
        (f"bytes={MIB - 10}-{MIB + 9}", MIB - 10, MIB + 9),  # the middle, across a chunk boundary
        (f"bytes={2 * MIB}-", 2 * MIB, None),  # from a chunk boundary to the end
        ("bytes=-17", -17, None),  # suffix: the last 17 bytes (the short final chunk)
        ("bytes=-5000000", 0, None),  # a suffix longer than the file: all of it
        ("bytes=100-999999999", 100, None),  # an end past the file is cut to the file
    ],
)
def test_a_range_answers_206_with_the_plaintexts_bytes(
    exported: Any, director: Any, login: Any, header: str, start: int, end: int | None
) -> None:
    evidence, upload = exported
    plain = _plain(upload)
    response = _get(login(director), evidence, header)
    assert response.status_code == 206
    body = b"".join(response.streaming_content)
    first = start if start >= 0 else len(plain) + start
    last = end if end is not None else len(plain) - 1
    assert body == plain[first : last + 1]
    assert response["Content-Range"] == f"bytes {first}-{last}/{len(plain)}"
    assert response["Content-Length"] == str(last - first + 1)
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "video/mp4"


@pytest.mark.parametrize("header", ["bytes=99999999-", "bytes=500-100", "bytes=-0", "bytes=abc", "bytes=-"])
def test_an_unsatisfiable_range_is_416(exported: Any, director: Any, login: Any, header: str) -> None:
    evidence, _upload = exported
    response = _get(login(director), evidence, header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{evidence.size}"
    assert not evidence.custody.filter(action=CustodyEntry.Action.VIEWED).exists()


def test_without_a_range_the_whole_file_says_it_accepts_ranges(
    exported: Any, director: Any, login: Any
) -> None:
    evidence, upload = exported
    response = login(director).get(reverse("footage:evidence_view", args=[evidence.pk]))
    assert response.status_code == 200 and response["Accept-Ranges"] == "bytes"
    assert b"".join(response.streaming_content) == _plain(upload)


def test_only_the_chunks_needed_are_decrypted(exported: Any, monkeypatch: Any) -> None:
    evidence, upload = exported
    calls: list[int] = []
    real = vault.AESGCM.decrypt

    def counting(self: Any, nonce: bytes, data: bytes, aad: bytes) -> bytes:
        calls.append(int.from_bytes(nonce[-4:], "big"))
        return real(self, nonce, data, aad)

    monkeypatch.setattr(vault.AESGCM, "decrypt", counting)
    body = b"".join(vault.open_range(evidence.vault_path, 2 * MIB + 5, 2 * MIB + 10))
    assert body == _plain(upload)[2 * MIB + 5 : 2 * MIB + 11]
    assert calls == [2]


def test_an_altered_chunk_is_detected_on_a_range_read(exported: Any) -> None:
    evidence, _upload = exported
    path = vault.raw_path(evidence.vault_path)
    path.chmod(0o600)
    data = bytearray(path.read_bytes())
    data[vault.HEADER_LEN + MIB + 16 + 100] ^= 1  # inside chunk 1
    path.write_bytes(bytes(data))
    assert b"".join(vault.open_range(evidence.vault_path, 0, 99))  # chunk 0 is intact
    with pytest.raises(vault.VaultError):
        b"".join(vault.open_range(evidence.vault_path, MIB, MIB + 99))


def test_a_viewing_session_is_one_custody_entry(exported: Any, director: Any, login: Any) -> None:
    evidence, _upload = exported
    client = login(director)
    for header in ("bytes=0-", "bytes=1000-2000", f"bytes={MIB}-", "bytes=-100"):
        assert _get(client, evidence, header).status_code == 206
    entries = evidence.custody.filter(action=CustodyEntry.Action.VIEWED)
    assert entries.count() == 1 and entries.get().actor == director
    assert (
        AuditEvent.objects.filter(action="footage.evidence_viewed", target_id=str(evidence.pk)).count() == 1
    )
    start = timezone.now()
    for minutes in (10, 20):  # still the same viewing (and the sign-in stays active)
        with time_machine.travel(start + timedelta(minutes=minutes)):
            assert _get(client, evidence, "bytes=0-10").status_code == 206
    assert evidence.custody.filter(action=CustodyEntry.Action.VIEWED).count() == 1
    with time_machine.travel(start + timedelta(minutes=31)):
        assert _get(client, evidence, "bytes=0-10").status_code == 206
    assert evidence.custody.filter(action=CustodyEntry.Action.VIEWED).count() == 2


def test_every_range_read_checks_the_approval(exported: Any, director: Any) -> None:
    evidence, _upload = exported
    b"".join(services.open_evidence_range(evidence.pk, actor=director, start=0, end=10))
    later = evidence.request.valid_until + timedelta(minutes=1)
    with time_machine.travel(later), pytest.raises(PermissionRefused) as exc:
        services.open_evidence_range(evidence.pk, actor=director, start=0, end=10)
    assert exc.value.code == "approval_invalid"


def test_the_api_view_honours_ranges(exported: Any, director: Any, api: Any) -> None:
    evidence, upload = exported
    client = api(director)
    url = f"/api/v1/footage/evidence/{evidence.pk}/view/"
    response = client.get(url, HTTP_RANGE=f"bytes={MIB - 1}-{MIB}")
    assert (
        response.status_code == 206 and response["Content-Range"] == f"bytes {MIB - 1}-{MIB}/{evidence.size}"
    )
    assert b"".join(response.streaming_content) == _plain(upload)[MIB - 1 : MIB + 1]
    assert client.get(url, HTTP_RANGE="bytes=99999999-").status_code == 416


def test_the_range_parser() -> None:
    assert parse_range("", 10) is None
    assert parse_range("items=0-1", 10) is None
    assert parse_range("bytes=0-1,4-5", 10) is None  # several ranges: the whole file
    assert parse_range("bytes=2-", 10) == ByteRange(2, 9)
    assert parse_range("bytes=-3", 10) == ByteRange(7, 9)
    with pytest.raises(Unsatisfiable):
        parse_range("bytes=10-", 10)
