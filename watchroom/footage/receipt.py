"""The release receipt (调取/拷贝视频资料移交回执) as a Chinese PDF, using reportlab's built-in CID
font STSong-Light (no font files needed). Lists files, sizes and SHA-256, cameras, periods, the
approval with its signers, and the recipient's identity."""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _fmt(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def build_pdf(release: Any) -> bytes:
    req = release.request
    font = _font()
    with translation.override("zh-hans"):
        body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=13)
        head = ParagraphStyle("head", fontName=font, fontSize=15, leading=20, alignment=1)
        mono = ParagraphStyle("mono", fontName="Courier", fontSize=7, leading=9)
        story: list[Any] = [Paragraph(_("Receipt for released footage"), head), Spacer(1, 4 * mm)]
        rows = [
            [_("Request"), req.number, _("Case number"), req.case_number or "—"],
            [_("Requester"), f"{req.get_category_display()} {req.unit}", _("Names"), req.names],
            [_("Purpose"), req.get_purpose_code_display(), _("Registered"), _fmt(req.created_at)],
        ]
        cams = "；".join(f"{c.number} {c.name}" for c in req.cameras.order_by("number"))
        ranges = "；".join(f"{_fmt(r.start)} – {_fmt(r.end)}" for r in req.ranges.all())
        table = Table(
            [[Paragraph(str(c), body) for c in row] for row in rows]
            + [
                [Paragraph(_("Cameras"), body), Paragraph(cams, body), "", ""],
                [Paragraph(_("Periods"), body), Paragraph(ranges, body), "", ""],
            ],
            colWidths=[24 * mm, 62 * mm, 24 * mm, 62 * mm],
        )
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, "#888888"),
                    ("SPAN", (1, 3), (3, 3)),
                    ("SPAN", (1, 4), (3, 4)),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story += [table, Spacer(1, 4 * mm), Paragraph(_("Files"), body)]
        files = [[Paragraph(_("File"), body), Paragraph(_("Size (bytes)"), body), Paragraph("SHA-256", body)]]
        for e in req.evidence.filter(status="stored").order_by("id"):
            files.append(
                [Paragraph(e.original_name, body), Paragraph(str(e.size), body), Paragraph(e.sha256, mono)]
            )
        ftable = Table(files, colWidths=[50 * mm, 25 * mm, 97 * mm])
        ftable.setStyle(
            TableStyle([("GRID", (0, 0), (-1, -1), 0.4, "#888888"), ("VALIGN", (0, 0), (-1, -1), "TOP")])
        )
        story += [ftable, Spacer(1, 4 * mm)]
        approval = req.approval
        if approval is not None:
            story.append(Paragraph(_("Approval #%(pk)s") % {"pk": approval.pk}, body))
            for step in approval.steps.select_related("decided_by", "signature"):
                story.append(
                    Paragraph(
                        _("%(role)s %(name)s approved electronically at %(at)s, signature SHA-256 %(sha)s")
                        % {
                            "role": step.signature.role_label,
                            "name": step.signature.printed_name,
                            "at": _fmt(step.decided_at),
                            "sha": step.signature.content_sha256,
                        },
                        body,
                    )
                )
            story.append(Spacer(1, 4 * mm))
        story.append(
            Paragraph(
                _("Recipient: %(name)s, ID or badge number %(id)s, %(unit)s")
                % {
                    "name": release.recipient_name,
                    "id": release.recipient_id_number,
                    "unit": release.recipient_unit,
                },
                body,
            )
        )
        story.append(Paragraph(_("Receipt content SHA-256: %(sha)s") % {"sha": release.content_sha256}, body))
        story.append(Spacer(1, 4 * mm))
        story.append(
            Paragraph(
                _(
                    "I have received the files listed above, whose SHA-256 values I may check. The centre keeps "
                    "an identical archive copy."
                ),
                body,
            )
        )
        story.append(Spacer(1, 10 * mm))
        if release.signed_at:
            story.append(
                Paragraph(
                    _("Signed (%(method)s) by %(name)s at %(at)s")
                    % {
                        "method": release.get_method_display(),
                        "name": release.typed_name or release.recipient_name,
                        "at": _fmt(release.signed_at),
                    },
                    body,
                )
            )
        else:
            story.append(Paragraph(_("Recipient's signature: ____________    Date: ____________"), body))
            story.append(Spacer(1, 6 * mm))
            story.append(Paragraph(_("Operator: ____________    Date: ____________"), body))
        buffer = io.BytesIO()
        SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=16 * mm,
            bottomMargin=16 * mm,
            title=f"Receipt {req.number}",
        ).build(story)
        return buffer.getvalue()
