"""The ladder of co-production: one vote each, hidden until closed, groups compared."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from changes.models import LadderRating, LadderVote
from changes.reflection.selectors import ladder_results
from changes.reflection.services import ladder_close, ladder_open, ladder_vote
from participants.models import Constituency, Membership
from tests.conftest import at_once
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

R = LadderRating.Rung


def member(world, role):
    return Membership.objects.get(project=world.project, user=world.users[role])


def people(world, n, role=Membership.Role.PARTICIPANT, constituency=Constituency.SERVICE_USER):
    return [
        MembershipFactory(project=world.project, role=role, constituency=constituency)
        for _ in range(n)
    ]


def open_rating(world):
    return ladder_open(project=world.project, opened_by=world.users["facilitator"])


def closed_rating(world, participants, facilitators, comments=None):
    """A rating in which new participants and facilitators chose the given rungs, then closed."""
    comments = comments or {}
    rating = open_rating(world)
    for role, rungs in (
        (Membership.Role.PARTICIPANT, participants),
        (Membership.Role.FACILITATOR, facilitators),
    ):
        for index, rung in enumerate(rungs):
            (membership,) = people(world, 1, role=role)
            ladder_vote(
                rating=rating,
                membership=membership,
                rung=rung,
                comment=comments.get((role, index), ""),
            )
    return ladder_close(rating=rating)


def ladder(world):
    return reverse("reflection:ladder", args=[world.project.pk])


def as_(client, world, role):
    client.logout()
    client.force_login(world.users[role])
    return client


def cells(html, label):
    """The text of each cell of a group's column in the results tables."""
    return [
        " ".join(re.sub(r"<[^>]+>", " ", text).split())
        for text in re.findall(rf'data-label="{label}">(.*?)</td>', html, flags=re.S)
    ]


# One vote per person


def test_a_second_submit_changes_the_vote_instead_of_adding_one(client, world):
    rating = open_rating(world)
    as_(client, world, "carer")
    response = client.post(ladder(world), {"rung": R.CONSULTATION, "comment": "Asked, not heard"})
    assert response.status_code == 302
    response = client.post(ladder(world), {"rung": R.CO_DESIGN, "comment": ""})
    assert response.status_code == 302
    vote = LadderVote.objects.get(rating=rating)
    assert (vote.membership, vote.rung, vote.comment) == (member(world, "carer"), R.CO_DESIGN, "")
    assert vote.is_facilitator is False and vote.constituency == Constituency.CARER
    page = client.get(ladder(world)).content.decode()
    assert "You placed the project on <strong>Co-design</strong>" in page
    assert re.search(r'value="6"\s+aria-describedby="[^"]+"\s+checked', page)


def test_facilitators_votes_are_counted_as_facilitators(world):
    rating = open_rating(world)
    vote = ladder_vote(rating=rating, membership=member(world, "facilitator"), rung=R.ENGAGEMENT)
    assert vote.is_facilitator is True


def test_a_vote_needs_a_rung(client, world):
    open_rating(world)
    response = as_(client, world, "staff").post(ladder(world), {"comment": "No rung"})
    assert response.status_code == 200
    assert "Choose one of the seven rungs." in response.content.decode()
    assert not LadderVote.objects.exists()


@pytest.mark.parametrize("role", ["observer", "manager", "org_admin", "superuser"])
def test_only_participants_and_facilitators_rate(client, world, role):
    open_rating(world)
    response = as_(client, world, role).post(ladder(world), {"rung": R.CO_DESIGN})
    assert response.status_code == 403
    assert as_(client, world, role).get(ladder(world)).status_code == 200
    assert not LadderVote.objects.exists()


def test_observers_are_refused_by_the_service_too(world):
    rating = open_rating(world)
    with pytest.raises(ValidationError):
        ladder_vote(rating=rating, membership=member(world, "observer"), rung=R.INFORMING)


