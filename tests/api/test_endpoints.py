"""What the API answers: the organisation's outputs, nobody named, the dashboards' own
figures and suppression, and a fixed number of queries however many rows."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboards import panels
from dashboards import selectors as dashboard_selectors
from participants.models import Membership
from projects.models import Project
from tests.factories import MembershipFactory, ProjectFactory

from .helpers import api_client, make_token
from .scenery import furnish

LISTS = [
    "/api/v1/organisations/",
    "/api/v1/projects/",
    "/api/v1/sessions/",
    "/api/v1/changes/",
    "/api/v1/you-said-we-did/",
    "/api/v1/cmo-records/",
]


@pytest.fixture
def furnished(world):
    furnish(world.project, n=3, facilitator=world.users["facilitator"])
    return world


@pytest.fixture
def client(world):
    _token, secret = make_token(world.organisation)
    return api_client(secret)


def _detail_urls(world):
    project = world.project.pk
    return [
        f"/api/v1/organisations/{world.organisation.pk}/dashboard/",
        f"/api/v1/organisations/{world.organisation.pk}/themes/",
        f"/api/v1/projects/{project}/",
        f"/api/v1/projects/{project}/dashboard/",
        f"/api/v1/projects/{project}/themes/",
    ]


def test_the_outputs_are_read_and_nobody_is_named(furnished, client):
    world = furnished
    answers = {url: client.get(url) for url in LISTS + _detail_urls(world)}
    assert {url: response.status_code for url, response in answers.items()} == dict.fromkeys(
        answers, 200
    )
    text = json.dumps([response.json() for response in answers.values()])
    names = set()
    for membership in Membership.objects.select_related("user"):
        names |= {membership.display_name, membership.user.full_name, membership.user.email}
    names |= {user.email for user in world.users.values() if user is not None}
    named = sorted(name for name in names if name and name in text)
    assert not named, f"named in the API: {named}"
    assert "Walkin Name" not in text and "Fullname Secret" not in text
    sessions = answers["/api/v1/sessions/"].json()["results"]
    assert {(s["going"], s["attended"], s["walk_ins"]) for s in sessions} == {(1, 1, 1)}
    changes = answers["/api/v1/changes/"].json()["results"]
    provenance = changes[0]["provenance"]
    assert provenance["contributions"] == 2 and provenance["anonymous"] == 1
    assert provenance["sessions"] == 1
    assert sum(provenance["by_constituency"].values()) == 2
    assert [entry["status"] for entry in changes[0]["timeline"]] == ["proposed", "implemented"]
    entries = answers["/api/v1/you-said-we-did/"].json()["results"]
    assert {entry["title"] for entry in entries} == {"Change 0", "Change 1", "Change 2"}
    cmo = answers["/api/v1/cmo-records/"].json()["results"][0]
    assert cmo["coded"][0]["stance"] == "supports"
    themes = answers[f"/api/v1/projects/{world.project.pk}/themes/"].json()["results"]
    assert {theme["contributions"] for theme in themes} == {2}
    across = answers[f"/api/v1/organisations/{world.organisation.pk}/themes/"].json()["results"]
    assert across and all(theme["project"] is None for theme in across)
    assert across[0]["by_project"] == [
        {"project": world.project.title, "project_id": world.project.pk, "contributions": 2}
    ]
    # Two people behind each theme: fewer than the managers' 5, so no group's number shows.
    assert all(group["people"] is None for theme in themes for group in theme["groups"].values())


def test_a_draft_project_and_another_organisation_are_not_found(furnished, client):
    world = furnished
    draft = ProjectFactory(organisation=world.organisation, status=Project.Status.DRAFT)
    ids = {p["id"] for p in client.get("/api/v1/projects/").json()["results"]}
    assert ids == {world.project.pk}
    for pk in (draft.pk, world.other_project.pk):
        for tail in ("", "dashboard/", "themes/"):
            assert client.get(f"/api/v1/projects/{pk}/{tail}").status_code == 404
    assert client.get(f"/api/v1/organisations/{world.other_organisation.pk}/").status_code == 404
    assert client.get(f"/api/v1/sessions/?project={world.other_project.pk}").json()["results"] == []


def _cells(panel, figures):
    return panels.table(panel, figures)[1]


def test_dashboard_figures_and_suppression_are_the_dashboards_own(furnished, client):
    world = furnished
    project = Project.objects.select_related("organisation").get(pk=world.project.pk)
    figures = dashboard_selectors.project_dashboard(project)
    answer = client.get(f"/api/v1/projects/{project.pk}/dashboard/").json()
    fewer = panels.fewer_than_5()
    hidden = (fewer, panels.withheld())
    for row, cells in zip(answer["attendance"], _cells("attendance", figures), strict=True):
        shown = cells[1]
        assert (row["participants"] is None) == row["withheld"] == (shown in hidden)
        assert row["fewer_than_5"] == (shown == fewer)
        if shown not in hidden:
            assert row["participants"] == shown and row["attended"] == cells[5]
        else:
            assert row["rate_percent"] is None and cells[4] == panels.withheld()
    parity_rows = _cells("parity", figures)
    participants = answer["parity"]["participants"]
    assert answer["parity"]["withheld"] is figures["parity"].withheld is True
    assert participants["service_users"] is None and participants["staff"] is None
    assert parity_rows[0][1] in (fewer, "5 or more")
    for measure, cells in zip(answer["parity"]["measures"], parity_rows[1:], strict=False):
        assert measure["service_users"] is None and cells[1] == panels.withheld()
        assert measure["service_users_percent"] == (
            None if cells[4] == panels.no_data() else cells[4]
        )
    by_status = {row["status"]: row["count"] for row in answer["changes"]["by_status"]}
    assert [by_status[row["status"]] for row in figures["changes"]["by_status"]] == [
        cells[1] for cells in _cells("changes", figures)
    ]


def test_with_5_in_each_group_the_counts_show(world, client):
    for constituency in ("service_user", "staff"):
        MembershipFactory.create_batch(5, project=world.project, constituency=constituency)
    answer = client.get(f"/api/v1/projects/{world.project.pk}/dashboard/").json()
    participants = answer["parity"]["participants"]
    assert answer["parity"]["withheld"] is False
    # The world's own service user and carer are in too: 7 service users and carers, 6 staff.
    assert (participants["service_users"], participants["staff"]) == (7, 6)
    # The one carer is fewer than 5; the 6 service users would give that carer away beside the
    # total of 7, so they are withheld too, as on the dashboard.
    rows = {row["constituency"]: row for row in answer["attendance"]}
    assert (rows["carer"]["fewer_than_5"], rows["carer"]["withheld"]) == (True, True)
    assert (rows["service_user"]["fewer_than_5"], rows["service_user"]["withheld"]) == (False, True)
    assert rows["service_user"]["participants"] is None
    assert (rows["staff"]["withheld"], rows["staff"]["participants"]) == (False, 6)


@pytest.mark.parametrize(
    "url",
    [
        *LISTS,
        "/api/v1/projects/{project}/themes/",
        "/api/v1/organisations/{organisation}/themes/",
    ],
)
def test_lists_cost_the_same_queries_for_2_rows_and_for_6(world, url):
    _token, secret = make_token(world.organisation)
    client = api_client(secret)
    url = url.format(project=world.project.pk, organisation=world.organisation.pk)
    facilitator = world.users["facilitator"]

    def count():
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        assert response.status_code == 200
        return len(context.captured_queries), len(response.json()["results"])

    furnish(world.project, n=2, facilitator=facilitator)
    client.get(url)  # the burst's first call writes its audit entry
    small, small_rows = count()
    furnish(world.project, n=4, facilitator=facilitator)
    ProjectFactory.create_batch(3, organisation=world.organisation)
    large, large_rows = count()
    assert large_rows > small_rows or url.endswith("/organisations/")
    assert large == small, f"{url}: {small} queries for {small_rows} rows, {large} for {large_rows}"
