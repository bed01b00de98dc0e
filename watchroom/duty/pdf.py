"""The archived handover packet as a Chinese PDF (DUTY-8), with reportlab's built-in CID font
STSong-Light, so no font file is needed on the server."""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone, translation

from . import handover_sections

FONT = "STSong-Light"


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _t(dt: Any) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M:%S") if dt else "—"


def handover_pdf(handover: Any) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    _register_font()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13)
    head = ParagraphStyle("head", fontName=FONT, fontSize=15, leading=20, spaceAfter=6)
    sub = ParagraphStyle("sub", fontName=FONT, fontSize=11, leading=15, spaceBefore=6, spaceAfter=3)
    out, inc = handover.outgoing, handover.incoming
    story: list[Any] = []
    with translation.override("zh-hans"):
        story.append(Paragraph(f"交接班记录　{out.room.name}", head))
        story.append(
            Paragraph(
                f"交班：{out.date:%Y-%m-%d} {out.template.name}（{_t(out.starts_at)} – {_t(out.ends_at)}）"
                f"<br/>接班：{inc.date:%Y-%m-%d} {inc.template.name}（{_t(inc.starts_at)} – {_t(inc.ends_at)}）",
                body,
            )
        )
        people = []
        for label, shift in (("交班人", out), ("接班人", inc)):
            names = "、".join(
                f"{a.person.real_name or a.person.username}（{a.get_post_display()}，签到 {_t(a.signed_in_at)}）"
                for a in shift.assignments.select_related("person")
            )
            people.append(f"{label}：{names}")
        story.append(Paragraph("<br/>".join(people), body))
        current = None
        rows: list[list[Any]] = []
        for item in handover.items.select_related("acknowledged_by").order_by("order", "id"):
            if item.section != current:
                if rows:
                    story.append(_table(rows, body, mm))
                    rows = []
                current = item.section
                story.append(
                    Paragraph(
                        handover_sections.title_of(item.section) if item.section != "notes" else "备注", sub
                    )
                )
            who = (
                item.acknowledged_by.real_name or item.acknowledged_by.username
                if item.acknowledged_by
                else "—"
            )
            rows.append(
                [
                    Paragraph(_esc(item.title), body),
                    Paragraph(_esc(item.detail or item.note), body),
                    Paragraph(f"{who}<br/>{_t(item.acknowledged_at)}", body),
                ]
            )
        if rows:
            story.append(_table(rows, body, mm))
        story.append(Spacer(1, 6 * mm))
        for label, sig in (
            ("交班签名", handover.outgoing_signature),
            ("接班签名", handover.incoming_signature),
        ):
            if sig:
                story.append(
                    Paragraph(
                        f"{label}：{sig.printed_name}（{sig.role_label}）{_t(sig.signed_at)}　内容 SHA-256：{sig.content_sha256}",
                        body,
                    )
                )
        story.append(Paragraph(f"责任交接时刻：{_t(handover.responsibility_passed_at)}", body))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"handover-{handover.pk}",
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        invariant=1,
    )
    doc.build(story)
    return buffer.getvalue()


def _esc(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table(rows: list[list[Any]], style: Any, mm: float) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table(rows, colWidths=[95 * mm, 50 * mm, 35 * mm])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table