def test_nobody_rates_once_the_rating_is_closed(client, world):
    rating = open_rating(world)
    ladder_close(rating=rating)
    with pytest.raises(ValidationError):
        ladder_vote(rating=rating, membership=member(world, "carer"), rung=R.INFORMING)
    # With no rating open there is nothing to rate.
    response = as_(client, world, "carer").post(ladder(world), {"rung": R.CO_DESIGN})
    assert response.status_code == 403
    assert not LadderVote.objects.exists()


def test_a_stale_form_cannot_vote_into_a_rating_closed_meanwhile(world):
    rating = open_rating(world)
    stale = LadderRating.objects.get(pk=rating.pk)
    ladder_close(rating=rating)
    with pytest.raises(ValidationError):
        ladder_vote(rating=stale, membership=member(world, "carer"), rung=R.INFORMING)


@pytest.mark.django_db(transaction=True)
def test_submits_at_once_by_one_person_make_one_vote(on_postgres, world):
    rating = open_rating(world)
    carer = member(world, "carer")
    rungs = [R.INFORMING, R.CONSULTATION, R.ENGAGEMENT, R.CO_DESIGN, R.CO_PRODUCTION]
    at_once(
        [
            lambda rung=rung: ladder_vote(rating=rating, membership=carer, rung=rung)
            for rung in rungs
        ]
    )
    votes = list(LadderVote.objects.filter(membership=carer).values_list("rung", flat=True))
    assert len(votes) == 1 and votes[0] in rungs


@pytest.mark.django_db(transaction=True)
def test_facilitators_opening_at_once_open_one_rating(on_postgres, world):
    outcomes = at_once([lambda: open_rating(world)] * 4, expected=ValidationError)
    assert LadderRating.objects.filter(closed_at__isnull=True).count() == 1
    assert sum(isinstance(outcome, ValidationError) for outcome in outcomes) == 3


# Opening and closing


def test_only_one_rating_is_open_at_a_time(client, world):
    open_rating(world)
    with pytest.raises(ValidationError):
        open_rating(world)
    as_(client, world, "facilitator")
    url = reverse("reflection:ladder-open", args=[world.project.pk])
    assert "A rating is already open" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    assert LadderRating.objects.count() == 1


def test_a_facilitator_opens_and_closes_a_rating_through_the_pages(client, world):
    as_(client, world, "facilitator")
    response = client.post(reverse("reflection:ladder-open", args=[world.project.pk]))
    assert response["Location"] == ladder(world)
    rating = LadderRating.objects.get()
    assert rating.is_open and rating.opened_by == world.users["facilitator"]
    close = reverse("reflection:ladder-close", args=[world.project.pk, rating.pk])
    assert "0 people have rated" in client.get(close).content.decode()
    assert client.post(close)["Location"] == ladder(world)
    rating.refresh_from_db()
    assert not rating.is_open
    # Closed is closed: there is nothing left to close.
    assert client.post(close).status_code == 403


@pytest.mark.parametrize("role", ["service_user", "observer", "manager"])
def test_others_neither_open_nor_close(client, world, role):
    rating = open_rating(world)
    as_(client, world, role)
    assert client.post(reverse("reflection:ladder-open", args=[world.project.pk])).status_code == (
        403
    )
    close = reverse("reflection:ladder-close", args=[world.project.pk, rating.pk])
    assert client.post(close).status_code == 403
    rating.refresh_from_db()
    assert rating.is_open


def test_no_rating_opens_on_a_closed_project(client, world):
    world.project.status = "closed"
    world.project.save(update_fields=["status"])
    with pytest.raises(ValidationError):
        open_rating(world)
    as_(client, world, "facilitator")
    assert client.post(reverse("reflection:ladder-open", args=[world.project.pk])).status_code == (
        403
    )


def test_the_project_page_invites_those_who_can_rate(client, world):
    open_rating(world)
    page = as_(client, world, "carer").get(world.project.get_absolute_url()).content.decode()
    assert "A rating is open" in page and ladder(world) in page
    page = as_(client, world, "manager").get(world.project.get_absolute_url()).content.decode()
    assert "A rating is open" not in page and ladder(world) in page


