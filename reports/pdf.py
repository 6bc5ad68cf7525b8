"""The project and organisation reports as PDF (ReportLab), from the dashboards' figures.

The same suppression as the dashboards: a group of fewer than 5 people is "fewer than 5",
and the report names nobody: contributions are counted, never quoted.
"""

from collections import defaultdict
from datetime import date
from html import escape
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from changes.models import Evidence, ServiceChange
from changes.reflection.selectors import ladder_results, ladder_threshold
from changes.yousaid.selectors import changes_done
from codesign.dates import in_range
from codesign.disclosure import managers_threshold
from codesign.pdf import BOLD, BRAND, INK, REGULAR, look_header, markup, register_fonts
from contributions.models import Contribution
from dashboards import panels, parity, selectors
from dashboards.rounds import round_tables
from participants.models import Constituency
from sessions.models import Attendance, WorkshopSession

from .exports import bounds, scope_projects

MARGIN = 16 * mm
GROUPS = (parity.SERVICE_USERS, parity.STAFF, parity.LEFT_OUT)
LIGHT = colors.HexColor("#e8eef3")


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=10, leading=13, textColor=INK)
    return {
        "title": ParagraphStyle(
            "title", parent=body, fontName=BOLD, fontSize=22, leading=27, textColor=BRAND
        ),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=12, leading=16),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=BOLD,
            fontSize=14,
            leading=18,
            textColor=BRAND,
            spaceBefore=12,
            spaceAfter=4,
        ),
        "h3": ParagraphStyle(
            "h3", parent=body, fontName=BOLD, fontSize=11, leading=14, spaceBefore=6
        ),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5),
        "head": ParagraphStyle("head", parent=body, fontName=BOLD, fontSize=8.5, leading=10.5),
        "body": body,
    }


class Story:
    """The flowables of a report, with helpers for its headings, text and tables."""

    def __init__(self):
        self.styles = _styles()
        self.items = []

    def heading(self, text):
        self.items.append(Paragraph(escape(str(text)), self.styles["h2"]))

    def subheading(self, text):
        self.items.append(Paragraph(escape(str(text)), self.styles["h3"]))

    def text(self, text, style="body"):
        self.items.append(Paragraph(markup(str(text)) or "&nbsp;", self.styles[style]))

    def table(self, header, rows, *, empty=None):
        if not rows:
            self.text(empty or _("Nothing to show."))
            return
        cell, head = self.styles["cell"], self.styles["head"]
        data = [[Paragraph(escape(str(h)), head) for h in header]]
        data += [
            [Paragraph(escape("" if value is None else str(value)), cell) for value in row]
            for row in rows
        ]
        table = Table(data, repeatRows=1, hAlign="LEFT", colWidths=None)
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), LIGHT),
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa9b5")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        width = A4[0] - 2 * MARGIN
        table._argW = [width / len(header)] * len(header)
        self.items.append(table)

    def panel(self, name, figures, title):
        self.heading(title)
        header, rows = panels.table(name, figures)
        self.table(header, rows, empty=panels.no_data())


def _small(count: int):
    """A count of people as the dashboards show it."""
    return panels.fewer_than_5() if 0 < count < parity.SMALL_GROUP else count


def _dates(report) -> tuple[date | None, date | None]:
    values = report.parameters
    return (
        date.fromisoformat(values["date_from"]) if values.get("date_from") else None,
        date.fromisoformat(values["date_to"]) if values.get("date_to") else None,
    )


def _range_text(date_from, date_to) -> str:
    if not (date_from or date_to):
        return _("All dates")
    start = formats.date_format(date_from, "j F Y") if date_from else "…"
    end = formats.date_format(date_to, "j F Y") if date_to else "…"
    return _("From %(start)s to %(end)s") % {"start": start, "end": end}


PANEL_TITLES = {
    "changes": lambda: _("Service changes by status"),
    "implemented": lambda: _("Changes implemented per month"),
    "parity": lambda: _("Parity of participation"),
    "attendance": lambda: _("Participants and attendance by constituency"),
    "payments": lambda: _("Involvement hours and payments"),
    "projects": lambda: _("Projects"),
}


