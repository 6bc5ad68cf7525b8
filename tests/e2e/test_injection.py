"""Issue #4: injection payloads posted through the contribution features' forms stay text.

Each payload would set `window.__xss` if it ran. After every page that shows them, the test
checks that the flag is unset, that the payload reads as text, and that the page holds no
event-handler attribute, `javascript:` address or script that mentions the flag. The watched
pages also fail the test on any Content Security Policy violation, which an injected inline
script or handler would cause.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from contributions.models import Comment, Contribution, PrioritisationRound, Report
from participants.models import AccessNeeds, Membership
from sessions.models import AgendaItem, WalkIn, WorkshopSession
from tests.factories import WorkshopSessionFactory

from .conftest import NARROW, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=1">'
ATTRIBUTE = '"><svg onload=window.__xss=1>'
SINGLE_QUOTED = "' onmouseover='window.__xss=1"
JAVASCRIPT_URL = "javascript:window.__xss=1"
JSON_SCRIPT = "</script><script>window.__xss=1</script>"
TEXTAREA = "</textarea><script>window.__xss=1</script>"
TEMPLATE = "{{7*7}}"
TEMPLATE_TAG = "{% debug %}"
PAYLOADS = [
    SCRIPT,
    IMG,
    ATTRIBUTE,
    SINGLE_QUOTED,
    JAVASCRIPT_URL,
    JSON_SCRIPT,
    TEXTAREA,
    TEMPLATE,
    TEMPLATE_TAG,
]

# Long texts carry every payload; shorter fields as many as fit.
LONG = " ".join(PAYLOADS)
TITLE = f"{JSON_SCRIPT} {IMG} {ATTRIBUTE} {TEMPLATE} {TEMPLATE_TAG}"  # 150 at most
NAME = f"{ATTRIBUTE} {SINGLE_QUOTED} {TEMPLATE}"  # 80 at most
TAG = f"{ATTRIBUTE}{TEMPLATE_TAG}"  # 50 at most
QUERY = f"{ATTRIBUTE} {SINGLE_QUOTED} {TEMPLATE}"  # the board keeps 100 characters
assert len(LONG) <= 300 and len(TITLE) <= 150 and len(NAME) <= 80 and len(TAG) <= 50

# Whatever else is on the page: no event-handler attribute, no javascript: address, no script
# that mentions the flag. (The app itself uses none of them; the CSP would refuse them.)
FIND_INJECTED = """() => {
  const found = [];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      if (attr.name.startsWith("on")) found.push(`${el.tagName} ${attr.name}=${attr.value}`);
      if (["href", "src", "action", "formaction", "xlink:href"].includes(attr.name)
          && /^\\s*javascript:/i.test(attr.value)) found.push(`${el.tagName} ${attr.name}`);
    }
  }
  for (const script of document.querySelectorAll("script")) {
    if (script.textContent.includes("__xss")) found.push("script: " + script.textContent);
  }
  return found;
}"""

POLLED = 10_000


def assert_inert(page, *texts):
    """No payload ran or became markup on this page, and each text is shown as it was typed."""
    page.wait_for_load_state()
    for text in texts:
        expect(page.locator("body")).to_contain_text(text)
    assert not page.evaluate("window.__xss"), f"a payload ran on {page.url}"
    assert page.evaluate(FIND_INJECTED) == [], page.url


def field(page, label):
    """A form field by its label; crispy marks required fields with a trailing asterisk."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def member(world, role):
    return Membership.objects.get(project=world.project, user=world.users[role])


@pytest.fixture
def running_session(world, settings):
    settings.LIVE_BOARD_POLL_SECONDS = 1
    now = timezone.now()
    return WorkshopSessionFactory(
        project=world.project,
        title="Co-design event",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=2),
        status=WorkshopSession.Status.IN_PROGRESS,
    )


def signed_in(open_page, live_server, world, role, **context_args):
    page = open_page(**context_args)
    login(page, live_server, world.users[role].email)
    return page


