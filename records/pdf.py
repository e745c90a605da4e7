"""A call's record as a PDF (reportlab): the same sections as the printable page, in A4/Letter-safe
margins, with "printed by … at …, page N of M" at the foot of every page.

Every value that came from a person (names, addresses, narrative, chronology, supplements) goes
through `_text`: reportlab's Paragraph reads its text as markup, so `<b>` or `<script>` typed by
someone must print as those characters, never as formatting or a broken page. The chronology is one
Paragraph a line, not a table, so a long supplement or a thousand lines flow across pages.
"""

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from records.selectors import CallRecord

MARGIN = 15 * mm
_styles = getSampleStyleSheet()
TITLE = ParagraphStyle("title", parent=_styles["Title"], fontSize=15, leading=18, spaceAfter=2, alignment=0)
SUBTITLE = ParagraphStyle("subtitle", parent=_styles["Normal"], fontSize=9, textColor=colors.grey)
HEADING = ParagraphStyle(
    "heading", parent=_styles["Heading2"], fontSize=11, leading=14, spaceBefore=8, spaceAfter=3
)
BODY = ParagraphStyle("body", parent=_styles["Normal"], fontSize=8.5, leading=11)
LINE = ParagraphStyle("line", parent=BODY, leftIndent=12 * mm, firstLineIndent=-12 * mm, spaceAfter=2)
SUPPLEMENT = ParagraphStyle(
    "supplement",
    parent=BODY,
    backColor=colors.HexColor("#fff4d6"),
    borderColor=colors.HexColor("#c98a00"),
    borderWidth=0.5,
    borderPadding=3,
    spaceBefore=5,
    spaceAfter=6,
)
GRID = TableStyle(
    [
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
    ]
)


def _text(value: str) -> str:
    """A person's text as Paragraph markup that says exactly that text."""
    return escape(str(value)).replace("\n", "<br/>")


def _pairs(rows: list[tuple[str, str]], columns: int = 2) -> Table:
    """Label/value pairs laid out `columns` pairs to a row."""
    cells = [
        [Paragraph(f"<b>{_text(label)}</b>", BODY), Paragraph(_text(value), BODY)] for label, value in rows
    ]
    grid = []
    for start in range(0, len(cells), columns):
        row = [cell for pair in cells[start : start + columns] for cell in pair]
        grid.append(row + [""] * (2 * columns - len(row)))
    width = (LETTER[0] - 2 * MARGIN) / columns
    return Table(grid, colWidths=[width * 0.3, width * 0.7] * columns, style=GRID, hAlign="LEFT")


def _units(record: CallRecord) -> Table:
    labels = [label for label, _ in record.units[0].times]
    head = [Paragraph(f"<b>{_text(label)}</b>", BODY)
            for label in ("Unit", "Agency", *labels, "Dispatched by")]
    rows = [
        [
            Paragraph(_text(u.callsign), BODY),
            Paragraph(_text(u.agency), BODY),
            *[Paragraph(_text(value), BODY) for _, value in u.times],
            Paragraph(_text(u.dispatched_by), BODY),
        ]
        for u in record.units
    ]
    width = LETTER[0] - 2 * MARGIN
    style = TableStyle([
        *GRID.getCommands(),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f2f2f2")]),
    ])
    unit, agency, by = width * 0.08, width * 0.08, width * 0.14
    times = [(width - unit - agency - by) / len(labels)] * len(labels)
    return Table([head, *rows], colWidths=[unit, agency, *times, by], style=style, repeatRows=1,
                 hAlign="LEFT")


def _line(line) -> Paragraph:
    who = " · ".join(part for part in (_text(line.unit), f"by {_text(line.by)}") if part)
    text = f"<b>{_text(line.at)}</b> &nbsp;<b>{_text(line.kind)}</b> &nbsp;{who}"
    if line.text:
        text += f"<br/>{_text(line.text)}"
    return Paragraph(text, SUPPLEMENT if line.is_supplement else LINE)


def _story(record: CallRecord) -> list:
    call_type = dict(record.header)["Type"]
    story = [
        Paragraph(_text(record.center), SUBTITLE),
        Paragraph(_text(f"Call {record.number}: {call_type}"), TITLE),
        _pairs(record.header, columns=2),
        Paragraph("Location", HEADING),
        _pairs(record.location, columns=2),
        Paragraph("Caller", HEADING),
        _pairs(record.caller, columns=2),
    ]
    if record.narrative:
        story += [Paragraph("Narrative", HEADING), Paragraph(_text(record.narrative), BODY)]
    story += [Paragraph("Times", HEADING), _pairs(record.times, columns=2)]
    story.append(Paragraph("Units sent", HEADING))
    story.append(_units(record) if record.units else Paragraph("No unit was sent.", BODY))
    story.append(Paragraph("Premise flags attached", HEADING))
    if not record.flags:
        story.append(Paragraph("None at this location when the call was entered.", BODY))
    for flag in record.flags:
        marker = " (confidential)" if flag.confidential else ""
        story.append(
            KeepTogether(
                Paragraph(
                    f"<b>{_text(flag.kind)}{marker}</b> · {_text(flag.where)}"
                    f" · attached {_text(flag.attached)} · expires {_text(flag.expires)}"
                    f"<br/>{_text(flag.text)}",
                    LINE,
                )
            )
        )
    story.append(Paragraph(f"Chronology ({len(record.chronology)} entries, oldest first)", HEADING))
    story += [_line(line) for line in record.chronology]
    return story


def _numbered(footer: str):
    """A canvas that holds its pages until the end, so each can say "page N of M"."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont("Helvetica", 7.5)
                self.setFillColor(colors.grey)
                self.drawString(MARGIN, 9 * mm, footer)
                self.drawRightString(LETTER[0] - MARGIN, 9 * mm, f"page {self._pageNumber} of {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


def call_record_pdf(record: CallRecord, *, printed_by: str, printed_at: str) -> bytes:
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=LETTER,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=18 * mm,
        title=f"Call {record.number}",
        author=record.center,
        subject="Call record",
    )
    story = _story(record)
    story.insert(3, Spacer(1, 2 * mm))
    footer = f"{record.center} · call {record.number} · printed by {printed_by} at {printed_at}"
    document.build(story, canvasmaker=_numbered(footer))
    return out.getvalue()
