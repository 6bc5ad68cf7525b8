"""Create the demo organisations, projects and people that `make run` shows."""

import os
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from participants.models import AccessNeeds, Channel, Constituency, Membership
from participants.services import consent_give, contact_preferences_save
from projects.models import JourneyStep, Organisation, OrganisationRole, Project
from projects.services import project_create
from sessions.models import AgendaItem, Recognition, Reply, WorkshopSession

User = get_user_model()

DEFAULT_PASSWORD = "codesign-demo"  # noqa: S105 (demo only; the command refuses production)

PEOPLE = [
    ("facilitator@demo.test", "Priya Shah"),
    ("serviceuser@demo.test", "Alex Morgan"),
    ("carer@demo.test", "Jo Williams"),
    ("staff@demo.test", "Sam Okafor"),
    ("outsider@demo.test", "Chris Byrne"),
    ("manager@demo.test", "Helen Carter"),
    ("orgadmin@demo.test", "Omar Haddad"),
    ("othermanager@demo.test", "Ruth Ellis"),
    ("admin@demo.test", "Site Administrator"),
    ("council.facilitator@demo.test", "Mark Lewis"),
    ("hwylusydd@demo.test", "Siân Morgan"),
    ("defnyddiwr@demo.test", "Gwenllian Hughes"),
]

# Further people who take part without signing in during the demo.
EXTRA_MEMBERS = [
    ("dev.patel@demo.test", "Dev", Constituency.SERVICE_USER, ""),
    ("maria.lopez@demo.test", "Maria", Constituency.SERVICE_USER, ""),
    ("tom.reid@demo.test", "Tom", Constituency.CARER, ""),
    ("nurse.kate@demo.test", "Kate", Constituency.STAFF, "Ward sister"),
    ("pharm.li@demo.test", "Li", Constituency.STAFF, "Pharmacist"),
    ("ot.fiona@demo.test", "Fiona", Constituency.STAFF, "Occupational therapist"),
]

# Going home from Ward 7 as patients and carers live it, and the touchpoints placed on it
# (the first four were added on the board before they were placed): staff and service users
# feel alike about the ward, and far apart about waiting and the first night home.
WARD_7_JOURNEY = [
    "Being told you can go home",
    "Waiting for medicines and letters",
    "Leaving the ward",
    "Getting home",
    "The first night at home",
]
WARD_7_TOUCHPOINTS = [
    ("Alex", "Waiting all day for my tablets", "frustrated", "Waiting for medicines and letters"),
    ("Kate", "Pharmacy queue at discharge time", "worried", "Waiting for medicines and letters"),
    ("Jo", "Nobody to phone the first night", "upset", "The first night at home"),
    ("Sam", "Thank-you cards at the nurses' station", "happy", "Leaving the ward"),
    ("Dev", "The doctor said I could go that morning", "happy", "Being told you can go home"),
    ("Li", "Discharge decided on the ward round", "content", "Being told you can go home"),
    (
        "Maria",
        "Nobody said when the tablets would come",
        "upset",
        "Waiting for medicines and letters",
    ),
    ("Li", "Prescriptions all arrive at once", "neutral", "Waiting for medicines and letters"),
    ("Tom", "Wheelchair to the car park", "content", "Leaving the ward"),
    ("Fiona", "A calm goodbye from the team", "happy", "Leaving the ward"),
    ("Jo", "Hospital transport came at 9pm", "frustrated", "Getting home"),
    ("Kate", "Transport booked for the afternoon", "neutral", "Getting home"),
    ("Tom", "Not knowing which tablets to give", "worried", "The first night at home"),
    ("Fiona", "We trust the community team to call", "content", "The first night at home"),
]

