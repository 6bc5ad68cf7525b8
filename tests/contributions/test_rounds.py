"""Prioritisation rounds: opening, dots, secrecy until closed, and results split by constituency."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from contributions.live.services import live_board_open
from contributions.models import Dot, PrioritisationRound
from contributions.rounds.selectors import round_results
from contributions.rounds.services import round_close, round_open, round_vote
from notifications.models import Notification
from participants.models import Constituency, Membership
from tests.conftest import at_once
from tests.factories import ContributionFactory, MembershipFactory, WorkshopSessionFactory
from tests.round_support import TITLES, assert_nothing_worked_out, round_with_groups, shown_splits

pytestmark = pytest.mark.django_db

VOTERS = ["service_user", "carer", "staff", "facilitator"]


def member(world, role):
    return Membership.objects.get(project=world.project, user=world.users[role])


def ideas_in(project, n, **fields):
    author = MembershipFactory(project=project, constituency=Constituency.CARER)
    return [
        ContributionFactory(project=project, author=author, title=f"Idea {chr(65 + i)}", **fields)
        for i in range(n)
    ]


def open_round(world, ideas, dots=3, **fields):
    return round_open(
        project=world.project,
        title="What first?",
        dots_per_person=dots,
        ideas=ideas,
        opened_by=world.users["facilitator"],
        **fields,
    )


def people(world, constituency, n):
    return [MembershipFactory(project=world.project, constituency=constituency) for _ in range(n)]


def vote(prioritisation_round, membership, split):
    return round_vote(
        prioritisation_round=prioritisation_round,
        membership=membership,
        dots={idea.pk: count for idea, count in split.items()},
    )


def url(name, prioritisation_round, query=""):
    return (
        reverse(f"rounds:{name}", args=[prioritisation_round.project_id, prioritisation_round.pk])
        + query
    )


def as_(client, world, role):
    client.logout()
    client.force_login(world.users[role])
    return client


def cells(html, label):
    """The text of each results cell in a column."""
    return [
        " ".join(text.split())
        for text in re.findall(rf'data-label="{label}">(.*?)</td>', html, flags=re.S)
    ]


# Opening and notifying


def test_opening_a_round_tells_active_participants_and_facilitators(world):
    ideas = ideas_in(world.project, 3)
    MembershipFactory(project=world.project, status=Membership.Status.INVITED)
    second_facilitator = MembershipFactory(
        project=world.project, role=Membership.Role.FACILITATOR, constituency=Constituency.STAFF
    )
    prioritisation_round = open_round(world, ideas)
    told = set(
        Notification.objects.filter(kind=Notification.Kind.ROUND).values_list(
            "user__email", flat=True
        )
    )
    assert told == {
        "service_user@example.org",
        "carer@example.org",
        "staff@example.org",
        second_facilitator.user.email,
        ideas[0].author.user.email,
    }
    notification = Notification.objects.filter(kind=Notification.Kind.ROUND).first()
    assert notification.url == prioritisation_round.get_absolute_url()
    assert "What first?" in notification.message
    assert notification.project == world.project


def test_a_facilitator_opens_a_round_from_the_form(world, client):
    ideas = ideas_in(world.project, 3)
    other_project_idea = ContributionFactory(project=world.other_project)
    as_(client, world, "facilitator")
    create = reverse("rounds:round-create", args=[world.project.pk])
    assert client.get(create).status_code == 200
    response = client.post(
        create,
        {
            "title": "Our priorities",
            "dots_per_person": 2,
            "ideas": [ideas[0].pk, other_project_idea.pk],
        },
    )
    assert response.status_code == 200
    assert not PrioritisationRound.objects.exists()
    response = client.post(
        create,
        {"title": "Our priorities", "dots_per_person": 2, "ideas": [i.pk for i in ideas[:2]]},
    )
    prioritisation_round = PrioritisationRound.objects.get()
    assert response.status_code == 302
    assert response["Location"] == prioritisation_round.get_absolute_url()
    assert set(prioritisation_round.ideas.all()) == set(ideas[:2])
    assert prioritisation_round.opened_by == world.users["facilitator"]
    assert Notification.objects.filter(
        kind=Notification.Kind.ROUND, user=world.users["carer"]
    ).exists()


@pytest.mark.parametrize("role", ["service_user", "staff", "observer", "manager"])
def test_only_facilitators_open_rounds(world, client, role):
    ideas = ideas_in(world.project, 2)
    as_(client, world, role)
    response = client.post(
        reverse("rounds:round-create", args=[world.project.pk]),
        {"title": "Mine", "dots_per_person": 2, "ideas": [i.pk for i in ideas]},
    )
    assert response.status_code == 403
    assert not PrioritisationRound.objects.exists()


def test_a_round_needs_two_ideas_of_its_own_project_that_are_on_the_board(world):
    ideas = ideas_in(world.project, 2)
    with pytest.raises(ValidationError):
        open_round(world, ideas[:1])
    with pytest.raises(ValidationError):
        open_round(world, [ideas[0], ContributionFactory(project=world.other_project)])
    withdrawn = ContributionFactory(project=world.project, withdrawn_at=timezone.now())
    with pytest.raises(ValidationError):
        open_round(world, [ideas[0], withdrawn])
    experience = ContributionFactory(project=world.project, kind="experience")
    with pytest.raises(ValidationError):
        open_round(world, [ideas[0], experience])
    assert not PrioritisationRound.objects.exists()


# Dots


def test_dots_can_be_split_any_way_up_to_n_and_moved_while_open(world):
    a, b, c = ideas_in(world.project, 3)
    prioritisation_round = open_round(world, [a, b, c], dots=3)
    carer = member(world, "carer")
    vote(prioritisation_round, carer, {a: 2, b: 1})
    vote(prioritisation_round, carer, {c: 3})
    assert list(
        Dot.objects.filter(membership=carer).values_list("idea", "count", "constituency")
    ) == [(c.pk, 3, Constituency.CARER)]
    vote(prioritisation_round, carer, {a: 1})
    assert Dot.objects.get(membership=carer).count == 1


def test_more_than_n_dots_are_refused(world):
    a, b = ideas_in(world.project, 2)
    prioritisation_round = open_round(world, [a, b], dots=3)
    carer = member(world, "carer")
    vote(prioritisation_round, carer, {a: 1})
    with pytest.raises(ValidationError, match="3 dots"):
        vote(prioritisation_round, carer, {a: 3, b: 1})
    assert Dot.objects.get(membership=carer).count == 1


def test_dots_only_on_the_rounds_ideas(world):
    a, b, outside = ideas_in(world.project, 3)
    prioritisation_round = open_round(world, [a, b])
    with pytest.raises(ValidationError):
        vote(prioritisation_round, member(world, "carer"), {outside: 1})
    assert not Dot.objects.exists()


def test_observers_and_other_projects_members_place_no_dots(world):
    a, b = ideas_in(world.project, 2)
    prioritisation_round = open_round(world, [a, b])
    outsider = Membership.objects.get(user=world.users["outsider"])
    for membership in (member(world, "observer"), outsider):
        with pytest.raises(ValidationError):
            vote(prioritisation_round, membership, {a: 1})
    assert not Dot.objects.exists()


def test_no_dots_after_the_round_is_closed(world, client):
    a, b = ideas_in(world.project, 2)
    prioritisation_round = open_round(world, [a, b])
    round_close(prioritisation_round=prioritisation_round)
    with pytest.raises(ValidationError, match="closed"):
        vote(prioritisation_round, member(world, "carer"), {a: 1})
    as_(client, world, "carer")
    response = client.post(url("round-vote", prioritisation_round), {f"idea_{a.pk}": 1})
    assert response.status_code == 403
    assert not Dot.objects.exists()


def test_voting_from_the_page(world, client):
    a, b = ideas_in(world.project, 2)
    prioritisation_round = open_round(world, [a, b], dots=3)
    as_(client, world, "staff")
    vote_url = url("round-vote", prioritisation_round)
    response = client.post(vote_url, {f"idea_{a.pk}": 3, f"idea_{b.pk}": 1})
    assert response.status_code == 200
    assert "you placed 4" in response.content.decode()
    assert not Dot.objects.exists()
    response = client.post(vote_url, {f"idea_{a.pk}": 2, f"idea_{b.pk}": 1})
    assert response.status_code == 302
    assert response["Location"] == prioritisation_round.get_absolute_url()
    assert sorted(Dot.objects.values_list("count", flat=True)) == [1, 2]
    # The form shows one's own dots to move them.
    html = client.get(vote_url).content.decode()
    assert f'name="idea_{a.pk}"' in html
    assert re.search(rf'name="idea_{a.pk}"\s+id="[^"]+"\s+value="2"', html)


def test_a_vote_goes_back_to_the_live_page_only_inside_the_site(world, client):
    a, b = ideas_in(world.project, 2)
    prioritisation_round = open_round(world, [a, b])
    as_(client, world, "carer")
    data = {f"idea_{a.pk}": 1, f"idea_{b.pk}": 0}
    response = client.post(url("round-vote", prioritisation_round), {**data, "next": "/live/X/"})
    assert response["Location"] == "/live/X/"
    response = client.post(
        url("round-vote", prioritisation_round), {**data, "next": "https://evil.example/"}
    )
    assert response["Location"] == prioritisation_round.get_absolute_url()


@pytest.mark.django_db(transaction=True)
def test_submits_at_once_by_one_person_never_add_up_past_n(on_postgres, world):
    ideas = ideas_in(world.project, 6)
    prioritisation_round = open_round(world, ideas, dots=3)
    carer = member(world, "carer")
    at_once([lambda idea=idea: vote(prioritisation_round, carer, {idea: 3}) for idea in ideas])
    dots = list(Dot.objects.filter(membership=carer).values_list("count", flat=True))
    assert dots == [3]


# Secrecy until closed


def voted_round(world, **fields):
    """A round with every kind of voter's dots in it."""
    a, b, c = ideas_in(world.project, 3)
    prioritisation_round = open_round(world, [a, b, c], **fields)
    for role in VOTERS:
        vote(prioritisation_round, member(world, role), {a: 2, b: 1})
    return prioritisation_round


