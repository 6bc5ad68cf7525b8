"""The demo's project in Wales: a health board that works in Welsh first, a project written in
Welsh and English with easy-read versions, a session held in Welsh and one where enough people
asked for Welsh that the facilitator is prompted. Called by seed_demo."""

from datetime import datetime, timedelta

from django.utils import timezone

from changes.models import ServiceChange
from changes.services import change_create, change_set_status
from changes.yousaid.services import you_said_update
from participants.models import Constituency
from participants.services import consent_statement_publish
from projects.models import Organisation, OrganisationRole, Project
from projects.services import project_create
from sessions.language import HeldIn, LanguageWanted
from sessions.models import AgendaItem, Reply, WorkshopSession

MEMORY_CLINIC = {
    "title": "Memory clinic appointments in Welsh",
    "title_cy": "Apwyntiadau'r clinig cof yn Gymraeg",
    "challenge": (
        "People with memory problems, and their carers, often find it easier to speak Welsh, "
        "but most memory clinic appointments happen in English. Patients, carers and clinic "
        "staff will work together on how appointments, letters and follow-up can be offered in "
        "Welsh from the start."
    ),
    "challenge_cy": (
        "Mae pobl â phroblemau cof, a'u gofalwyr, yn aml yn ei chael hi'n haws siarad Cymraeg, "
        "ond mae'r rhan fwyaf o apwyntiadau'r clinig cof yn digwydd yn Saesneg. Bydd cleifion, "
        "gofalwyr a staff y clinig yn gweithio gyda'i gilydd ar sut i gynnig apwyntiadau, "
        "llythyrau a gofal dilynol yn Gymraeg o'r dechrau."
    ),
    "service_area": "Memory clinic, Ysbyty Glan-y-Môr",
    "service_area_cy": "Clinig cof, Ysbyty Glan-y-Môr",
    "challenge_easy_read": (
        "This project is about the memory clinic.\n"
        "Some people want to speak Welsh at their appointment.\n"
        "We want to make that easy.\n"
        "Patients, carers and staff will work on it together.\n"
        "You can help."
    ),
    "challenge_easy_read_cy": (
        "Mae'r prosiect hwn am y clinig cof.\n"
        "Mae rhai pobl eisiau siarad Cymraeg yn eu hapwyntiad.\n"
        "Rydym eisiau gwneud hynny'n hawdd.\n"
        "Bydd cleifion, gofalwyr a staff yn gweithio arno gyda'i gilydd.\n"
        "Gallwch chi helpu."
    ),
    "invitation_easy_read": (
        "We would like you to join our project.\n"
        "It is about Welsh at the memory clinic.\n"
        "We meet in small groups.\n"
        "We pay for your time and your travel.\n"
        "You can stop at any time."
    ),
    "invitation_easy_read_cy": (
        "Hoffem i chi ymuno â'n prosiect.\n"
        "Mae'n ymwneud â'r Gymraeg yn y clinig cof.\n"
        "Rydym yn cwrdd mewn grwpiau bach.\n"
        "Rydym yn talu am eich amser a'ch teithio.\n"
        "Gallwch stopio unrhyw bryd."
    ),
    "scope": Project.Scope.SERVICE,
    "method": Project.Method.EBCD,
}

# The EBCD stages' names in Welsh; their descriptions stay in English, so a Welsh reader sees
# them marked as English.
STAGES_CY = {
    "Gather experiences": "Casglu profiadau",
    "Find touchpoints": "Dod o hyd i'r pwyntiau cyffwrdd",
    "Staff event": "Digwyddiad staff",
    "Service user event": "Digwyddiad defnyddwyr gwasanaeth",
    "Joint co-design event": "Digwyddiad cyd-ddylunio ar y cyd",
    "Small co-design groups": "Grwpiau cyd-ddylunio bach",
    "Celebration and review": "Dathlu ac adolygu",
}

