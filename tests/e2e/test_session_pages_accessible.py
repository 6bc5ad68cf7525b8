"""Every session, calendar and payment page passes axe; the attendance list works on a phone."""

import io
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from outbox.publisher import publisher
from outbox.services import outbox_sweep
from participants.models import Membership
from sessions.closing.services import session_close, session_photo_add
from sessions.models import AgendaItem, Attendance, Reminder, WorkshopSession
from sessions.reminders.services import session_reminders_send
from sessions.services import session_reply, session_schedule
from tests.factories import AccessNeedsFactory, WorkshopSessionFactory

from .conftest import LANGUAGES, NARROW, axe_check, login, read_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@dataclass
class Sessions:
    world: object
    upcoming: WorkshopSession
    running: WorkshopSession
    held: WorkshopSession
    recognition: object


def member(world, role):
    return Membership.objects.get(project=world.project, user=world.users[role])


def jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (250, 240, 200)).save(buffer, "JPEG")
    buffer.seek(0)
    return buffer


@pytest.fixture
def sessions(world, settings, tmp_path):
    """An upcoming session with replies, access needs and reminders; one running; one held with
    a photo and a payment offered."""
    settings.MEDIA_ROOT = str(tmp_path)
    facilitator = world.users["facilitator"]
    now = timezone.now()
    upcoming = session_schedule(
        project=world.project,
        created_by=facilitator,
        title="Joint co-design event",
        kind=WorkshopSession.Kind.JOINT_EVENT,
        starts_at=now + timedelta(hours=24),
        ends_at=now + timedelta(hours=27),
        place="Seminar room 2, Riverside Hospital",
        notes_before="Watch the patients' film if you can.",
    )
    for order, title in enumerate(["Welcome", "Watch the film", "Co-design groups"], start=1):
        AgendaItem.objects.create(session=upcoming, order=order, title=title)
    AccessNeedsFactory(
        membership=member(world, "service_user"), step_free_access=True, bsl_interpreter=True
    )
    for role, answer, fields in [
        ("service_user", "going", {"session_needs": "A quiet room at the break"}),
        ("carer", "maybe", {"reason": "Depends on a hospital appointment"}),
        ("staff", "not_going", {"reason": "On shift"}),
    ]:
        session_reply(
            session=upcoming,
            membership=member(world, role),
            answer=answer,
            replied_by=world.users[role],
            **fields,
        )
    assert session_reminders_send() == 2
    # A reminder whose sending never reported back, shown as a problem.
    Reminder.objects.create(
        session=upcoming, membership=member(world, "facilitator"), offset_hours=48
    )

    running = WorkshopSessionFactory(
        project=world.project,
        title="Small co-design group",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
        status=WorkshopSession.Status.IN_PROGRESS,
    )
    for role in ("service_user", "carer", "staff"):
        session_reply_going_before_start(running, member(world, role))

    held = WorkshopSessionFactory(
        project=world.project,
        title="Gathering experiences",
        starts_at=now - timedelta(days=3),
        ends_at=now - timedelta(days=3) + timedelta(hours=2),
        status=WorkshopSession.Status.IN_PROGRESS,
    )
    session_photo_add(
        session=held, image=jpeg(), caption="Flipchart of priorities", uploaded_by=facilitator
    )
    session_close(
        session=held,
        attended_membership_ids=[member(world, "service_user").pk, member(world, "carer").pk],
        record_notes="Good discussion.",
        outputs="Three priorities.",
        closed_by=facilitator,
    )
    recognition = Attendance.objects.get(
        session=held, membership=member(world, "service_user")
    ).recognition
    return Sessions(world, upcoming, running, held, recognition)


def session_reply_going_before_start(session, membership):
    """Replies close when a session starts; record the one given beforehand."""
    session.replies.create(membership=membership, answer="going")


