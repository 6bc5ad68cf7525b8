"""What every PDF Codesign prints shares: its embedded fonts, its colours, and plain text as
ReportLab markup.

ReportLab installs from PyPI alone, so a fresh machine can print. The type is Bitstream Vera,
shipped with ReportLab and embedded in each file.
"""

from html import escape
from pathlib import Path

import reportlab
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, Paragraph, Spacer, Table, TableStyle

from .look import look_of

REGULAR, BOLD = "CodesignPoster", "CodesignPoster-Bold"
BRAND = colors.HexColor("#1d4f73")
INK = colors.HexColor("#1a1a1a")
LOGO_HEIGHT = 14 * mm


def register_fonts() -> None:
    """Register the fonts once per process."""
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    fonts = Path(reportlab.__file__).parent / "fonts"
    pdfmetrics.registerFont(TTFont(REGULAR, fonts / "Vera.ttf"))
    pdfmetrics.registerFont(TTFont(BOLD, fonts / "VeraBd.ttf"))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD)


def markup(value: str) -> str:
    """Plain text as Paragraph markup: escaped, with its line breaks kept."""
    return "<br/>".join(escape(line) for line in value.strip().splitlines())


def look_header(organisation, width: float) -> list:
    """The organisation's header for the top of a PDF: its logo and name on its colours
    (codesign.look), or Codesign's colours without a choice. Empty without an organisation."""
    look = look_of(organisation)
    if look is None:
        return []
    name = Paragraph(
        escape(look.name),
        ParagraphStyle(
            "look", fontName=BOLD, fontSize=14, leading=18, textColor=colors.HexColor(look.text)
        ),
    )
    cells, widths = [name], [width]
    if look.logo_path:
        logo = Image(look.logo_path)
        scale = LOGO_HEIGHT / logo.imageHeight
        logo.drawHeight, logo.drawWidth = LOGO_HEIGHT, min(logo.imageWidth * scale, width / 3)
        cells, widths = [logo, name], [logo.drawWidth + 4 * mm, width - logo.drawWidth - 4 * mm]
    table = Table([cells], colWidths=widths, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(look.background)),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2 * mm),
                ("LEFTPADDING", (0, 0), (-1, -1), 3 * mm),
            ]
        )
    )
    return [table, Spacer(1, 4 * mm)]