def in_progress_session(world):
    now = timezone.now()
    return WorkshopSessionFactory(
        project=world.project,
        status="in_progress",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
    )


def every_page(world, prioritisation_round, role):
    """Each page and partial that shows the round to this person."""
    pages = [
        url("round-detail", prioritisation_round),
        reverse("rounds:round-list", args=[world.project.pk]),
    ]
    if role in VOTERS:
        pages.append(url("round-vote", prioritisation_round))
    session = prioritisation_round.session
    if session is not None:
        board = session.live_board
        if role in ("facilitator", "org_admin", "superuser"):
            pages += [
                url("round-close", prioritisation_round),
                reverse("live:board-screen", args=[world.project.pk, session.pk]),
                reverse("live:board-items", args=[world.project.pk, session.pk]),
                reverse("live:board-items", args=[world.project.pk, session.pk]) + "?rounds=x",
            ]
        if role in VOTERS:
            pages.append(reverse("live:board-join", args=[board.code]))
    return pages


SEES_ROUNDS = [
    "service_user",
    "carer",
    "staff",
    "observer",
    "facilitator",
    "org_admin",
    "superuser",
]


@pytest.mark.parametrize("role", SEES_ROUNDS)
def test_results_are_hidden_from_everyone_until_closed(world, client, role):
    session = in_progress_session(world)
    live_board_open(session=session)
    prioritisation_round = voted_round(world, session=session)
    as_(client, world, role)
    for page in every_page(world, prioritisation_round, role):
        response = client.get(page)
        assert response.status_code == 200, page
        html = response.content.decode()
        assert "round-results" not in html, page
        assert "All dots" not in html, page
        assert not response.context.get("results"), page
    detail = client.get(url("round-detail", prioritisation_round)).content.decode()
    assert "4 people have voted so far" in detail
    with pytest.raises(ValueError):
        round_results(prioritisation_round)

    round_close(prioritisation_round=prioritisation_round)
    prioritisation_round.refresh_from_db()
    html = client.get(url("round-detail", prioritisation_round)).content.decode()
    assert f'id="round-results-{prioritisation_round.pk}"' in html
    assert cells(html, "All dots") == ["8", "4", "0"]


