"""What every PDF Codesign prints shares: its embedded fonts, its colours, and plain text as
ReportLab markup.

ReportLab installs from PyPI alone, so a fresh machine can print. The type is Bitstream Vera,
shipped with ReportLab and embedded in each file.
"""

from html import escape
from pathlib import Path

import reportlab
from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR, BOLD = "CodesignPoster", "CodesignPoster-Bold"
BRAND = colors.HexColor("#1d4f73")
INK = colors.HexColor("#1a1a1a")


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
