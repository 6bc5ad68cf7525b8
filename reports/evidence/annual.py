"""The organisation's annual involvement report: what it did with people and communities in a
year, who took part and how, what changed as a result, and what people were told back.

Written for the statutory guidance "Working in partnership with people and communities" and
the CQC's question of how feedback was acted on. It names nobody: people are counted, each
group of fewer than 5 is not shown (nor one the totals would give away, codesign.disclosure),
and contributions are counted, never quoted. It covers the projects managers see (no drafts).
"""

from collections import Counter, defaultdict

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q
from django.utils import formats
from django.utils.translation import gettext as _

from changes import cqc
from changes.models import YouSaidWeDid
from codesign.dates import in_range
from codesign.disclosure import MANAGERS_THRESHOLD, SMALL, disclose
from contributions.models import Contribution, PrioritisationRound
from dashboards import panels
from dashboards import selectors as dashboards
from learning.equality.selectors import equality_tables
from participants.models import Channel, ContactPreferences, Membership
from sessions.models import WorkshopSession

from ..exports import bounds, scope_projects
from .period import Period

EXAMPLES = 12


def _day(value) -> str:
    return formats.date_format(value, "j M Y") if value else ""


def _activities(doc, period: Period, projects) -> None:
    """Projects, sessions held, contributions and rounds in the period, per project."""
    ids = [project.pk for project in projects]
    sessions = Counter(
        dict(
            WorkshopSession.objects.filter(project__in=ids, status=WorkshopSession.Status.HELD)
            .filter(in_range("starts_at", period.start, period.end))
            .values_list("project_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
    )
    contributions = Counter(
        dict(
            Contribution.objects.visible()
            .filter(project__in=ids, hidden_at__isnull=True)
            .filter(in_range("created_at", period.start, period.end))
            .values_list("project_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
    )
    rounds = Counter(
        dict(
            PrioritisationRound.objects.filter(project__in=ids)
            .filter(in_range("opened_at", period.start, period.end))
            .values_list("project_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
    )
    changes = period.changes_done(ids)
    doc.heading(_("1. Summary"))
    doc.bullets(
        [
            _("Projects that involved people: %(n)s") % {"n": len(projects)},
            _("Sessions held: %(n)s") % {"n": sum(sessions.values())},
            _("Contributions (ideas, experiences, questions): %(n)s")
            % {"n": sum(contributions.values())},
            _("Prioritisation rounds opened: %(n)s") % {"n": sum(rounds.values())},
            _("Service changes made: %(n)s") % {"n": len(changes)},
        ]
    )
    doc.heading(_("2. What we did"))
    doc.table(
        [_("Project"), _("Status"), _("Sessions held"), _("Contributions"), _("Rounds")],
        [
            [
                project.in_language("title"),
                project.get_status_display(),
                sessions[project.pk],
                contributions[project.pk],
                rounds[project.pk],
            ]
            for project in projects
        ],
        empty=_("No project involved people in this period."),
    )


def _shown(disclosure, group, size) -> str:
    if disclosure.shown(group):
        return str(size)
    if disclosure.reason(group) == SMALL:
        return _("fewer than %(n)s") % {"n": disclosure.threshold}
    return _("not shown")


def _channels(doc, projects) -> None:
    """People taking part by how they hear from the project, small groups not shown."""
    people = set(
        Membership.objects.filter(
            project__in=projects, status=Membership.Status.ACTIVE, user__isnull=False
        ).values_list("user_id", flat=True)
    )
    chosen = dict(
        ContactPreferences.objects.filter(person_id__in=people).values_list("person_id", "channel")
    )
    sizes = Counter(chosen.get(person, Channel.EMAIL) for person in people)
    sizes = {channel.value: sizes.get(channel.value, 0) for channel in Channel}
    disclosure = disclose(sizes, threshold=MANAGERS_THRESHOLD)
    doc.subheading(_("How people hear from their projects"))
    doc.table(
        [_("Channel"), _("People")],
        [
            [channel.label, _shown(disclosure, channel.value, sizes[channel.value])]
            for channel in Channel
        ]
        + [[_("Everyone taking part"), sum(sizes.values())]],
    )


def _ways_in(doc, period: Period, projects) -> None:
    """Contributions by the way they came in (contributions, not people: all shown)."""
    rows = (
        Contribution.objects.visible()
        .filter(project__in=projects, hidden_at__isnull=True)
        .filter(in_range("created_at", period.start, period.end))
        .aggregate(
            in_session=Count("pk", filter=Q(session__isnull=False)),
            added_for=Count("pk", filter=Q(session__isnull=True, added_by__isnull=False)),
            own=Count("pk", filter=Q(session__isnull=True, added_by__isnull=True)),
        )
    )
    doc.subheading(_("How contributions came in"))
    doc.table(
        [_("Way in"), _("Contributions")],
        [
            [_("Written by the person, online"), rows["own"]],
            [
                _("Added for the person by a facilitator (by phone, letter or in person)"),
                rows["added_for"],
            ],
            [_("Made in a session"), rows["in_session"]],
        ],
    )


def _who_took_part(doc, period: Period, report, projects) -> None:
    figures = dashboards.organisation_dashboard(
        report.organisation,
        user=AnonymousUser(),  # the managers' view: no drafts
        project_ids=[project.pk for project in projects],
        date_from=period.date_from,
        date_to=period.date_to,
    )
    doc.heading(_("3. Who took part and how"))
    doc.text(
        _(
            "Counts of people, never names. A group of fewer than %(n)s people is not shown, "
            "nor a group whose number the totals would give away."
        )
        % {"n": MANAGERS_THRESHOLD}
    )
    # The parity table only (it counts sessions attended too): the dashboards' attendance table
    # splits service users from carers, and beside parity's total of the two a carers' "fewer
    # than 5" would be read by subtraction.
    doc.subheading(_("Service users and staff"))
    header, rows = panels.table("parity", figures)
    doc.table(header, rows, empty=panels.no_data())
    _channels(doc, projects)
    _ways_in(doc, period, projects)


def _equality(doc, report, projects) -> None:
    doc.heading(_("4. Equality monitoring"))
    doc.text(
        _(
            "Optional, self-declared answers of the people taking part in these projects, "
            "given with their explicit consent. Groups of fewer than %(n)s are not shown."
        )
        % {"n": MANAGERS_THRESHOLD}
    )
    for table in equality_tables(report.organisation, projects):
        doc.subheading(table.label)
        doc.table(
            [_("Answer"), _("People"), _("Share"), _("Population"), _("Gap")],
            [[row.label, row.shown, row.share, row.population, row.gap] for row in table.rows]
            + [[_("Everyone who answered"), table.answered, "", "", ""]],
        )


def _what_changed(doc, period: Period, projects) -> None:
    changes = period.changes_done([project.pk for project in projects])
    doc.heading(_("5. What changed as a result"))
    doc.table(
        [_("Project"), _("Service change"), _("Status"), _("Made on"), _("CQC quality statements")],
        [
            [
                change.project.in_language("title"),
                change.in_language("title"),
                change.get_status_display(),
                _day(change.implemented_on),
                "; ".join(str(label) for label in cqc.labels(change.cqc_statements)),
            ]
            for change in changes
        ],
        empty=_("No service change was made in this period."),
    )
    counts = Counter(key for change in changes for key in set(change.cqc_statements))
    doc.subheading(_("CQC quality statements these changes address"))
    doc.table(
        [_("Key question"), _("Quality statement"), _("Service changes")],
        [
            [question, label, counts[key]]
            for question, statements in cqc.KEY_QUESTIONS
            for key, label in statements
            if counts[key]
        ],
        empty=_("None of these changes names a CQC quality statement."),
    )


def _feedback(doc, period: Period, projects) -> None:
    changes = period.changes_done([project.pk for project in projects])
    published = set(
        YouSaidWeDid.objects.filter(project__in=projects, public=True).values_list(
            "project_id", flat=True
        )
    )
    by_project = defaultdict(int)
    for change in changes:
        by_project[change.project_id] += bool(change.you_said.strip())
    doc.heading(_("6. Feedback to participants: you said, we did"))
    doc.table(
        [_("Project"), _("Changes told back"), _("Public “you said, we did” page")],
        [
            [
                project.in_language("title"),
                by_project[project.pk],
                _("Yes") if project.pk in published else _("No"),
            ]
            for project in projects
        ],
    )
    examples = [change for change in changes if change.you_said.strip()][:EXAMPLES]
    doc.subheading(_("Examples"))
    if not examples:
        doc.text(_("No change in this period was told back to participants yet."))
    for change in examples:
        doc.labelled(_("Project"), change.project.in_language("title"))
        doc.labelled(_("You said"), change.in_language("you_said"))
        doc.labelled(_("We did"), change.in_language("description") or change.in_language("title"))
        doc.space()


def write_annual(doc, report, heartbeat) -> None:
    """The annual involvement report's sections, into ``doc``."""
    period = Period(report, *bounds(report)[:2])
    projects = list(scope_projects(report).order_by("title", "pk"))
    doc.title(
        _("Annual involvement report"),
        _("%(organisation)s · %(period)s")
        % {"organisation": report.organisation.name, "period": period.text()},
    )
    doc.text(
        _(
            "How %(organisation)s worked with people and communities: what we did, who took "
            "part and how, what changed as a result, and what we told people back."
        )
        % {"organisation": report.organisation.name}
    )
    _activities(doc, period, projects)
    heartbeat()
    _who_took_part(doc, period, report, projects)
    heartbeat()
    _equality(doc, report, projects)
    _what_changed(doc, period, projects)
    _feedback(doc, period, projects)
    heartbeat()