def test_payloads_in_contributions_comments_and_moderation_stay_text(open_page, live_server, world):
    project = world.project
    base = f"{live_server.url}/projects/{project.pk}"
    board = f"{base}/contributions/"

    # A facilitator gives the service user a display name made of payloads.
    fac = signed_in(open_page, live_server, world, "facilitator")
    fac.goto(f"{base}/participants/{member(world, 'service_user').pk}/edit/")
    field(fac, "Display name").fill(NAME)
    fac.get_by_role("button", name="Save").click()
    expect(fac.get_by_role("status")).to_contain_text("Saved.")
    assert_inert(fac, NAME)
    assert member(world, "service_user").display_name == NAME

    # The service user posts an idea inline (htmx) and a touchpoint with the full form.
    sam = signed_in(open_page, live_server, world, "service_user")
    sam.goto(board)
    add = sam.get_by_role("region", name="Add to the board")
    add.get_by_role("radio", name="Idea", exact=True).check()
    field(add, "Title").fill(TITLE)
    field(add, "In your own words").fill(LONG)
    add.get_by_role("button", name="Add to the board").click()
    expect(sam.locator("#board-list > li")).to_have_count(1)
    assert_inert(sam, TITLE, LONG, NAME)
    idea = Contribution.objects.get(kind=Contribution.Kind.IDEA)
    assert (idea.title, idea.body) == (TITLE, LONG)

    sam.goto(f"{board}new/?kind=touchpoint")
    field(sam, "Title").fill("T " + TITLE)
    field(sam, "In your own words").fill(LONG)
    sam.get_by_role("radio", name="Worried").check()
    sam.get_by_role("button", name="Add to the board").click()
    expect(sam.get_by_role("heading", level=1)).to_have_text("T " + TITLE)
    assert_inert(sam, LONG, NAME)
    touchpoint = Contribution.objects.get(kind=Contribution.Kind.TOUCHPOINT)

    sam.goto(f"{base}/touchpoints/")
    unplaced = sam.get_by_role("row", name=re.compile("Not placed on a step"))
    unplaced.get_by_role("link", name=re.compile("from service users and carers")).click()
    expect(sam.get_by_role("link", name="T " + TITLE)).to_be_visible()
    assert_inert(sam, "T " + TITLE)

    # A search for payloads comes back in the search box, not in the page's markup.
    sam.goto(board)
    sam.get_by_role("searchbox", name="Search").fill(QUERY)
    sam.get_by_role("button", name="Show").click()
    expect(sam.get_by_role("searchbox", name="Search")).to_have_value(QUERY)
    assert_inert(sam)

    # The staff member comments on the idea; the service user replies (both inline, htmx).
    staff = signed_in(open_page, live_server, world, "staff")
    staff.goto(f"{live_server.url}{idea.get_absolute_url()}")
    staff.get_by_label(re.compile(r"^\s*Your comment")).fill(LONG)
    staff.get_by_role("button", name="Post comment").click()
    expect(staff.locator("#comments article")).to_have_count(1)
    assert_inert(staff, TITLE, LONG, NAME)

    sam.goto(f"{live_server.url}{idea.get_absolute_url()}")
    thread = sam.locator("#comments")
    thread.get_by_text("Reply", exact=True).click()
    thread.get_by_label(re.compile(r"^\s*Your reply")).fill(LONG)
    thread.get_by_role("button", name="Post reply").click()
    expect(thread.get_by_role("list", name="Replies")).to_contain_text(LONG)
    assert_inert(sam, TITLE, LONG, NAME)
    reply = Comment.objects.get(parent__isnull=False)
    assert reply.body == LONG

    # Reports with payload details: on the idea, and on the reply from its "Report" link.
    staff.goto(f"{live_server.url}{idea.get_absolute_url()}report/")
    assert_inert(staff, TITLE, LONG)
    staff.get_by_role("radio", name="Something else").check()
    field(staff, "Anything else the facilitators should know (optional)").fill(LONG)
    staff.get_by_role("button", name="Send report").click()
    expect(staff.get_by_role("status")).to_contain_text("Thank you for telling us.")
    staff.reload()
    staff.locator(f"#comment-{reply.pk}").get_by_role("link", name="Report").click()
    assert_inert(staff, LONG, NAME)
    staff.get_by_role("radio", name="It is offensive or hurtful").check()
    field(staff, "Anything else the facilitators should know (optional)").fill(LONG)
    staff.get_by_role("button", name="Send report").click()
    expect(staff.get_by_role("status")).to_contain_text("Thank you for telling us.")
    assert Report.objects.filter(details=LONG).count() == 2

    # The facilitator's queue shows both reports and what they are about.
    fac.goto(f"{base}/moderation/")
    expect(fac.get_by_role("heading", level=2)).to_have_count(2)
    assert_inert(fac, TITLE, LONG, NAME)

    # Status with a payload note; a tag named with payloads, put on the idea.
    fac.goto(f"{live_server.url}{idea.get_absolute_url()}")
    fac.get_by_role("link", name="Set status").click()
    assert_inert(fac, TITLE)
    fac.get_by_role("radio", name="Under consideration").check()
    field(fac, "Note to the author and everyone").fill(LONG)
    fac.get_by_role("button", name="Save status").click()
    expect(fac.get_by_role("status")).to_contain_text("Status saved.")
    assert_inert(fac, TITLE, LONG)

    fac.goto(f"{base}/tags/")
    field(fac, "New tag").fill(TAG)
    fac.get_by_role("button", name="Add tag").click()
    expect(fac.get_by_role("table")).to_contain_text(TAG)
    assert_inert(fac, TAG)
    fac.goto(f"{live_server.url}{idea.get_absolute_url()}tags/")
    assert_inert(fac, TITLE, TAG)
    fac.get_by_role("checkbox", name=TAG).check()
    fac.get_by_role("button", name="Save tags").click()
    expect(fac.get_by_role("status")).to_contain_text("Tags saved.")
    assert_inert(fac, TITLE, TAG)
    assert list(idea.tags.values_list("name", flat=True)) == [TAG]

    # Removing words: first words that are not there (the form comes back with them), then
    # a payload that is.
    fac.goto(f"{live_server.url}{touchpoint.get_absolute_url()}redact/")
    assert_inert(fac, LONG)
    field(fac, "Words to remove").fill(f"not in it {TEXTAREA}")
    fac.get_by_role("button", name="Remove these words").click()
    expect(
        fac.locator(".invalid-feedback").get_by_text("These exact words are not in the text.")
    ).to_be_visible()
    expect(field(fac, "Words to remove")).to_have_value(f"not in it {TEXTAREA}")
    assert_inert(fac)
    field(fac, "Words to remove").fill(SCRIPT)
    fac.get_by_role("button", name="Remove these words").click()
    expect(fac.get_by_role("status")).to_contain_text("Those words are removed")
    assert_inert(fac, "[removed by a facilitator]", IMG, TEMPLATE_TAG)
    touchpoint.refresh_from_db()
    assert SCRIPT not in touchpoint.body.replace(JSON_SCRIPT, "")

    # Hiding the reply with a payload reason: its author sees the reason.
    fac.goto(f"{base}/comments/{reply.pk}/hide/")
    assert_inert(fac, LONG)
    field(fac, "Why is it hidden?").fill(LONG)
    fac.get_by_role("button", name="Hide").click()
    expect(fac.get_by_role("status")).to_contain_text("Hidden.")
    assert_inert(fac, LONG)
    sam.goto(f"{live_server.url}{idea.get_absolute_url()}")
    expect(sam.locator(f"#comment-{reply.pk}")).to_contain_text("Reason:")
    assert_inert(sam, f"Reason: {LONG}", TAG)

    # Hiding the touchpoint too: on the board, only its author reads the reason.
    fac.goto(f"{live_server.url}{touchpoint.get_absolute_url()}hide/")
    field(fac, "Why is it hidden?").fill(LONG)
    fac.get_by_role("button", name="Hide").click()
    expect(fac.get_by_role("status")).to_contain_text("Hidden.")
    assert_inert(fac, LONG)

    # Everyone's board, and the notifications that quote titles and names.
    for page in (sam, staff, fac):
        page.goto(board)
        expect(page.locator("#board-list > li")).to_have_count(2)
        assert_inert(page, TITLE, NAME, TAG)
    expect(sam.locator(f"#contribution-{touchpoint.pk}")).to_contain_text(f"Reason: {LONG}")
    sam.goto(f"{live_server.url}/notifications/")
    expect(sam.locator("#notification-list > li")).to_have_count(2)  # a comment, a status
    assert_inert(sam, TITLE)
    staff.goto(f"{live_server.url}/notifications/")
    expect(staff.locator("#notification-list > li")).to_have_count(1)  # the reply
    assert_inert(staff, TITLE, NAME)


