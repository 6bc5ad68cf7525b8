"""Create a large organisation for the benchmark in `bench/`, with bulk inserts.

`--size` is the organisation's contributions: 2k, 20k (the default) or 200k, or any number. At
20k: 20 projects, 2,000 participants, 20,000 contributions (one project, the one the benchmark
measures, holds a tenth: 2,000, a quarter of them touchpoints, and one idea with exactly ten
comments) with comments and supports, 100 sessions with replies, attendance and payments, and
500 service changes with timelines, follow-up checks and evidence; other sizes scale every
figure. Rows are made in memory and written with `bulk_create` in batches: no service is called
per row, so no email, notification or outbox message is written. Every person has an unusable
password; the benchmark signs in with `force_login`. The manager, the admin and the facilitator
have an authenticator app, as production's two-factor rule asks of their roles.

It refuses production settings. A database holds one size: run again at the same size, it does
nothing (so a large seed is made once and kept); at another size it refuses.
"""

import random
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from changes.models import (
    FOLLOW_UP_MONTHS,
    Evidence,
    FollowUpCheck,
    LadderRating,
    LadderVote,
    ServiceChange,
    TimelineEntry,
    YouSaidWeDid,
)
from changes.services import _add_months
from contributions.board_size import board_sizes_refresh
from contributions.member_tallies import member_tallies_refresh
from contributions.models import Comment, Contribution, Support, Tag
from contributions.services import contribution_counts_refresh
from participants.models import AccessNeeds, Consent, ConsentStatement, Constituency, Membership
from projects.methods import journey_for, stages_for
from projects.models import JourneyStep, Organisation, OrganisationRole, Project, Stage
from projects.services import default_consent_text
from sessions.models import (
    AgendaItem,
    Attendance,
    ExpenseClaim,
    OrganisationPaymentTerms,
    PaymentPolicy,
    Recognition,
    Reply,
    WorkshopSession,
)

User = get_user_model()

ORGANISATION_NAME = "Greater Riverside Health and Care (large demo)"
MANAGER_EMAIL = "manager@large.test"
FACILITATOR_EMAIL = "facilitator@large.test"
ADMIN_EMAIL = "orgadmin@large.test"
# The one project as large as the benchmark's "board at 2,000 contributions".
LARGE_PROJECT_TITLE = "Waiting in the emergency department"

FULL_SIZE = {
    "projects": 20,
    "participants": 2000,
    "contributions": 20000,
    "large_project_contributions": 2000,
    "sessions": 100,
    "changes": 500,
}
MINIMUM = {
    "projects": 2,
    "participants": 24,
    "contributions": 60,
    "large_project_contributions": 30,
    "sessions": 4,
    "changes": 12,
}
BATCH = 2000
HISTORY_DAYS = 540
# The contribution the benchmark opens: an idea in the large project with this many comments.
FEATURED_COMMENTS = 10
# At most this many people are invited to one session, however large the project.
MAX_INVITED = 150

TOPICS = [
    LARGE_PROJECT_TITLE,
    "Going home from hospital",
    "Getting to outpatient appointments",
    "Booking a GP appointment",
    "Mental health crisis support",
    "Maternity care after birth",
    "Carers' breaks",
    "Home care visits",
    "Diabetes clinic",
    "Children's therapy waiting list",
    "Housing repairs",
    "Adult social care assessments",
    "Hospital food",
    "Memory clinic",
    "Stroke rehabilitation",
    "Patient transport",
    "Learning disability annual health checks",
    "Pharmacy at discharge",
    "End of life care at home",
    "Community physiotherapy",
]
FIRST_NAMES = [
    "Alex", "Sam", "Jo", "Priya", "Dev", "Maria", "Tom", "Kate", "Li", "Fiona", "Omar", "Ruth",
    "Chris", "Helen", "Mark", "Aisha", "Ben", "Chloe", "Daniel", "Ella", "Femi", "Grace", "Hamza",
    "Isla", "Jack", "Kemi", "Leo", "Mia", "Noah", "Olivia", "Pat", "Rosa", "Sean", "Tariq", "Una",
    "Vic", "Wen", "Yusuf", "Zara", "Edna",
]  # fmt: skip
SURNAMES = [
    "Shah", "Morgan", "Williams", "Okafor", "Byrne", "Carter", "Haddad", "Ellis", "Lewis",
    "Patel", "Lopez", "Reid", "Brooks", "Khan", "Jones", "Smith", "Nowak", "Evans", "Chen", "Ali",
]  # fmt: skip
JOB_TITLES = [
    "Staff nurse", "Ward sister", "Pharmacist", "Occupational therapist", "Physiotherapist",
    "Receptionist", "Consultant", "Healthcare assistant", "Social worker", "Porter",
]  # fmt: skip
TITLES = {
    Contribution.Kind.EXPERIENCE: [
        "Waiting without being told why",
        "The nurse who sat down and explained",
        "Nobody knew my history",
        "Told the same thing three times",
        "Could not find the right entrance",
        "My carer was not told",
        "Felt rushed at the end",
        "A letter that arrived too late",
    ],
    Contribution.Kind.TOUCHPOINT: [
        "Arriving at reception",
        "The first phone call",
        "Waiting for results",
        "Being discharged",
        "The first night at home",
        "Meeting the consultant",
        "Getting medicines",
        "Being told the plan",
    ],
    Contribution.Kind.IDEA: [
        "A named person to call",
        "Text message updates while waiting",
        "Large-print information sheet",
        "Plan the day before",
        "Carers invited to the planning meeting",
        "One shared record across teams",
        "A quiet room for families",
        "Check-in call after a week",
    ],
}
BODY = (
    "In my own words: {title}. It happened more than once, and it made the day harder for "
    "everyone involved. If we changed how this works, people would feel listened to, and staff "
    "would spend less time repeating themselves. (#{n})"
)
COMMENTS = [
    "This happened to me too.",
    "We see this on the ward every week; it needs a change in how shifts hand over.",
    "Could we try it for a month and see?",
    "Agree, and carers should be part of it.",
    "It would need the pharmacy team on board.",
    "Thank you for writing this down.",
]


