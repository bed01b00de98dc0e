"""The incident report as a Chinese PDF (reportlab's built-in CID font STSong-Light; no font files)."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .models import Incident

FONT = "STSong-Light"


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _t(value: object) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else "-"  # type: ignore[arg-type]


def incident_report(incident: Incident) -> bytes:
    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=13)
    head = ParagraphStyle("head", fontName=font, fontSize=15, leading=20, spaceAfter=6)
    sub = ParagraphStyle("sub", fontName=font, fontSize=11.5, leading=16, spaceBefore=8, spaceAfter=4)

    def p(text: object) -> Paragraph:
        return Paragraph(escape(str(text or "")).replace("\n", "<br/>"), body)

    title = _("Incident report")
    if incident.is_drill:
        title = _("Drill report (not a real incident)")
    story = [Paragraph(escape(f"{title} {incident.number}"), head)]
    rows = [
        [p(_("Title")), p(incident.title), p(_("Type")), p(incident.get_incident_type_display())],
        [
            p(_("Severity")),
            p(incident.get_severity_display()),
            p(_("Status")),
            p(incident.get_status_display()),
        ],
        [p(_("Campus")), p(incident.campus), p(_("Place")), p(incident.place or (incident.area or ""))],
        [p(_("Opened")), p(_t(incident.opened_at)), p(_("Opened by")), p(incident.opened_by)],
        [
            p(_("First alarm")),
            p(_t(incident.first_alarm_at)),
            p(_("First dispatch")),
            p(_t(incident.first_dispatch_at)),
        ],
        [p(_("Closed")), p(_t(incident.closed_at)), p(_("Closed by")), p(incident.closed_by or "-")],
        [
            p(_("Cameras")),
            p("、".join(c.number for c in incident.cameras.all())),
            p(_("People involved")),
            p(incident.people),
        ],
    ]
    grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.4, "#888888"), ("VALIGN", (0, 0), (-1, -1), "TOP")])
    table = Table(rows, colWidths=[24 * mm, 62 * mm, 24 * mm, 62 * mm])
    table.setStyle(grid)
    story += [table, Paragraph(escape(_("Description")), sub), p(incident.description or "-")]
    story.append(Paragraph(escape(_("Playbook steps")), sub))
    steps = [[p("#"), p(_("Step")), p(_("Mandatory")), p(_("Status")), p(_("When / by / reason"))]]
    for s in incident.steps.select_related("done_by"):
        steps.append(
            [
                p(s.order),
                p(s.title),
                p(_("Yes") if s.mandatory else _("No")),
                p(s.get_status_display()),
                p(f"{_t(s.done_at)} {s.done_by or ''} {s.skip_reason}".strip()),
            ]
        )
    t = Table(steps, colWidths=[8 * mm, 72 * mm, 16 * mm, 18 * mm, 58 * mm])
    t.setStyle(grid)
    story.append(t)
    story.append(Paragraph(escape(_("Timeline")), sub))
    lines = [[p(_("Time")), p(_("Kind")), p(_("Department")), p(_("Text")), p(pgettext("incidents", "By"))]]
    for e in incident.timeline.select_related("actor"):
        lines.append([p(_t(e.at)), p(e.get_kind_display()), p(e.department), p(e.text), p(e.actor)])
    t = Table(lines, colWidths=[32 * mm, 24 * mm, 22 * mm, 70 * mm, 24 * mm])
    t.setStyle(grid)
    story.append(t)
    story += [
        Paragraph(escape(_("Outcome")), sub),
        p(incident.outcome or "-"),
        Paragraph(escape(_("Review")), sub),
        p(incident.review or "-"),
        Spacer(1, 6 * mm),
        p(_("Printed %(at)s") % {"at": _t(timezone.now())}),
    ]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=incident.number,
    )
    doc.build(story)
    return buffer.getvalue()
