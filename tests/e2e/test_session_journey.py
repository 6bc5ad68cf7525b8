"""Issue #3: a facilitator schedules a joint co-design event, a service user replies going and
downloads the .ics, the facilitator runs and closes it, and the service user's payment appears.

Every page of the journey is checked with axe. The service user's reply also runs at 375 px.
"""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from participants.models import Membership
from sessions.models import Recognition, Reply, WorkshopSession
from sessions.services import session_schedule

from .conftest import NARROW, axe_check, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Joint co-design event: leaving Ward 7"
# Not UTC and without summer time, so a time saved in the wrong zone shows whatever the date.
ZONE = "Asia/Kolkata"
SERVICE_USER = "service_user@example.org"

# The agenda item's own field, not its Welsh one ("Item in Welsh").
ITEM = re.compile(r"^\s*Item\s*\*?\s*$")


@pytest.fixture
def site_url(settings, live_server):
    """Emailed links point at the live server rather than the default development address."""
    settings.CODESIGN_SITE_URL = live_server.url
    return live_server.url


@pytest.fixture
def journey_world(world):
    world.organisation.time_zone = ZONE
    world.organisation.save(update_fields=["time_zone"])
    return world


def field(page, label):
    """A form field by its label; crispy marks required fields with a trailing asterisk."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def next_week_at(hour):
    """A local time a week ahead, as a naive datetime in the organisation's zone."""
    day = datetime.now(ZoneInfo(ZONE)).date() + timedelta(days=7)
    return datetime(day.year, day.month, day.day, hour)


def membership(world, role):
    return Membership.objects.get(project=world.project, user=world.users[role])


def link_in_email(mailoutbox, email, pattern):
    bodies = [m.body for m in mailoutbox if m.to == [email]]
    links = [match.group(0) for body in bodies for match in re.finditer(pattern, body)]
    assert links, bodies
    return links[-1]


def service_user_replies_going(page, session):
    """From the session page: answer going with a need for the day, and see it saved."""
    expect(page.get_by_role("heading", level=1)).to_have_text(session.title)
    axe_check(page)
    reply = page.get_by_role("region", name="Are you coming?")
    reply.get_by_role("radio", name="Going", exact=True).check()
    reply.get_by_label("Anything extra you need for this session").fill("A quiet room at the break")
    reply.get_by_role("button", name="Send reply").click()

    expect(page.get_by_role("status")).to_contain_text("Thank you, your reply is saved.")
    expect(page.get_by_role("region", name="Are you coming?")).to_contain_text("Your reply: Going")
    axe_check(page)
    reply = Reply.objects.get(session=session, membership__user__email=SERVICE_USER)
    assert reply.answer == Reply.Answer.GOING
    assert reply.session_needs == "A quiet room at the break"