def test_organisation_managers_never_see_rounds(world, client):
    prioritisation_round = voted_round(world)
    round_close(prioritisation_round=prioritisation_round)
    as_(client, world, "manager")
    assert client.get(url("round-detail", prioritisation_round)).status_code == 403
    assert client.get(reverse("rounds:round-list", args=[world.project.pk])).status_code == 403
    as_(client, world, "outsider")
    assert client.get(url("round-detail", prioritisation_round)).status_code == 404


def test_another_projects_round_is_not_found(world, client):
    prioritisation_round = voted_round(world)
    other = round_open(
        project=world.other_project,
        title="Theirs",
        dots_per_person=2,
        ideas=ideas_in(world.other_project, 2),
        opened_by=world.users["superuser"],
    )
    as_(client, world, "facilitator")
    mixed = reverse("rounds:round-detail", args=[world.project.pk, other.pk])
    assert client.get(mixed).status_code == 404
    assert client.get(url("round-detail", prioritisation_round)).status_code == 200


def test_only_facilitators_close_a_round(world, client):
    prioritisation_round = voted_round(world)
    as_(client, world, "staff")
    assert client.post(url("round-close", prioritisation_round)).status_code == 403
    prioritisation_round.refresh_from_db()
    assert prioritisation_round.status == "open"
    as_(client, world, "facilitator")
    response = client.post(url("round-close", prioritisation_round))
    assert response.status_code == 302
    prioritisation_round.refresh_from_db()
    assert prioritisation_round.status == "closed"
    assert prioritisation_round.closed_at is not None


