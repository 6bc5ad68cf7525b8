"""One way to write an evidence report, two files: a PDF (ReportLab, as the other reports) and a
Word document (python-docx), from the same calls. The report's sections call ``title``,
``heading``, ``text``, ``table``... and never know which file they are writing.
"""

from html import escape

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from docx import Document
from docx.shared import Pt
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from codesign.pdf import INK, REGULAR, look_header, markup, register_fonts

from ..pdf import MARGIN, Story


class PdfDocument:
    """The report as a PDF, in the organisation's look; ``heartbeat`` is called for each page
    laid out."""

    def __init__(self, organisation):
        register_fonts()
        self.organisation = organisation
        self.story = Story()
        self.title_text = ""
        self.footer_text = ""

    def title(self, text, subtitle=""):
        self.title_text = str(text)
        self.story.items += look_header(self.organisation, A4[0] - 2 * MARGIN)
        self.story.items.append(Paragraph(escape(str(text)), self.story.styles["title"]))
        if subtitle:
            self.story.items.append(Paragraph(escape(str(subtitle)), self.story.styles["subtitle"]))

    def heading(self, text):
        self.story.heading(text)

    def subheading(self, text):
        self.story.subheading(text)

    def text(self, text):
        self.story.text(text)

    def labelled(self, label, value):
        self.story.items.append(
            Paragraph(
                f"<b>{escape(str(label))}:</b> {markup(str(value))}", self.story.styles["body"]
            )
        )

    def bullets(self, items):
        for item in items:
            self.story.items.append(
                Paragraph(f"• {markup(str(item))}", self.story.styles["body"], bulletText=None)
            )

    def table(self, header, rows, *, empty=None):
        self.story.table(header, rows, empty=empty)

    def space(self):
        self.story.items.append(Spacer(1, 4 * mm))

    def save(self, handle, *, author: str, footer: str, heartbeat) -> int:
        def on_page(canvas, doc):
            heartbeat()
            canvas.saveState()
            canvas.setFont(REGULAR, 8)
            canvas.setFillColor(INK)
            canvas.drawString(
                MARGIN,
                9 * mm,
                _("%(footer)s · page %(page)d") % {"footer": footer, "page": doc.page},
            )
            canvas.restoreState()

        document = SimpleDocTemplate(
            handle,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN + 4 * mm,
            title=self.title_text,
            author=author,
            subject=self.title_text,
            creator="Codesign",
            lang=get_language() or "en-gb",
            displayDocTitle=True,
        )
        document.build(self.story.items, onFirstPage=on_page, onLaterPages=on_page)
        return document.page


class DocxDocument:
    """The report as a Word document, with real headings (a screen reader's outline) and tables
    whose first row repeats as a header."""

    def __init__(self, organisation):
        self.document = Document()
        self.document.styles["Normal"].font.size = Pt(10.5)
        self.title_text = ""
        self.sections = 0

    def title(self, text, subtitle=""):
        self.title_text = str(text)
        self.document.add_heading(str(text), level=0)
        if subtitle:
            self.document.add_paragraph(str(subtitle), style="Subtitle")

    def heading(self, text):
        self.sections += 1
        self.document.add_heading(str(text), level=1)

    def subheading(self, text):
        self.document.add_heading(str(text), level=2)

    def text(self, text):
        for line in str(text).strip().splitlines() or [""]:
            self.document.add_paragraph(line)

    def labelled(self, label, value):
        paragraph = self.document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(str(value))

    def bullets(self, items):
        for item in items:
            self.document.add_paragraph(str(item), style="List Bullet")

    def table(self, header, rows, *, empty=None):
        if not rows:
            self.text(empty or _("Nothing to show."))
            return
        table = self.document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, value in zip(table.rows[0].cells, header, strict=True):
            cell.text = str(value)
            for run in cell.paragraphs[0].runs:
                run.bold = True
        _repeat_header(table.rows[0])
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = "" if value is None else str(value)

    def space(self):
        self.document.add_paragraph()

    def save(self, handle, *, author: str, footer: str, heartbeat) -> int:
        properties = self.document.core_properties
        properties.title = self.title_text
        properties.author = author
        properties.language = get_language() or "en-gb"
        self.document.sections[0].footer.paragraphs[0].text = footer
        heartbeat()
        self.document.save(handle)
        return self.sections


def _repeat_header(row) -> None:
    """Mark a table's first row as its header, repeated on each page and read as such."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


DOCUMENTS = {"pdf": PdfDocument, "docx": DocxDocument}