def test_payloads_on_the_live_board_and_in_a_dot_vote_stay_text(
    open_page, live_server, world, running_session
):
    project = world.project
    session = running_session
    base = f"{live_server.url}/projects/{project.pk}"
    sam_membership = member(world, "service_user")
    sam_membership.display_name = NAME
    sam_membership.save(update_fields=["display_name"])

    screen = signed_in(
        open_page, live_server, world, "facilitator", viewport={"width": 1600, "height": 900}
    )
    screen.goto(f"{base}/sessions/{session.pk}/live/")
    screen.get_by_role("button", name="Open the live board").click()
    code = screen.locator("#live-code").inner_text().strip()

    # From a phone: an idea made of payloads.
    phone = signed_in(open_page, live_server, world, "service_user", viewport=NARROW)
    phone.goto(f"{live_server.url}/live/")
    field(phone, "Code on the screen").fill(code)
    phone.get_by_role("button", name="Join").click()
    field(phone, "In a few words").fill(TITLE)
    field(phone, "Tell us more (if you like)").fill(LONG)
    phone.get_by_role("button", name="Add to the board").click()
    expect(phone.get_by_role("status")).to_contain_text("Thank you: it is on the board.")
    assert_inert(phone, TITLE)

    # The screen draws it from its poll, without a reload.
    expect(screen.locator("#live-items > li")).to_have_count(1, timeout=POLLED)
    assert_inert(screen, TITLE, LONG, NAME)

    # The facilitator adds another for someone without a phone, from the screen.
    screen.get_by_role("link", name="Add for someone").click()
    field(screen, "Whose is it?").select_option(label=NAME)
    field(screen, "In a few words").fill("F " + TITLE)
    field(screen, "Tell us more (if you like)").fill(LONG)
    screen.get_by_role("button", name="Add to the board").click()
    expect(screen.get_by_role("status")).to_contain_text("Added for")
    assert_inert(screen, "F " + TITLE, LONG, NAME)
    assert Contribution.objects.filter(session=session).count() == 2

    # What the screen polls for, opened on its own: the items and the counts, still text.
    poll = open_page(viewport={"width": 1600, "height": 900})
    login(poll, live_server, world.users["facilitator"].email)
    # A bare partial names no icon, so the browser would ask for /favicon.ico (a 404).
    poll.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    poll.goto(f"{base}/sessions/{session.pk}/live/items/?after=0")
    assert_inert(poll, TITLE, "F " + TITLE, LONG, NAME)

    # A dot-vote with a payload title over the two ideas.
    screen.get_by_role("link", name="Start a dot-vote on the ideas").click()
    assert_inert(screen, TITLE, "F " + TITLE)
    field(screen, "Title").fill("R " + TITLE)
    screen.get_by_role("button", name="Open the round").click()
    expect(screen.locator("#live-rounds")).to_contain_text("R " + TITLE)
    assert_inert(screen, "R " + TITLE)
    prioritisation_round = PrioritisationRound.objects.get()
    assert prioritisation_round.title == "R " + TITLE

    # The phone page, and voting from it; a javascript: address as `next` is not used.
    phone.reload()
    assert_inert(phone, "R " + TITLE, TITLE)
    phone.goto(f"{base}/rounds/{prioritisation_round.pk}/vote/?next={JAVASCRIPT_URL}")
    assert_inert(phone, "R " + TITLE, TITLE, "F " + TITLE)
    expect(phone.get_by_role("link", name="Back")).to_have_attribute(
        "href", prioritisation_round.get_absolute_url()
    )
    phone.get_by_role("spinbutton", name="F " + TITLE).fill("1")
    phone.get_by_role("spinbutton", name=TITLE, exact=True).fill("2")
    phone.get_by_role("button", name="Save my dots").click()
    expect(phone.get_by_role("status")).to_contain_text("Your dots are placed.")
    assert_inert(phone, "R " + TITLE, TITLE)

    # The round's list, the notification that it opened, and the results once closed.
    phone.goto(f"{base}/rounds/")
    assert_inert(phone, "R " + TITLE)
    phone.goto(f"{live_server.url}/notifications/")
    assert_inert(phone, "R " + TITLE)
    expect(screen.locator(f"#live-round-voters-{prioritisation_round.pk}")).to_have_text(
        "1 person has voted.", timeout=POLLED
    )
    screen.get_by_role("button", name="Close and show results").click()
    expect(screen.locator(f"#round-results-{prioritisation_round.pk}")).to_be_visible()
    assert_inert(screen, f"Results: R {TITLE}", TITLE, "F " + TITLE)
    poll.reload()
    assert_inert(poll, f"Results: R {TITLE}")
    phone.goto(f"{live_server.url}{prioritisation_round.get_absolute_url()}")
    expect(phone.locator(f"#round-results-{prioritisation_round.pk}")).to_be_visible()
    assert_inert(phone, f"Results: R {TITLE}", TITLE, "F " + TITLE)