# Results split by constituency


def test_results_split_service_users_and_carers_from_staff(world, client):
    a, b, c = ideas_in(world.project, 3)
    prioritisation_round = open_round(world, [a, b, c], dots=3)
    service_side = [member(world, "service_user"), member(world, "carer")] + people(
        world, Constituency.SERVICE_USER, 3
    )
    # The facilitator's dots count with their own constituency (staff).
    staff_side = [member(world, "staff"), member(world, "facilitator")] + people(
        world, Constituency.STAFF, 3
    )
    for membership in service_side:
        vote(prioritisation_round, membership, {a: 3})
    for membership in staff_side:
        vote(prioritisation_round, membership, {a: 1, b: 2})
    round_close(prioritisation_round=prioritisation_round)

    results = round_results(prioritisation_round)
    assert results.voters == 10
    assert results.splits_shown
    assert [(r.idea, r.total, r.service_users, r.staff) for r in results.rows] == [
        (a, 20, 15, 5),
        (b, 10, 0, 10),
        (c, 0, 0, 0),
    ]
    as_(client, world, "carer")
    html = client.get(url("round-detail", prioritisation_round)).content.decode()
    assert cells(html, "All dots") == ["20", "10", "0"]
    assert cells(html, "Service users and carers") == ["15", "0", "0"]
    assert cells(html, "Staff") == ["5", "10", "0"]
    assert html.count("5 voted") == 2


def test_a_group_below_the_threshold_hides_both_splits(world, client):
    a, b, c = ideas_in(world.project, 3)
    prioritisation_round = open_round(world, [a, b, c], dots=3)
    for membership in people(world, Constituency.SERVICE_USER, 5):
        vote(prioritisation_round, membership, {a: 3})
    for role in ("staff", "facilitator"):
        vote(prioritisation_round, member(world, role), {b: 3})
    round_close(prioritisation_round=prioritisation_round)

    results = round_results(prioritisation_round)
    assert results.staff.withheld == "small"
    # Shown, the service users' split would give the staff's away: the totals less it.
    assert results.service_users.withheld == "complement"
    assert all(r.service_users is None and r.staff is None for r in results.rows)
    assert not results.marked
    as_(client, world, "facilitator")
    html = client.get(url("round-detail", prioritisation_round)).content.decode()
    assert "fewer than 3 voted" in html
    assert cells(html, "All dots") == ["15", "6", "0"]
    assert set(cells(html, "Staff")) == {"not shown"}
    assert set(cells(html, "Service users and carers")) == {"not shown"}


def test_a_group_nobody_in_which_voted_hides_nothing_of_the_other(world):
    a, b = ideas_in(world.project, 2)
    prioritisation_round = open_round(world, [a, b], dots=2)
    for membership in people(world, Constituency.CARER, 5):
        vote(prioritisation_round, membership, {a: 1, b: 1})
    round_close(prioritisation_round=prioritisation_round)
    results = round_results(prioritisation_round)
    assert results.service_users.shown and results.staff.shown
    assert [r.service_users for r in results.rows] == [5, 5]
    # Nobody's ranking to compare theirs with.
    assert results.staff.voters == 0 and not results.splits_shown


def test_a_few_others_voting_hide_both_splits(world):
    a, b = ideas_in(world.project, 2)
    prioritisation_round = open_round(world, [a, b], dots=2)
    for membership in people(world, Constituency.CARER, 5) + people(world, Constituency.STAFF, 5):
        vote(prioritisation_round, membership, {a: 1})
    vote(prioritisation_round, people(world, Constituency.OTHER, 1)[0], {b: 2})
    round_close(prioritisation_round=prioritisation_round)
    results = round_results(prioritisation_round)
    assert results.other_voters == 1
    assert [r.total for r in results.rows] == [10, 2]
    # The one "other" is hidden with the service users: the totals less the staff's give
    # 6 people's dots together, never the one person's.
    assert results.service_users.withheld == "complement"
    assert results.staff.shown