DISCHARGE = {
    "title": "Going home from Ward 7",
    "challenge": (
        "Patients and carers tell us that leaving Ward 7 is confusing and rushed: medicines "
        "are late, nobody explains what happens next, and carers find out at the last minute. "
        "Staff say discharge planning starts too late and information is spread across teams.\n"
        "Together we want to make going home calm, clear and safe."
    ),
    "service_area": "Discharge from Ward 7 (older people's medicine)",
    "scope": Project.Scope.SERVICE,
    "method": Project.Method.EBCD,
}
OUTPATIENTS = {
    "title": "Getting to outpatient appointments",
    "challenge": (
        "One in eight outpatient appointments is missed. Letters arrive late, the hospital is "
        "hard to reach by bus, and rebooking means long phone queues. We want to understand "
        "why people miss appointments and design a better way together."
    ),
    "service_area": "Outpatients",
    "scope": Project.Scope.ORGANISATION,
    "method": Project.Method.DOUBLE_DIAMOND,
}
REPAIRS = {
    "title": "Housing repairs you can trust",
    "challenge": (
        "Tenants wait weeks for repairs and are not told when someone will come. Repair teams "
        "are sent without the right parts. Tenants and repair staff will redesign how repairs "
        "are reported, booked and followed up."
    ),
    "service_area": "Council housing repairs",
    "scope": Project.Scope.SERVICE,
    "method": Project.Method.DOUBLE_DIAMOND,
}


