import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditEntry
from participants.models import Membership
from projects.models import OrganisationRole, Project, Stage
from projects.services import organisation_role_grant, project_create
from tests.factories import OrganisationRoleFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

EBCD = [
    "Gather experiences",
    "Find touchpoints",
    "Staff event",
    "Service user event",
    "Joint co-design event",
    "Small co-design groups",
    "Celebration and review",
]


def create(world, method="ebcd", **kwargs):
    return project_create(
        organisation=world.organisation,
        created_by=world.users["org_admin"],
        title="Outpatients",
        challenge="People miss appointments.",
        service_area="Outpatients",
        scope="service",
        method=method,
        **kwargs,
    )


def test_ebcd_template_seeds_its_stages_and_makes_the_creator_a_facilitator(world):
    project = create(world)
    assert [s.name for s in project.stages.order_by("order")] == EBCD
    assert project.current_stage.name == "Gather experiences"
    assert project.status == Project.Status.DRAFT
    membership = Membership.objects.get(project=project, user=world.users["org_admin"])
    assert (membership.role, membership.status) == ("facilitator", "active")
    assert project.consent_statements.get().version == 1


def test_double_diamond_template(world):
    project = create(world, method="double_diamond")
    assert [s.name for s in project.stages.all()] == ["Discover", "Define", "Develop", "Deliver"]


def test_org_facilitator_creates_a_project_from_the_browser_form(world, client):
    user = UserFactory()
    OrganisationRoleFactory(organisation=world.organisation, user=user, role="facilitator")
    client.force_login(user)
    url = reverse("projects:project-create", args=[world.organisation.pk])
    assert "For Riverside Trust. The project starts as a draft" in client.get(url).content.decode()
    response = client.post(url, {"title": "", "method": "ebcd"})
    assert response.status_code == 200
    assert "Enter title" in response.content.decode()
    response = client.post(
        url,
        {
            "title": "Discharge",
            "challenge": "Leaving hospital is confusing.",
            "service_area": "Ward 7",
            "scope": "service",
            "method": "ebcd",
            "hide_job_titles": "on",
            "facilitator_constituency": "staff",
        },
    )
    project = Project.objects.get(title="Discharge")
    assert response.url == project.get_absolute_url()
    page = client.get(response.url).content.decode()
    assert "Joint co-design event" in page
    assert "Leaving hospital is confusing." in page


def test_managers_do_not_see_draft_projects(world, client):
    draft = ProjectFactory(organisation=world.organisation, status="draft")
    client.force_login(world.users["manager"])
    assert client.get(draft.get_absolute_url()).status_code == 404
    page = client.get(world.organisation.get_absolute_url()).content.decode()
    assert draft.title not in page
    assert world.project.title in page


def test_publish_and_close_need_a_post_and_are_audited(world, client):
    project = create(world)
    client.force_login(world.users["org_admin"])
    url = reverse("projects:project-status", args=[project.pk])
    client.get(url + "?to=active")
    project.refresh_from_db()
    assert project.status == "draft"
    client.post(url, {"status": "active"})
    project.refresh_from_db()
    assert project.status == "active"
    client.post(url, {"status": "closed"})
    project.refresh_from_db()
    assert project.status == "closed"
    assert list(
        AuditEntry.objects.filter(action="project.status").values_list("details", flat=True)
    ) == [{"from": "active", "to": "closed"}, {"from": "draft", "to": "active"}]