def test_payloads_in_sessions_and_participants_stay_text(
    open_page, live_server, world, running_session
):
    project = world.project
    base = f"{live_server.url}/projects/{project.pk}"
    fac = signed_in(open_page, live_server, world, "facilitator")

    # A session whose title, place, notes and agenda are payloads; a javascript: link is refused.
    fac.goto(f"{base}/sessions/new/")
    starts = timezone.localtime() + timedelta(days=7)
    field(fac, "Title").fill("S " + TITLE)
    field(fac, "Starts").fill(starts.strftime("%Y-%m-%dT10:00"))
    field(fac, "Ends").fill(starts.strftime("%Y-%m-%dT12:00"))
    field(fac, "Place").fill(LONG)
    field(fac, "Online meeting link").fill(JAVASCRIPT_URL)
    field(fac, "To read beforehand").fill(LONG)
    agenda = fac.get_by_role("group", name="Agenda", exact=True)
    agenda.get_by_label("Order").nth(0).fill("1")
    agenda.get_by_label("Item").nth(0).fill(TITLE)
    fac.get_by_role("button", name="Save session").click()
    expect(fac.locator(".invalid-feedback").get_by_text("Enter a valid URL.")).to_be_visible()
    expect(field(fac, "To read beforehand")).to_have_value(LONG)
    assert_inert(fac)
    assert not WorkshopSession.objects.filter(title="S " + TITLE).exists()
    field(fac, "Online meeting link").fill("")
    fac.get_by_role("button", name="Save session").click()
    expect(fac.get_by_role("heading", level=1)).to_have_text("S " + TITLE)
    assert_inert(fac, LONG, TITLE)
    session = WorkshopSession.objects.get(title="S " + TITLE)
    assert AgendaItem.objects.get(session=session).title == TITLE
    fac.goto(f"{live_server.url}{session.get_absolute_url()}edit/")
    expect(field(fac, "To read beforehand")).to_have_value(LONG)
    assert_inert(fac)

    # The project page lists it.
    fac.goto(base + "/")
    assert_inert(fac, "S " + TITLE)

    # A walk-in with a payload name, at the running session's attendance page.
    close_url = f"{base}/sessions/{running_session.pk}/close/"
    fac.goto(f"{base}/sessions/{running_session.pk}/walk-ins/add/")
    field(fac, "Name").fill(NAME)
    field(fac, "Constituency").select_option(label="Service user")
    fac.get_by_role("button", name="Add").click()
    expect(fac).to_have_url(re.compile(re.escape(close_url) + "$"))
    assert_inert(fac, NAME)
    assert WalkIn.objects.get().name == NAME

    # An invitation with a payload display name: the participants list shows it as text.
    fac.goto(f"{base}/participants/invite/")
    field(fac, "Name").fill("Nia Evans")
    field(fac, "Email address").fill("new.person@example.org")
    field(fac, "Constituency").select_option(label="Carer")
    field(fac, "Display name").fill(NAME)
    fac.get_by_role("button", name="Send invitation").click()
    expect(fac.get_by_role("status")).to_be_visible()
    fac.goto(f"{base}/participants/")
    assert_inert(fac, NAME)
    invited = Membership.objects.get(user__email="new.person@example.org")
    assert invited.display_name == NAME
    fac.goto(f"{base}/participants/?q={QUERY}")
    assert_inert(fac)

    # The service user's access needs, with payloads, read by the facilitator.
    sam = signed_in(open_page, live_server, world, "service_user")
    sam.goto(f"{base}/access-needs/")
    field(sam, "Interpreter for another language").fill(NAME)
    field(sam, "Anything else we should know").fill(LONG)
    sam.get_by_role("button", name="Save access needs").click()
    expect(sam.get_by_role("status")).to_be_visible()
    assert AccessNeeds.objects.get(membership=member(world, "service_user")).other == LONG
    sam.goto(f"{base}/access-needs/")
    expect(field(sam, "Anything else we should know")).to_have_value(LONG)
    assert_inert(sam)
    fac.goto(f"{base}/participants/{member(world, 'service_user').pk}/")
    assert_inert(fac, LONG)

    # A consent statement of payloads: its form, and the page where people agree to it.
    fac.goto(f"{base}/consent-statement/")
    field(fac, "Consent statement").fill(LONG)
    fac.get_by_role("button", name="Publish statement").click()
    expect(fac.get_by_role("status")).to_be_visible()
    fac.goto(f"{base}/consent-statement/")
    expect(field(fac, "Consent statement")).to_have_value(LONG)
    assert_inert(fac)
    sam.goto(f"{base}/consent/")
    assert_inert(sam, LONG)

    # The session pages as the service user sees them.
    sam.goto(f"{live_server.url}{session.get_absolute_url()}")
    assert_inert(sam, "S " + TITLE, LONG, TITLE)
    sam.goto(f"{base}/sessions/")
    assert_inert(sam, "S " + TITLE)