class Command(BaseCommand):
    help = "Create demo organisations, projects and people. Running it again changes nothing."

    def handle(self, *args, **options):
        if getattr(settings, "CODESIGN_ENVIRONMENT", "") == "production":
            raise CommandError("seed_demo refuses to run with production settings.")
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        if Organisation.objects.filter(name="Riverside NHS Foundation Trust").exists():
            self.stdout.write("Demo data already present; nothing changed.")
        else:
            with transaction.atomic():
                self._seed(password)
            self.stdout.write(self.style.SUCCESS("Demo data created."))
        with transaction.atomic():
            self._journey(Project.objects.get(title=DISCHARGE["title"]))
        self.stdout.write(f"Demo sign-ins (password: {password}):")
        for email, name in PEOPLE:
            self.stdout.write(f"  {email:32} {name}")

    def _journey(self, project):
        """Ward 7's journey, with touchpoints from both groups placed on its steps. Also run
        on demo data seeded before journeys existed; a second run changes nothing."""
        from contributions.models import Contribution
        from contributions.services import contribution_add

        if project.journey_steps.exclude(name__in=WARD_7_JOURNEY).exists() or (
            not project.journey_steps.exists()
        ):
            project.journey_steps.all().delete()
            for order, name in enumerate(WARD_7_JOURNEY, start=1):
                JourneyStep.objects.create(project=project, name=name, order=order)
        steps = {step.name: step for step in project.journey_steps.all()}
        members = {m.display_name: m for m in project.memberships.all()}
        touchpoints = project.contributions.filter(kind=Contribution.Kind.TOUCHPOINT)
        for who, title, emotion, step in WARD_7_TOUCHPOINTS:
            placed = touchpoints.filter(title=title).first()
            if placed is None:
                placed = contribution_add(
                    project=project,
                    author=members[who],
                    kind=Contribution.Kind.TOUCHPOINT,
                    title=title,
                    emotion=emotion,
                    journey_step=steps[step],
                )
            elif placed.journey_step_id is None:
                Contribution.objects.filter(pk=placed.pk).update(journey_step=steps[step])

    def _person(self, email, name, password, **extra):
        user = User.objects.create_user(email=email, password=password, full_name=name, **extra)
        from allauth.account.models import EmailAddress

        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user

    def _member(self, project, user, constituency, display_name, job_title="", recorded_by=None):
        membership = Membership.objects.create(
            project=project,
            user=user,
            role=Membership.Role.PARTICIPANT,
            constituency=constituency,
            display_name=display_name,
            job_title=job_title,
        )
        consent_give(membership=membership, recorded_by=recorded_by or user)
        return membership

    def _seed(self, password):
        people = {
            email: self._person(
                email,
                name,
                password,
                is_superuser=(email == "admin@demo.test"),
                is_staff=(email == "admin@demo.test"),
            )
            for email, name in PEOPLE
        }
        trust = Organisation.objects.create(
            name="Riverside NHS Foundation Trust",
            safeguarding_text=(
                "If you are worried about someone's safety, call the Trust safeguarding team on "
                "0100 000 0000 (9am to 5pm). In an emergency, call 999."
            ),
            payment_policy=(
                "Service users and carers are paid £20 an hour for workshops, with travel and "
                "carer cover refunded. Anyone can decline payment; we offer benefits advice."
            ),
        )
        council = Organisation.objects.create(name="Northfield Council")
        for org, email, role in [
            (trust, "orgadmin@demo.test", OrganisationRole.Role.ADMIN),
            (trust, "manager@demo.test", OrganisationRole.Role.MANAGER),
            (trust, "facilitator@demo.test", OrganisationRole.Role.FACILITATOR),
            (council, "othermanager@demo.test", OrganisationRole.Role.MANAGER),
            (council, "council.facilitator@demo.test", OrganisationRole.Role.FACILITATOR),
        ]:
            OrganisationRole.objects.create(organisation=org, user=people[email], role=role)

        facilitator = people["facilitator@demo.test"]
        discharge = project_create(organisation=trust, created_by=facilitator, **DISCHARGE)
        outpatients = project_create(organisation=trust, created_by=facilitator, **OUTPATIENTS)
        repairs = project_create(
            organisation=council, created_by=people["council.facilitator@demo.test"], **REPAIRS
        )
        for project in (discharge, outpatients, repairs):
            project.status = Project.Status.ACTIVE
            project.save(update_fields=["status"])
        # Ward 7 is past its first two EBCD stages.
        discharge.current_stage = discharge.stages.order_by("order")[2]
        discharge.save(update_fields=["current_stage"])

        alex = self._member(
            discharge, people["serviceuser@demo.test"], Constituency.SERVICE_USER, "Alex"
        )
        AccessNeeds.objects.create(membership=alex, step_free_access=True, large_print=True)
        jo = self._member(discharge, people["carer@demo.test"], Constituency.CARER, "Jo")
        AccessNeeds.objects.create(
            membership=jo,
            carer_attending=False,
            dietary="Vegetarian",
        )
        self._member(discharge, people["staff@demo.test"], Constituency.STAFF, "Sam", "Staff nurse")
        for email, name, constituency, job in EXTRA_MEMBERS:
            user = User.objects.create_user(email=email, full_name=name)
            self._member(discharge, user, constituency, name, job, recorded_by=facilitator)
        # Someone without email, contacted by post and consented on paper.
        offline = User.objects.create_user(email=None, full_name="Edna Brooks", is_active=False)
        contact_preferences_save(
            person=offline,
            channel=Channel.LETTER,
            address_lines="Mrs Edna Brooks\n12 Mill Lane\nRiverside",
            postcode="RV1 2AB",
            changed_by=facilitator,
        )
        edna = Membership.objects.create(
            project=discharge,
            user=offline,
            constituency=Constituency.SERVICE_USER,
            display_name="Edna",
            managed_by_facilitator=True,
        )
        consent_give(membership=edna, method="paper", recorded_by=facilitator)
        AccessNeeds.objects.create(
            membership=edna,
            hearing_loop=True,
            large_print=True,
        )
        # An invitation still waiting for an answer.
        pending = User.objects.create_user(email="waiting@demo.test", is_active=False)
        Membership.objects.create(
            project=discharge,
            user=pending,
            constituency=Constituency.STAFF,
            display_name="waiting",
        )

        self._member(
            outpatients, people["serviceuser@demo.test"], Constituency.SERVICE_USER, "Alex"
        )
        self._member(
            outpatients, people["staff@demo.test"], Constituency.STAFF, "Sam", "Staff nurse"
        )
        self._member(repairs, people["outsider@demo.test"], Constituency.SERVICE_USER, "Chris")
        self._sessions(discharge, facilitator)
        self._held_session(discharge, facilitator)
        self._contributions(discharge, facilitator)
        self._reports(trust, discharge, people)
        from learning.management.demo import seed_evidence, seed_learning
        from projects.management.calls_demo import seed_calls
        from projects.management.channels_demo import seed_channels
        from projects.management.look_demo import seed_look
        from projects.management.welsh_demo import seed_welsh
        from webhooks.management.demo import seed_webhooks

        seed_welsh(
            facilitator=people["hwylusydd@demo.test"],
            service_user=people["defnyddiwr@demo.test"],
            member=self._member,
            create_user=User.objects.create_user,
        )

        seed_learning(
            trust=trust,
            discharge=discharge,
            outpatients=outpatients,
            facilitator=facilitator,
            member=self._member,
        )
        seed_channels(
            project=discharge,
            facilitator=facilitator,
            member=self._member,
            create_user=User.objects.create_user,
        )
        seed_calls(project=discharge, facilitator=facilitator, create_user=User.objects.create_user)
        seed_look(trust=trust)
        from sso.management.demo import seed_sso

        seed_sso(trust=trust)
        seed_evidence(trust)
        from api.management.demo import seed_api

        seed_api(trust=trust, admin=people["orgadmin@demo.test"])
        seed_webhooks(trust=trust)

    def _reports(self, trust, project, people):
        """Two reports built already (a PDF for the manager, a named export for the
        facilitator) and an organisation report left queued for the worker to build."""
        from reports.services import report_build, report_request

        for user, kind, file_format, with_names in (
            (people["manager@demo.test"], "report", "pdf", False),
            (people["facilitator@demo.test"], "contributions", "xlsx", True),
        ):
            report, _created = report_request(
                user=user,
                organisation=trust,
                project=project,
                kind=kind,
                file_format=file_format,
                with_names=with_names,
            )
            report_build(report_id=report.pk)
        report_request(
            user=people["manager@demo.test"],
            organisation=trust,
            kind="report",
            file_format="pdf",
        )

    def _contributions(self, project, facilitator):
        """Touchpoints on the journey, experiences, ideas behind them, comments, supports and a
        closed prioritisation round."""
        from contributions.models import Comment, Dot, PrioritisationRound, Support
        from contributions.services import (
            contribution_add,
            contribution_counts_refresh,
            contribution_set_status,
            contribution_set_tags,
            tag_add,
        )

        project.allow_anonymous = True
        project.save(update_fields=["allow_anonymous"])
        members = {m.display_name: m for m in project.memberships.all()}
        stages = {stage.name: stage for stage in project.stages.all()}
        held = project.workshop_sessions.filter(status="held").first()
        tags = {
            name: tag_add(project=project, name=name)
            for name in ("medicines", "information", "carers", "transport")
        }

        def add(
            who,
            kind,
            title,
            body="",
            stage=None,
            emotion="",
            anonymous=False,
            sources=(),
            on_paper=False,
        ):
            return contribution_add(
                project=project,
                author=members[who],
                kind=kind,
                title=title,
                body=body,
                stage=stages.get(stage),
                emotion=emotion,
                is_anonymous=anonymous,
                sources=sources,
                session=held if on_paper else None,
                added_by=facilitator if on_paper else None,
            )

        waiting = add(
            "Alex",
            "touchpoint",
            "Waiting all day for my tablets",
            stage="Gather experiences",
            emotion="frustrated",
            body="I was told at 9am I could go home. The tablets came at 6pm.",
        )
        add(
            "Kate",
            "touchpoint",
            "Pharmacy queue at discharge time",
            stage="Gather experiences",
            emotion="worried",
            body="By 3pm the pharmacy has a queue of twenty prescriptions.",
        )
        calls = add(
            "Jo",
            "touchpoint",
            "Nobody to phone the first night",
            stage="Find touchpoints",
            emotion="upset",
            body="Mum fell the first night home. I did not know who to ring.",
        )
        add(
            "Sam",
            "touchpoint",
            "Thank-you cards at the nurses' station",
            stage="Find touchpoints",
            emotion="happy",
        )
        story = add(
            "Dev",
            "experience",
            "Going home after my hip operation",
            body="The physio was brilliant.\nBut the letter for my GP was never sent, and "
            "I had to explain everything again.",
            stage="Gather experiences",
        )
        add(
            "Edna",
            "experience",
            "Told on paper at the service user event",
            body="I would like a large-print sheet that says what happens next.",
            on_paper=True,
        )
        add(
            "Maria",
            "experience",
            "I was scared to ask questions",
            anonymous=True,
            body="The consultant was in a hurry and I did not want to be a nuisance.",
        )
        ready = add(
            "Li",
            "idea",
            "Medicines ready the day before discharge",
            body="Pharmacy prepares take-home medicines the afternoon before.",
            sources=[waiting, story],
        )
        number = add(
            "Jo",
            "idea",
            "One phone number for the first week at home",
            body="A named ward number that answers day and night for a week.",
            sources=[calls],
        )
        leaflet = add(
            "Alex",
            "idea",
            "A large-print 'going home' sheet",
            body="What happens next, who to call, which tablets when.",
            sources=[story],
        )
        visit = add("Fiona", "idea", "Home visit before discharge for frail patients")
        contribution_set_tags(contribution=ready, tags=[tags["medicines"]])
        contribution_set_tags(contribution=number, tags=[tags["information"], tags["carers"]])
        contribution_set_tags(contribution=leaflet, tags=[tags["information"]])
        contribution_set_status(
            contribution=ready,
            status="taken_forward",
            note="Agreed with pharmacy: trial on Ward 7 from next month.",
            changed_by=facilitator,
        )
        contribution_set_status(
            contribution=number,
            status="under_consideration",
            note="Talking to the out-of-hours team.",
            changed_by=facilitator,
        )
        for idea, names in (
            (ready, ("Alex", "Jo", "Kate", "Dev")),
            (number, ("Jo", "Maria", "Tom")),
            (leaflet, ("Edna", "Sam")),
        ):
            for name in names:
                Support.objects.create(
                    contribution=idea,
                    membership=members[name],
                    constituency=members[name].constituency,
                )
        first = Comment.objects.create(
            contribution=number,
            author=members["Kate"],
            constituency="staff",
            body="The ward phone is busy at night; it would need a separate line.",
        )
        Comment.objects.create(
            contribution=number,
            parent=first,
            author=members["Jo"],
            constituency="carer",
            body="Even an answerphone that rings back would help.",
        )
        contribution_counts_refresh(contributions=project.contributions.all())
        vote = PrioritisationRound.objects.create(
            project=project,
            title="What should we work on first?",
            dots_per_person=3,
            status="closed",
            closed_at=timezone.now(),
            opened_by=facilitator,
            session=held,
        )
        vote.ideas.set([ready, number, leaflet, visit])
        # 5 service users and carers and 3 staff: at the project's threshold of 3 both groups'
        # rankings show side by side. Both rank the phone number highly; only service users and
        # carers the large-print sheet, only staff the medicines.
        for name, spread in (
            ("Alex", {leaflet: 2, ready: 1}),
            ("Jo", {number: 3}),
            ("Dev", {ready: 1, number: 2}),
            ("Maria", {number: 2, leaflet: 1}),
            ("Edna", {leaflet: 3}),
            ("Kate", {ready: 3}),
            ("Sam", {ready: 1, number: 2}),
            ("Li", {ready: 2, visit: 1}),
        ):
            for idea, count in spread.items():
                Dot.objects.create(
                    round=vote,
                    idea=idea,
                    membership=members[name],
                    constituency=members[name].constituency,
                    count=count,
                )
        self._changes(
            project, facilitator, members, held, ready=ready, leaflet=leaflet, number=number
        )

    def _changes(self, project, facilitator, members, held, *, ready, leaflet, number):
        """Service changes along the way, one implemented with its evidence and a "you said, we
        did" summary, a public page, a closed ladder rating and a reflection."""
        from changes.models import LadderRating, LadderVote
        from changes.reflection.services import reflection_add
        from changes.services import change_create, change_set_status, evidence_add
        from changes.yousaid.services import you_said_set_public, you_said_update

        today = timezone.localdate()
        medicines = change_create(
            project=project,
            created_by=facilitator,
            contributions=[ready],
            title="Medicines ready the day before going home",
            description="Pharmacy prepares take-home medicines the afternoon before, and a nurse "
            "checks them with the patient on the morning they leave.",
            owner=members["Li"],
            scope="service",
            target_date=today - timedelta(days=20),
            cqc_statements=[
                "safe-systems-pathways",
                "safe-medicines",
                "responsive-continuity",
            ],
        )
        for status, note in (
            ("agreed", "Agreed with the pharmacy lead."),
            ("in_progress", "Trial on Ward 7 started."),
            ("implemented", "All Ward 7 discharges since the 1st."),
        ):
            change_set_status(
                change=medicines, status=status, progress=None, note=note, changed_by=facilitator
            )
        evidence_add(
            change=medicines,
            created_by=facilitator,
            kind="cmo",
            session=held,
            context="Ward under staffing pressure at discharge time.",
            mechanism="Staff heard patients' stories of waiting all day first-hand.",
            outcome="Average wait for medicines on the day fell from 5 hours to 40 minutes.",
        )
        sheet = change_create(
            project=project,
            created_by=facilitator,
            contributions=[leaflet],
            title="Large-print 'going home' sheet",
            scope="team",
            owner_role="Ward 7 manager",
            target_date=today - timedelta(days=3),
            description="One page, large print: what happens next, who to call, which tablets "
            "when.",
            cqc_statements=["responsive-information", "responsive-equity-access"],
        )
        change_set_status(
            change=sheet,
            status="in_progress",
            progress=60,
            note="Draft tested with the service user group.",
            changed_by=facilitator,
        )
        change_create(
            project=project,
            created_by=facilitator,
            contributions=[number],
            title="One phone number for the first week at home",
            scope="organisation",
            approver="Trust operations board",
            owner_role="Head of patient flow",
            target_date=today + timedelta(days=90),
            cqc_statements=["safe-systems-pathways", "responsive-continuity"],
        )
        you_said_update(
            project=project,
            introduction="Thank you to everyone who came to the workshops this year. "
            "Here is what changed because of what you told us.",
            summaries={
                medicines.pk: "Patients and carers told us they waited all day for medicines on "
                "the day they went home, and some missed their lift."
            },
        )
        you_said_set_public(project=project, public=True)
        rating = LadderRating.objects.create(
            project=project, opened_by=facilitator, closed_at=timezone.now()
        )
        voters = [
            ("Alex", 5),
            ("Jo", 4),
            ("Dev", 5),
            ("Maria", 4),
            ("Edna", 5),
            ("Kate", 6),
            ("Sam", 6),
            ("Li", 5),
            ("Priya Shah", 6),
        ]
        for name, rung in voters:
            membership = members[name]
            LadderVote.objects.create(
                rating=rating,
                membership=membership,
                is_facilitator=membership.role == "facilitator",
                constituency=membership.constituency,
                rung=rung,
            )
        reflection_add(
            session=held,
            author=facilitator,
            who_spoke="Carers spoke most in the first hour; two patients only in small groups.",
            who_dominated="No one, once we split into tables.",
            tensions="A ward sister defended the pharmacy timings at first.",
            conceded="Staff agreed waiting for medicines is the biggest problem to fix.",
        )

    def _held_session(self, project, facilitator):
        """A service user event held last month: attendance, a walk-in, payments and expenses."""
        from sessions.closing.services import (
            expense_claim_add,
            organisation_payment_terms_save,
            payment_policy_save,
            recognition_update,
            session_close,
            walk_in_add,
        )

        organisation_payment_terms_save(
            organisation=project.organisation,
            basis="hourly",
            hourly_rate=Decimal("20.00"),
            covers_travel=True,
            covers_carer_cover=True,
        )
        payment_policy_save(
            project=project,
            basis="hourly",
            hourly_rate=Decimal("20.00"),
            fixed_amount=Decimal("0.00"),
            covers_travel=True,
            covers_carer_cover=True,
            covers_other=False,
            pay_staff=False,
            notes=project.organisation.payment_policy,
        )
        start = timezone.localtime(timezone.now() - timedelta(days=30)).replace(
            hour=10, minute=0, second=0, microsecond=0
        )
        session = WorkshopSession.objects.create(
            project=project,
            title="Service user and carer event",
            kind=WorkshopSession.Kind.SERVICE_USER_EVENT,
            audience=WorkshopSession.Audience.SERVICE_USERS,
            stage=project.stages.filter(name="Service user event").first(),
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            place="Riverside community centre, hall with hearing loop",
            status=WorkshopSession.Status.IN_PROGRESS,
            created_by=facilitator,
        )
        members = {m.display_name: m for m in project.memberships.all()}
        came = [members[name] for name in ("Alex", "Jo", "Dev", "Maria", "Edna")]
        for membership in came:
            Reply.objects.create(session=session, membership=membership, answer="going")
        walk_in_add(
            session=session,
            name="Pat (Edna's neighbour)",
            constituency="carer",
            added_by=facilitator,
        )
        session_close(
            session=session,
            attended_membership_ids=[m.pk for m in came],
            record_notes="Twelve touchpoints from the film; strongest feelings about waiting "
            "for medicines and not knowing who to phone after getting home.",
            outputs="Priorities chosen: 1. medicines ready the day before; 2. one phone number "
            "for the first week at home; 3. carers told the discharge date early.",
            closed_by=facilitator,
        )
        paid = Recognition.objects.get(attendance__session=session, attendance__membership=came[0])
        recognition_update(
            recognition=paid,
            changed_by=facilitator,
            payment_status="paid",
            paid_on=(start + timedelta(days=7)).date(),
            payment_reference="RIV-2211",
            benefits_advice_offered=True,
        )
        expense_claim_add(
            recognition=Recognition.objects.get(
                attendance__session=session, attendance__membership=came[1]
            ),
            kind="travel",
            amount=Decimal("7.40"),
            description="Return bus fare",
            claimed_by=came[1].user,
        )

    def _sessions(self, project, facilitator):
        """Upcoming sessions with agendas and replies, one full with a waiting list, one
        cancelled."""
        now = timezone.localtime(timezone.now()).replace(minute=0, second=0, microsecond=0)
        stages = {stage.name: stage for stage in project.stages.all()}
        members = {m.display_name: m for m in project.memberships.select_related("user")}
        joint = WorkshopSession.objects.create(
            project=project,
            title="Joint co-design event: going home from Ward 7",
            kind=WorkshopSession.Kind.JOINT_EVENT,
            stage=stages.get("Joint co-design event"),
            starts_at=(now + timedelta(days=12)).replace(hour=10),
            ends_at=(now + timedelta(days=12)).replace(hour=13),
            place="Seminar room 2, Riverside Hospital education centre (step-free entrance)",
            online_link="https://meet.example.org/ward7-joint",
            capacity=20,
            created_by=facilitator,
            notes_before="We will watch the 20-minute film of patients' and staff stories, "
            "then choose together which moments of going home to improve first.",
        )
        for order, (time, title) in enumerate(
            [
                ("10:00", "Welcome, tea and ground rules"),
                ("10:20", "Trigger film and discussion"),
                ("11:15", "Break"),
                ("11:30", "Choosing our priorities together"),
                ("12:40", "Next steps and thanks"),
            ],
            start=1,
        ):
            AgendaItem.objects.create(
                session=joint,
                order=order,
                title=title,
                starts_at=datetime.strptime(time, "%H:%M").time(),
            )
        for name, answer in [
            ("Alex", "going"),
            ("Jo", "maybe"),
            ("Sam", "going"),
            ("Dev", "going"),
            ("Kate", "going"),
            ("Li", "not_going"),
        ]:
            Reply.objects.create(
                session=joint,
                membership=members[name],
                answer=answer,
                reason="On a late shift" if answer == "not_going" else "",
            )
        group = WorkshopSession.objects.create(
            project=project,
            title="Small co-design group: medicines to take home",
            kind=WorkshopSession.Kind.CODESIGN_GROUP,
            stage=stages.get("Small co-design groups"),
            starts_at=(now + timedelta(days=26)).replace(hour=14),
            ends_at=(now + timedelta(days=26)).replace(hour=16),
            place="Pharmacy meeting room, level 2",
            capacity=3,
            created_by=facilitator,
        )
        for name, answer in [
            ("Alex", "going"),
            ("Li", "going"),
            ("Maria", "going"),
            ("Tom", "waitlist"),
        ]:
            Reply.objects.create(
                session=group,
                membership=members[name],
                answer=answer,
                waitlisted_at=now if answer == "waitlist" else None,
            )
        WorkshopSession.objects.create(
            project=project,
            title="Service user event (first date)",
            kind=WorkshopSession.Kind.SERVICE_USER_EVENT,
            audience=WorkshopSession.Audience.SERVICE_USERS,
            starts_at=(now + timedelta(days=5)).replace(hour=11),
            ends_at=(now + timedelta(days=5)).replace(hour=13),
            place="Riverside community centre",
            status=WorkshopSession.Status.CANCELLED,
            cancel_reason="Moved to a room with a hearing loop.",
            sequence=1,
            created_by=facilitator,
        )