def _sessions(story, project):
    groups = list(Constituency)
    sessions = list(WorkshopSession.objects.filter(project=project).order_by("starts_at", "pk"))
    counts = defaultdict(int)
    for session_id, constituency, n in (
        Attendance.objects.filter(session__project=project)
        .values_list("session_id", "membership__constituency")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[session_id, constituency] = n
    story.heading(_("Sessions and attendance by constituency"))
    story.table(
        [_("Date"), _("Session"), _("Status"), *[c.label for c in groups]],
        [
            [
                formats.date_format(timezone.localtime(s.starts_at), "j M Y"),
                s.title,
                s.get_status_display(),
                *[_small(counts[s.pk, c.value]) for c in groups],
            ]
            for s in sessions
        ],
        empty=_("No sessions yet."),
    )


def _contributions(story, report):
    project = report.project
    start, end, _tz = bounds(report)
    counts = defaultdict(int)
    queryset = (
        Contribution.objects.visible()
        .filter(project=project, hidden_at__isnull=True)
        .filter(in_range("created_at", start, end))
        .values_list("kind", "constituency", "author__role")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for kind, constituency, role, n in queryset:
        counts[kind, parity.group_of(constituency, role)] += n
    story.heading(_("Contributions by kind"))
    story.table(
        [_("Kind"), _("Service users and carers"), _("Staff"), _("Left out"), _("All")],
        [
            [
                kind.label,
                counts[kind.value, parity.SERVICE_USERS],
                counts[kind.value, parity.STAFF],
                counts[kind.value, parity.LEFT_OUT],
                sum(counts[kind.value, g] for g in GROUPS),
            ]
            for kind in Contribution.Kind
        ],
    )


def _changes(story, project):
    changes = list(ServiceChange.objects.filter(project=project).order_by("created_at", "pk"))
    provenance = defaultdict(int)
    through = ServiceChange.contributions.through.objects.filter(
        servicechange__project=project, contribution__withdrawn_at__isnull=True
    )
    for change_id, constituency, role, n in (
        through.values_list(
            "servicechange_id", "contribution__constituency", "contribution__author__role"
        )
        .annotate(n=Count("pk"))
        .order_by()
    ):
        provenance[change_id, parity.group_of(constituency, role)] += n
    story.heading(_("Service changes"))
    story.table(
        [
            _("Change"),
            _("Status"),
            _("Progress"),
            _("Proposed on"),
            _("Implemented on"),
            _("From service users and carers"),
            _("From staff"),
        ],
        [
            [
                change.title,
                change.get_status_display(),
                f"{change.progress}%",
                formats.date_format(timezone.localtime(change.created_at), "j M Y"),
                formats.date_format(change.implemented_on, "j M Y")
                if change.implemented_on
                else "",
                provenance[change.pk, parity.SERVICE_USERS],
                provenance[change.pk, parity.STAFF],
            ]
            for change in changes
        ],
        empty=_("No service changes yet."),
    )
    records = list(
        Evidence.objects.filter(change__project=project, kind=Evidence.Kind.CMO)
        .select_related("change")
        .order_by("change__title", "created_at", "pk")
    )
    story.heading(_("What made changes work (context, mechanism, outcome)"))
    if not records:
        story.text(_("No records yet."))
    for record in records:
        block = [Paragraph(escape(record.change.title), story.styles["h3"])]
        for label, value in (
            (_("Context"), record.context),
            (_("Mechanism"), record.mechanism),
            (_("Outcome"), record.outcome),
        ):
            if value.strip():
                block.append(
                    Paragraph(f"<b>{escape(str(label))}:</b> {markup(value)}", story.styles["body"])
                )
        story.items.append(KeepTogether(block))


def _you_said(story, project):
    story.heading(_("You said, we did"))
    done = list(changes_done(project))
    if not done:
        story.text(_("No changes have been made yet."))
    you_said, we_did = _("You said"), _("We did")
    for change in done:
        block = [Paragraph(escape(change.title), story.styles["h3"])]
        if change.you_said.strip():
            block.append(
                Paragraph(
                    f"<b>{escape(you_said)}:</b> {markup(change.you_said)}",
                    story.styles["body"],
                )
            )
        block.append(
            Paragraph(
                f"<b>{escape(we_did)}:</b> {markup(change.description or change.title)}",
                story.styles["body"],
            )
        )
        story.items.append(KeepTogether(block))


def _rounds(story, project):
    """Closed rounds, at the managers' threshold (dashboards.rounds)."""
    story.heading(_("Prioritisation rounds"))
    story.text(
        _(
            "A group's dots are shown only when at least %(n)s of its people voted, and not "
            "when they would let a smaller group's dots be worked out from the totals."
        )
        % {"n": managers_threshold(project.group_threshold)}
    )
    tables = round_tables(project, limit=None)
    if not tables:
        story.text(_("No round has closed yet."))
    for item in tables:
        story.subheading(item["round"].title)
        story.table(item["header"], item["rows"])


def _ladder(story, project):
    story.heading(_("Ladder of participation"))
    results = ladder_results(project, for_managers=True)
    threshold = ladder_threshold(project, for_managers=True)
    rows = []
    for result in results:
        row = [formats.date_format(timezone.localtime(result.rating.opened_at), "j M Y")]
        for group in result.groups:
            if group.small and group.key == "facilitators":
                row.append(_("no facilitator rated"))
            elif group.small:
                row.append(_("fewer than %(n)s people rated") % {"n": threshold})
            else:
                row.append(
                    _("%(name)s (median %(median)s, %(voters)s people)")
                    % {"name": group.median_name, "median": group.median, "voters": group.voters}
                )
        rows.append(row)
    story.table(
        [_("Rating opened"), _("Participants"), _("Facilitators")],
        rows,
        empty=_("No closed ratings yet."),
    )


def _project_story(report, story):
    project = report.project
    date_from, date_to = _dates(report)
    figures = selectors.project_dashboard(project, date_from=date_from, date_to=date_to)
    story.heading(_("The challenge"))
    story.text(project.challenge or _("Not written yet."))
    story.heading(_("Stages"))
    story.table(
        [_("Stage"), _("Starts"), _("Ends"), _("Current")],
        [
            [
                stage.name,
                formats.date_format(stage.starts_on, "j M Y") if stage.starts_on else "",
                formats.date_format(stage.ends_on, "j M Y") if stage.ends_on else "",
                _("Yes") if stage.pk == project.current_stage_id else "",
            ]
            for stage in project.stages.order_by("order", "pk")
        ],
        empty=_("No stages yet."),
    )
    _sessions(story, project)
    _contributions(story, report)
    for name in panels.PROJECT_PANELS:
        story.panel(name, figures, PANEL_TITLES[name]())
    _changes(story, project)
    _you_said(story, project)
    _rounds(story, project)
    _ladder(story, project)


def _organisation_story(report, story):
    date_from, date_to = _dates(report)
    figures = selectors.organisation_dashboard(
        report.organisation,
        user=AnonymousUser(),  # the managers' view: no drafts
        project_ids=list(scope_projects(report).values_list("pk", flat=True)),
        date_from=date_from,
        date_to=date_to,
    )
    for name in panels.ORGANISATION_PANELS:
        story.panel(name, figures, PANEL_TITLES[name]())


def write(report, handle, *, heartbeat=lambda: None) -> int:
    """Write the PDF to ``handle``; returns its number of pages. ``heartbeat`` is called once
    the figures are read and for each page laid out."""
    register_fonts()
    story = Story()
    organisation = report.organisation
    with timezone.override(ZoneInfo(organisation.time_zone)):
        date_from, date_to = _dates(report)
        title = _("Project report") if report.project_id else _("Organisation report")
        scope = report.project.title if report.project_id else organisation.name
        story.items += [
            *look_header(organisation, A4[0] - 2 * MARGIN),
            Paragraph(escape(title), story.styles["title"]),
            Paragraph(escape(scope), story.styles["subtitle"]),
        ]
        if report.project_id:
            story.text(organisation.name, "subtitle")
        story.text(
            _("%(range)s · made on %(date)s")
            % {
                "range": _range_text(date_from, date_to),
                "date": formats.date_format(timezone.localdate(), "j F Y"),
            }
        )
        story.items.append(Spacer(1, 4 * mm))
        if report.project_id:
            _project_story(report, story)
        else:
            _organisation_story(report, story)
        today = formats.date_format(timezone.localdate(), "j F Y")
    heartbeat()

    def footer(canvas, doc):
        heartbeat()
        canvas.saveState()
        canvas.setFont(REGULAR, 8)
        canvas.setFillColor(INK)
        canvas.drawString(
            MARGIN,
            9 * mm,
            _("%(scope)s · %(date)s · page %(page)d")
            % {"scope": scope, "date": today, "page": doc.page},
        )
        canvas.restoreState()

    document = SimpleDocTemplate(
        handle,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=f"{title}: {scope}",
        author=organisation.name,
        subject=title,
        creator="Codesign",
        lang=get_language() or "en-gb",
        displayDocTitle=True,
    )
    document.build(story.items, onFirstPage=footer, onLaterPages=footer)
    return document.page
