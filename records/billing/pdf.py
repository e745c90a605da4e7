"""A bill's notice as the holder receives it: a US letter page whose holder and mailing address sit
where a #10 window envelope shows them (the sender in the small window at the top left), then the
alarm site, each alarm's date, time, call number and fee, the earlier unpaid balance, the total, the
due date, how to pay and how to appeal. An overdue bill's reminder is the same notice titled as an
overdue reminder, with the late fee and the new balance first. Text from users (names, addresses,
reasons) is escaped before it reaches a Paragraph, which would read it as markup.
"""

import io
from collections.abc import Iterable
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from records.billing.models import Bill
from records.billing.selectors import appeal_last_day, dollars, unpaid_before

WIDTH, HEIGHT = LETTER
# A #10 double-window envelope: the return window at the top left, the address window below it.
RETURN_WINDOW = (0.5 * inch, HEIGHT - 0.5 * inch)  # left, top
ADDRESS_WINDOW = (0.875 * inch, HEIGHT - 2.125 * inch, 3.875 * inch, 1.125 * inch)  # left, top, width, height
BODY_TOP = HEIGHT - 3.6 * inch

_styles = getSampleStyleSheet()
BODY = ParagraphStyle("body", parent=_styles["Normal"], fontName="Helvetica", fontSize=10, leading=13)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8.5, leading=11)
TITLE = ParagraphStyle("title", parent=BODY, fontName="Helvetica-Bold", fontSize=14, leading=18)
HEADING = ParagraphStyle(
    "heading", parent=BODY, fontName="Helvetica-Bold", fontSize=10.5, leading=14, spaceBefore=8
)


def text(value: str) -> str:
    """User text for a Paragraph: escaped, its line breaks kept."""
    return escape(value or "").replace("\n", "<br/>")


def long_date(day) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def _address_block(canvas, bill: Bill) -> None:
    left, top, width, height = ADDRESS_WINDOW
    canvas.setFont("Helvetica", 10.5)
    lines = [bill.holder_name, *[line for line in bill.mailing_address.splitlines() if line.strip()]][:6]
    y = top - 14
    for line in lines:
        canvas.drawString(left + 4, y, line[:60])  # drawString writes text as text: no markup
        y -= 13


def _sender_block(canvas) -> None:
    left, top = RETURN_WINDOW
    canvas.setFont("Helvetica-Bold", 9.5)
    canvas.drawString(left, top - 10, settings.CAD_BILLING_SENDER_NAME)
    canvas.setFont("Helvetica", 8.5)
    for n, line in enumerate(settings.CAD_BILLING_SENDER_ADDRESS.splitlines()[:3], start=1):
        canvas.drawString(left, top - 10 - 11 * n, line)


def _first_page(bill: Bill, reminder: bool = False):
    def draw(canvas, doc) -> None:
        canvas.saveState()
        _sender_block(canvas)
        _address_block(canvas, bill)
        canvas.setFont("Helvetica-Bold", 11)
        canvas.drawRightString(
            WIDTH - 0.75 * inch,
            HEIGHT - 0.6 * inch,
            "OVERDUE REMINDER: FALSE ALARM BILL" if reminder else "FALSE ALARM NOTICE",
        )
        canvas.setFont("Helvetica", 9)
        canvas.drawRightString(WIDTH - 0.75 * inch, HEIGHT - 0.8 * inch, f"Bill {bill.number or '(draft)'}")
        canvas.drawRightString(
            WIDTH - 0.75 * inch,
            HEIGHT - 0.95 * inch,
            f"Date of notice {bill.issued_on:%Y-%m-%d}" if bill.issued_on else "Not issued",
        )
        canvas.restoreState()

    return draw


def _later_page(canvas, doc) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 8)
    canvas.drawString(
        0.75 * inch, 0.5 * inch, f"{settings.CAD_BILLING_SENDER_NAME}: false alarm notice, page {doc.page}"
    )
    canvas.restoreState()


def _overdue(bill: Bill, earlier) -> list:
    """The reminder's opening: the bill is overdue, the late fee added, the balance now owed."""
    due = long_date(bill.due_on) if bill.due_on else "its due date"
    return [
        Paragraph(
            f"<b>This bill was due {due} and is overdue.</b> A late fee of {dollars(bill.late_fee)} has been "
            f"added. The new balance of this bill is <b>{dollars(bill.balance)}</b>"
            + (f" ({dollars(bill.balance + earlier)} with the earlier unpaid balance)" if earlier else "")
            + ", due now. If you have paid since, please disregard this reminder.",
            BODY,
        ),
        Spacer(1, 8),
    ]