def url(sessions, name):
    project = sessions.world.project.pk
    return {
        "session-list": f"/projects/{project}/sessions/",
        "session-detail": sessions.upcoming.get_absolute_url(),
        "session-print": f"{sessions.upcoming.get_absolute_url()}print/",
        "session-print-large": f"{sessions.upcoming.get_absolute_url()}print/?large=1",
        "feed-settings": "/calendar/",
        "photos": f"/projects/{project}/sessions/{sessions.held.pk}/photos/",
        "payment-policy": f"/projects/{project}/payment-policy/",
        "recognition-edit": f"/projects/{project}/payments/{sessions.recognition.pk}/",
        "session-close": f"/projects/{project}/sessions/{sessions.held.pk}/close/",
        "payment-list": f"/projects/{project}/payments/",
        "my-payments": f"/projects/{project}/my-payments/",
    }[name]


PAGES = [
    ("facilitator", "session-list", "Sessions"),
    ("service_user", "session-list", "Sessions"),
    ("facilitator", "session-detail", "Joint co-design event"),
    ("facilitator", "session-print", "Joint co-design event"),
    ("facilitator", "session-print-large", "Joint co-design event"),
    ("service_user", "feed-settings", "Your sessions in your calendar"),
    ("facilitator", "photos", "Photos of room outputs"),
    ("service_user", "photos", "Photos of room outputs"),
    ("facilitator", "payment-policy", "Payment policy"),
    ("facilitator", "recognition-edit", "Payment and expenses"),
    ("facilitator", "session-close", "Attendance and record"),
    ("facilitator", "payment-list", "Payments and expenses"),
    ("service_user", "my-payments", "My payments and expenses"),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("who", "name", "heading"), [pytest.param(*p, id=f"{p[1]}-{p[0]}") for p in PAGES]
)
def test_page_is_accessible(page, live_server, sessions, who, name, heading, language):
    login(page, live_server, sessions.world.users[who].email)
    read_in(page, live_server, language)
    page.goto(live_server.url + url(sessions, name))
    expect(page.locator("html")).to_have_attribute("lang", language)
    if language == "en-gb":
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    else:
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    axe_check(page)


