"""Issue #4: a service user and a staff member post and comment on each other's contributions;
the facilitator runs a live board in the room, people add from their phones, and a dot-vote runs
on the big screen until its results are shown.

Four browser contexts: the service user at a desk, the staff member, the facilitator's big
screen, and the service user's phone (375 px). The big screen shows new items and votes without
a reload: the tests wait with Playwright's `expect`, never with sleeps.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from contributions.models import Comment, Contribution, Dot, PrioritisationRound
from participants.models import Membership
from sessions.models import WorkshopSession
from tests.factories import WorkshopSessionFactory

from .conftest import NARROW, axe_check, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BIG_SCREEN = {"width": 1600, "height": 900}
# Longer than a poll interval (1 s in these tests) plus a slow machine's round trip.
POLLED = 10_000

SAM_IDEA = "Give us the discharge letter a day early"
STAFF_TOUCHPOINT = "Waiting for the pharmacy on the last morning"
SAM_COMMENT = "Yes, the pharmacy wait was the worst part for me too."
STAFF_COMMENT = "We could print the letter the evening before."
SAM_REPLY = "That would help a lot."
PHONE_IDEA = "One phone number to ring after going home"


def field(page, label):
    """A form field by its label; crispy marks required fields with a trailing asterisk."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


@pytest.fixture
def running_session(world, settings):
    settings.LIVE_BOARD_POLL_SECONDS = 1
    now = timezone.now()
    return WorkshopSessionFactory(
        project=world.project,
        title="Co-design event: leaving Ward 7",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=2),
        status=WorkshopSession.Status.IN_PROGRESS,
    )


def board_url(live_server, project):
    return f"{live_server.url}/projects/{project.pk}/contributions/"


def post_on_board(page, *, kind, title, body, emotion=None):
    """Add with the board's inline form (htmx): the card appears without leaving the page."""
    form = page.get_by_role("region", name="Add to the board")
    form.get_by_role("radio", name=kind, exact=True).check()
    field(form, "Title").fill(title)
    field(form, "In your own words").fill(body)
    if emotion:
        form.get_by_role("radio", name=emotion, exact=True).check()
    url = page.url
    form.get_by_role("button", name="Add to the board").click()
    expect(page.locator("#messages")).to_contain_text(f"Thank you. “{title}” is on the board.")
    card = page.locator("#board-list > li").filter(has_text=title)
    expect(card).to_be_visible()
    assert page.url == url, "the inline form left the page"
    # The form is back, empty, for the next one.
    expect(field(form, "Title")).to_have_value("")
    return card


def comment_on(page, title, text):
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    page.get_by_label(re.compile(r"^\s*Your comment")).fill(text)
    page.get_by_role("button", name="Post comment").click()
    comments = page.locator("#comments")
    expect(comments.get_by_role("heading", level=2)).to_have_text(re.compile(r"1 comment"))
    expect(comments.locator("article").filter(has_text=text)).to_be_visible()


