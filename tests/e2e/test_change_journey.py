"""Issue #5: a facilitator turns two ideas into a service change and moves it to implemented;
the idea's author is told, and the change appears on "you said, we did" and its A4 poster.

One idea is the service user's, posted anonymously; the other is the carer's. The change's page
shows where it came from by constituency and never names the anonymous author. Every page of the
journey is checked with axe; the tests wait with Playwright's `expect`, never with sleeps.
"""

import re
from io import BytesIO

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from changes.models import ServiceChange, TimelineEntry
from contributions.models import Contribution
from notifications.models import Notification
from participants.models import Membership
from tests.factories import ContributionFactory

from .conftest import axe_check, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAM_IDEA = "Pack the going-home medicines the afternoon before"
CARER_IDEA = "Tell carers the discharge time a day ahead"
TITLE = "Medicines ready the day before"
DESCRIPTION = "The pharmacy prepares medicines for going home the afternoon before discharge."
OWNER_ROLE = "Head of Pharmacy"
YOU_SAID = "Waiting on the last morning was the hardest part of leaving the ward."
A4 = (595.27, 841.89)


def field(page, label):
    """A form field by its label; crispy marks required fields with a trailing asterisk."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def membership(world, role):
    return Membership.objects.get(project=world.project, user=world.users[role])


@pytest.fixture
def ideas(world):
    """The service user's idea, posted anonymously, and the carer's idea, signed."""
    project = world.project
    project.allow_anonymous = True
    project.save(update_fields=["allow_anonymous"])
    sam = ContributionFactory(
        project=project,
        author=membership(world, "service_user"),
        is_anonymous=True,
        title=SAM_IDEA,
        body="Then nobody sits dressed for hours waiting for a bag from the pharmacy.",
    )
    carer = ContributionFactory(
        project=project,
        author=membership(world, "carer"),
        title=CARER_IDEA,
        body="So I can take the afternoon off work and be there to bring him home.",
    )
    return sam, carer


def move_status(page, status, *, note, progress=None):
    """From the change's page: the status form, saved, back on the change with a new entry."""
    page.get_by_role("link", name="Status and progress").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Status and progress")
    page.get_by_role("radio", name=status, exact=True).check()
    if progress is not None:
        field(page, "Progress (%)").fill(str(progress))
    field(page, "Note for the timeline").fill(note)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator("#messages")).to_contain_text(
        "Saved. Everyone whose contribution it came from has been told."
    )
    latest = page.locator("#change-timeline > li").last
    expect(latest).to_contain_text(f"Status: {status}")
    expect(latest).to_contain_text(note)
    expect(latest).to_contain_text("Facilitator")


