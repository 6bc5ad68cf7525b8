"""The touchpoint map as EBCD uses it: touchpoints placed on the steps of the project's journey,
each group's count and mean feeling per step (SVG curves, a table and a CSV of the same
numbers), the touchpoints behind each point on demand, and where the two curves differ most."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contributions.models import Contribution
from contributions.services import contribution_add
from participants.models import Membership
from projects.models import JourneyStep
from tests.factories import ContributionFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def member(world, role):
    return Membership.objects.get(project=world.project, user=world.users[role])


def journey(project, *names):
    return [
        JourneyStep.objects.create(project=project, name=name, order=order)
        for order, name in enumerate(names, start=1)
    ]


def touchpoint(world, role, step, emotion, title="A moment", **fields):
    return ContributionFactory(
        project=world.project,
        author=member(world, role),
        kind="touchpoint",
        emotion=emotion,
        title=title,
        journey_step=step,
        **fields,
    )


def url(name, world, *args):
    return reverse(f"contributions:{name}", args=[world.project.pk, *args])


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def steps(world):
    return journey(world.project, "Getting there", "Waiting", "Going home")


@pytest.fixture
def placed(world, steps):
    getting_there, waiting, going_home = steps
    touchpoint(world, "service_user", waiting, "upset", "Nobody said how long")
    touchpoint(world, "carer", waiting, "worried", "Where to sit")
    touchpoint(world, "staff", waiting, "content", "Clinic ran on time")
    touchpoint(world, "service_user", getting_there, "happy", "Easy parking")
    touchpoint(world, "staff", going_home, "frustrated", "Pharmacy queue")
    touchpoint(world, "carer", None, "neutral", "Not on a step")
    # Left out: hidden, withdrawn, not a touchpoint, and from neither group.
    touchpoint(world, "staff", waiting, "upset", "Hidden one", hidden_at=timezone.now())
    touchpoint(world, "staff", waiting, "upset", "Withdrawn one", withdrawn_at=timezone.now())
    ContributionFactory(
        project=world.project,
        author=member(world, "service_user"),
        kind="experience",
        title="A story",
        journey_step=waiting,
    )
    return steps


def test_the_map_counts_and_averages_each_group_per_step(world, client, placed):
    client.force_login(world.users["observer"])
    response = client.get(url("touchpoint-map-csv", world))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="touchpoint-map-{world.project.pk}.csv"'
    )
    header, *rows = csv_rows(response)
    assert header[0] == "Step of the journey" and len(header) == 6
    assert rows == [
        ["1. Getting there", "1", "2.0", "0", "", ""],
        # Upset (-2) and worried (-1) average -1.5; staff content (+1): 2.5 apart.
        ["2. Waiting", "2", "-1.5", "1", "1.0", "-2.5"],
        ["3. Going home", "0", "", "1", "-2.0", ""],
        ["Not placed on a step", "1", "0.0", "0", "", ""],
    ]
    html = client.get(url("touchpoint-map", world)).content.decode()
    assert "The two curves differ most at step 2, “Waiting”" in html
    assert "service users and carers felt worse (-1.5 on average) than staff (1.0)" in html
    assert "Hidden one" not in html and "Withdrawn one" not in html
    # The table on the page shows the same numbers as the CSV.
    table = html[html.index('id="journey-numbers"') : html.index("</table>")]
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", table, re.S)
    # Each count is a link whose words for screen readers follow the number.
    shown = [re.sub(r"<[^>]+>|\s+", " ", c).split(" touchpoints from")[0].strip() for c in cells]
    assert shown == header + [cell for row in rows for cell in row]


def test_the_curves_are_an_accessible_svg_with_a_point_per_group_and_step(world, client, placed):
    client.force_login(world.users["staff"])
    html = client.get(url("touchpoint-map", world)).content.decode()
    svg = html[html.index('<svg class="chart-svg journey-curves"') :]
    svg = svg[: svg.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert re.search(r'journey-series-service-users" data-points="2"', svg)
    assert re.search(r'journey-series-staff" data-points="2"', svg)
    # Service users' two points are a step apart: no line joins them across "Going home".
    service_users = svg[svg.index("series-service-users") : svg.index("series-staff")]
    assert service_users.count("<polyline") == 1


def test_the_touchpoints_behind_a_point_come_on_demand_and_paged(world, client, steps):
    waiting = steps[1]
    for number in range(12):
        touchpoint(world, "service_user", waiting, "worried", f"Waiting moment {number:02}")
    touchpoint(world, "staff", waiting, "happy", "Staff moment")
    client.force_login(world.users["carer"])
    at_step = url("touchpoints-at-step", world, waiting.pk, "service-users")
    assert f'hx-get="{at_step}"' in client.get(url("touchpoint-map", world)).content.decode()
    partial = client.get(at_step, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial
    assert "Waiting moment 00" in partial and "Waiting moment 09" in partial
    assert "Waiting moment 10" not in partial and "Staff moment" not in partial
    second = client.get(at_step + "?page=2").content.decode()
    assert "<html" in second and "Waiting moment 11" in second
    assert "Waiting moment 00" not in second
    # The author of a touchpoint is never named on the map.
    assert member(world, "service_user").display_name not in partial


@pytest.mark.parametrize(
    "step, group",
    [("none", "others"), ("none", "everyone"), ("12345", "staff"), ("abc", "staff")],
)
def test_an_unknown_step_or_group_is_not_found(world, client, steps, step, group):
    client.force_login(world.users["staff"])
    assert client.get(url("touchpoints-at-step", world, step, group)).status_code == 404


def test_another_projects_step_is_not_found(world, client, steps):
    other_step = journey(world.other_project, "Elsewhere")[0]
    client.force_login(world.users["facilitator"])
    page = url("touchpoints-at-step", world, other_step.pk, "staff")
    assert client.get(page).status_code == 404


def test_the_map_costs_the_same_queries_at_50_and_5000_touchpoints(world, client, steps):
    """Every touchpoint is counted by the database, none is loaded: 50 or 5,000 alike."""
    authors = [member(world, role) for role in ("service_user", "carer", "staff")]
    emotions = list(Contribution.Emotion.values)

    def fill(count):
        Contribution.objects.bulk_create(
            Contribution(
                project=world.project,
                author=authors[n % 3],
                constituency=authors[n % 3].constituency,
                kind="touchpoint",
                title=f"Moment {n}",
                emotion=emotions[n % len(emotions)],
                journey_step=steps[n % len(steps)] if n % 7 else None,
            )
            for n in range(count)
        )

    client.force_login(world.users["staff"])

    def queries(page):
        with CaptureQueriesContext(connection) as context:
            response = client.get(page)
        assert response.status_code == 200
        return len(context.captured_queries), response

    fill(50)
    small, _response = queries(url("touchpoint-map", world))
    fill(4950)
    large, response = queries(url("touchpoint-map", world))
    assert large == small
    assert "5,000 touchpoints so far" in response.content.decode() or (
        "5000 touchpoints so far" in response.content.decode()
    )
    # A page of the touchpoints behind a point, too.
    at_step = url("touchpoints-at-step", world, steps[0].pk, "staff")
    assert queries(at_step)[0] == queries(at_step + "?page=3")[0]


def test_the_csv_cannot_run_a_formula(world, client):
    journey(world.project, '=HYPERLINK("http://evil")')
    client.force_login(world.users["staff"])
    rows = csv_rows(client.get(url("touchpoint-map-csv", world)))
    assert rows[1][0] == '1. =HYPERLINK("http://evil")' or rows[1][0].startswith("'")


def test_when_no_step_has_both_groups_the_page_says_so(world, client, steps):
    touchpoint(world, "service_user", steps[0], "upset")
    client.force_login(world.users["staff"])
    html = client.get(url("touchpoint-map", world)).content.decode()
    assert "the two curves cannot be compared" in html
    assert "Service users and carers felt worst at step 1, “Getting there”" in html


def test_the_print_view_is_a3_or_a4(world, client, placed):
    client.force_login(world.users["service_user"])
    a3 = client.get(url("touchpoint-map-print", world)).content.decode()
    assert 'class="sheet-a3"' in a3 and "journey-print.css" in a3 and "<svg" in a3
    a4 = client.get(url("touchpoint-map-print", world) + "?size=a4").content.decode()
    assert 'class="sheet-a4"' in a4
    odd = client.get(url("touchpoint-map-print", world) + "?size=<b>").content.decode()
    assert 'class="sheet-a3"' in odd


@pytest.mark.parametrize(
    "name, args",
    [
        ("touchpoint-map", ()),
        ("touchpoint-map-csv", ()),
        ("touchpoint-map-print", ()),
        ("touchpoints-at-step", ("none", "staff")),
    ],
)
@pytest.mark.parametrize(
    "role, expected",
    [("outsider", 404), ("other_manager", 404), ("manager", 403), ("observer", 200)],
)
def test_who_may_see_the_map_stays_as_the_board(world, client, name, args, role, expected):
    client.force_login(world.users[role])
    assert client.get(url(name, world, *args)).status_code == expected


# Placing a touchpoint on a step


def test_the_board_form_places_a_touchpoint_on_a_step(world, client, steps):
    client.force_login(world.users["carer"])
    board = client.get(url("board", world)).content.decode()
    assert 'name="journey_step"' in board and "Waiting" in board
    response = client.post(
        url("contribution-create", world),
        {
            "kind": "touchpoint",
            "title": "Long wait",
            "emotion": "upset",
            "journey_step": steps[1].pk,
            "submission_key": "b3c5d0a2-6b7e-4cf0-9f0e-2f1d5f6a7b8c",
        },
    )
    assert response.status_code == 302
    assert Contribution.objects.get(title="Long wait").journey_step == steps[1]


def test_a_step_of_another_project_is_refused(world, steps):
    elsewhere = journey(world.other_project, "Elsewhere")[0]
    with pytest.raises(Exception) as refused:
        contribution_add(
            project=world.project,
            author=member(world, "staff"),
            kind="touchpoint",
            title="Sneaky",
            emotion="happy",
            journey_step=elsewhere,
        )
    assert "journey_step" in str(refused.value)
    assert not Contribution.objects.filter(title="Sneaky").exists()


def test_a_facilitator_places_what_someone_gave_on_paper(world, client, steps):
    client.force_login(world.users["facilitator"])
    response = client.post(
        url("contribution-add-for", world) + "?kind=touchpoint",
        {
            "member": member(world, "service_user").pk,
            "title": "Told by phone",
            "emotion": "worried",
            "journey_step": steps[2].pk,
            "submission_key": "c3c5d0a2-6b7e-4cf0-9f0e-2f1d5f6a7b8c",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    added = Contribution.objects.get(title="Told by phone")
    assert added.journey_step == steps[2] and added.constituency == "service_user"


def test_editing_keeps_and_changes_the_step(world, client, steps):
    mine = touchpoint(world, "staff", steps[0], "happy", "Mine")
    client.force_login(world.users["staff"])
    edit = reverse("contributions:contribution-edit", args=[world.project.pk, mine.pk])
    form = client.get(edit).content.decode()
    assert re.search(rf'<option value="{steps[0].pk}" selected>', form)
    client.post(edit, {"title": "Mine", "emotion": "happy", "journey_step": steps[2].pk})
    mine.refresh_from_db()
    assert mine.journey_step == steps[2]


def test_an_idea_is_not_placed_on_a_step(world, client, steps):
    client.force_login(world.users["staff"])
    form = client.get(url("contribution-create", world) + "?kind=idea").content.decode()
    assert 'name="journey_step"' not in form


def test_a_project_without_a_journey_asks_for_no_step(world, client):
    client.force_login(world.users["staff"])
    assert 'name="journey_step"' not in client.get(url("board", world)).content.decode()
    project = ProjectFactory()
    assert not project.journey_steps.exists()


def test_the_demo_project_has_a_journey_with_both_groups_on_it(db, settings, tmp_path):
    from django.core.management import call_command

    from contributions.journey.selectors import journey_map
    from projects.models import Project

    settings.MEDIA_ROOT = str(tmp_path)
    call_command("seed_demo")
    project = Project.objects.get(title="Going home from Ward 7")
    journey = journey_map(project)
    assert len(journey.steps) == 5
    assert all(step.service_users.count and step.staff.count for step in journey.steps)
    assert journey.widest_gap.name == "The first night at home"
    counts = (JourneyStep.objects.count(), Contribution.objects.count())
    call_command("seed_demo")
    assert (JourneyStep.objects.count(), Contribution.objects.count()) == counts
    # Demo data seeded before journeys existed: its touchpoints are placed on the next run.
    Contribution.objects.update(journey_step=None)
    call_command("seed_demo")
    assert journey_map(project).not_placed.points["service-users"].count == 0


def test_the_map_is_one_query_and_counts_what_counted_touchpoints_holds(world, placed):
    """The map's own query (written once from the models' names) agrees with the ORM's
    ``counted_touchpoints``: another project's steps and touchpoints are not in it, and the
    steps come in their order, not in the order they were made."""
    from django.db.models import Count

    from contributions.journey.selectors import counted_touchpoints, group_of, journey_map

    getting_there, waiting, going_home = placed
    first = JourneyStep.objects.create(project=world.project, name="Booking", order=0)
    other = ProjectFactory()
    JourneyStep.objects.create(project=other, name="Elsewhere", order=0)
    ContributionFactory(project=other, kind="touchpoint", emotion="upset", journey_step=None)
    with CaptureQueriesContext(connection) as context:
        found = journey_map(world.project)
    assert len(context.captured_queries) == 1
    assert [step.name for step in found.steps] == [
        "Booking",
        "Getting there",
        "Waiting",
        "Going home",
    ]
    assert [step.pk for step in found.steps] == [first.pk, *(s.pk for s in placed)]
    expected: dict = {}
    rows = (
        counted_touchpoints(world.project)
        .values_list("journey_step", "constituency")
        .annotate(n=Count("*"))
        .order_by()
    )
    for step_pk, constituency, n in rows:
        key = (step_pk, group_of(constituency))
        expected[key] = expected.get(key, 0) + n
    shown = {
        (step.pk, group): point.count
        for step in [*found.steps, found.not_placed]
        for group, point in step.points.items()
        if point.count
    }
    assert shown == expected
    assert found.touchpoint_count == counted_touchpoints(world.project).count()
