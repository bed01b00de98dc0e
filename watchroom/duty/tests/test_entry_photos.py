"""Photos and snapshots on duty-log entries (DUTY-5): JPEG or PNG checked by content, at most 10 MB,
stored under the data directory, added while writing the entry and later until the shift is handed
over (then immutable), shown as thumbnails, served only within scope, every read audited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from watchroom.audit.models import AuditEvent
from watchroom.duty import services
from watchroom.duty.models import EntryPhoto, Shift
from watchroom.lib.errors import DomainError

from .helpers import at, last_event, operators, rota, shift, staff

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x01" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x02" * 64


def _png(name: str = "snap.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return Path(settings.MEDIA_ROOT)


def _files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def _on_duty(room: Any, director: Any) -> tuple[Shift, Any, Any]:
    ops = operators(room)
    rota(room, director, ops)
    night = shift(room, 10, "N")
    staff(night, director, ops[0], ops[1])
    with time_machine.travel(at(10, 19, 45), tick=False):
        services.sign_in(night, actor=ops[0])
    return night, ops[0], ops[1]


@pytest.mark.django_db
def test_it_stores_a_photo_written_with_the_entry(room_a: Any, director: Any, media: Path) -> None:
    night, op, _other = _on_duty(room_a, director)
    with time_machine.travel(at(10, 23), tick=False):
        entry = services.add_entry(
            night, actor=op, category="suspicious", description="有人徘徊", suspect_appearance="黑衣",
            photos=[_png(), SimpleUploadedFile("cam.jpg", JPEG)],
        )  # fmt: skip
    photos = list(entry.photos.order_by("id"))
    assert [p.content_type for p in photos] == ["image/png", "image/jpeg"]
    stored = Path(media) / photos[0].file.name
    assert stored.read_bytes() == PNG and str(stored).startswith(str(media))
    assert photos[0].file.name.startswith("duty/photos/")
    assert last_event("duty.photo_attached").changes["sha256"] == photos[1].sha256


@pytest.mark.django_db
def test_it_checks_the_content_not_the_name(room_a: Any, director: Any, media: Path) -> None:
    night, op, _other = _on_duty(room_a, director)
    cases = [
        (SimpleUploadedFile("fake.png", b"just text, not a picture"), "attachment_type"),
        (SimpleUploadedFile("letter.png", b"%PDF-1.4 ..."), "photo_type"),
        (SimpleUploadedFile("big.png", PNG + b"\x00" * (10 * 1024 * 1024)), "attachment_too_large"),
    ]
    with time_machine.travel(at(10, 23), tick=False):
        for upload, code in cases:
            with pytest.raises(DomainError) as exc:
                services.add_entry(night, actor=op, category="routine", description="正常", photos=[upload])
            assert exc.value.code == code
        # a refused entry leaves no file behind
        with pytest.raises(DomainError):
            services.add_entry(night, actor=op, category="routine", description=" ", photos=[_png()])
    assert not night.entries.exists() and not EntryPhoto.objects.exists()
    assert _files(media) == []


@pytest.mark.django_db
def test_photos_are_added_until_the_handover_then_final(room_a: Any, director: Any, media: Path) -> None:
    night, op, other = _on_duty(room_a, director)
    with time_machine.travel(at(10, 23), tick=False):
        entry = services.add_entry(night, actor=op, category="abnormal", description="门禁异常")
    with time_machine.travel(at(11, 1), tick=False):
        services.attach_photo(entry, actor=op, upload=_png(), caption="门禁")
        with pytest.raises(DomainError) as exc:  # on the rota but not signed in
            services.attach_photo(entry, actor=other, upload=_png())
        assert exc.value.code == "not_on_duty"
    Shift.objects.filter(pk=night.pk).update(state="handed_over")
    with time_machine.travel(at(11, 9), tick=False), pytest.raises(DomainError) as exc:
        services.attach_photo(entry, actor=op, upload=_png())
    assert exc.value.code == "entry_final"
    assert "已交接" in str(exc.value.message)
    assert [p.caption for p in entry.photos.all()] == ["门禁"]
    assert len(_files(media)) == 1


@pytest.mark.django_db
def test_photos_are_served_in_scope_and_each_read_audited(
    room_a: Any, director: Any, media: Path, login: Any, outsider: Any, api: Any
) -> None:
    night, op, _other = _on_duty(room_a, director)
    with time_machine.travel(at(10, 23), tick=True):
        client = login(op)
        response = client.post(
            f"/duty/shifts/{night.pk}/entries/new/",
            {"category": "routine", "description": "巡视正常", "photo": _png()},
        )
        assert response.status_code == 302, response.content
        entry = night.entries.get()
        photo = entry.photos.get()
        page = client.get(night.get_absolute_url())
        assert (
            b'data-testid="photos"' in page.content and f"/duty/photos/{photo.pk}/".encode() in page.content
        )
        reads = AuditEvent.objects.filter(action="duty.photo_read").count()
        content = client.get(f"/duty/photos/{photo.pk}/")
        assert content.status_code == 200 and b"".join(content.streaming_content) == PNG
        assert content["Content-Type"] == "image/png" and content["X-Content-Type-Options"] == "nosniff"
        assert AuditEvent.objects.filter(action="duty.photo_read").count() == reads + 1
        assert login(outsider).get(f"/duty/photos/{photo.pk}/").status_code == 404
        assert login(director).get(f"/duty/log/?room={room_a.pk}").status_code == 200
        added = client.post(f"/duty/entries/{entry.pk}/photos/", {"photo": _png("second.png")})
        assert added.status_code == 302 and entry.photos.count() == 2
        uploaded = api(op).post(
            f"/api/v1/duty/entries/{entry.pk}/photos/", {"photo": _png("api.png")}, format="multipart"
        )
        assert uploaded.status_code == 201, uploaded.content
        listed = api(director).get(f"/api/v1/duty/entries/{entry.pk}/photos/")
        assert listed.status_code == 200 and len(listed.json()) == 3
        refused = api(op).post(f"/api/v1/duty/entries/{entry.pk}/photos/", {}, format="multipart")
        assert refused.status_code == 400 and refused.json()["code"] == "photo_required"
