"""A project's journey: seeded by the EBCD template (and given to EBCD projects that existed
before), edited by its facilitators only."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from contributions.models import Contribution
from participants.models import Membership
from projects.models import JourneyStep
from projects.services import project_create
from tests.factories import ContributionFactory, ProjectFactory

pytestmark = pytest.mark.django_db

EBCD_JOURNEY = [
    "Being told about the appointment",
    "Getting there",
    "Arriving",
    "Waiting",
    "Being seen",
    "Going home",
]


def create(world, method):
    return project_create(
        organisation=world.organisation,
        created_by=world.users["org_admin"],
        title="Outpatients",
        challenge="People miss appointments.",
        service_area="Outpatients",
        scope="service",
        method=method,
    )


def names(project):
    return list(project.journey_steps.order_by("order").values_list("name", flat=True))


def test_the_ebcd_template_seeds_the_journey(world):
    assert names(create(world, "ebcd")) == EBCD_JOURNEY
    assert names(create(world, "double_diamond")) == []


def test_the_data_migration_gives_existing_ebcd_projects_the_default_journey(world):
    ebcd, other, already = (
        ProjectFactory(method="ebcd"),
        ProjectFactory(method="double_diamond"),
        ProjectFactory(method="ebcd"),
    )
    JourneyStep.objects.create(project=already, name="Our own step", order=1)
    migration = importlib.import_module("projects.migrations.0006_ebcd_journey_steps")
    migration.seed_journeys(apps, None)
    assert names(ebcd) == EBCD_JOURNEY
    assert names(other) == []
    assert names(already) == ["Our own step"]


def edit_url(world):
    return reverse("projects:journey-edit", args=[world.project.pk])


@pytest.mark.parametrize(
    "role, expected",
    [
        ("anonymous", 302),
        ("outsider", 404),
        ("other_manager", 404),
        ("service_user", 403),
        ("carer", 403),
        ("staff", 403),
        ("observer", 403),
        ("manager", 403),
        ("facilitator", 200),
    ],
)
def test_only_facilitators_edit_the_journey(world, client_for, role, expected):
    step = JourneyStep.objects.create(project=world.project, name="Waiting", order=1)
    client = client_for(world.users[role])
    assert client.get(edit_url(world)).status_code == expected
    response = client.post(edit_url(world), formset_data([(step, "Renamed", 1)]))
    assert response.status_code == (302 if expected == 200 else expected)
    step.refresh_from_db()
    assert step.name == ("Renamed" if expected == 200 else "Waiting")


def formset_data(rows, new=None):
    """The formset as a browser posts it; the empty form for a new step keeps its order."""
    data = {
        "journey_steps-TOTAL_FORMS": str(len(rows) + 1),
        "journey_steps-INITIAL_FORMS": str(len(rows)),
        "journey_steps-MIN_NUM_FORMS": "0",
        "journey_steps-MAX_NUM_FORMS": "1000",
    }
    for index, (step, name, order, *delete) in enumerate(rows):
        data.update(
            {
                f"journey_steps-{index}-id": step.pk,
                f"journey_steps-{index}-name": name,
                f"journey_steps-{index}-order": str(order),
            }
        )
        if delete:
            data[f"journey_steps-{index}-DELETE"] = "on"
    name, order = new or ("", str(len(rows) + 1))
    data[f"journey_steps-{len(rows)}-name"], data[f"journey_steps-{len(rows)}-order"] = name, order
    return data


def test_steps_are_renamed_reordered_added_and_removed(world, client):
    project = world.project
    arriving, waiting, home = (
        JourneyStep.objects.create(project=project, name=name, order=order)
        for order, name in enumerate(["Arriving", "Waiting", "Going home"], start=1)
    )
    placed = ContributionFactory(
        project=project,
        author=Membership.objects.get(project=project, user=world.users["carer"]),
        kind="touchpoint",
        emotion="upset",
        journey_step=home,
    )
    client.force_login(world.users["facilitator"])
    page = client.get(edit_url(world)).content.decode()
    assert 'value="4"' in page  # a new step goes last unless told otherwise
    response = client.post(
        edit_url(world),
        formset_data(
            [(arriving, "Getting in", 2), (waiting, "Waiting", 1), (home, "Going home", 3, "x")],
            new=("Being seen", "3"),
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("contributions:touchpoint-map", args=[project.pk])
    assert names(project) == ["Waiting", "Getting in", "Being seen"]
    assert list(project.journey_steps.order_by("order").values_list("order", flat=True)) == [
        1,
        2,
        3,
    ]
    # A touchpoint on a removed step stays on the board, on no step.
    placed.refresh_from_db()
    assert placed.journey_step is None and Contribution.objects.visible().filter(pk=placed.pk)


def test_a_step_needs_a_name(world, client):
    step = JourneyStep.objects.create(project=world.project, name="Waiting", order=1)
    client.force_login(world.users["facilitator"])
    response = client.post(edit_url(world), formset_data([(step, "", 1)]))
    assert response.status_code == 200
    assert "Enter step" in response.content.decode()
    step.refresh_from_db()
    assert step.name == "Waiting"


def test_another_projects_step_cannot_be_edited_through_this_one(world, client):
    mine = JourneyStep.objects.create(project=world.project, name="Mine", order=1)
    theirs = JourneyStep.objects.create(project=world.other_project, name="Theirs", order=1)
    client.force_login(world.users["facilitator"])
    client.post(edit_url(world), formset_data([(mine, "Mine", 1), (theirs, "Taken", 2)]))
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"