CONSENT = {
    "text": (
        "Taking part is your choice. You can stop at any time without giving a reason, and your "
        "care will not change. We keep what you say in this project to improve the memory "
        "clinic. We never put your name on anything we publish. Facilitators see who wrote "
        "what; other participants see your display name only."
    ),
    "text_cy": (
        "Eich dewis chi yw cymryd rhan. Gallwch stopio unrhyw bryd heb roi rheswm, ac ni fydd "
        "eich gofal yn newid. Rydym yn cadw'r hyn a ddywedwch yn y prosiect hwn i wella'r "
        "clinig cof. Ni fyddwn byth yn rhoi eich enw ar unrhyw beth a gyhoeddwn. Mae "
        "hwyluswyr yn gweld pwy ysgrifennodd beth; dim ond eich enw arddangos y mae "
        "cyfranogwyr eraill yn ei weld."
    ),
    "text_easy_read": (
        "You choose if you take part.\n"
        "You can stop at any time.\n"
        "Your care will stay the same.\n"
        "We use what you say to make the clinic better.\n"
        "We will not put your name on anything we share."
    ),
    "text_easy_read_cy": (
        "Chi sy'n dewis os ydych chi'n cymryd rhan.\n"
        "Gallwch stopio unrhyw bryd.\n"
        "Bydd eich gofal yn aros yr un fath.\n"
        "Rydym yn defnyddio'r hyn a ddywedwch i wella'r clinig.\n"
        "Ni fyddwn yn rhoi eich enw ar unrhyw beth a rannwn."
    ),
}

# Who takes part besides the demo's Welsh-speaking service user: (name, constituency, job,
# the language they asked for at the staff event).
MEMBERS = [
    ("Dafydd", Constituency.CARER, "", LanguageWanted.WELSH),
    ("Nia", Constituency.STAFF, "Clinical nurse specialist", LanguageWanted.WELSH),
    ("Rhys", Constituency.STAFF, "Memory clinic administrator", LanguageWanted.WELSH),
    ("Elin", Constituency.SERVICE_USER, "", LanguageWanted.WELSH),
    ("Mary", Constituency.SERVICE_USER, "", LanguageWanted.ENGLISH),
    ("Peter", Constituency.STAFF, "Consultant psychiatrist", LanguageWanted.ENGLISH),
    ("Ceri", Constituency.STAFF, "Occupational therapist", LanguageWanted.ENGLISH),
]


def seed_welsh(*, facilitator, service_user, member, create_user) -> Project:
    """The health board, its project, sessions and a change, with people to take part."""
    # Both people read Welsh first; to people whose language is not known, the board writes in
    # Welsh and English, Welsh first.
    for person in (facilitator, service_user):
        person.language = "cy"
        person.save(update_fields=["language"])
    board = Organisation.objects.create(
        name="Bwrdd Iechyd Prifysgol Glan-y-Môr",
        bilingual_messages=True,
        safeguarding_text=(
            "Os ydych chi'n poeni am ddiogelwch rhywun, ffoniwch y tîm diogelu ar 0100 000 0001. "
            "If you are worried about someone's safety, call the safeguarding team on "
            "0100 000 0001."
        ),
    )
    OrganisationRole.objects.create(
        organisation=board, user=facilitator, role=OrganisationRole.Role.FACILITATOR
    )
    project = project_create(organisation=board, created_by=facilitator, **MEMORY_CLINIC)
    project.status = Project.Status.ACTIVE
    project.save(update_fields=["status"])
    for stage in project.stages.all():
        stage.name_cy = STAGES_CY.get(stage.name, "")
        stage.save(update_fields=["name_cy"])
    consent_statement_publish(project=project, **CONSENT)
    members = {"Gwen": member(project, service_user, Constituency.SERVICE_USER, "Gwen")}
    for name, constituency, job, wanted in MEMBERS:
        user = create_user(
            email=f"{name.lower()}@glan-y-mor.demo.test",
            full_name=name,
            language="cy" if wanted == LanguageWanted.WELSH else "en-gb",
        )
        members[name] = member(project, user, constituency, name, job, recorded_by=facilitator)
    _sessions(project, facilitator, members)
    _change(project, facilitator, members)
    return project


