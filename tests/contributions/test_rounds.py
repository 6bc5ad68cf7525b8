"""Prioritisation rounds: opening, dots, secrecy until closed, and results split by constituency."""

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


def test_a_group_with_fewer_than_5_voters_shows_no_numbers(world, client):
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
    assert "fewer than 5 voted" in html
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
    assert results.service_users.shown
    assert results.staff.withheld == "small"
    assert [r.service_users for r in results.rows] == [5, 5]


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
    assert results.service_users.withheld == results.staff.withheld == "complement"


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
    assert html.count('class="badge text-bg-success both-rank-highly"') == 1
    marked_row = re.search(r'<tr class="table-success">\s*<th scope="row">([^<]+)</th>', html)
    assert marked_row.group(1) == b.title
    assert "top 2 of the ideas" in html


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
