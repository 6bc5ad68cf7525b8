"""The organisation's learning view as a realist synthesis report, in the order of the RAMESES II
reporting standards for realist evaluations and syntheses (Wong et al.): title, summary,
introduction, methods, results (per mechanism: where it fired and where it did not, the
outcomes, who is behind the evidence, the disconfirming cases), discussion.

It names nobody: CMO records are the facilitators' accounts, contributions are counted by kind
and group (groups of fewer than 5 not shown), and the programme theory's history says when and
why it changed, not who changed it. It covers the projects managers see (no drafts).
"""

from collections import Counter

from django.db.models import Count
from django.utils import formats
from django.utils.translation import gettext as _

from changes.models import Evidence
from learning import selectors as learning
from learning.models import CatalogueItem, CmoLink, Lens, ProgrammeTheoryVersion, Stance

from ..exports import scope_projects


def _evidence_counts(projects) -> dict:
    links = CmoLink.objects.filter(cmo__change__project__in=projects)
    kinds = {
        "contribution": _("Contributions (what people said)"),
        "session": _("Sessions"),
        "change": _("Service changes"),
        "follow_up": _("Follow-up checks of changes"),
        "reflection": _("Facilitators' reflective log entries"),
        "theme": _("Themes found in what people said"),
    }
    counts = {key: links.filter(**{f"{key}__isnull": False}).count() for key in kinds}
    appraisal = Counter(
        {
            (stance, confidence): n
            for stance, confidence, n in links.values_list("stance", "confidence")
            .annotate(n=Count("pk"))
            .order_by()
        }
    )
    return {"kinds": kinds, "counts": counts, "appraisal": appraisal}


def _introduction(doc, organisation) -> None:
    doc.heading(_("Introduction"))
    doc.subheading(_("Rationale for the synthesis"))
    doc.text(
        _(
            "Collaboration between service users and staff prompts change in public services "
            "through mechanisms that fire in some circumstances and not in others. "
            "%(organisation)s gathers what each of its projects learns, so that it knows what "
            "works, for whom, in what circumstances."
        )
        % {"organisation": organisation.name}
    )
    doc.subheading(_("Objectives and focus"))
    doc.text(
        _(
            "To test and refine the organisation's programme theory of co-production through "
            "five lenses: the mechanisms by which collaboration prompts change, the management "
            "practices that support them, the contexts and power relations that shape them, "
            "and the impact that follows."
        )
    )


def _methods(doc, organisation, projects, evidence, versions) -> None:
    doc.heading(_("Methods"))
    doc.subheading(_("Rationale for a realist synthesis"))
    doc.text(
        _(
            "Co-production is a complex intervention whose outcomes depend on context. A realist "
            "approach asks how and why it works, rather than whether it works on average."
        )
    )
    doc.subheading(_("Changes in the programme theory"))
    doc.table(
        [_("Version"), _("Date"), _("Why it changed")],
        [
            [
                version.number,
                formats.date_format(version.created_at, "j M Y"),
                version.reason,
            ]
            for version in versions
        ],
        empty=_("No programme theory is written yet."),
    )
    doc.subheading(_("Scoping: the catalogue"))
    catalogue = Counter(
        CatalogueItem.objects.filter(organisation=organisation).values_list("lens", flat=True)
    )
    doc.table([_("Lens"), _("Entries")], [[lens.label, catalogue[lens.value]] for lens in Lens])
    doc.subheading(_("Evidence sources"))
    doc.text(
        _(
            "Context–mechanism–outcome (CMO) records written by the facilitators of %(n)s "
            "projects, each linked to the catalogue and to the evidence behind it in its project."
        )
        % {"n": len(projects)}
    )
    doc.table(
        [_("Evidence linked to CMO records"), _("Links")],
        [[label, evidence["counts"][key]] for key, label in evidence["kinds"].items()],
    )
    doc.subheading(_("Selection and appraisal"))
    doc.text(
        _(
            "Each link says whether the evidence supports or contradicts the record, and how "
            "sure its facilitator is. Contradicting evidence is kept, not discarded."
        )
    )
    appraisal = evidence["appraisal"]
    doc.table(
        [_("Confidence"), _("Supports"), _("Contradicts")],
        [
            [
                label,
                appraisal[Stance.SUPPORTS.value, value],
                appraisal[Stance.CONTRADICTS.value, value],
            ]
            for value, label in CmoLink._meta.get_field("confidence").choices
        ],
    )
    doc.subheading(_("Analysis and synthesis"))
    doc.text(
        _(
            "For each mechanism, the CMO records that say it fired are compared with those that "
            "say it did not, by the contexts, practices and power relations they are coded with."
        )
    )


