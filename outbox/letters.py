"""The print queue's letters as one A4 PDF, each letter starting on a new sheet, its address
where a windowed envelope shows it.

The address block follows GOV.UK Notify's letter specification, so the same letters fit the
C5 window envelopes Notify uses: the address sits inside the area from 24.6 mm to 120 mm from
the left edge and from 40 mm to 66.2 mm from the top, at most seven lines. The letter's text
starts 95 mm from the top, between margins of 15 mm.
"""

from io import BytesIO

from django.utils import dateformat
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

from codesign.pdf import BOLD, INK, REGULAR, register_fonts

from .channels import ADDRESS_LINES, address_lines

PAGE_WIDTH, PAGE_HEIGHT = A4
ADDRESS_LEFT, ADDRESS_RIGHT = 24.6 * mm, 120 * mm
INSET = 1 * mm  # the text keeps this far inside the area's left edge
ADDRESS_TOP, ADDRESS_BOTTOM = 40 * mm, 66.2 * mm
ADDRESS_SIZE, ADDRESS_LEADING = 9, 10.5  # seven lines take 25.9 mm of the 26.2 mm
BODY_TOP, MARGIN, BOTTOM_MARGIN = 95 * mm, 15 * mm, 20 * mm
BODY_SIZE, BODY_LEADING = 11, 15


def _address(pdf: canvas.Canvas, address: str) -> None:
    text = pdf.beginText()
    text.setFont(REGULAR, ADDRESS_SIZE, leading=ADDRESS_LEADING)
    # The first line's baseline sits one font size below the top of the area.
    text.setTextOrigin(ADDRESS_LEFT + INSET, PAGE_HEIGHT - ADDRESS_TOP - ADDRESS_SIZE)
    width = ADDRESS_RIGHT - ADDRESS_LEFT - INSET
    for line in address_lines(address)[:ADDRESS_LINES]:
        fitted = simpleSplit(line, REGULAR, ADDRESS_SIZE, width)[0]
        text.textLine(fitted)
    pdf.drawText(text)


def _body(pdf: canvas.Canvas, *, sender: str, date: str, subject: str, body: str) -> None:
    pdf.setFont(REGULAR, 9)
    pdf.drawRightString(PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 20 * mm, sender)
    pdf.drawRightString(PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 25 * mm, date)
    y = PAGE_HEIGHT - BODY_TOP
    width = PAGE_WIDTH - 2 * MARGIN
    pdf.setFont(BOLD, 13)
    for line in simpleSplit(subject, BOLD, 13, width):
        pdf.drawString(MARGIN, y, line)
        y -= 18
    y -= 6
    pdf.setFont(REGULAR, BODY_SIZE)
    for paragraph in body.strip().split("\n"):
        for line in simpleSplit(paragraph, REGULAR, BODY_SIZE, width) or [""]:
            if y < BOTTOM_MARGIN:
                pdf.showPage()
                pdf.setFont(REGULAR, BODY_SIZE)
                y = PAGE_HEIGHT - 25 * mm
            pdf.drawString(MARGIN, y, line)
            y -= BODY_LEADING


def letters_pdf(letters, *, sender: str) -> bytes:
    """One PDF of these outbox letters (oldest first), a new sheet for each."""
    register_fonts()
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle("Letters to post")
    pdf.setFillColor(INK)
    for letter in letters:
        _address(pdf, letter.address)
        _body(
            pdf,
            sender=sender,
            date=dateformat.format(letter.created_at, "j F Y"),
            subject=letter.subject,
            body=letter.body_text,
        )
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()