def _story(bill: Bill, reminder: bool = False) -> list:
    earlier = unpaid_before(bill)
    schedule = bill.schedule
    story = [
        Paragraph("Overdue reminder: false alarm bill" if reminder else "False alarm bill", TITLE),
        *(_overdue(bill, earlier) if reminder else []),
        Paragraph(
            f"Alarm permit <b>{text(bill.permit.number)}</b> &nbsp; Alarm site: <b>{text(bill.site)}</b>",
            BODY,
        ),
        Paragraph(f"Permit holder: {text(bill.holder_name)}", BODY),
        Spacer(1, 8),
        Paragraph(
            "Police responded to these false alarms at the site, which the city's false alarm "
            f"ordinance ({text(schedule.name)}) bills as follows:",
            BODY,
        ),
        Spacer(1, 6),
    ]
    rows = [["Date", "Time", "Call number", "Counted as", "Fee"]]
    for line in bill.lines.all():
        when = timezone.localtime(line.at)
        rows.append(
            [
                f"{when:%Y-%m-%d}",
                f"{when:%H:%M}",
                line.call_number,
                Paragraph(text(line.reason), SMALL),
                dollars(line.fee),
            ]
        )
    rows.append(["", "", "", "This bill", dollars(bill.total)])
    if bill.amount != bill.total:
        rows.append(["", "", "", "After the appeal's decision", dollars(bill.amount)])
    if bill.late_fee:
        rows.append(["", "", "", "Late fee", dollars(bill.late_fee)])
    if bill.paid:
        rows.append(["", "", "", "Paid", f"-{dollars(bill.paid)}"])
    rows.append(["", "", "", "Earlier unpaid balance", dollars(earlier)])
    rows.append(["", "", "", "Total due", dollars(bill.balance + earlier)])
    table = Table(
        rows, colWidths=[0.95 * inch, 0.6 * inch, 1.05 * inch, 3.3 * inch, 0.9 * inch], repeatRows=1
    )
    last, sums = len(rows) - 1, len(bill.lines.all()) + 1
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9),
                ("FONT", (0, 1), (-1, -1), "Helvetica", 9),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEABOVE", (3, sums), (-1, sums), 0.5, colors.grey),
                ("ALIGN", (-1, 0), (-1, -1), "RIGHT"),
                ("ALIGN", (3, sums), (3, -1), "RIGHT"),
                ("FONT", (3, last), (-1, last), "Helvetica-Bold", 10),
                ("LINEABOVE", (3, last), (-1, last), 0.8, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)
    due = long_date(bill.due_on) if bill.due_on else "(not issued)"
    amount_due = (
        f"<b>Amount due now {dollars(bill.balance + earlier)}</b> (it was due {due})."
        if reminder
        else f"<b>Amount due {dollars(bill.balance + earlier)} by {due}.</b> "
        f"A bill unpaid after its due date is charged a late fee of {dollars(schedule.late_fee)}."
    )
    story += [
        Spacer(1, 10),
        KeepTogether(
            [
                Paragraph(amount_due, BODY),
                Paragraph("How to pay", HEADING),
                Paragraph(text(schedule.payment_instructions), BODY),
            ]
        ),
    ]
    last_day = appeal_last_day(bill)
    appeal = (
        f"You may appeal this bill in writing until {long_date(last_day)} ({schedule.appeal_days} days "
        f"after the date of this notice). "
        if last_day
        else ""
    )
    story += [
        KeepTogether(
            [
                Paragraph("How to appeal", HEADING),
                Paragraph(appeal + text(schedule.appeal_instructions), BODY),
            ]
        ),
        Spacer(1, 8),
        Paragraph(
            "Alarms caused by weather, a power or utility failure, or a real crime are not false alarms "
            f"and are not billed. Alarms within {schedule.counted_once_hours} hours of the last one "
            "counted are counted once.",
            SMALL,
        ),
    ]
    return story


def notices_pdf(bills: Iterable[Bill], *, reminder: bool = False) -> bytes:
    """The notices of `bills` (or, with `reminder`, their overdue reminders), each starting on a page
    of its own (one file to print a run's)."""
    bills = list(bills)
    buffer = io.BytesIO()
    document = BaseDocTemplate(
        buffer,
        pagesize=LETTER,
        author=settings.CAD_BILLING_SENDER_NAME,
        title=(
            ("Overdue reminders" if reminder else "False alarm notices")
            if len(bills) != 1
            else f"{'Overdue reminder: false alarm bill' if reminder else 'False alarm bill'} {bills[0]}"
        ),
    )
    first = Frame(0.75 * inch, 0.75 * inch, WIDTH - 1.5 * inch, BODY_TOP - 0.75 * inch)
    later = Frame(0.75 * inch, 0.75 * inch, WIDTH - 1.5 * inch, HEIGHT - 1.5 * inch)
    # The document opens on the first template: the first bill's first page.
    templates = [
        PageTemplate(id=f"bill-{n}", frames=[first], onPage=_first_page(b, reminder))
        for n, b in enumerate(bills)
    ]
    document.addPageTemplates(
        [*templates[:1], PageTemplate(id="later", frames=[later], onPage=_later_page), *templates[1:]]
    )
    story: list = []
    for index, bill in enumerate(bills):
        if index:
            story += [NextPageTemplate(f"bill-{index}"), PageBreak()]
        story += [NextPageTemplate("later"), *_story(bill, reminder)]
    document.build(story or [Paragraph("No notices.", BODY)])
    return buffer.getvalue()


def bill_pdf(bill: Bill) -> bytes:
    return notices_pdf([bill])


def reminder_pdf(bill: Bill) -> bytes:
    """An overdue bill's reminder, as emailed to its holder."""
    return notices_pdf([bill], reminder=True)