def test_two_ideas_become_a_change_that_is_implemented_told_and_posted(
    open_page, live_server, world, ideas
):
    project = world.project
    sam_idea, carer_idea = ideas
    anonymous_author = membership(world, "service_user")

    # The facilitator finds no changes yet on the project's list.
    facilitator = open_page()
    login(facilitator, live_server, world.users["facilitator"].email)
    facilitator.goto(f"{live_server.url}{project.get_absolute_url()}")
    facilitator.get_by_role("link", name="All changes").click()
    expect(facilitator.get_by_role("heading", level=1)).to_have_text("Service changes")
    expect(facilitator.get_by_role("main")).to_contain_text("No service changes yet.")
    axe_check(facilitator)

    # From the carer's idea, the facilitator starts a change and ticks the anonymous idea too.
    facilitator.goto(f"{live_server.url}{carer_idea.get_absolute_url()}")
    expect(facilitator.get_by_role("heading", level=1)).to_have_text(CARER_IDEA)
    facilitator.get_by_role("link", name="Turn into a service change").click()
    expect(facilitator.get_by_role("heading", level=1)).to_have_text("New service change")
    sources = facilitator.get_by_role("group", name=re.compile("Where it came from"))
    carer_box = sources.get_by_role("checkbox", name=f"Idea: {CARER_IDEA} · Carer")
    sam_box = sources.get_by_role("checkbox", name=f"Idea: {SAM_IDEA} · Anonymous participant")
    expect(carer_box).to_be_checked()
    expect(sam_box).not_to_be_checked()
    expect(sources).not_to_contain_text(anonymous_author.display_name)
    axe_check(facilitator)
    sam_box.check()
    field(facilitator, "Title").fill(TITLE)
    field(facilitator, "What will change").fill(DESCRIPTION)
    field(facilitator, "Or a named role outside the project").fill(OWNER_ROLE)
    facilitator.get_by_role("button", name="Propose the change").click()

    expect(facilitator.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(facilitator.locator("#messages")).to_contain_text(f"“{TITLE}” is proposed.")
    change = ServiceChange.objects.get(project=project, title=TITLE)
    assert set(change.contributions.all()) == {sam_idea, carer_idea}
    for idea in (sam_idea, carer_idea):
        idea.refresh_from_db()
        assert idea.status == Contribution.Status.TAKEN_FORWARD

    # Its page shows where it came from by constituency; the anonymous author is never named.
    came_from = facilitator.locator("#change-contributions")
    expect(came_from.get_by_role("listitem").filter(has_text=SAM_IDEA)).to_contain_text(
        "Anonymous participant"
    )
    expect(came_from.get_by_role("listitem").filter(has_text=CARER_IDEA)).to_contain_text("Carer")
    mix = facilitator.get_by_role("table", name="Who the contributions came from")
    expect(mix.get_by_role("row", name="Service user 1")).to_be_visible()
    expect(mix.get_by_role("row", name="Carer 1")).to_be_visible()
    expect(mix.get_by_role("row", name="Staff 0")).to_be_visible()
    expect(facilitator.get_by_role("main")).to_contain_text(
        "1 of them was posted anonymously: it is counted in its group, and its author is not "
        "shown to anyone."
    )
    expect(facilitator.locator("#change-timeline > li")).to_have_count(1)
    expect(facilitator.locator("#change-timeline")).to_contain_text("Status: Proposed")
    html = facilitator.content()
    assert anonymous_author.display_name not in html
    assert anonymous_author.user.email not in html
    assert anonymous_author.user.full_name not in html
    axe_check(facilitator)

    # The facilitator moves it on through the status form; each move is on the timeline.
    facilitator.get_by_role("link", name="Status and progress").click()
    expect(facilitator.get_by_role("heading", level=1)).to_have_text("Status and progress")
    expect(facilitator.get_by_role("radio", name="Proposed", exact=True)).to_be_checked()
    axe_check(facilitator)
    facilitator.go_back()
    expect(facilitator.get_by_role("heading", level=1)).to_have_text(TITLE)
    move_status(facilitator, "Agreed", note="Agreed with the Head of Pharmacy.")
    move_status(facilitator, "In progress", note="Trial on Ward 7 started.", progress=40)
    move_status(facilitator, "Implemented", note="Every discharge on Ward 7 now.")
    timeline = facilitator.locator("#change-timeline > li")
    expect(timeline).to_have_count(4)
    for position, status in enumerate(["Proposed", "Agreed", "In progress", "Implemented"]):
        expect(timeline.nth(position)).to_contain_text(f"Status: {status}")
    expect(timeline.nth(2)).to_contain_text("Progress: 40%")
    expect(timeline.nth(3)).to_contain_text("Progress: 100%")
    expect(facilitator.get_by_role("main")).to_contain_text("100% done")
    expect(facilitator.get_by_role("region", name="Has it stuck?")).to_contain_text("3-month check")
    assert TimelineEntry.objects.filter(change=change).count() == 4
    change.refresh_from_db()
    assert change.status == ServiceChange.Status.IMPLEMENTED
    assert change.progress == 100

    # The list shows it implemented, from two contributions.
    facilitator.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="Service changes"
    ).click()
    row = facilitator.locator(f"#change-{change.pk}")
    expect(row).to_contain_text(TITLE)
    expect(row).to_contain_text("Implemented")
    expect(row).to_contain_text("From 2 contributions")
    expect(row).to_contain_text(OWNER_ROLE)
    axe_check(facilitator)

    # The facilitator writes what participants said, in their own words.
    facilitator.goto(f"{live_server.url}{project.get_absolute_url()}")
    facilitator.get_by_role("link", name="You said, we did").click()
    expect(facilitator.get_by_role("heading", level=1)).to_have_text("You said, we did")
    expect(facilitator.get_by_role("main")).to_contain_text(
        "1 change has no summary of what participants said yet."
    )
    facilitator.get_by_role("link", name="Edit summaries").click()
    expect(facilitator.get_by_role("heading", level=1)).to_have_text("Edit “you said, we did”")
    summary = facilitator.get_by_role("group", name=TITLE)
    field(summary, "You said").fill(YOU_SAID)
    facilitator.get_by_role("button", name="Save").click()
    expect(facilitator.get_by_role("heading", level=1)).to_have_text("You said, we did")
    expect(facilitator.locator("#messages")).to_contain_text("“You said, we did” is saved.")
    change.refresh_from_db()
    assert change.you_said == YOU_SAID

    # The service user, on their own screen, sees the news under the bell.
    sam = open_page()
    login(sam, live_server, world.users["service_user"].email)
    unread = Notification.objects.filter(
        user=world.users["service_user"], read_at__isnull=True
    ).count()
    # Taken forward, then agreed, in progress and implemented.
    assert unread == 4
    bell = sam.get_by_role("link", name=f"Notifications, {unread} unread")
    expect(bell).to_be_visible()
    expect(bell.locator(".badge")).to_have_text(str(unread))
    bell.click()
    expect(sam.get_by_role("heading", level=1)).to_have_text("Notifications")
    news = sam.locator("#notification-list")
    expect(news).to_contain_text(
        f"A change that came from your contribution is now implemented: “{TITLE}”."
    )
    expect(news).to_contain_text(
        f"A change that came from your contribution is now agreed: “{TITLE}”."
    )
    expect(news).to_contain_text(f"Your idea “{SAM_IDEA}” is now: Taken forward.")
    axe_check(sam)

    # The idea's page shows it was taken forward, into the change.
    sam.goto(f"{live_server.url}{sam_idea.get_absolute_url()}")
    expect(sam.get_by_role("heading", level=1)).to_have_text(SAM_IDEA)
    expect(sam.get_by_role("region", name="What is happening with it")).to_contain_text(
        "Taken forward"
    )
    led_to = sam.get_by_role("region", name="Changes it led to")
    expect(led_to.get_by_role("link", name=TITLE)).to_be_visible()
    expect(led_to).to_contain_text("Implemented")

    # You said, we did, as the service user sees it.
    sam.goto(f"{live_server.url}{project.get_absolute_url()}")
    sam.get_by_role("link", name="You said, we did").click()
    expect(sam.get_by_role("heading", level=1)).to_have_text("You said, we did")
    expect(sam.get_by_role("link", name="Edit summaries")).to_have_count(0)
    card = sam.get_by_role("article", name=TITLE)
    expect(card).to_contain_text("Implemented")
    expect(card).to_contain_text(YOU_SAID)
    expect(card).to_contain_text(DESCRIPTION)
    expect(card).not_to_contain_text(SAM_IDEA)
    axe_check(sam)

    # ... and its A4 poster carries the change.
    poster_url = sam.get_by_role("link", name="A4 poster (PDF)").get_attribute("href")
    response = sam.request.get(f"{live_server.url}{poster_url}")
    assert response.ok, response.status
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.body()))
    first = reader.pages[0]
    size = (float(first.mediabox.width), float(first.mediabox.height))
    assert size == pytest.approx(A4, abs=1), size
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert TITLE in text, text
    assert anonymous_author.display_name not in text
