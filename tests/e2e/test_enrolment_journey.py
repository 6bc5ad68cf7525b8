"""Issue #2: a facilitator starts an EBCD project and invites people; a service user joins.

Every page of the journey is checked with axe. The service user's half also runs at 375 px.
"""

import re

import pytest
from playwright.sync_api import expect

from participants.models import AccessNeeds, Constituency, Membership
from participants.services import participant_invite
from projects.models import OrganisationRole, Project
from projects.services import project_create
from tests.factories import OrganisationFactory, OrganisationRoleFactory, UserFactory

from .conftest import NARROW, axe_check, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAM = "sam.service-user@example.org"
ALEX = "alex.staff@example.org"


def field(page, label):
    """A form field by its label; crispy marks required fields with a trailing asterisk."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def participant_row(page, name):
    return page.locator("#participant-table tbody tr").filter(has_text=name)


@pytest.fixture
def site_url(settings, live_server):
    """Emailed links point at the live server rather than the default development address."""
    settings.CODESIGN_SITE_URL = live_server.url
    return live_server.url


@pytest.fixture
def facilitator():
    organisation = OrganisationFactory(name="Riverside Trust")
    user = UserFactory(email="fran.facilitator@example.org", full_name="Fran Facilitator")
    OrganisationRoleFactory(
        organisation=organisation, user=user, role=OrganisationRole.Role.FACILITATOR
    )
    return user


def invitation_link(mailoutbox, email, site_url):
    [message] = [m for m in mailoutbox if m.to == [email]]
    match = re.search(r"(\S+/invitations/[^/\s]+/)", message.body)
    assert match, message.body
    link = match.group(1)
    assert link.startswith(site_url + "/"), link
    return link


def service_user_joins(page, link, project):
    """Open the emailed link, accept, consent and record access needs, checking each page."""
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"You are invited to “{project.title}”"
    )
    axe_check(page)
    membership = Membership.objects.get(project=project, user__email=SAM)
    assert membership.status == Membership.Status.INVITED, "opening the link changed something"
    assert membership.invitations.get().accepted_at is None, "opening the link accepted it"
    assert membership.consents.count() == 0

    page.get_by_role("button", name="Accept invitation").click()

    expect(page).to_have_url(re.compile(rf"/projects/{project.pk}/consent/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Taking part in")
    axe_check(page)
    page.get_by_label("I agree to the statement above").check()
    page.get_by_role("button", name="Agree and continue").click()

    expect(page).to_have_url(re.compile(rf"/projects/{project.pk}/access-needs/$"))
    expect(page.get_by_role("status")).to_contain_text("You are now taking part")
    axe_check(page)
    page.get_by_label("step-free access").check()
    page.get_by_role("button", name="Save access needs").click()

    expect(page).to_have_url(re.compile(rf"/projects/{project.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text("Access needs saved.")
    axe_check(page)
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE
    assert AccessNeeds.objects.get(membership=membership).step_free_access is True


def test_facilitator_starts_project_and_service_user_joins(
    open_page, live_server, site_url, facilitator, mailoutbox
):
    fac = open_page()
    login(fac, live_server, facilitator.email)
    axe_check(fac)

    fac.get_by_role("link", name="Riverside Trust").click()
    expect(fac.get_by_role("heading", level=1)).to_have_text("Riverside Trust")
    axe_check(fac)
    fac.get_by_role("link", name="New project").click()
    expect(fac.get_by_role("heading", level=1)).to_have_text("New project")
    axe_check(fac)

    field(fac, "Title").fill("Going home from Ward 7")
    field(fac, "Challenge statement").fill("Leaving hospital is confusing. Make it calm and clear.")
    field(fac, "Service area").fill("Discharge from Ward 7")
    field(fac, "Organisational scope").select_option(label="Service")
    fac.get_by_label("Experience-Based Co-Design (EBCD)").check()
    field(fac, "You take part as").select_option(label="Staff")
    fac.get_by_role("button", name="Create project").click()

    expect(fac.get_by_role("heading", level=1)).to_have_text("Going home from Ward 7")
    stages = fac.get_by_role("region", name="Stages")
    expect(stages.get_by_role("listitem")).to_contain_text(
        ["Gather experiences", "Joint co-design event", "Small co-design groups"]
    )
    axe_check(fac)
    project = Project.objects.get(title="Going home from Ward 7")
    assert project.method == Project.Method.EBCD

    fac.get_by_role("link", name="Publish").click()
    expect(fac.get_by_role("heading", level=1)).to_have_text("Change project status")
    axe_check(fac)
    fac.get_by_role("button", name="Confirm").click()
    expect(fac.get_by_role("status")).to_contain_text("The project is now active.")

    for email, constituency, name in [(SAM, "Service user", "Sam"), (ALEX, "Staff", "Alex")]:
        fac.get_by_role("link", name="Invite someone").first.click()
        expect(fac.get_by_role("heading", level=1)).to_have_text("Invite someone")
        axe_check(fac)
        field(fac, "Name").fill(f"{name} Rivers")
        field(fac, "Email address").fill(email)
        field(fac, "Constituency").select_option(label=constituency)
        field(fac, "Role").select_option(label="Participant")
        field(fac, "Display name").fill(name)
        fac.get_by_role("button", name="Send invitation").click()
        expect(fac.get_by_role("status")).to_contain_text(f"Invitation sent to {email}.")
        expect(participant_row(fac, name)).to_contain_text("Invited")
        axe_check(fac)
        fac.get_by_role("link", name="Going home from Ward 7").click()

    assert sorted(m.to[0] for m in mailoutbox) == [ALEX, SAM]

    sam = open_page()
    service_user_joins(sam, invitation_link(mailoutbox, SAM, site_url), project)

    fac.goto(f"{live_server.url}/projects/{project.pk}/participants/")
    expect(participant_row(fac, "Sam")).to_contain_text("Active")
    expect(participant_row(fac, "Sam")).to_contain_text("Service user")
    expect(participant_row(fac, "Sam")).to_contain_text("Has access needs")
    expect(participant_row(fac, "Alex")).to_contain_text("Invited")
    axe_check(fac)
    assert Membership.objects.get(project=project, user__email=ALEX).status == "invited"


def test_service_user_joins_on_a_narrow_screen(
    open_page, live_server, site_url, facilitator, mailoutbox
):
    project = project_create(
        organisation=facilitator.organisation_roles.get().organisation,
        created_by=facilitator,
        title="Going home from Ward 7",
        challenge="Leaving hospital is confusing. Make it calm and clear.",
        service_area="Discharge from Ward 7",
        scope=Project.Scope.SERVICE,
        method=Project.Method.EBCD,
    )
    project.status = Project.Status.ACTIVE
    project.save(update_fields=["status"])
    participant_invite(
        project=project,
        invited_by=facilitator,
        email=SAM,
        constituency=Constituency.SERVICE_USER,
        role=Membership.Role.PARTICIPANT,
        display_name="Sam",
    )

    page = open_page(viewport=NARROW)
    service_user_joins(page, invitation_link(mailoutbox, SAM, site_url), project)
    expect(page.get_by_role("button", name="Show menu")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