def _mechanism(doc, item, view) -> None:
    doc.subheading(_("Mechanism: %(name)s") % {"name": item.name})
    if item.offered or item.response:
        doc.labelled(_("What is offered"), item.offered)
        doc.labelled(_("How people respond"), item.response)
    for label, contexts in (
        (_("Contexts where it fired"), view.contexts_fired),
        (_("Contexts where it did not fire"), view.contexts_not_fired),
    ):
        doc.labelled(
            label,
            "; ".join(f"{name} ({count})" for name, count in contexts) or _("none recorded"),
        )
    doc.labelled(
        _("Outcomes"),
        " ".join(case.cmo.outcome.strip() for case in view.fired if case.cmo.outcome.strip())
        or _("none recorded"),
    )
    doc.table(
        [_("Who is behind the evidence"), _("People")],
        [[_("Everyone"), view.contributors_total], *learning.group_rows(view.contributors)],
    )
    doc.labelled(_("Disconfirming cases"), len(view.not_fired) or _("none"))
    doc.bullets(
        _("%(project)s: %(context)s. Outcome: %(outcome)s (%(confidence)s confidence)")
        % {
            "project": case.cmo.change.project.in_language("title"),
            "context": case.cmo.context.strip().rstrip("."),
            "outcome": case.cmo.outcome,
            "confidence": case.link.get_confidence_display().lower(),
        }
        for case in view.not_fired
    )


def _results(doc, organisation, projects, theory, heartbeat) -> list:
    records = list(learning.cmo_records(projects))
    doc.heading(_("Results"))
    doc.subheading(_("Flow of evidence"))
    per_project = Counter(record.change.project for record in records)
    doc.table(
        [_("Project"), _("CMO records")],
        [[project.in_language("title"), per_project[project]] for project in projects],
    )
    doc.subheading(_("Programme theory (current version)"))
    if theory:
        doc.text(_("Version %(n)s") % {"n": theory.number})
        doc.bullets(theory.statements)
    else:
        doc.text(_("No programme theory is written yet."))
    findings = []
    mechanisms = CatalogueItem.objects.filter(organisation=organisation, lens=Lens.MECHANISM)
    untested = []
    for item in mechanisms.order_by("name", "pk"):
        view = learning.mechanism_view(item, projects)
        if view.fired or view.not_fired:
            _mechanism(doc, item, view)
            findings.append((item.name, len(view.fired), len(view.not_fired)))
        else:
            untested.append(item.name)
        heartbeat()
    if untested:
        doc.labelled(_("Mechanisms no CMO record is coded to yet"), "; ".join(untested))
    return findings


def _discussion(doc, findings) -> None:
    doc.heading(_("Discussion"))
    doc.subheading(_("Summary of findings"))
    doc.table(
        [_("Mechanism"), _("Fired"), _("Did not fire")],
        [[name, fired, not_fired] for name, fired, not_fired in findings if fired or not_fired],
        empty=_("No CMO record is coded to a mechanism yet."),
    )
    doc.subheading(_("Strengths and limitations"))
    doc.text(
        _(
            "The evidence is the organisation's own: recorded as projects went, by the people "
            "who ran them, and linked to what participants said and did. It is not independent, "
            "and a mechanism with few cases, or cases from one kind of context, is weakly "
            "tested. Groups of fewer than 5 people are not shown, so small constituencies can "
            "be under-described."
        )
    )
    doc.subheading(_("Conclusions and recommendations"))
    doc.text(
        _(
            "Mechanisms that fired across several contexts are candidates to spread; those with "
            "disconfirming cases show the circumstances to change or avoid. Revise the programme "
            "theory where the evidence contradicts it, and say why."
        )
    )


def write_realist(doc, report, heartbeat) -> None:
    """The realist synthesis report's sections, into ``doc``."""
    organisation = report.organisation
    projects = list(scope_projects(report).order_by("title", "pk"))
    versions = list(
        ProgrammeTheoryVersion.objects.filter(organisation=organisation).order_by("-number")
    )
    theory = versions[0] if versions else None
    evidence = _evidence_counts(projects)
    records = Evidence.objects.filter(kind=Evidence.Kind.CMO, change__project__in=projects).count()
    doc.title(
        _("What works in co-production: a realist synthesis"),
        _("%(organisation)s · reported to the RAMESES II standards")
        % {"organisation": organisation.name},
    )
    doc.heading(_("Summary"))
    doc.text(
        _(
            "A realist synthesis of %(records)s context–mechanism–outcome records from "
            "%(projects)s projects, against programme theory version %(version)s. %(supports)s "
            "links support the records and %(contradicts)s contradict them."
        )
        % {
            "records": records,
            "projects": len(projects),
            "version": theory.number if theory else "–",
            "supports": sum(
                n for (stance, _c), n in evidence["appraisal"].items() if stance == Stance.SUPPORTS
            ),
            "contradicts": sum(
                n
                for (stance, _c), n in evidence["appraisal"].items()
                if stance == Stance.CONTRADICTS
            ),
        }
    )
    _introduction(doc, organisation)
    _methods(doc, organisation, projects, evidence, versions)
    heartbeat()
    findings = _results(doc, organisation, projects, theory, heartbeat)
    _discussion(doc, findings)