def test_two_people_post_and_comment_and_the_room_votes_on_a_live_board(
    open_page, live_server, world, running_session
):
    project = world.project
    session = running_session

    # The service user, at a desk, adds an idea inline on the board.
    sam = open_page()
    login(sam, live_server, world.users["service_user"].email)
    sam.goto(f"{live_server.url}/projects/{project.pk}/")
    sam.get_by_role("region", name="Contributions").get_by_role("link", name="The board").click()
    expect(sam.get_by_role("heading", level=1)).to_have_text("Contributions")
    axe_check(sam)
    card = post_on_board(
        sam, kind="Idea", title=SAM_IDEA, body="So we can read it\nand ask questions."
    )
    expect(card).to_contain_text("Service User")
    expect(card).to_contain_text("Status: New")
    axe_check(sam)

    # The staff member marks a touchpoint on the same board and finds the service user's idea.
    staff = open_page()
    login(staff, live_server, world.users["staff"].email)
    staff.goto(board_url(live_server, project))
    expect(staff.locator("#board-list")).to_contain_text(SAM_IDEA)
    post_on_board(
        staff,
        kind="Touchpoint",
        title=STAFF_TOUCHPOINT,
        body="Patients sit dressed for hours.",
        emotion="Frustrated",
    )
    axe_check(staff)

    # Each comments on the other's contribution; the thread is redrawn in place (htmx).
    comment_on(staff, SAM_IDEA, STAFF_COMMENT)
    axe_check(staff)
    sam.reload()
    expect(sam.locator("#board-list")).to_contain_text(STAFF_TOUCHPOINT)
    comment_on(sam, STAFF_TOUCHPOINT, SAM_COMMENT)
    expect(sam.get_by_text("Felt: Frustrated")).to_be_visible()
    axe_check(sam)

    # The service user replies to the staff member's comment on the idea.
    sam.goto(board_url(live_server, project))
    sam.get_by_role("link", name=SAM_IDEA, exact=True).click()
    thread = sam.locator("#comments")
    expect(thread).to_contain_text(STAFF_COMMENT)
    thread.get_by_text("Reply", exact=True).click()
    thread.get_by_label(re.compile(r"^\s*Your reply")).fill(SAM_REPLY)
    thread.get_by_role("button", name="Post reply").click()
    replies = thread.get_by_role("list", name="Replies")
    expect(replies).to_contain_text(SAM_REPLY)
    expect(thread.get_by_role("heading", level=2)).to_have_text(re.compile(r"2 comments"))
    axe_check(sam)
    assert Comment.objects.filter(contribution__title=SAM_IDEA).count() == 2
    assert Comment.objects.get(body=SAM_REPLY).parent.body == STAFF_COMMENT

    # The touchpoint map counts the staff member's touchpoint with staff's, and shows it on
    # demand (it was placed on no step of the journey).
    staff.goto(board_url(live_server, project))
    staff.get_by_role("link", name="Touchpoint map").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Touchpoint map")
    unplaced = staff.get_by_role("row", name=re.compile("Not placed on a step"))
    unplaced.get_by_role("link", name=re.compile("touchpoints from staff")).click()
    expect(staff.get_by_role("link", name=STAFF_TOUCHPOINT)).to_be_visible()
    axe_check(staff)

    # The facilitator opens the session's live board on the big screen.
    screen = open_page(viewport=BIG_SCREEN)
    login(screen, live_server, world.users["facilitator"].email)
    screen.goto(f"{live_server.url}/projects/{project.pk}/sessions/{session.pk}/live/")
    expect(screen.get_by_role("heading", level=1)).to_have_text("Open the live board")
    axe_check(screen)
    screen.get_by_role("button", name="Open the live board").click()
    expect(screen.get_by_role("heading", level=1)).to_have_text(session.title)
    code = screen.locator("#live-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{6}", code), code
    expect(screen.get_by_role("img", name="QR code that opens the page to join")).to_be_visible()
    expect(screen.locator("#live-count")).to_have_text("0 so far")
    axe_check(screen)

    # The staff member watches the same board on their own screen.
    staff.goto(f"{live_server.url}/projects/{project.pk}/sessions/{session.pk}/live/")
    expect(staff.get_by_role("heading", level=1)).to_have_text(session.title)
    expect(staff.get_by_role("link", name="Close the board")).to_have_count(0)
    axe_check(staff)

    # The service user joins from a phone with the code on the screen and adds an idea.
    phone = open_page(viewport=NARROW, is_mobile=True, has_touch=True)
    login(phone, live_server, world.users["service_user"].email)
    phone.goto(f"{live_server.url}/live/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Join the live board")
    axe_check(phone)
    field(phone, "Code on the screen").fill(code.lower())
    phone.get_by_role("button", name="Join").click()
    expect(phone).to_have_url(re.compile(rf"/live/{code}/$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text(session.title)
    axe_check(phone)
    expect(phone.get_by_role("radio", name=re.compile("^An idea"))).to_be_checked()
    field(phone, "In a few words").fill(PHONE_IDEA)
    phone.get_by_role("button", name="Add to the board").click()
    expect(phone.get_by_role("status")).to_contain_text("Thank you: it is on the board.")
    expect(phone.get_by_role("region", name="What you added in this session")).to_contain_text(
        PHONE_IDEA
    )
    axe_check(phone)

    # The big screen shows it without a reload.
    new_item = screen.locator("#live-items > li").filter(has_text=PHONE_IDEA)
    expect(new_item).to_be_visible(timeout=POLLED)
    expect(new_item).to_contain_text("Service User")
    expect(screen.locator("#live-count")).to_have_text("1 so far")
    expect(screen.locator("#live-empty")).to_have_count(0)
    axe_check(screen)
    # ... and so does the staff member's, the second person's context, without a reload.
    expect(staff.locator("#live-items > li").filter(has_text=PHONE_IDEA)).to_be_visible(
        timeout=POLLED
    )
    phone_idea = Contribution.objects.get(title=PHONE_IDEA)
    assert phone_idea.session == session
    assert phone_idea.author == Membership.objects.get(
        project=project, user=world.users["service_user"]
    )

    # The staff member sees it as an ordinary contribution of the project, from the session.
    staff.goto(board_url(live_server, project))
    staff_card = staff.locator("#board-list > li").filter(has_text=PHONE_IDEA)
    expect(staff_card).to_be_visible()
    staff_card.get_by_role("link", name=PHONE_IDEA, exact=True).click()
    expect(staff.get_by_role("main")).to_contain_text(f"From the session {session.title}")

    # The facilitator starts a dot-vote from the screen over the session's idea and Sam's idea.
    screen.get_by_role("link", name="Start a dot-vote on the ideas").click()
    expect(screen.get_by_role("heading", level=1)).to_have_text("Open a prioritisation round")
    ideas = screen.get_by_role("group", name=re.compile("Ideas to prioritise"))
    expect(ideas.get_by_role("checkbox", name=PHONE_IDEA)).to_be_checked()
    ideas.get_by_role("checkbox", name=SAM_IDEA).check()
    field(screen, "Dots per person").fill("3")
    axe_check(screen)
    screen.get_by_role("button", name="Open the round").click()
    expect(screen.get_by_role("heading", level=1)).to_have_text(session.title)
    prioritisation_round = PrioritisationRound.objects.get(session=session)
    voters = screen.locator(f"#live-round-voters-{prioritisation_round.pk}")
    expect(voters).to_have_text("0 people have voted.")
    axe_check(screen)

    # The service user votes from the phone.
    phone.reload()
    phone.get_by_role("link", name="Place your dots").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Place your dots")
    axe_check(phone)
    phone.get_by_role("spinbutton", name=PHONE_IDEA).fill("2")
    phone.get_by_role("spinbutton", name=SAM_IDEA).fill("1")
    phone.get_by_role("button", name="Save my dots").click()
    expect(phone).to_have_url(re.compile(rf"/live/{code}/$"))
    expect(phone.get_by_role("status")).to_contain_text("Your dots are placed.")
    expect(voters).to_have_text("1 person has voted.", timeout=POLLED)

    # The staff member votes from the round's page.
    staff.goto(f"{live_server.url}{prioritisation_round.get_absolute_url()}")
    expect(staff.get_by_role("heading", level=1)).to_have_text(prioritisation_round.title)
    expect(staff.get_by_role("main")).to_contain_text(
        "The results are hidden from everyone, facilitators included"
    )
    axe_check(staff)
    staff.get_by_role("link", name="Place your dots").click()
    staff.get_by_role("spinbutton", name=PHONE_IDEA).fill("3")
    staff.get_by_role("spinbutton", name=SAM_IDEA).fill("0")
    staff.get_by_role("button", name="Save my dots").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(prioritisation_round.title)
    expect(staff.get_by_text("your 3 dots")).to_be_visible()
    expect(voters).to_have_text("2 people have voted.", timeout=POLLED)
    assert Dot.objects.filter(round=prioritisation_round).count() == 3

    # The facilitator closes the round on the screen; the results appear there.
    screen.get_by_role("button", name="Close and show results").click()
    results = screen.locator(f"#round-results-{prioritisation_round.pk}")
    expect(results.get_by_role("heading")).to_have_text(f"Results: {prioritisation_round.title}")
    expect(results).to_contain_text("2 people placed dots.")
    table = results.get_by_role("table")
    expect(
        table.get_by_role("row", name=re.compile(rf"^{re.escape(PHONE_IDEA)} 5 "))
    ).to_be_visible()
    expect(table.get_by_role("row", name=re.compile(rf"^{re.escape(SAM_IDEA)} 1 "))).to_be_visible()
    # One voter on each side: neither side's split is shown.
    expect(table).to_contain_text("fewer than 3 voted")
    expect(table).not_to_contain_text("Both groups rank it highly")
    axe_check(screen)
    prioritisation_round.refresh_from_db()
    assert prioritisation_round.status == PrioritisationRound.Status.CLOSED

    # Everyone can read the results on the round's page once it is closed.
    phone.reload()
    phone.get_by_role("region", name="Results of dot-votes").get_by_role(
        "link", name=prioritisation_round.title
    ).click()
    expect(phone.locator(f"#round-results-{prioritisation_round.pk}")).to_contain_text(
        "2 people placed dots."
    )
    axe_check(phone)
    staff.reload()
    expect(staff.locator(f"#round-results-{prioritisation_round.pk}")).to_contain_text(PHONE_IDEA)
    axe_check(staff)


def test_people_support_ideas_on_the_board_and_take_it_back(open_page, live_server, world):
    """The support buttons share the page's one form (its token, the way back): on the board,
    on an idea just added inline, on a phone, and on the idea's own page."""
    project = world.project
    Contribution.objects.create(
        project=project,
        author=Membership.objects.get(project=project, user=world.users["service_user"]),
        constituency="service_user",
        kind="idea",
        title=SAM_IDEA,
    )
    staff = open_page(viewport=NARROW, is_mobile=True, has_touch=True)
    login(staff, live_server, world.users["staff"].email)
    staff.goto(board_url(live_server, project))
    button = staff.get_by_role("button", name=f"Support “{SAM_IDEA}”")
    expect(button).to_have_attribute("aria-pressed", "false")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button).to_be_focused()  # swapped in place, the button keeps the focus
    card = staff.locator("#board-list > li").filter(has_text=SAM_IDEA)
    expect(card).to_contain_text("1 support · including yours")
    expect(staff.locator("#messages")).to_contain_text(f"You support “{SAM_IDEA}”.")
    axe_check(staff)

    # An idea added inline is supported at once, from its card drawn by htmx.
    post_on_board(staff, kind="Idea", title=STAFF_COMMENT, body="An idea from the ward.")
    own = staff.get_by_role("button", name=f"Support “{STAFF_COMMENT}”")
    own.click()
    expect(own).to_have_attribute("aria-pressed", "true")

    # After a reload both stay supported; taking one back is one more press.
    staff.reload()
    expect(button).to_have_attribute("aria-pressed", "true")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(card).to_contain_text("0 supports")
    assert list(
        Contribution.objects.filter(supports__isnull=False).values_list("title", flat=True)
    ) == [STAFF_COMMENT]

    # The idea's own page has the same button.
    staff.get_by_role("link", name=SAM_IDEA, exact=True).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(SAM_IDEA)
    staff.get_by_role("button", name=f"Support “{SAM_IDEA}”").click()
    expect(staff.get_by_role("button", name=f"Support “{SAM_IDEA}”")).to_have_attribute(
        "aria-pressed", "true"
    )
    axe_check(staff)
    assert Contribution.objects.get(title=SAM_IDEA).supports.count() == 1