def test_facilitator_session_page_shows_replies_needs_and_reminders(page, live_server, sessions):
    login(page, live_server, sessions.world.users["facilitator"].email)
    page.goto(live_server.url + url(sessions, "session-detail"))

    needs = page.get_by_role("region", name="Access needs of those coming")
    expect(needs).to_contain_text("British Sign Language interpreter")
    expect(needs).to_contain_text("step-free access")
    replies = page.get_by_role("region", name="Replies")
    expect(replies).to_contain_text("Going: 1")
    reminders = page.get_by_role("table", name=re.compile("Who was reminded"))
    expect(reminders.locator("tbody tr")).to_have_count(3)
    expect(reminders.get_by_role("row", name=re.compile("^Facilitator"))).to_contain_text(
        "Not confirmed"
    )
    axe_check(page)
    # Who replied and what they said: on the replies' own page, which also passes axe.
    replies.get_by_role("link", name=re.compile(r"^See all \d+ replies")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Replies")
    expect(page.get_by_role("row").filter(has_text="Service User")).to_contain_text(
        "Needs: A quiet room at the break"
    )
    expect(page.get_by_role("main")).to_contain_text("Depends on a hospital appointment")
    axe_check(page)
    page.get_by_label("Answer").select_option("going")
    page.get_by_role("main").get_by_role("button", name="Show").click()
    expect(
        page.get_by_role("row").filter(has_text="Depends on a hospital appointment")
    ).to_have_count(0)


def test_large_print_register_lists_those_coming(page, live_server, sessions):
    login(page, live_server, sessions.world.users["facilitator"].email)
    page.goto(live_server.url + url(sessions, "session-print-large"))
    expect(page.locator("body")).to_have_class(re.compile(r"\blarge-print\b"))
    register = page.get_by_role("table").filter(has_text="Signature")
    expect(register.get_by_role("cell", name="Service User")).to_be_visible()
    axe_check(page)


def test_new_calendar_address_is_shown_once_and_passes_axe(page, live_server, settings, sessions):
    settings.CODESIGN_SITE_URL = live_server.url
    login(page, live_server, sessions.world.users["service_user"].email)
    page.goto(live_server.url + url(sessions, "feed-settings"))
    page.get_by_role("button", name="Create my calendar address").click()

    address = page.get_by_role("textbox", name="Your new calendar address")
    expect(address).to_have_value(
        re.compile(rf"^{re.escape(live_server.url)}/calendar/[^/]+\.ics$")
    )
    axe_check(page)
    page.reload()
    expect(address).to_have_count(0)


def test_attendance_list_is_usable_on_a_phone(open_page, live_server, sessions):
    page = open_page(viewport=NARROW, has_touch=True, is_mobile=True)
    login(page, live_server, sessions.world.users["facilitator"].email)
    page.goto(
        f"{live_server.url}/projects/{sessions.world.project.pk}"
        f"/sessions/{sessions.running.pk}/close/"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Record attendance and close")
    axe_check(page)

    who_came = page.get_by_role("group", name="Who came")
    boxes = who_came.get_by_role("checkbox")
    expect(boxes).to_have_count(4)  # carer, facilitator, service user, staff
    for index in range(boxes.count()):
        expect(boxes.nth(index)).to_have_accessible_name(re.compile(r"\w"))

    staff = who_came.get_by_role("checkbox", name=re.compile(r"^Staff\b"))
    facilitator = who_came.get_by_role("checkbox", name=re.compile(r"^Facilitator\b"))
    expect(staff).to_be_checked()  # said going
    expect(facilitator).not_to_be_checked()
    facilitator_row = who_came.locator("label").filter(
        has=page.get_by_role("checkbox", name=re.compile(r"^Facilitator\b"))
    )
    staff_row = who_came.locator("label").filter(
        has=page.get_by_role("checkbox", name=re.compile(r"^Staff\b"))
    )
    for row in (facilitator_row, staff_row):
        box = row.bounding_box()
        assert box["height"] >= 44, f"a row is {box['height']} px high, too small to tap"
        assert box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"]

    # Tap the row away from the box itself: the whole label ticks it.
    for row in (facilitator_row, staff_row):
        box = row.bounding_box()
        row.tap(position={"x": box["width"] - 16, "y": box["height"] / 2})
    expect(facilitator).to_be_checked()
    expect(staff).not_to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]

    page.get_by_role("button", name="Save and mark as held").click()
    expect(page.get_by_role("status")).to_contain_text("The session is marked as held.")
    attended = set(
        Attendance.objects.filter(session=sessions.running).values_list(
            "membership__display_name", flat=True
        )
    )
    assert attended == {"Service User", "Carer", "Facilitator"}


def test_an_uploaded_photo_is_shown_once_the_worker_has_stripped_it(
    page, live_server, sessions, monkeypatch
):
    """The request keeps the photo as sent; the page says it is being processed and asks again
    until the worker's copy is there."""
    monkeypatch.setattr(publisher, "submit", lambda message_ids: None)  # the worker is busy
    login(page, live_server, sessions.world.users["facilitator"].email)
    page.goto(live_server.url + url(sessions, "photos"))
    page.locator("#id_image").set_input_files(
        files=[{"name": "wall.jpg", "mimeType": "image/jpeg", "buffer": jpeg().getvalue()}]
    )
    page.get_by_role("textbox", name="What it shows").fill("Wall of sticky notes")
    page.get_by_role("button", name="Upload photo").click()
    expect(page.get_by_role("status")).to_contain_text("Photo added.")
    waiting = page.locator("#session-photos li").filter(has_text="Wall of sticky notes")
    expect(waiting).to_contain_text("Being processed")
    expect(page.get_by_role("img", name="Wall of sticky notes")).to_have_count(0)
    outbox_sweep()  # the worker gets to it
    expect(page.get_by_role("img", name="Wall of sticky notes")).to_be_visible(timeout=10_000)
    axe_check(page)
