"""The demo's learning across the trust's projects: three projects' CMO records, coded against
the catalogue, so "Hearing experiences first-hand" fired in two contexts and failed in a third.
Called by seed_demo."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from changes.models import Evidence, ServiceChange
from changes.services import change_create, change_set_status, evidence_add
from contributions.models import Contribution
from contributions.services import contribution_add
from participants.models import Constituency
from projects.models import Project
from projects.services import project_create

from ..equality.models import EqualityResponse
from ..equality.services import population_set
from ..models import CatalogueItem
from ..services import cmo_link_add, theory_revise
from ..themes.services import theme_accept, theme_run_build, theme_run_request

CRISIS = {
    "title": "Calling the crisis line",
    "challenge": (
        "People in a mental health crisis wait too long for a call back, and carers do not "
        "know what will happen next. Callers and crisis team staff will look at the calls "
        "together and redesign the first hour."
    ),
    "service_area": "Crisis resolution and home treatment",
    "scope": Project.Scope.SERVICE,
    "method": Project.Method.EBCD,
}

OUTPATIENT_PEOPLE = [
    ("ravi.singh@demo.test", "Ravi", Constituency.SERVICE_USER, "Missed two letters in a row"),
    ("june.adams@demo.test", "June", Constituency.CARER, "No bus before ten"),
    ("nina.hall@demo.test", "Nina", Constituency.STAFF, "Clinic lists change the day before"),
]
CRISIS_PEOPLE = [
    ("sol.brown@demo.test", "Sol", Constituency.SERVICE_USER, "Waited four hours for a call back"),
    ("ana.silva@demo.test", "Ana", Constituency.CARER, "Nobody told me what happens next"),
    ("mo.khan@demo.test", "Mo", Constituency.STAFF, "We cannot change the triage script"),
]
THEORY = [
    "If staff hear service users' experiences first-hand, they see the service through "
    "patients' eyes and change how they work, where they have the authority to act.",
    "If people are told what happened to their ideas, they trust the process and keep taking part.",
    "Where changes need approval from outside the project, a sponsor who can authorise "
    "them is what turns insight into change.",
]


def _people(project, rows, member):
    """Members who took part, each with one contribution; returns the contributions."""
    User = get_user_model()
    made = []
    for email, name, constituency, title in rows:
        user = User.objects.create_user(email=email, full_name=name)
        membership = member(project, user, constituency, name)
        membership.refresh_from_db()
        made.append(
            contribution_add(project=project, author=membership, kind="experience", title=title)
        )
    return made


def _link(cmo, by, pairs, facilitator):
    for target, stance, confidence in pairs:
        kind = "item" if isinstance(target, CatalogueItem) else target._meta.model_name
        kind = {
            "workshopsession": "session",
            "servicechange": "change",
            "reflectivelogentry": "reflection",
        }.get(kind, kind)
        cmo_link_add(
            cmo=cmo,
            created_by=facilitator,
            stance=stance,
            confidence=confidence,
            **{kind: target},
        )


def seed_learning(*, trust, discharge, outpatients, facilitator, member):
    """Code the three projects' CMO records and write the trust's programme theory."""
    items = {item.name: item for item in CatalogueItem.objects.filter(organisation=trust)}
    first_hand = items["Hearing experiences first-hand"]
    crisis = project_create(organisation=trust, created_by=facilitator, **CRISIS)
    crisis.status = Project.Status.ACTIVE
    crisis.save(update_fields=["status"])

    # Ward 7: staff heard patients wait all day, on a ward under pressure, and changed it.
    ward_cmo = Evidence.objects.filter(kind="cmo", change__project=discharge).first()
    touchpoints = Contribution.objects.filter(project=discharge, kind="touchpoint").exclude(
        author__display_name="Priya Shah"
    )
    _link(
        ward_cmo,
        facilitator,
        [
            (first_hand, "supports", "high"),
            (items["Service under staffing pressure"], "supports", "high"),
            (items["Protected time for staff"], "supports", "medium"),
            (items["Staff dominate the discussion"], "contradicts", "medium"),
            (ward_cmo.session, "supports", "high"),
            *((touchpoint, "supports", "medium") for touchpoint in touchpoints),
            *(
                (reflection, "supports", "medium")
                for reflection in ward_cmo.session.reflections.all()
            ),
        ],
        facilitator,
    )

    # Outpatients: a settled team heard why people miss appointments, and rebooking changed.
    missed = _people(outpatients, OUTPATIENT_PEOPLE, member)
    texts = change_create(
        project=outpatients,
        created_by=facilitator,
        contributions=missed,
        title="Text reminders with a one-tap rebooking link",
        scope="service",
        owner_role="Outpatients manager",
        description="A text two days before each appointment, with a link to move it.",
    )
    for status in ("agreed", "implemented"):
        change_set_status(
            change=texts, status=status, progress=None, note="", changed_by=facilitator
        )
    out_cmo = evidence_add(
        change=texts,
        created_by=facilitator,
        kind="cmo",
        context="A settled clinic team with a monthly learning afternoon.",
        mechanism="Clinic staff heard patients explain, in their own words, why letters "
        "and buses made them miss appointments.",
        outcome="Missed appointments fell from one in eight to one in fourteen in three months.",
    )
    _link(
        out_cmo,
        facilitator,
        [
            (first_hand, "supports", "medium"),
            (items["Stable team with time to reflect"], "supports", "high"),
            (items["Independent facilitation"], "supports", "medium"),
            (texts, "supports", "high"),
            *((contribution, "supports", "medium") for contribution in missed),
        ],
        facilitator,
    )

    # The crisis line: staff heard callers first-hand, but the triage script was not theirs to
    # change. The mechanism did not fire: a disconfirming case, kept in view.
    calls = _people(crisis, CRISIS_PEOPLE, member)
    callback = change_create(
        project=crisis,
        created_by=facilitator,
        contributions=calls,
        title="Call back within the hour, with a named worker",
        scope="system",
        approver="Integrated care board",
        owner_role="Crisis team lead",
    )
    change_set_status(
        change=callback,
        status=ServiceChange.Status.NOT_TAKEN_FORWARD,
        progress=None,
        note="",
        reason="The triage contract is set by the commissioners until next year.",
        changed_by=facilitator,
    )
    crisis_cmo = evidence_add(
        change=callback,
        created_by=facilitator,
        kind="cmo",
        context="Crisis team under review; the triage script is set by the commissioners.",
        mechanism="Staff heard callers' stories of waiting first-hand, and agreed they were "
        "right, but had no say over the script.",
        outcome="Call-back times did not change; staff said they felt powerless to act.",
    )
    _link(
        crisis_cmo,
        facilitator,
        [
            (first_hand, "contradicts", "high"),
            (items["Change needs approval beyond the team"], "supports", "high"),
            (items["Decisions made outside the room"], "supports", "high"),
            (items["A sponsor who can authorise change"], "contradicts", "medium"),
            (callback, "contradicts", "high"),
            *((contribution, "supports", "medium") for contribution in calls),
        ],
        facilitator,
    )
    _themes(discharge, facilitator)
    _themes_across(trust)
    _equality(trust)
    theory_revise(
        organisation=trust,
        statements=THEORY[:2],
        reason="First statements, from the synthesis we started with.",
        changed_by=facilitator,
    )
    theory_revise(
        organisation=trust,
        statements=THEORY,
        reason="The crisis line showed that hearing people first-hand changes nothing where "
        "staff cannot act: we added who holds the authority.",
        changed_by=facilitator,
    )


def _themes(project, facilitator):
    """Ward 7's themes, suggested (built here rather than by the worker), the one about
    medicines accepted under a name people gave it; the rest wait for a decision."""
    run = theme_run_request(project=project, requested_by=facilitator)
    theme_run_build(run_id=run.pk)
    themes = list(run.themes.order_by("position"))
    medicines = next((theme for theme in themes if "medicines" in theme.terms), None)
    if medicines is not None:
        theme_accept(
            theme=medicines, name="Waiting for medicines to go home", decided_by=facilitator
        )


def _managers(trust):
    return get_user_model().objects.filter(
        organisation_roles__organisation=trust, organisation_roles__role="manager"
    )


def _themes_across(trust):
    """Themes across the trust's projects, asked for by its manager: the largest accepted, the
    rest waiting for a decision."""
    manager = _managers(trust).first()
    run = theme_run_request(organisation=trust, requested_by=manager)
    theme_run_build(run_id=run.pk)
    largest = run.themes.order_by("position").first()
    if largest is not None:
        theme_accept(theme=largest, name=largest.suggested_name, decided_by=manager)


def seed_evidence(trust):
    """The trust's evidence reports, built (here rather than by the worker) for its manager:
    the annual involvement report for this financial year so far (PDF) and the realist
    synthesis (Word). Run after the rest of the demo, so they hold it."""
    from reports.services import report_build, report_request

    manager = _managers(trust).first()
    today = timezone.localdate()
    start = today.replace(month=4, day=1)
    if start > today:
        start = start.replace(year=today.year - 1)
    for kind, file_format, parameters in (
        ("annual", "pdf", {"date_from": start.isoformat(), "date_to": today.isoformat()}),
        ("realist", "docx", {}),
    ):
        report, _created = report_request(
            user=manager,
            organisation=trust,
            kind=kind,
            file_format=file_format,
            parameters=parameters,
        )
        report_build(report_id=report.pk)


# Answers the trust's participants chose to give, in turn: most are White and over 55, so the
# page shows younger and Asian people missing against the catchment's census shares.
AGES = ["65_74", "75_over", "55_64", "45_54", "65_74", "prefer_not", "75_over", "55_64"]
ETHNICITIES = ["white", "white", "white", "asian", "white", "prefer_not", "white", "black"]


def _equality(trust):
    from participants.models import Membership

    users = (
        Membership.objects.filter(project__organisation=trust, role="participant", status="active")
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )
    now = timezone.now()
    EqualityResponse.objects.bulk_create(
        EqualityResponse(
            user_id=user_id,
            consented_at=now,
            age_band=AGES[index % len(AGES)],
            ethnicity=ETHNICITIES[index % len(ETHNICITIES)],
            disability="yes" if index % 3 == 0 else "no",
            caring="yes" if index % 4 == 1 else "no",
        )
        for index, user_id in enumerate(users)
    )
    population_set(
        organisation=trust,
        question="ethnicity",
        shares={"white": Decimal("78.5"), "asian": Decimal("12"), "black": Decimal("4.5")},
    )
    population_set(
        organisation=trust,
        question="age_band",
        shares={"18_24": Decimal("9"), "25_34": Decimal("14"), "65_74": Decimal("11")},
    )
