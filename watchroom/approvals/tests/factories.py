"""Test helpers: requests filed through the real service."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile

from watchroom.approvals import services

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 32


def pdf(name: str = "letter.pdf", content: bytes = PDF) -> ContentFile:
    return ContentFile(content, name=name)


def file_request(
    requester: Any,
    *,
    kind: str = "general",
    campus: Any = None,
    title: str = "调阅申请",
    reason: str = "工作需要",
    **kwargs: Any,
) -> Any:
    return services.submit_request(kind, actor=requester, title=title, reason=reason, campus=campus, **kwargs)