def test_closed_project_takes_no_new_invitations(world, client):
    world.project.status = "closed"
    world.project.save()
    client.force_login(world.users["facilitator"])
    response = client.post(
        reverse("participants:invite", args=[world.project.pk]),
        {"email": "late@example.org", "constituency": "carer", "role": "participant"},
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(user__email="late@example.org").exists()


def test_stages_are_edited_reordered_and_the_current_stage_chosen(world, client):
    project = world.project
    first, second = project.stages.order_by("order")
    client.force_login(world.users["facilitator"])
    data = {
        "stages-TOTAL_FORMS": "3",
        "stages-INITIAL_FORMS": "2",
        "stages-MIN_NUM_FORMS": "1",
        "stages-MAX_NUM_FORMS": "1000",
        "stages-0-id": first.pk,
        "stages-0-name": "Listen",
        "stages-0-order": "2",
        "stages-1-id": second.pk,
        "stages-1-name": "Plan",
        "stages-1-order": "1",
        "stages-1-starts_on": "2026-12-10",
        "stages-1-ends_on": "2026-12-01",
        "stages-2-name": "Celebrate",
        "stages-2-order": "3",
        "current_stage": second.pk,
    }
    response = client.post(reverse("projects:stage-edit", args=[project.pk]), data)
    assert response.status_code == 200
    assert "The end date must be on or after the start date." in response.content.decode()
    data["stages-1-ends_on"] = "2026-12-20"
    response = client.post(reverse("projects:stage-edit", args=[project.pk]), data)
    assert response.status_code == 302
    assert [s.name for s in project.stages.order_by("order")] == ["Plan", "Listen", "Celebrate"]
    project.refresh_from_db()
    assert project.current_stage == second
    # Deleting the current stage leaves the project with no current stage.
    stages = list(project.stages.order_by("order"))
    data = {
        "stages-TOTAL_FORMS": "3",
        "stages-INITIAL_FORMS": "3",
        "stages-MIN_NUM_FORMS": "1",
        "stages-MAX_NUM_FORMS": "1000",
        "current_stage": second.pk,
    }
    for index, stage in enumerate(stages):
        data.update(
            {
                f"stages-{index}-id": stage.pk,
                f"stages-{index}-name": stage.name,
                f"stages-{index}-order": stage.order,
            }
        )
    data["stages-0-DELETE"] = "on"
    response = client.post(reverse("projects:stage-edit", args=[project.pk]), data)
    assert response.status_code == 302, response.context["formset"].errors
    project.refresh_from_db()
    assert project.current_stage is None
    assert [s.name for s in project.stages.order_by("order")] == ["Listen", "Celebrate"]
    assert not Stage.objects.filter(pk=second.pk).exists()


def test_signed_out_visitors_see_what_codesign_is_and_no_project_data(world, client):
    html = client.get("/").content.decode()
    assert "Sign in" in html
    assert world.project.title not in html
    response = client.get(world.project.get_absolute_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_home_lists_my_projects(world, client):
    client.force_login(world.users["service_user"])
    html = client.get("/").content.decode()
    assert world.project.title in html
    assert world.other_project.title not in html


def test_org_admin_appoints_a_new_manager_who_is_told_by_email(
    world, client, django_capture_on_commit_callbacks
):
    client.force_login(world.users["org_admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("projects:organisation-role-add", args=[world.organisation.pk]),
            {"email": "New.Sponsor@Example.org", "role": "manager", "full_name": "Nia"},
        )
    assert response.status_code == 302
    role = OrganisationRole.objects.get(user__email="new.sponsor@example.org")
    assert role.role == "manager"
    assert mail.outbox[-1].to == ["new.sponsor@example.org"]
    assert "Manager" in mail.outbox[-1].body
    assert AuditEntry.objects.filter(action="org_role.granted").exists()
    # Appointing twice changes nothing.
    organisation_role_grant(
        organisation=world.organisation,
        email="new.sponsor@example.org",
        role="manager",
        granted_by=world.users["org_admin"],
    )
    assert OrganisationRole.objects.filter(user__email="new.sponsor@example.org").count() == 1


def test_the_last_organisation_admin_cannot_be_removed(world, client):
    admin_role = OrganisationRole.objects.get(user=world.users["org_admin"])
    client.force_login(world.users["org_admin"])
    url = reverse("projects:organisation-role-remove", args=[world.organisation.pk, admin_role.pk])
    response = client.post(url, follow=True)
    assert "at least one admin" in response.content.decode()
    assert OrganisationRole.objects.filter(pk=admin_role.pk).exists()
    manager_role = OrganisationRole.objects.get(user=world.users["manager"])
    client.post(
        reverse("projects:organisation-role-remove", args=[world.organisation.pk, manager_role.pk])
    )
    assert not OrganisationRole.objects.filter(pk=manager_role.pk).exists()


def test_organisation_settings_validate_the_time_zone(world, client):
    client.force_login(world.users["org_admin"])
    url = reverse("projects:organisation-edit", args=[world.organisation.pk])
    response = client.post(
        url, {"name": "Riverside Trust", "time_zone": "Mars/Olympus", "parity_threshold": "40"}
    )
    assert "Select a valid choice" in response.content.decode()
    client.post(
        url, {"name": "Riverside Trust", "time_zone": "Europe/Dublin", "parity_threshold": "35"}
    )
    world.organisation.refresh_from_db()
    assert (world.organisation.time_zone, world.organisation.parity_threshold) == (
        "Europe/Dublin",
        35,
    )


def test_organisation_page_queries_do_not_grow(world, client, count_queries):
    client.force_login(world.users["org_admin"])
    url = world.organisation.get_absolute_url()
    small = count_queries(lambda: client.get(url))
    for _ in range(30):
        project = ProjectFactory(organisation=world.organisation)
        Membership.objects.create(
            project=project,
            user=UserFactory(),
            constituency="carer",
            display_name="x",
            status="active",
        )
        OrganisationRoleFactory(organisation=world.organisation, role="manager")
    assert count_queries(lambda: client.get(url)) == small


def test_home_and_project_page_queries_do_not_grow(world, client, count_queries):
    client.force_login(world.users["facilitator"])
    home_small = count_queries(lambda: client.get("/"))
    page_small = count_queries(lambda: client.get(world.project.get_absolute_url()))
    for _ in range(30):
        project = ProjectFactory(organisation=world.organisation)
        Membership.objects.create(
            project=project,
            user=world.users["facilitator"],
            role="facilitator",
            constituency="staff",
            display_name="F",
            status="active",
        )
        Membership.objects.create(
            project=world.project,
            user=UserFactory(),
            constituency="service_user",
            display_name="P",
            status="active",
        )
        Stage.objects.create(project=world.project, name="More", order=9)
    assert count_queries(lambda: client.get("/")) == home_small
    assert count_queries(lambda: client.get(world.project.get_absolute_url())) == page_small


def test_project_page_counts_active_participants_by_constituency(world, client):
    from tests.factories import MembershipFactory

    MembershipFactory(project=world.project, constituency="carer", status="invited")
    MembershipFactory(project=world.project, constituency="carer", status="withdrawn")
    client.force_login(world.users["manager"])
    counts = {
        row["constituency"]: row["count"]
        for row in client.get(world.project.get_absolute_url()).context["constituency_counts"]
    }
    # Facilitators and observers are not counted; invited and withdrawn people are not either.
    assert counts == {"service_user": 1, "carer": 1, "staff": 1, "other": 0}