# Secrecy until closed


def test_results_are_hidden_from_everyone_while_the_rating_is_open(client, world):
    rating = open_rating(world)
    for membership in people(world, 6):
        ladder_vote(rating=rating, membership=membership, rung=R.CONSULTATION, comment="Hmm")
    for membership in people(world, 5, role=Membership.Role.FACILITATOR):
        ladder_vote(rating=rating, membership=membership, rung=R.CO_DESIGN)
    assert ladder_results(world.project) == []
    for role in ("facilitator", "org_admin", "carer", "manager"):
        response = as_(client, world, role).get(ladder(world))
        page = response.content.decode()
        assert "11 people have rated so far." in page
        assert response.context["results"] == []
        assert "Median" not in page and "Hmm" not in page and "<table" not in page
    ladder_close(rating=rating)
    page = as_(client, world, "manager").get(ladder(world)).content.decode()
    assert "Median" in page and "Hmm" in page
    assert "have rated so far" not in page


# The two groups side by side


def test_the_groups_are_side_by_side_with_the_gap_and_how_it_moved(client, world):
    closed_rating(world, participants=[3, 3, 4, 4, 4], facilitators=[6, 6, 6, 5, 7])
    closed_rating(world, participants=[5, 5, 5, 6, 6, 4], facilitators=[6, 6, 6, 6, 6])
    latest, first = ladder_results(world.project)
    assert (first.participants.median, first.facilitators.median, first.gap) == (4, 6, 2)
    assert first.previous is None and first.participants.movement is None
    assert (latest.participants.median, latest.facilitators.median, latest.gap) == (5, 6, 1)
    assert latest.previous == first.rating and latest.previous_gap == 2
    assert (latest.participants.movement, latest.facilitators.movement) == (1, 0)
    assert [c.count for c in latest.participants.distribution] == [0, 0, 0, 1, 3, 2, 0]

    page = as_(client, world, "service_user").get(ladder(world)).content.decode()
    newest = page[: page.index(f'id="rating-{first.rating.pk}"')]
    assert "Facilitators place the project 1 rung higher than participants do." in newest
    assert "The gap has narrowed from 2 rungs to 1 rung." in newest
    assert "<caption" in newest and "Where participants and facilitators placed" in newest
    participants = cells(newest, "Participants")
    facilitators = cells(newest, "Facilitators")
    # Seven rungs, then people who rated, median, and movement since the previous rating.
    assert participants[3:6] == ["1 (17%)", "3 (50%)", "2 (33%)"]
    assert facilitators[5] == "5 (100%)"
    assert participants[7:] == ["6", "Engagement (rung 5)", "up 1 rung"]
    assert facilitators[7:] == ["5", "Co-design (rung 6)", "no change"]
    oldest = page[page.index(f'id="rating-{first.rating.pk}"') :]
    assert "Facilitators place the project 2 rungs higher than participants do." in oldest
    assert "Since the rating of" not in oldest


def test_a_median_between_two_rungs_says_so(client, world):
    closed_rating(world, participants=[3, 4, 4, 5, 5, 5], facilitators=[4, 4, 4, 4, 4, 5])
    (result,) = ladder_results(world.project)
    assert result.participants.median == 4.5
    assert result.participants.median_name == "between Consultation and Engagement"
    assert result.gap == -0.5
    page = as_(client, world, "observer").get(ladder(world)).content.decode()
    assert "Participants place the project 0.5 rungs higher than facilitators do." in page
    assert cells(page, "Participants")[8] == "between Consultation and Engagement (rung 4.5)"


def test_movement_down_and_a_widening_gap(world):
    closed_rating(world, participants=[5] * 5, facilitators=[5] * 5)
    closed_rating(world, participants=[3] * 5, facilitators=[6] * 5)
    latest, _first = ladder_results(world.project)
    assert latest.participants.movement_text == "down 2 rungs"
    assert latest.facilitators.movement_text == "up 1 rung"
    assert latest.gap_movement_text == "The gap has widened from 0 rungs to 3 rungs."


