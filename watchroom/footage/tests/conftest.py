"""Fixtures for the footage tests: a vault and uploads in a temporary directory, a scanned letter,
and helpers to register and approve requests through the real services."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from watchroom.accounts.tests.factories import PASSWORD
from watchroom.approvals import services as approvals
from watchroom.footage import services

PDF = b"%PDF-1.4\n% introduction letter\n" + b"0" * 200


@pytest.fixture(autouse=True)
def _vault(settings: Any, tmp_path: Any) -> None:
    settings.EVIDENCE_VAULT_DIR = tmp_path / "vault"
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.WATCHROOM_VAULT_KEY = ""


def letter(name: str = "letter.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def ranges() -> list[tuple[Any, Any]]:
    end = timezone.now() - timedelta(hours=1)
    return [(end - timedelta(minutes=30), end)]


def register(actor: Any, camera: Any, **overrides: Any) -> Any:
    """A police copy request with its letter, unless overridden."""
    args: dict[str, Any] = {
        "actor": actor,
        "campus": camera.area.campus,
        "category": "police",
        "unit": "市公安局城东派出所",
        "names": "张警官、李警官",
        "id_numbers": "警号 012345、012346",
        "case_number": "城东刑(2026)123号",
        "purpose_code": "case",
        "purpose_text": "调查门诊大厅盗窃案",
        "access": "copy",
        "cameras": [camera],
        "ranges": ranges(),
        "letter": letter(),
    }
    args.update(overrides)
    return services.register_request(**args)


def approve_all(req: Any, *approvers: Any) -> Any:
    """Approve every level of the request's approval with the given people, in order."""
    req.refresh_from_db()
    for person in approvers:
        approvals.decide(
            req.approval, actor=person, decision="approved", reason="同意", password=PASSWORD, otp=""
        )
    req.refresh_from_db()
    return req


def clip(size: int = 3 * 1024 * 1024 + 17, name: str = "export.mp4") -> SimpleUploadedFile:
    data = random.Random(size).randbytes(size)
    return SimpleUploadedFile(name, data, content_type="video/mp4")


@pytest.fixture
def approved_copy(operator: Any, leader: Any, camera_a: Any) -> Any:
    return approve_all(register(operator, camera_a), leader)


@pytest.fixture
def exported(approved_copy: Any, operator: Any) -> Any:
    upload = clip()
    [evidence] = services.upload_evidence(approved_copy.pk, actor=operator, files=[upload])
    return evidence, upload