def _sessions(project, facilitator, members):
    now = timezone.localtime(timezone.now()).replace(minute=0, second=0, microsecond=0)
    stages = {stage.name: stage for stage in project.stages.all()}
    joint = WorkshopSession.objects.create(
        project=project,
        title="Joint event: your first appointment",
        title_cy="Digwyddiad ar y cyd: eich apwyntiad cyntaf",
        held_in=HeldIn.WELSH,
        kind=WorkshopSession.Kind.JOINT_EVENT,
        stage=stages.get("Joint co-design event"),
        starts_at=(now + timedelta(days=9)).replace(hour=10),
        ends_at=(now + timedelta(days=9)).replace(hour=12),
        place="Ystafell Menai, Ysbyty Glan-y-Môr (mynediad heb risiau)",
        created_by=facilitator,
        notes_before_cy="Dewch â'ch profiadau o'ch apwyntiad cyntaf. Bydd te a bara brith.",
    )
    for order, (time, title, title_cy) in enumerate(
        [
            ("10:00", "Welcome and tea", "Croeso a phaned"),
            ("10:15", "Stories of a first appointment", "Straeon am apwyntiad cyntaf"),
            ("11:00", "What would make it easier in Welsh?", "Beth fyddai'n ei gwneud yn haws?"),
            ("11:45", "", "Camau nesaf"),
        ],
        start=1,
    ):
        AgendaItem.objects.create(
            session=joint,
            order=order,
            title=title,
            title_cy=title_cy,
            starts_at=datetime.strptime(time, "%H:%M").time(),
        )
    for name in ("Dafydd", "Nia", "Elin"):
        Reply.objects.create(
            session=joint,
            membership=members[name],
            answer=Reply.Answer.GOING,
            language_wanted=LanguageWanted.WELSH,
        )
    # Planned in English, but more than one in ten of those coming asked for Welsh: the
    # facilitator is prompted to hold it in Welsh or arrange interpretation.
    staff_event = WorkshopSession.objects.create(
        project=project,
        title="Letters and booking: planning together",
        kind=WorkshopSession.Kind.WORKSHOP,
        stage=stages.get("Small co-design groups"),
        starts_at=(now + timedelta(days=16)).replace(hour=13),
        ends_at=(now + timedelta(days=16)).replace(hour=15),
        place="Clinic seminar room",
        online_link="https://meet.example.org/glan-y-mor-staff",
        created_by=facilitator,
        notes_before="Bring one letter or booking message that went wrong.",
    )
    for name, _constituency, _job, language in MEMBERS:
        Reply.objects.create(
            session=staff_event,
            membership=members[name],
            answer=Reply.Answer.GOING,
            language_wanted=language,
        )


def _change(project, facilitator, members):
    change = change_create(
        project=project,
        created_by=facilitator,
        title="Welsh-speaking clinic mornings",
        title_cy="Boreau clinig Cymraeg",
        description="Every Tuesday morning the memory clinic runs with Welsh-speaking staff, "
        "and people are asked which language they want when they are first booked.",
        description_cy="Bob bore Mawrth mae'r clinig cof yn rhedeg gyda staff sy'n siarad "
        "Cymraeg, a gofynnir i bobl pa iaith y maen nhw ei heisiau pan fyddant yn cael eu "
        "hapwyntiad cyntaf.",
        owner=members["Nia"],
        scope=ServiceChange.Scope.SERVICE,
    )
    for status, note in (
        ("agreed", "Agreed with the clinic manager."),
        ("in_progress", "First Welsh mornings booked."),
        ("implemented", "Every Tuesday since the 1st."),
    ):
        change_set_status(
            change=change, status=status, progress=None, note=note, changed_by=facilitator
        )
    you_said_update(
        project=project,
        introduction="Thank you to everyone who told us about their appointments.",
        introduction_cy="Diolch i bawb a ddywedodd wrthym am eu hapwyntiadau.",
        summaries={
            change.pk: "You said it is hard to explain memory problems in a second "
            "language, especially when you are worried."
        },
        summaries_cy={
            change.pk: "Dywedoch ei bod hi'n anodd esbonio problemau cof mewn ail "
            "iaith, yn enwedig pan fyddwch chi'n poeni."
        },
    )
