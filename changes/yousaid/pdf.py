"""The "you said, we did" poster: an A4 PDF for a ward or team noticeboard.

The poster is set in large type (codesign.pdf) and carries only what the facilitator wrote
for everyone: no names, no contributions.
"""

from html import escape
from io import BytesIO

from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    HRFlowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
)

from codesign.bilingual import choose, fallback_note
from codesign.pdf import BOLD, BRAND, INK, REGULAR, look_header, markup, register_fonts

MARGIN = 18 * mm


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=14, leading=19, textColor=INK)
    return {
        "heading": ParagraphStyle(
            "heading", parent=body, fontName=BOLD, fontSize=36, leading=42, textColor=BRAND
        ),
        "project": ParagraphStyle(
            "project", parent=body, fontName=BOLD, fontSize=20, leading=25, spaceBefore=6
        ),
        "organisation": ParagraphStyle("organisation", parent=body, fontSize=14, spaceBefore=2),
        "intro": ParagraphStyle("intro", parent=body, spaceBefore=10),
        "change": ParagraphStyle(
            "change", parent=body, fontName=BOLD, fontSize=18, leading=23, spaceBefore=14
        ),
        "label": ParagraphStyle(
            "label", parent=body, fontName=BOLD, textColor=BRAND, spaceBefore=6, spaceAfter=1
        ),
        "body": body,
    }


def poster_filename(project) -> str:
    return f"you-said-we-did-{slugify(project.title) or project.pk}.pdf"


def _in_language(obj, field: str) -> str:
    """The paragraph markup of a text in the poster's language, or the other's, marked."""
    chosen = choose(obj, field)
    if not chosen.fallback:
        return markup(chosen.text)
    return f"{markup(chosen.text)} <i>{escape(fallback_note(chosen))}</i>"


def poster_pdf(*, project, record, changes) -> bytes:
    """Render the poster of a project's implemented and embedded changes, in the language
    of the request (each text in it, or else in the other language, marked)."""
    register_fonts()
    styles = _styles()
    organisation = project.organisation.name
    today = formats.date_format(timezone.localdate(), "j F Y")
    title = _("You said, we did")

    story = [
        *look_header(project.organisation, A4[0] - 2 * MARGIN),
        Paragraph(escape(title), styles["heading"]),
        Paragraph(_in_language(project, "title"), styles["project"]),
        Paragraph(escape(organisation), styles["organisation"]),
    ]
    if choose(record, "introduction"):
        story.append(Paragraph(_in_language(record, "introduction"), styles["intro"]))
    story += [
        Spacer(1, 4 * mm),
        HRFlowable(width="100%", thickness=2, color=BRAND, spaceBefore=2, spaceAfter=2),
    ]
    for change in changes:
        block = [Paragraph(_in_language(change, "title"), styles["change"])]
        if choose(change, "you_said"):
            block += [
                Paragraph(escape(_("You said")), styles["label"]),
                Paragraph(_in_language(change, "you_said"), styles["body"]),
            ]
        did = "description" if choose(change, "description") else "title"
        block += [
            Paragraph(escape(_("We did")), styles["label"]),
            Paragraph(_in_language(change, did), styles["body"]),
        ]
        story.append(KeepTogether(block))
    if not changes:
        story.append(Paragraph(escape(_("No changes have been made yet.")), styles["intro"]))

    def footer(canvas, doc):
        canvas.saveState()
        text = _("%(organisation)s · %(date)s · page %(page)d") % {
            "organisation": organisation,
            "date": today,
            "page": doc.page,
        }
        canvas.setFont(REGULAR, 11)
        canvas.setFillColor(INK)
        canvas.drawString(MARGIN, 10 * mm, text)
        canvas.restoreState()

    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 6 * mm,
        title=f"{title}: {choose(project, 'title')}",
        author=organisation,
        subject=title,
        creator="Codesign",
        lang=get_language() or "en-gb",
        displayDocTitle=True,
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
