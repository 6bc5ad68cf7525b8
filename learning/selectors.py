"""Reads of the organisation's learning, bounded in queries whatever the number of projects,
CMO records and links."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _

from changes import cqc
from changes.models import Evidence, ServiceChange
from codesign import permissions as p
from codesign.disclosure import MANAGERS_THRESHOLD, SMALL, Disclosure, disclose
from contributions.models import Contribution
from projects.models import Project

from .models import CatalogueItem, CmoLink, Lens, Stance, Theme

# What each kind of evidence link reads with it, so labels cost no query.
EVIDENCE_RELATED = (
    "contribution",
    "session",
    "change",
    "follow_up__change",
    "reflection__session",
    "theme",
)
SERVICE_USERS = "service_users"
STAFF = "staff"
OTHER = "other"
GROUPS_OF = {"service_user": SERVICE_USERS, "carer": SERVICE_USERS, "staff": STAFF}


def learning_projects(organisation, user):
    """The organisation's projects whose CMO records this person may read in its learning view:
    every one for its admins, those past their draft for its managers."""
    projects = Project.objects.filter(organisation=organisation)
    roles = p.organisation_roles(user, organisation.pk)
    if roles & {p.ORG_ADMIN, p.SUPERUSER}:
        return projects
    return projects.exclude(status=Project.Status.DRAFT)


def cmo_records(projects):
    """The CMO records of these projects, newest first, each with its catalogue links
    (``coded``) and its evidence links (``evidence_links``)."""
    return (
        Evidence.objects.filter(kind=Evidence.Kind.CMO, change__project__in=projects)
        .select_related("change__project")
        .prefetch_related(
            Prefetch(
                "links",
                queryset=CmoLink.objects.filter(item__isnull=False).select_related("item"),
                to_attr="coded",
            ),
            Prefetch(
                "links",
                queryset=CmoLink.objects.filter(item__isnull=True).select_related(
                    *EVIDENCE_RELATED
                ),
                to_attr="evidence_links",
            ),
        )
        .order_by("-created_at", "-pk")
    )


def catalogue(organisation, projects) -> dict[str, list[CatalogueItem]]:
    """The catalogue by lens, each entry counting the CMO records that support it and those
    that contradict it."""
    in_projects = Q(links__cmo__change__project__in=projects)
    items = CatalogueItem.objects.filter(organisation=organisation).annotate(
        supporting=Count("links", filter=in_projects & Q(links__stance=Stance.SUPPORTS)),
        contradicting=Count("links", filter=in_projects & Q(links__stance=Stance.CONTRADICTS)),
    )
    by_lens = {lens: [] for lens in Lens.values}
    for item in items:
        by_lens[item.lens].append(item)
    return by_lens


def impact(projects) -> list[dict]:
    """The fifth lens: how far the changes behind the CMO records got, by status and scope."""
    rows = (
        ServiceChange.objects.filter(project__in=projects, evidence__kind=Evidence.Kind.CMO)
        .values("status", "scope")
        .annotate(changes=Count("pk", distinct=True))
        .order_by("status", "scope")
    )
    statuses = dict(ServiceChange.Status.choices)
    scopes = dict(ServiceChange.Scope.choices)
    return [
        {
            "status": statuses.get(row["status"], row["status"]),
            "scope": scopes.get(row["scope"], row["scope"]),
            "changes": row["changes"],
        }
        for row in rows
    ]


def cqc_counts(projects) -> list[tuple]:
    """How many of these projects' service changes address each CQC quality statement, as
    (key question, [(short name, changes)]) with every statement, none hidden: these are
    changes, not people. One query, whatever the number of changes."""
    tagged = ServiceChange.objects.filter(project__in=projects).exclude(cqc_statements=[])
    counts = Counter(
        key for keys in tagged.values_list("cqc_statements", flat=True) for key in set(keys)
    )
    return [
        (question, [(label, counts[key]) for key, label in statements])
        for question, statements in cqc.KEY_QUESTIONS
    ]


@dataclass
class Case:
    """One CMO record as evidence for or against a mechanism."""

    cmo: Evidence
    link: CmoLink
    contexts: list = field(default_factory=list)
    practices: list = field(default_factory=list)
    powers: list = field(default_factory=list)
    evidence: list = field(default_factory=list)


@dataclass
class MechanismView:
    fired: list[Case]
    not_fired: list[Case]
    contexts_fired: list[tuple[str, int]]
    contexts_not_fired: list[tuple[str, int]]
    contributors: Disclosure
    contributors_total: int


def _cases(item, projects) -> list[Case]:
    links = list(
        CmoLink.objects.filter(item=item, cmo__change__project__in=projects)
        .select_related("cmo__change__project")
        .order_by("-cmo__created_at", "-pk")
    )
    cases = {link.cmo_id: Case(cmo=link.cmo, link=link) for link in links}
    others = (
        CmoLink.objects.filter(cmo_id__in=cases)
        .exclude(item=item)
        .select_related("item", *EVIDENCE_RELATED)
    )
    lists = {Lens.CONTEXT: "contexts", Lens.PRACTICE: "practices", Lens.POWER: "powers"}
    for other in others:
        case = cases[other.cmo_id]
        if other.item_id is None:
            case.evidence.append(other)
        elif other.item.lens in lists:
            getattr(case, lists[other.item.lens]).append(other)
    return list(cases.values())


def contributors_by_group(cmo_ids) -> dict[str, int]:
    """How many people, by group, wrote the contributions behind these CMO records: those
    linked as evidence and those behind the records' service changes."""
    linked = CmoLink.objects.filter(cmo_id__in=cmo_ids, contribution__isnull=False).values(
        "contribution_id"
    )
    changes = Evidence.objects.filter(pk__in=cmo_ids).values("change_id")
    rows = (
        Contribution.objects.filter(Q(pk__in=linked) | Q(service_changes__in=changes))
        .values("constituency")
        .annotate(people=Count("author", distinct=True))
    )
    sizes: dict[str, int] = defaultdict(int)
    for row in rows:
        sizes[GROUPS_OF.get(row["constituency"], OTHER)] += row["people"]
    return {group: sizes.get(group, 0) for group in (SERVICE_USERS, STAFF, OTHER)}