def test_ideas_both_groups_rank_highly_are_marked(world, client):
    ideas = ideas_in(world.project, 6)
    a, b, c, d, e, f = ideas
    prioritisation_round = open_round(world, ideas, dots=5)
    # Top third of 6 ideas = the top 2 places of each group.
    for membership in people(world, Constituency.SERVICE_USER, 5):
        vote(prioritisation_round, membership, {a: 3, b: 2})
    for membership in people(world, Constituency.STAFF, 5):
        vote(prioritisation_round, membership, {d: 3, b: 1, e: 1})
    round_close(prioritisation_round=prioritisation_round)
    results = round_results(prioritisation_round)
    assert results.top_places == 2
    # Service users: a (15), b (10). Staff: d (15), then b and e tied (5) share second place.
    assert [row.idea for row in results.marked] == [b]
    as_(client, world, "service_user")
    html = client.get(url("round-detail", prioritisation_round)).content.decode()
    # In the results table and in each group's ranking.
    assert html.count('class="badge text-bg-success text-wrap text-start both-rank-highly"') == 3
    marked_row = re.search(r'<tr class="table-success">\s*<th scope="row">([^<]+)</th>', html)
    assert marked_row.group(1) == b.title
    assert "top 2 (the top third of the ideas" in html


def test_ties_at_the_cut_are_all_ranked_highly(world):
    ideas = ideas_in(world.project, 3)
    a, b, c = ideas
    prioritisation_round = open_round(world, ideas, dots=2)
    for membership in people(world, Constituency.CARER, 5) + people(world, Constituency.STAFF, 5):
        vote(prioritisation_round, membership, {a: 1, b: 1})
    round_close(prioritisation_round=prioritisation_round)
    results = round_results(prioritisation_round)
    assert results.top_places == 1
    assert {row.idea for row in results.marked} == {a, b}


def test_the_round_list_shows_how_many_voted_not_what(world, client, count_queries):
    as_(client, world, "staff")
    list_url = reverse("rounds:round-list", args=[world.project.pk])

    def add(n):
        for _ in range(n):
            voted_round(world)

    add(2)
    small = count_queries(lambda: client.get(list_url))
    add(10)
    assert count_queries(lambda: client.get(list_url)) == small
    html = client.get(list_url).content.decode()
    assert html.count("4 people have voted so far") == 12


# The disclosure rule, by subtraction, on the page and in its CSV


def page_rows(html):
    titles = re.findall(r'<th scope="row">([^<]+)</th>\s*<td data-label="All dots"', html)
    return list(
        zip(
            titles,
            cells(html, "All dots"),
            cells(html, "Service users and carers"),
            cells(html, "Staff"),
            strict=True,
        )
    )


def csv_rows(client, prioritisation_round):
    response = client.get(url("round-results-csv", prioritisation_round))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    header, *rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert header[:4] == ["Idea", "All dots", "Service users and carers", "Staff"]
    assert rows[-1][0] == "People who voted"
    return [row[:4] for row in rows[:-1]]


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [
        # The demo's sizes: both groups shown at the project's threshold of 3.
        ((5, 3, 0), (True, True)),
        # 2 staff: shown, the service users' dots would give the staff's away (all less them).
        ((5, 2, 0), (False, False)),
        # One "other" voter, counted in all dots only: the staff are hidden with them.
        ((5, 3, 1), (True, False)),
        # Two small groups together make 3: hidden together, service users shown.
        ((5, 2, 1), (True, False)),
    ],
)
def test_no_small_group_is_worked_out_from_the_page_or_its_csv(world, client, sizes, expected):
    su, staff, other = sizes
    prioritisation_round, groups, truth = round_with_groups(
        world.project, world.users["facilitator"], su=su, staff=staff, other=other
    )
    as_(client, world, "carer")
    html = client.get(url("round-detail", prioritisation_round)).content.decode()
    for rows in (page_rows(html), csv_rows(client, prioritisation_round)):
        assert_nothing_worked_out(rows, groups, truth, threshold=3)
        assert shown_splits(rows) == expected