@contextmanager
def dates_as_given(*models):
    """Let bulk inserts keep the dates set on each row, which auto_now fields would replace."""
    fields = [
        field
        for model in models
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def sizes_for(scale: float) -> dict:
    return {name: max(MINIMUM[name], round(full * scale)) for name, full in FULL_SIZE.items()}


def parse_size(text: str) -> int:
    """'2k', '20k', '200k' or a plain number of contributions."""
    text = str(text).strip().lower().replace(",", "").replace("_", "")
    factor = 1000 if text.endswith("k") else 1
    try:
        size = int(float(text.removesuffix("k")) * factor)
    except ValueError:
        raise CommandError(f"--size {text!r}: give a number of contributions, as 20k.") from None
    return size


def scale_for(size: int) -> float:
    """The scale whose organisation holds ``size`` contributions."""
    return size / FULL_SIZE["contributions"]


def size_label(size: int) -> str:
    return f"{size // 1000}k" if size >= 1000 and size % 1000 == 0 else str(size)


def split(total: int, parts: int) -> list[int]:
    """Split a total into near-equal whole parts."""
    base, extra = divmod(total, parts)
    return [base + (1 if index < extra else 0) for index in range(parts)]


class Command(BaseCommand):
    help = (
        "Create a large organisation for the benchmark (20 projects, 2,000 participants, "
        "20,000 contributions at --scale 1). Refuses production; running it again changes "
        "nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--size",
            default="20k",
            help="The organisation's contributions: 2k, 20k (default), 200k or a number; "
            "every other figure scales with it.",
        )
        parser.add_argument(
            "--random-seed", type=int, default=6, help="Seed for the made-up data (default 6)."
        )

    def handle(self, *args, size, random_seed, **options):
        if getattr(settings, "CODESIGN_ENVIRONMENT", "") == "production":
            raise CommandError("seed_large refuses to run with production settings.")
        size = parse_size(size)
        if not 0 < size <= 500_000:
            raise CommandError("--size must be more than 0 and at most 500k contributions.")
        sizes = sizes_for(scale_for(size))
        present = Organisation.objects.filter(name=ORGANISATION_NAME).first()
        if present is not None:
            held = Contribution.objects.filter(project__organisation=present).count()
            if held != sizes["contributions"]:
                raise CommandError(
                    f"This database already holds “{ORGANISATION_NAME}” with {held:,} "
                    f"contributions: seed {size_label(size)} in another database."
                )
            self.stdout.write(
                f"“{ORGANISATION_NAME}” is already present at {size_label(size)}; nothing changed."
            )
            return
        started = timezone.now()
        with transaction.atomic():
            counts = LargeSeed(sizes, random.Random(random_seed)).run()
        if connection.vendor == "postgresql":
            # Fresh statistics and visibility maps, as autovacuum would make in time: without
            # them the planner guesses a handful of rows per table, and reads the table for
            # what an index alone answers, as no real site would.
            # (VACUUM cannot run inside a transaction, such as a test's.)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        seconds = (timezone.now() - started).total_seconds()
        self.stdout.write(self.style.SUCCESS(f"Created “{ORGANISATION_NAME}” in {seconds:.0f} s:"))
        for name, count in counts.items():
            self.stdout.write(f"  {name:24} {count:>8,}")
        self.stdout.write(
            f"Sign in (force_login; passwords are unusable): {MANAGER_EMAIL} (manager), "
            f"{FACILITATOR_EMAIL} (facilitator of every project)."
        )


class LargeSeed:
    """Build the rows in memory, then write each table in batches."""

    def __init__(self, sizes: dict, rng: random.Random):
        self.sizes = sizes
        self.rng = rng
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.counts: dict[str, int] = {}

    def insert(self, model, rows, label=None):
        model.objects.bulk_create(rows, batch_size=BATCH)
        label = label or model._meta.verbose_name_plural
        self.counts[str(label)] = self.counts.get(str(label), 0) + len(rows)
        return rows

    def when(self, start, end=None):
        """A random moment between two moments (default: now)."""
        end = end or self.now
        span = max((end - start).total_seconds(), 1)
        return start + timedelta(seconds=self.rng.uniform(0, span))

    def run(self) -> dict:
        with dates_as_given(
            Membership,
            Contribution,
            Comment,
            Support,
            ServiceChange,
            Recognition,
            Attendance,
            ExpenseClaim,
        ):
            self.people()
            self.organisation()
            self.projects()
            self.memberships()
            self.sessions()
            self.contributions()
            self.conversation()
            self.changes()
            self.ladder()
        return self.counts

    # People and the organisation

    def people(self):
        def person(email, name):
            return User(email=email, full_name=name, password=make_password(None))

        self.manager = person(MANAGER_EMAIL, "Large Demo Manager")
        self.facilitator = person(FACILITATOR_EMAIL, "Large Demo Facilitator")
        self.admin = person(ADMIN_EMAIL, "Large Demo Admin")
        rng = self.rng
        self.participants = [
            person(
                f"person{index:05d}@large.test",
                f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
            )
            for index in range(1, self.sizes["participants"] + 1)
        ]
        self.insert(User, [self.manager, self.facilitator, self.admin, *self.participants])
        # Their roles need two-factor authentication; without an app they would be sent to
        # set one up on every page.
        self.insert(
            Authenticator,
            [
                Authenticator(
                    user=user,
                    type=Authenticator.Type.TOTP,
                    data={"secret": "not-a-usable-secret"},
                )
                for user in (self.manager, self.facilitator, self.admin)
            ],
            "authenticator apps",
        )

    def organisation(self):
        self.org = Organisation.objects.create(
            name=ORGANISATION_NAME,
            safeguarding_text="Worried about someone's safety? Call the safeguarding team on "
            "0100 000 0001. In an emergency, call 999.",
            payment_policy="Service users and carers are paid £20 an hour, with travel and "
            "carer cover refunded.",
        )
        OrganisationPaymentTerms.objects.create(organisation=self.org, hourly_rate=Decimal(20))
        self.insert(
            OrganisationRole,
            [
                OrganisationRole(organisation=self.org, user=self.manager, role="manager"),
                OrganisationRole(organisation=self.org, user=self.admin, role="admin"),
                OrganisationRole(organisation=self.org, user=self.facilitator, role="facilitator"),
            ],
        )

    def projects(self):
        count = self.sizes["projects"]
        start = self.now - timedelta(days=HISTORY_DAYS)
        self.project_list = []
        for index in range(count):
            title = TOPICS[index % len(TOPICS)]
            if index >= len(TOPICS):
                title = f"{title} ({index // len(TOPICS) + 1})"
            method = Project.Method.EBCD if index % 2 == 0 else Project.Method.DOUBLE_DIAMOND
            self.project_list.append(
                Project(
                    organisation=self.org,
                    title=title,
                    challenge=f"Service users and staff want to improve: {title.lower()}.",
                    service_area=title,
                    scope=self.rng.choice(Project.Scope.values),
                    method=method,
                    status=Project.Status.CLOSED if index >= count - 2 and index else "active",
                    allow_anonymous=index % 4 != 3,
                    created_by=self.facilitator,
                )
            )
        self.insert(Project, self.project_list)
        # created_at is auto_now_add on Project; spread the projects over the history.
        self.project_start = {}
        for index, project in enumerate(self.project_list):
            project.created_at = start + timedelta(days=index * (HISTORY_DAYS // 2) / count)
            self.project_start[project.pk] = project.created_at
        Project.objects.bulk_update(self.project_list, ["created_at"], batch_size=BATCH)
        self.large_project = self.project_list[0]

        stages = []
        for project in self.project_list:
            for order, (name, description) in enumerate(stages_for(project.method), start=1):
                stages.append(
                    Stage(
                        project=project, name=str(name), description=str(description), order=order
                    )
                )
        self.insert(Stage, stages)
        self.stages = {project.pk: [] for project in self.project_list}
        for stage in stages:
            self.stages[stage.project_id].append(stage)
        for project in self.project_list:
            project.current_stage = self.stages[project.pk][len(self.stages[project.pk]) // 2]
        Project.objects.bulk_update(self.project_list, ["current_stage"], batch_size=BATCH)
        steps = [
            JourneyStep(project=project, name=str(name), order=order)
            for project in self.project_list
            for order, name in enumerate(journey_for(project.method), start=1)
        ]
        self.insert(JourneyStep, steps)
        self.journeys = {project.pk: [] for project in self.project_list}
        for step in steps:
            self.journeys[step.project_id].append(step)

        self.statements = {
            project.pk: ConsentStatement(
                project=project, version=1, text=default_consent_text(project)
            )
            for project in self.project_list
        }
        self.insert(ConsentStatement, list(self.statements.values()))
        self.insert(
            PaymentPolicy,
            [
                PaymentPolicy(project=project, hourly_rate=Decimal(20))
                for project in self.project_list
            ],
        )
        self.insert(
            YouSaidWeDid,
            label="you said, we did pages",
            rows=[
                YouSaidWeDid(
                    project=project,
                    introduction="Here is what changed because of what you told us.",
                    public=index % 3 == 0,
                )
                for index, project in enumerate(self.project_list)
            ],
        )
        self.tags = {
            project.pk: [
                Tag(project=project, name=name)
                for name in ("information", "waiting", "carers", "medicines", "transport")
            ]
            for project in self.project_list
        }
        self.insert(Tag, [tag for tags in self.tags.values() for tag in tags])

    def memberships(self):
        """Everyone in a home project (the large project gets three shares), a tenth in a
        second one; two facilitators per project besides the benchmark's facilitator."""
        rng = self.rng
        weights = [3] + [1] * (len(self.project_list) - 1)
        constituencies = [
            Constituency.SERVICE_USER,
            Constituency.CARER,
            Constituency.STAFF,
            Constituency.OTHER,
        ]
        rows = []
        facilitators_needed = {project.pk: 2 for project in self.project_list}
        for user in self.participants:
            constituency = rng.choices(constituencies, weights=[45, 15, 36, 4])[0]
            homes = rng.choices(self.project_list, weights=weights)
            if rng.random() < 0.1:
                second = rng.choice(self.project_list)
                if second != homes[0]:
                    homes.append(second)
            for project in homes:
                role = Membership.Role.PARTICIPANT
                if constituency == Constituency.STAFF and facilitators_needed[project.pk]:
                    facilitators_needed[project.pk] -= 1
                    role = Membership.Role.FACILITATOR
                elif constituency == Constituency.OTHER and rng.random() < 0.5:
                    role = Membership.Role.OBSERVER
                status = rng.choices(
                    [Membership.Status.ACTIVE, Membership.Status.INVITED, "withdrawn"],
                    weights=[90, 6, 4],
                )[0]
                if role == Membership.Role.FACILITATOR:
                    status = Membership.Status.ACTIVE
                created = self.when(self.project_start[project.pk])
                rows.append(
                    Membership(
                        project=project,
                        user=user,
                        role=role,
                        constituency=constituency,
                        display_name=user.full_name.split()[0] + " " + user.full_name[-1] + ".",
                        job_title=rng.choice(JOB_TITLES) if constituency == "staff" else "",
                        status=status,
                        joined_at=None if status == "invited" else created,
                        withdrawn_at=self.when(created) if status == "withdrawn" else None,
                        created_at=created,
                    )
                )
        for project in self.project_list:
            rows.append(
                Membership(
                    project=project,
                    user=self.facilitator,
                    role=Membership.Role.FACILITATOR,
                    constituency=Constituency.STAFF,
                    display_name="Facilitator",
                    status=Membership.Status.ACTIVE,
                    joined_at=self.project_start[project.pk],
                    created_at=self.project_start[project.pk],
                )
            )
        self.insert(Membership, rows)
        self.members = {project.pk: [] for project in self.project_list}
        self.contributors = {project.pk: [] for project in self.project_list}
        consents, needs = [], []
        for membership in rows:
            if membership.status != Membership.Status.INVITED:
                consents.append(
                    Consent(
                        membership=membership,
                        statement=self.statements[membership.project_id],
                        method=rng.choice(["online"] * 6 + ["paper", "verbal", "advocate"]),
                        given_at=membership.joined_at,
                        recorded_by=self.facilitator,
                        withdrawn_at=membership.withdrawn_at,
                    )
                )
            if membership.status != Membership.Status.ACTIVE:
                continue
            self.members[membership.project_id].append(membership)
            if membership.role != Membership.Role.OBSERVER:
                self.contributors[membership.project_id].append(membership)
            if membership.is_service_user_side and rng.random() < 0.15:
                needs.append(
                    AccessNeeds(
                        membership=membership,
                        large_print=rng.random() < 0.5,
                        step_free_access=rng.random() < 0.4,
                        hearing_loop=rng.random() < 0.2,
                    )
                )
        self.insert(Consent, consents)
        self.insert(AccessNeeds, needs)

    # Sessions

    def sessions(self):
        rng = self.rng
        kinds = [
            (WorkshopSession.Kind.SERVICE_USER_EVENT, WorkshopSession.Audience.SERVICE_USERS),
            (WorkshopSession.Kind.STAFF_EVENT, WorkshopSession.Audience.STAFF),
            (WorkshopSession.Kind.JOINT_EVENT, WorkshopSession.Audience.EVERYONE),
            (WorkshopSession.Kind.CODESIGN_GROUP, WorkshopSession.Audience.EVERYONE),
            (WorkshopSession.Kind.WORKSHOP, WorkshopSession.Audience.EVERYONE),
        ]
        sessions = []
        per_project = split(self.sizes["sessions"], len(self.project_list))
        for project, count in zip(self.project_list, per_project, strict=True):
            for index in range(count):
                kind, audience = kinds[index % len(kinds)]
                past = index < max(1, round(count * 0.7))
                if past:
                    day = self.when(self.project_start[project.pk], self.now - timedelta(days=2))
                else:
                    day = self.now + timedelta(days=rng.randint(2, 60))
                starts = day.replace(hour=10, minute=0, second=0, microsecond=0)
                status = WorkshopSession.Status.HELD if past else WorkshopSession.Status.SCHEDULED
                if rng.random() < 0.06:
                    status = WorkshopSession.Status.CANCELLED
                sessions.append(
                    WorkshopSession(
                        project=project,
                        title=f"{kind.label}: {project.title.lower()} ({index + 1})",
                        kind=kind,
                        audience=audience,
                        stage=rng.choice(self.stages[project.pk]),
                        starts_at=starts,
                        ends_at=starts + timedelta(hours=rng.choice([2, 3])),
                        place="Education centre, seminar room 2 (step-free entrance)",
                        capacity=rng.choice([None, 30, 40]),
                        status=status,
                        cancel_reason="Room unavailable." if status == "cancelled" else "",
                        record_notes="Notes from the room." if status == "held" else "",
                        outputs="Priorities chosen together." if status == "held" else "",
                        created_by=self.facilitator,
                    )
                )
        self.insert(WorkshopSession, sessions)
        self.held = {project.pk: [] for project in self.project_list}
        agenda, replies, attendances = [], [], []
        for session in sessions:
            for order, title in enumerate(["Welcome", "Working in groups", "Next steps"], 1):
                agenda.append(AgendaItem(session=session, order=order, title=title))
            eligible = [
                m for m in self.members[session.project_id] if session.is_for(m.constituency)
            ]
            invited = rng.sample(eligible, k=min(round(len(eligible) * 0.6), MAX_INVITED))
            for membership in invited:
                answer = rng.choices(
                    ["going", "maybe", "not_going", "waitlist"], weights=[65, 10, 20, 5]
                )[0]
                replies.append(
                    Reply(
                        session=session,
                        membership=membership,
                        answer=answer,
                        waitlisted_at=session.starts_at - timedelta(days=3)
                        if answer == "waitlist"
                        else None,
                    )
                )
                came = (answer == "going" and rng.random() < 0.85) or (
                    answer == "maybe" and rng.random() < 0.4
                )
                if session.status == "held" and came:
                    attendances.append(
                        Attendance(
                            session=session,
                            membership=membership,
                            recorded_by=self.facilitator,
                            recorded_at=session.ends_at,
                        )
                    )
            if session.status == "held":
                self.held[session.project_id].append(session)
        self.insert(AgendaItem, agenda)
        self.insert(Reply, replies, "session replies")
        self.insert(Attendance, attendances)
        recognitions = []
        for attendance in attendances:
            if not attendance.membership.is_service_user_side:
                continue
            hours = attendance.session.duration_hours
            status = rng.choices(["paid", "approved", "offered", "declined"], [50, 20, 20, 10])[0]
            paid_on = (attendance.session.ends_at + timedelta(days=10)).date()
            recognitions.append(
                Recognition(
                    attendance=attendance,
                    hours=hours,
                    amount=Decimal(0) if status == "declined" else Decimal(20) * hours,
                    payment_status=status,
                    paid_on=paid_on if status == "paid" else None,
                    payment_reference=f"LRG-{attendance.pk:06d}" if status == "paid" else "",
                    benefits_advice_offered=rng.random() < 0.3,
                    updated_at=attendance.session.ends_at,
                )
            )
        self.insert(Recognition, recognitions)
        self.insert(
            ExpenseClaim,
            [
                ExpenseClaim(
                    recognition=recognition,
                    kind=ExpenseClaim.Kind.TRAVEL,
                    amount=Decimal(rng.randint(250, 1800)) / 100,
                    description="Bus fare",
                    status="paid" if recognition.payment_status == "paid" else "claimed",
                    created_at=recognition.updated_at,
                )
                for recognition in recognitions
                if rng.random() < 0.2
            ],
        )

    # Contributions, comments and supports

    def contributions(self):
        rng = self.rng
        large = self.sizes["large_project_contributions"]
        rest = split(max(self.sizes["contributions"] - large, 0), len(self.project_list) - 1)
        quotas = [large, *rest]
        kinds = [Contribution.Kind.EXPERIENCE, Contribution.Kind.TOUCHPOINT, Contribution.Kind.IDEA]
        emotions = Contribution.Emotion.values
        rows = []
        for project, quota in zip(self.project_list, quotas, strict=True):
            authors = self.contributors[project.pk]
            # Staff write more than their share: the imbalance the parity panel is there to show.
            weights = list(accumulate(3 if m.constituency == "staff" else 2 for m in authors))
            held = self.held[project.pk]
            journey = self.journeys[project.pk]
            for index in range(quota):
                author = rng.choices(authors, cum_weights=weights)[0]
                kind = rng.choices(kinds, weights=[35, 25, 40])[0]
                if project == self.large_project:
                    # Exactly a quarter are touchpoints: 5,000 on the journey map at 20,000.
                    kind = (
                        Contribution.Kind.TOUCHPOINT
                        if index % 4 == 0
                        else rng.choices(kinds[::2], weights=[35, 40])[0]
                    )
                title = rng.choice(TITLES[kind])
                created = self.when(self.project_start[project.pk])
                status = Contribution.Status.NEW
                if kind == Contribution.Kind.IDEA:
                    status = rng.choices(
                        [Contribution.Status.NEW, "under_consideration", "not_taken_forward"],
                        weights=[60, 30, 10],
                    )[0]
                on_paper = bool(held) and rng.random() < 0.1
                rows.append(
                    Contribution(
                        project=project,
                        kind=kind,
                        title=title,
                        body=BODY.format(title=title.lower(), n=len(rows) + 1),
                        stage=rng.choice(self.stages[project.pk]) if rng.random() < 0.8 else None,
                        session=rng.choice(held) if on_paper else None,
                        emotion=rng.choice(emotions) if kind == "touchpoint" else "",
                        # Touchpoints go round the journey's steps (no draw: the rest of the
                        # data stays as it was).
                        journey_step=journey[len(rows) % len(journey)]
                        if kind == "touchpoint" and journey
                        else None,
                        author=author,
                        constituency=author.constituency,
                        is_anonymous=project.allow_anonymous and rng.random() < 0.08,
                        added_by=self.facilitator if on_paper else None,
                        status=status,
                        status_note="Not possible within the budget this year."
                        if status == "not_taken_forward"
                        else "Being discussed with the team."
                        if status == "under_consideration"
                        else "",
                        status_changed_at=self.when(created) if status != "new" else None,
                        hidden_at=self.when(created) if rng.random() < 0.01 else None,
                        withdrawn_at=self.when(created) if rng.random() < 0.01 else None,
                        created_at=created,
                        updated_at=created,
                    )
                )
        for row in rows:
            if row.hidden_at:
                row.hidden_reason = "Named a member of staff."
        self.insert(Contribution, rows)
        self.contribution_list = rows

        Tagging = Contribution.tags.through
        Source = Contribution.sources.through
        taggings, sources = [], []
        earlier = {project.pk: [] for project in self.project_list}
        for row in rows:
            if rng.random() < 0.3:
                for tag in rng.sample(self.tags[row.project_id], k=rng.choice([1, 1, 2])):
                    taggings.append(Tagging(contribution_id=row.pk, tag_id=tag.pk))
            behind = earlier[row.project_id]
            if row.kind == Contribution.Kind.IDEA and behind and rng.random() < 0.4:
                for source in {rng.choice(behind) for _ in range(rng.choice([1, 2]))}:
                    sources.append(Source(from_contribution_id=row.pk, to_contribution_id=source))
            elif row.kind != Contribution.Kind.IDEA:
                behind.append(row.pk)
        self.insert(Tagging, taggings, "tag links")
        self.insert(Source, sources, "idea sources")

    def featured(self) -> Contribution:
        """The idea the benchmark opens: the large project's first one anybody may see."""
        return next(
            row
            for row in self.contribution_list
            if row.project_id == self.large_project.pk
            and row.kind == Contribution.Kind.IDEA
            and not (row.hidden_at or row.withdrawn_at)
        )

    def conversation(self):
        rng = self.rng
        comments, replies, supports = [], [], []
        featured = self.featured()
        for row in self.contribution_list:
            people = self.contributors[row.project_id]
            top_level = []
            count = rng.choice([0, 0, 1, 1, 1, 2, 3])
            for _index in range(FEATURED_COMMENTS if row is featured else count):
                author = rng.choice(people)
                comment = Comment(
                    contribution=row,
                    project_id=row.project_id,
                    author=author,
                    constituency=author.constituency,
                    is_anonymous=row.project.allow_anonymous and rng.random() < 0.05,
                    body=rng.choice(COMMENTS),
                    created_at=self.when(row.created_at),
                )
                comment.updated_at = comment.created_at
                top_level.append(comment)
            comments.extend(top_level)
            for parent in top_level:
                if rng.random() < 0.3 and row is not featured:
                    author = rng.choice(people)
                    replies.append(
                        Comment(
                            contribution=row,
                            project_id=row.project_id,
                            parent=parent,
                            author=author,
                            constituency=author.constituency,
                            body="Thank you, that helps.",
                            created_at=self.when(parent.created_at),
                            updated_at=parent.created_at,
                        )
                    )
            if row.kind == Contribution.Kind.IDEA:
                count = min(len(people), rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 12]))
                for supporter in rng.sample(people, k=count):
                    supports.append(
                        Support(
                            contribution=row,
                            project_id=row.project_id,
                            membership=supporter,
                            constituency=supporter.constituency,
                            created_at=self.when(row.created_at),
                        )
                    )
        self.insert(Comment, comments)
        self.insert(Comment, replies, "replies to comments")
        self.insert(Support, supports)
        if connection.vendor == "postgresql":
            # Statistics of the rows just written (this transaction's own): without them the
            # planner counts each contribution's supports and comments by reading the tables
            # whole, half an hour at 200k rather than seconds.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        contribution_counts_refresh(contributions=Contribution.objects.all())
        member_tallies_refresh()
        board_sizes_refresh()

    # Service changes

    def changes(self):
        rng = self.rng
        statuses = [
            (ServiceChange.Status.PROPOSED, 20),
            (ServiceChange.Status.AGREED, 15),
            (ServiceChange.Status.IN_PROGRESS, 20),
            (ServiceChange.Status.IMPLEMENTED, 20),
            (ServiceChange.Status.EMBEDDED, 10),
            (ServiceChange.Status.NOT_TAKEN_FORWARD, 15),
        ]
        ideas = {project.pk: [] for project in self.project_list}
        for row in self.contribution_list:
            usable = not (row.hidden_at or row.withdrawn_at or row.status == "not_taken_forward")
            if row.kind == "idea" and usable:
                ideas[row.project_id].append(row)
        per_project = split(self.sizes["changes"], len(self.project_list))
        changes, links, adopted = [], [], set()
        for project, count in zip(self.project_list, per_project, strict=True):
            pool = ideas[project.pk]
            rng.shuffle(pool)
            staff = [m for m in self.members[project.pk] if m.constituency == "staff"]
            for index in range(count):
                # Every status appears in every project; the rest are drawn by weight.
                status = (
                    statuses[index][0]
                    if index < len(statuses)
                    else rng.choices(*zip(*statuses, strict=True))[0]
                )
                created = self.when(self.project_start[project.pk], self.now - timedelta(days=30))
                done = status in ServiceChange.ORDER[3:]
                implemented_on = None
                if done:
                    days = rng.randint(20, 200)
                    implemented_on = min(created + timedelta(days=days), self.now).date()
                scope = rng.choice(ServiceChange.Scope.values)
                change = ServiceChange(
                    project=project,
                    title=f"Change {index + 1}: {rng.choice(TITLES['idea']).lower()}",
                    description="What will change, for whom, and how we will know.",
                    owner=rng.choice(staff) if staff and rng.random() < 0.6 else None,
                    owner_role="" if rng.random() < 0.6 else "Service manager",
                    scope=scope,
                    approver="Trust board" if scope in ("organisation", "system") else "",
                    approved=scope in ("organisation", "system") and status != "proposed",
                    target_date=(created + timedelta(days=rng.randint(30, 240))).date(),
                    progress={"proposed": 0, "agreed": 10, "in_progress": rng.randint(20, 90)}.get(
                        status, 100 if done else 0
                    ),
                    status=status,
                    reason="Not affordable this year." if status == "not_taken_forward" else "",
                    implemented_on=implemented_on,
                    you_said="You told us this made the day harder; we changed it." if done else "",
                    created_by=self.facilitator,
                    created_at=created,
                    updated_at=created,
                )
                if not change.owner_id and not change.owner_role:
                    change.owner_role = "Service manager"
                changes.append(change)
                for _link in range(rng.choice([1, 1, 2, 3])):
                    if pool:
                        links.append((change, pool.pop()))
        self.insert(ServiceChange, changes)
        Link = ServiceChange.contributions.through
        self.insert(
            Link,
            [Link(servicechange_id=c.pk, contribution_id=idea.pk) for c, idea in links],
            "change sources",
        )
        for change, idea in links:
            idea.status = Contribution.Status.TAKEN_FORWARD
            idea.status_note = f"It became a service change: “{change.title}”."
            idea.status_changed_at = change.created_at
            adopted.add(idea)
        Contribution.objects.bulk_update(
            list(adopted), ["status", "status_note", "status_changed_at"], batch_size=BATCH
        )
        self.timeline(changes)

    def timeline(self, changes):
        rng = self.rng
        entries, checks, evidence = [], [], []
        for change in changes:
            if change.status == ServiceChange.Status.NOT_TAKEN_FORWARD:
                steps = [ServiceChange.Status.PROPOSED, ServiceChange.Status.NOT_TAKEN_FORWARD]
            else:
                steps = ServiceChange.ORDER[: ServiceChange.ORDER.index(change.status) + 1]
            end = self.now
            if change.implemented_on:
                end = timezone.make_aware(datetime.combine(change.implemented_on, time(12)))
            moment = change.created_at
            for position, status in enumerate(steps):
                if position:
                    is_last = position == len(steps) - 1
                    moment = end if is_last and change.implemented_on else self.when(moment, end)
                entries.append(
                    TimelineEntry(
                        change=change,
                        actor=self.facilitator,
                        created_at=moment,
                        status=status,
                        progress=0 if not position else None,
                        note="Proposed." if not position else f"Moved to {status}.",
                    )
                )
            if not change.implemented_on:
                continue
            for months in FOLLOW_UP_MONTHS:
                due = _add_months(change.implemented_on, months)
                recorded = due < self.today and rng.random() < 0.6
                checks.append(
                    FollowUpCheck(
                        change=change,
                        months=months,
                        due_on=due,
                        outcome=rng.choice(["stuck", "stuck", "partly", "not_stuck"])
                        if recorded
                        else "",
                        outcome_note="Checked with the ward team." if recorded else "",
                        recorded_by=self.facilitator if recorded else None,
                        recorded_at=self.now - timedelta(days=1) if recorded else None,
                    )
                )
            if rng.random() < 0.4:
                evidence.append(
                    Evidence(
                        change=change,
                        kind=Evidence.Kind.CMO,
                        context="A busy service under staffing pressure.",
                        mechanism="Staff heard service users' stories first-hand.",
                        outcome="Fewer complaints about the same problem.",
                        created_by=self.facilitator,
                    )
                )
        self.insert(TimelineEntry, entries)
        self.insert(FollowUpCheck, checks)
        self.insert(Evidence, evidence)

    def ladder(self):
        rng = self.rng
        ratings = [
            LadderRating(project=project, opened_by=self.facilitator, closed_at=self.now)
            for project in self.project_list
        ]
        self.insert(LadderRating, ratings)
        votes = []
        for rating in ratings:
            members = self.members[rating.project_id]
            for membership in rng.sample(members, k=min(len(members), 15)):
                is_facilitator = membership.role == Membership.Role.FACILITATOR
                votes.append(
                    LadderVote(
                        rating=rating,
                        membership=membership,
                        is_facilitator=is_facilitator,
                        constituency=membership.constituency,
                        rung=rng.randint(5, 7) if is_facilitator else rng.randint(3, 6),
                    )
                )
        self.insert(LadderVote, votes)