# Small groups


def test_participants_below_the_threshold_are_hidden_and_facilitators_shown_as_theirs(
    client, world
):
    comments = {
        (Membership.Role.PARTICIPANT, 0): "We were only asked at the end",
        (Membership.Role.FACILITATOR, 0): "Staff still set the agenda",
    }
    closed_rating(world, participants=[4, 5], facilitators=[6], comments=comments)
    (result,) = ladder_results(world.project)
    # Two participants are fewer than the project's threshold of 3: nothing of theirs, not
    # even how many.
    assert result.participants.small
    assert result.participants.voters is None and result.participants.median is None
    assert result.participants.distribution == [] and result.participants.comments == []
    # One facilitator rated, in their professional role: shown as the facilitators'.
    assert not result.facilitators.small and result.facilitators.voters == 1
    assert result.facilitators.comments == ["Staff still set the agenda"]
    assert result.gap is None

    page = as_(client, world, "facilitator").get(ladder(world)).content.decode()
    participants = cells(page, "Participants")
    assert participants[:7] == ["not shown"] * 7
    assert participants[7:] == ["fewer than 3", "not shown"]
    assert cells(page, "Facilitators")[7:] == ["1", "Co-design (rung 6)"]
    assert "We were only asked at the end" not in page
    assert "Staff still set the agenda" in page
    assert "at least 3 participants and a facilitator rated" in page


def test_the_project_sets_the_participants_threshold(world):
    world.project.group_threshold = 5
    world.project.save(update_fields=["group_threshold"])
    closed_rating(world, participants=[4] * 4, facilitators=[6, 6])
    (result,) = ladder_results(world.project)
    assert result.participants.small and not result.facilitators.small
    world.project.group_threshold = 4
    world.project.save(update_fields=["group_threshold"])
    (result,) = ladder_results(world.project)
    assert result.participants.voters == 4
    assert result.gap_text == "Facilitators place the project 2 rungs higher than participants do."
    # Reports for managers keep 5.
    (report,) = ladder_results(world.project, for_managers=True)
    assert report.participants.small and report.facilitators.voters == 2


def test_the_form_tells_a_facilitator_before_they_rate(client, world):
    open_rating(world)
    page = as_(client, world, "facilitator").get(ladder(world)).content.decode()
    assert 'id="ladder-facilitator-note"' in page
    assert "in your professional role" in page
    assert "however few facilitators rate" in page
    page = as_(client, world, "carer").get(ladder(world)).content.decode()
    assert 'id="ladder-facilitator-note"' not in page
    assert "only if at least 3 participants rated" in page


def test_comments_carry_no_names(client, world):
    rating = open_rating(world)
    voters = people(world, 5)
    for index, membership in enumerate(voters):
        ladder_vote(rating=rating, membership=membership, rung=R.CONSULTATION, comment=f"c{index}")
    ladder_close(rating=rating)
    response = as_(client, world, "org_admin").get(ladder(world))
    results = response.content.decode().split('id="results-heading"')[1]
    assert all(f"c{index}" in results for index in range(5))
    assert not any(m.display_name in results for m in voters)


def test_no_comparison_with_a_rating_where_a_group_was_small(world):
    closed_rating(world, participants=[3, 3], facilitators=[6] * 5)
    closed_rating(world, participants=[4] * 5, facilitators=[6] * 5)
    latest, _first = ladder_results(world.project)
    assert latest.participants.movement is None and latest.participants.movement_text == ""
    assert latest.facilitators.movement_text == "no change"
    assert latest.gap_movement_text == ""


def test_the_ladder_page_costs_the_same_with_many_ratings(client, world, count_queries):
    for _ in range(2):
        closed_rating(world, participants=[4] * 5, facilitators=[5] * 5)
    as_(client, world, "facilitator")
    few = count_queries(lambda: client.get(ladder(world)))
    for _ in range(8):
        closed_rating(world, participants=[4] * 6, facilitators=[5] * 6)
    assert count_queries(lambda: client.get(ladder(world))) == few