def mechanism_view(item, projects) -> MechanismView:
    """Where a mechanism fired and where it did not, with the evidence and who is behind it."""
    cases = _cases(item, projects)
    fired = [case for case in cases if case.link.stance == Stance.SUPPORTS]
    not_fired = [case for case in cases if case.link.stance == Stance.CONTRADICTS]

    def contexts(of):
        counts = Counter(link.item.name for case in of for link in case.contexts)
        return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))

    sizes = contributors_by_group([case.cmo.pk for case in cases])
    # A person who wrote in two projects is counted in each; the total is the sum shown.
    return MechanismView(
        fired=fired,
        not_fired=not_fired,
        contexts_fired=contexts(fired),
        contexts_not_fired=contexts(not_fired),
        contributors=disclose(sizes, threshold=MANAGERS_THRESHOLD, columns=[SERVICE_USERS, STAFF]),
        contributors_total=sum(sizes.values()),
    )


def group_rows(disclosure: Disclosure) -> list[tuple[str, str]]:
    """Each group's row as the page shows it: its number, or why it is not shown."""
    labels = {SERVICE_USERS: _("Service users and carers"), STAFF: _("Staff")}
    rows = []
    for group, label in labels.items():
        size = disclosure.sizes.get(group, 0)
        if disclosure.shown(group) or size == 0:
            rows.append((label, str(size) if disclosure.shown(group) else _("not shown")))
        elif disclosure.reason(group) == SMALL:
            rows.append((label, _("fewer than %(n)s") % {"n": disclosure.threshold}))
        else:
            rows.append((label, _("not shown")))
    return rows


def evidence_label(link: CmoLink, *, with_titles: bool) -> str:
    """What a link points to, in words. Contributions are named by title only on the project's
    own pages; across the organisation they are counted, never quoted."""
    kind = link.target_kind
    target = link.target
    if kind == "item":
        return f"{target.get_lens_display()}: {target.name}"
    if kind == "contribution":
        if with_titles:
            return _("%(kind)s: %(title)s") % {
                "kind": target.get_kind_display(),
                "title": target.title,
            }
        return _("A contribution (%(kind)s)") % {"kind": target.get_kind_display().lower()}
    if kind == "session":
        return _("Session: %(title)s") % {"title": target.title}
    if kind == "change":
        return _("Service change: %(title)s") % {"title": target.title}
    if kind == "follow_up":
        return _("%(months)s-month check of “%(title)s”: %(outcome)s") % {
            "months": target.months,
            "title": target.change.title,
            "outcome": target.get_outcome_display() or _("not recorded yet"),
        }
    if kind == "theme":
        return _("Theme: %(name)s") % {"name": target.name}
    return _("Facilitators' reflection on %(session)s") % {"session": target.session.title}


def project_cmo_records(project):
    """A project's CMO records with all their links, for its facilitators."""
    return cmo_records(Project.objects.filter(pk=project.pk))


def citable_themes(project):
    """The accepted themes a project's CMO records may cite: the project's own, and those found
    across the organisation's projects that hold a contribution of this project."""
    across = Theme.objects.filter(
        organisation_id=project.organisation_id,
        project__isnull=True,
        contributions__project=project,
    ).values("pk")
    return Theme.objects.filter(
        Q(project=project) | Q(pk__in=across), status=Theme.Status.ACCEPTED
    ).order_by("name", "pk")