def test_the_project_threshold_decides(world, client):
    world.project.group_threshold = 4
    world.project.save(update_fields=["group_threshold"])
    prioritisation_round, groups, truth = round_with_groups(
        world.project, world.users["facilitator"], su=5, staff=3
    )
    as_(client, world, "facilitator")
    html = client.get(url("round-detail", prioritisation_round)).content.decode()
    rows = page_rows(html)
    assert shown_splits(rows) == (False, False)
    assert_nothing_worked_out(rows, groups, truth, threshold=4)
    assert "fewer than 4 voted" in html and "at least 4 of its people voted" in html


def test_the_demo_round_shows_both_rankings_side_by_side(world, client):
    prioritisation_round, _groups, _truth = round_with_groups(
        world.project, world.users["facilitator"], su=5, staff=3
    )
    results = round_results(prioritisation_round)
    assert results.splits_shown and results.top_places == 1
    # Service users: the medicines (10); staff: the phone number (6).
    assert [row.idea.title for row in results.service_users_ranking][:1] == [TITLES[0]]
    assert [row.idea.title for row in results.staff_ranking][:1] == [TITLES[1]]
    assert [row.idea.title for row in results.service_users_higher] == [TITLES[0]]
    assert [row.idea.title for row in results.staff_higher] == [TITLES[1]]
    html = as_(client, world, "staff").get(url("round-detail", prioritisation_round)).content
    html = html.decode()
    assert f'id="ranking-service_users-{prioritisation_round.pk}"' in html
    assert f'id="ranking-staff-{prioritisation_round.pk}"' in html
    assert "Only service users and carers rank it highly" in html
    assert "Only staff rank it highly" in html


def test_a_round_declared_open_shows_every_group_and_says_so(world, client):
    prioritisation_round, groups, truth = round_with_groups(
        world.project, world.users["facilitator"], su=4, staff=1
    )
    as_(client, world, "carer")
    html = client.get(url("round-detail", prioritisation_round)).content.decode()
    assert shown_splits(page_rows(html)) == (False, False)
    assert client.get(url("round-declare-open", prioritisation_round)).status_code == 403

    as_(client, world, "facilitator")
    confirm = client.get(url("round-declare-open", prioritisation_round))
    assert "This cannot be undone" in confirm.content.decode()
    prioritisation_round.refresh_from_db()
    assert not prioritisation_round.in_the_open  # nothing changes until they confirm
    assert client.post(url("round-declare-open", prioritisation_round)).status_code == 302
    prioritisation_round.refresh_from_db()
    assert prioritisation_round.in_the_open
    html = client.get(url("round-detail", prioritisation_round)).content.decode()
    rows = page_rows(html)
    assert shown_splits(rows) == (True, True)
    assert [(r[2], r[3]) for r in rows] == [("8", "0"), ("4", "2"), ("0", "1")]
    assert "placed in the open" in html
    assert shown_splits(csv_rows(client, prioritisation_round)) == (True, True)
    # Declared once, for good.
    assert client.get(url("round-declare-open", prioritisation_round)).status_code == 403


def test_a_round_can_be_declared_open_when_it_is_opened(world, client):
    ideas = ideas_in(world.project, 2)
    as_(client, world, "facilitator")
    response = client.post(
        reverse("rounds:round-create", args=[world.project.pk]),
        {
            "title": "Dots on the wall",
            "dots_per_person": 3,
            "ideas": [idea.pk for idea in ideas],
            "in_the_open": "on",
        },
    )
    assert response.status_code == 302
    assert PrioritisationRound.objects.get(title="Dots on the wall").in_the_open


def test_the_threshold_is_set_on_the_projects_edit_form(world, client):
    as_(client, world, "facilitator")
    edit = reverse("projects:project-edit", args=[world.project.pk])
    form = client.get(edit).content.decode()
    assert 'name="group_threshold"' in form
    data = {
        "title": world.project.title,
        "challenge": world.project.challenge or "Going home",
        "service_area": world.project.service_area or "Ward 7",
        "scope": world.project.scope,
        "hide_job_titles": "on",
        "group_threshold": 1,
    }
    response = client.post(edit, data)
    assert response.status_code == 200 and "greater than or equal to 2" in response.content.decode()
    assert client.post(edit, {**data, "group_threshold": 4}).status_code == 302
    world.project.refresh_from_db()
    assert world.project.group_threshold == 4