def test_facilitator_runs_a_joint_event_and_the_service_user_is_offered_payment(
    open_page, live_server, site_url, journey_world, mailoutbox
):
    world = journey_world
    project = world.project
    starts, ends = next_week_at(10), next_week_at(13)

    fac = open_page()
    login(fac, live_server, world.users["facilitator"].email)
    fac.goto(f"{live_server.url}/projects/{project.pk}/")
    fac.get_by_role("region", name="Sessions").get_by_role(
        "link", name="Schedule a session"
    ).click()
    expect(fac.get_by_role("heading", level=1)).to_have_text("Schedule a session")
    expect(fac.get_by_role("main")).to_contain_text(f"Times are in {ZONE}.")
    axe_check(fac)

    field(fac, "Title").fill(TITLE)
    field(fac, "Kind").select_option(label="Joint co-design event")
    field(fac, "Starts").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    field(fac, "Ends").fill(ends.strftime("%Y-%m-%dT%H:%M"))
    field(fac, "Place").fill("Seminar room 2, Riverside Hospital")
    agenda = fac.get_by_role("group", name="Agenda")
    agenda.get_by_label("Order").nth(0).fill("1")
    agenda.get_by_label("Time").nth(0).fill("10:00")
    agenda.get_by_label(ITEM).nth(0).fill("Welcome and the patients' film")
    agenda.get_by_label("Order").nth(1).fill("2")
    agenda.get_by_label("Time").nth(1).fill("11:00")
    agenda.get_by_label(ITEM).nth(1).fill("Co-design groups choose priorities")
    fac.get_by_role("button", name="Save session").click()

    expect(fac.get_by_role("status")).to_contain_text("Session scheduled.")
    expect(fac.get_by_role("heading", level=1)).to_have_text(TITLE)
    agenda_region = fac.get_by_role("region", name="Agenda")
    expect(agenda_region.get_by_role("listitem")).to_have_text(
        ["10:00 Welcome and the patients' film", "11:00 Co-design groups choose priorities"]
    )
    expect(fac.get_by_role("main")).to_contain_text(starts.strftime("%H:%M") + "–13:00")
    axe_check(fac)
    session = WorkshopSession.objects.get(title=TITLE)
    assert session.kind == WorkshopSession.Kind.JOINT_EVENT
    assert session.starts_at == starts.replace(tzinfo=ZoneInfo(ZONE))
    assert session.ends_at == ends.replace(tzinfo=ZoneInfo(ZONE))
    assert session.agenda.count() == 2
    assert any(m.to == [SERVICE_USER] for m in mailoutbox), "no invitation sent"

    sam = open_page()
    login(sam, live_server, world.users["service_user"].email)
    sam.goto(f"{live_server.url}/projects/{project.pk}/")
    sam.get_by_role("region", name="Sessions").get_by_role("link", name=TITLE).click()
    service_user_replies_going(sam, session)

    with sam.expect_download() as download_info:
        sam.get_by_role("link", name="Add to my calendar (.ics)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    with open(download.path(), "rb") as ics_file:
        ics = ics_file.read()
    assert ics.startswith(b"BEGIN:VCALENDAR")
    [event] = Calendar.from_ical(ics).walk("VEVENT")
    assert str(event["summary"]) == TITLE
    assert event.decoded("dtstart") == session.starts_at
    assert event.decoded("dtend") == session.ends_at

    fac.reload()
    replies = fac.get_by_role("region", name="Replies")
    expect(replies).to_contain_text("Going: 1")
    axe_check(fac)
    # Who replied, and what they said, on a page of their own.
    replies.get_by_role("link", name="See the reply and what they told you").click()
    expect(fac.get_by_role("heading", level=1)).to_have_text("Replies")
    row = fac.get_by_role("row").filter(has_text="Service User")
    expect(row).to_contain_text("Going")
    expect(row).to_contain_text("Needs: A quiet room at the break")
    axe_check(fac)
    fac.get_by_role("link", name="Back to the session").click()

    fac.get_by_role("link", name="Start session").click()
    expect(fac.get_by_role("heading", level=1)).to_have_text("Start session")
    axe_check(fac)
    fac.get_by_role("button", name="Start session").click()
    expect(fac.get_by_role("status")).to_contain_text("The session has started.")
    axe_check(fac)

    fac.get_by_role("link", name="Record attendance and close").click()
    expect(fac.get_by_role("heading", level=1)).to_have_text("Record attendance and close")
    who_came = fac.get_by_role("group", name="Who came")
    service_user_box = who_came.get_by_role("checkbox", name=re.compile(r"^Service User\b"))
    carer_box = who_came.get_by_role("checkbox", name=re.compile(r"^Carer\b"))
    expect(service_user_box).to_be_checked()  # said going
    expect(carer_box).not_to_be_checked()
    axe_check(fac)
    service_user_box.uncheck()
    service_user_box.check()
    fac.get_by_label("Notes from the session").fill("Good discussion of the discharge letter.")
    fac.get_by_label("What came out of it").fill("Three priorities: one letter, one number, tea.")
    fac.get_by_role("button", name="Save and mark as held").click()

    expect(fac.get_by_role("status")).to_contain_text(
        "The session is marked as held. Payments have been offered to those who came."
    )
    expect(fac.get_by_role("heading", level=1)).to_have_text("Attendance and record")
    figures = fac.get_by_role("table", name="Who came, by constituency")
    expect(figures.get_by_role("row", name=re.compile(r"^Service user 1 0 1$"))).to_be_visible()
    axe_check(fac)
    session.refresh_from_db()
    assert session.status == WorkshopSession.Status.HELD
    assert list(session.attendances.values_list("membership__user__email", flat=True)) == [
        SERVICE_USER
    ]

    sam.goto(link_in_email(mailoutbox, SERVICE_USER, r"\S+/my-payments/"))
    expect(sam.get_by_role("heading", level=1)).to_have_text("My payments and expenses")
    payment = sam.get_by_role("region", name=re.compile(re.escape(TITLE)))
    expect(payment).to_contain_text("3.00")  # hours
    expect(payment).to_contain_text("£60.00 · Offered")  # default £20 an hour
    expect(payment.get_by_role("link", name=re.compile("^Decline payment"))).to_be_visible()
    axe_check(sam)
    recognition = Recognition.objects.get(attendance__session=session)
    assert recognition.attendance.membership == membership(world, "service_user")
    assert recognition.payment_status == Recognition.PaymentStatus.OFFERED

    sam.get_by_role("link", name=project.title).click()
    expect(sam.get_by_role("link", name="My payments and expenses")).to_have_attribute(
        "href", f"/projects/{project.pk}/my-payments/"
    )
    sam.get_by_role("region", name="Sessions").get_by_role("link", name=TITLE).click()
    expect(sam.get_by_role("region", name="What came out of it")).to_contain_text(
        "Three priorities"
    )
    axe_check(sam)

    fac.get_by_role("link", name=project.title).first.click()
    fac.get_by_role("link", name="Involvement payments").click()
    expect(fac.get_by_role("heading", level=1)).to_have_text("Payments and expenses")
    rows = fac.get_by_role("table", name=re.compile("Payment and expenses")).locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Service User")
    expect(rows.first).to_contain_text(TITLE)
    expect(rows.first).to_contain_text("£60.00")
    expect(rows.first).to_contain_text("Offered")
    axe_check(fac)


def test_service_user_replies_on_a_narrow_screen(open_page, live_server, journey_world):
    world = journey_world
    session = session_schedule(
        project=world.project,
        created_by=world.users["facilitator"],
        title=TITLE,
        kind=WorkshopSession.Kind.JOINT_EVENT,
        starts_at=next_week_at(10).replace(tzinfo=ZoneInfo(ZONE)),
        ends_at=next_week_at(13).replace(tzinfo=ZoneInfo(ZONE)),
        place="Seminar room 2, Riverside Hospital",
    )

    page = open_page(viewport=NARROW)
    login(page, live_server, world.users["service_user"].email)
    page.goto(f"{live_server.url}{session.get_absolute_url()}")
    service_user_replies_going(page, session)
    expect(page.get_by_role("button", name="Show menu")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
