"""A form posted twice makes one row: one after the other (any database) and at the same
moment from two threads (PostgreSQL, where requests really run side by side)."""

import re
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contributions.models import Contribution, Dot, LiveBoard, PrioritisationRound, Support
from contributions.rounds.services import round_open
from participants.models import Membership
from sessions.models import Reply
from tests.conftest import at_once
from tests.factories import ContributionFactory, WorkshopSessionFactory

KEY = re.compile(r'name="submission_key" value="([0-9a-f-]{36})"')


def member(world, role):
    return Membership.objects.get(project=world.project, user=world.users[role])


def signed_in(world, role):
    client = Client()
    client.force_login(world.users[role])
    return client


def key_from(html):
    match = KEY.search(html)
    assert match, "the form carries no submission key"
    return match.group(1)


def board_url(world):
    return reverse("contributions:board", args=[world.project.pk])


def create_url(world):
    return reverse("contributions:contribution-create", args=[world.project.pk])


def idea_data(key, title="Ring before discharge"):
    return {"kind": "idea", "title": title, "body": "A call the day before.", "submission_key": key}


def running_board(world):
    now = timezone.now()
    session = WorkshopSessionFactory(
        project=world.project,
        status="in_progress",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
    )
    return LiveBoard.objects.create(session=session, code="KQW423")


# One after the other


def test_the_board_form_posted_twice_makes_one_contribution(world):
    client = signed_in(world, "service_user")
    key = key_from(client.get(board_url(world)).content.decode())
    first = client.post(create_url(world), idea_data(key), headers={"HX-Request": "true"})
    second = client.post(create_url(world), idea_data(key), headers={"HX-Request": "true"})
    idea = Contribution.objects.get()
    assert first.status_code == second.status_code == 200
    # The second answer shows the first idea, and a fresh form with a new key for the next one.
    html = second.content.decode()
    assert idea.get_absolute_url() in html
    assert key_from(html) != key
    assert idea.submission_key == uuid.UUID(key)


def test_the_full_page_form_posted_twice_redirects_both_times_to_the_one_idea(world):
    client = signed_in(world, "service_user")
    key = key_from(client.get(create_url(world) + "?kind=idea").content.decode())
    responses = [client.post(create_url(world), idea_data(key)) for _ in range(2)]
    idea = Contribution.objects.get()
    assert [r.headers["Location"] for r in responses] == [idea.get_absolute_url()] * 2


def test_a_new_form_makes_a_new_contribution(world):
    client = signed_in(world, "service_user")
    for title in ("First", "Second"):
        key = key_from(client.get(create_url(world)).content.decode())
        client.post(create_url(world), idea_data(key, title))
    assert sorted(Contribution.objects.values_list("title", flat=True)) == ["First", "Second"]


def test_the_same_key_from_two_people_makes_two_contributions(world):
    key = str(uuid.uuid4())
    for role in ("service_user", "carer"):
        signed_in(world, role).post(create_url(world), idea_data(key))
    assert Contribution.objects.count() == 2


def test_a_facilitator_adding_for_someone_twice_makes_one(world):
    client = signed_in(world, "facilitator")
    url = reverse("contributions:contribution-add-for", args=[world.project.pk])
    key = key_from(client.get(url).content.decode())
    data = {**idea_data(key), "member": member(world, "carer").pk}
    responses = [client.post(url, data) for _ in range(2)]
    idea = Contribution.objects.get()
    assert idea.author == member(world, "carer")
    assert [r.status_code for r in responses] == [302, 302]


def test_the_live_board_form_posted_twice_makes_one(world):
    board = running_board(world)
    client = signed_in(world, "staff")
    url = reverse("live:board-join", args=[board.code])
    key = key_from(client.get(url).content.decode())
    for _ in range(2):
        assert client.post(url, idea_data(key)).status_code == 302
    assert Contribution.objects.get().session == board.session


def test_a_mangled_key_is_refused_with_a_message(world):
    client = signed_in(world, "service_user")
    response = client.post(create_url(world), idea_data("not-a-key"))
    assert response.status_code == 200
    assert "This form has expired" in response.content.decode()
    assert not Contribution.objects.exists()


def test_editing_keeps_the_key_of_the_post_that_made_it(world):
    client = signed_in(world, "service_user")
    key = key_from(client.get(create_url(world)).content.decode())
    client.post(create_url(world), idea_data(key))
    idea = Contribution.objects.get()
    edit = reverse("contributions:contribution-edit", args=[world.project.pk, idea.pk])
    assert "submission_key" not in client.get(edit).content.decode()
    client.post(edit, {"title": "Changed", "submission_key": str(uuid.uuid4())})
    idea.refresh_from_db()
    assert (idea.title, idea.submission_key) == ("Changed", uuid.UUID(key))


def test_a_support_clicked_twice_stays_one_support(world):
    idea = ContributionFactory(project=world.project, author=member(world, "carer"))
    client = signed_in(world, "staff")
    url = reverse("contributions:support", args=[world.project.pk, idea.pk])
    html = client.get(idea.get_absolute_url()).content.decode()
    assert re.search(r'name="support"\s+value="1"', html)
    for _ in range(2):
        client.post(url, {"support": "1"})
    assert Support.objects.filter(contribution=idea).count() == 1
    html = client.get(idea.get_absolute_url()).content.decode()
    assert re.search(r'name="support"\s+value="0"', html)
    for _ in range(2):
        client.post(url, {"support": "0"})
    assert not Support.objects.exists()


# At the same moment (PostgreSQL)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("htmx", [True, False], ids=["inline", "full page"])
def test_two_posts_of_one_board_form_at_once_make_one_contribution(on_postgres, world, htmx):
    client = signed_in(world, "service_user")
    key = key_from(client.get(board_url(world)).content.decode())
    headers = {"HX-Request": "true"} if htmx else {}
    clients = [signed_in(world, "service_user") for _ in range(2)]
    responses = at_once(
        [lambda c=c: c.post(create_url(world), idea_data(key), headers=headers) for c in clients]
    )
    idea = Contribution.objects.get()
    if htmx:
        assert all(idea.get_absolute_url() in r.content.decode() for r in responses)
    else:
        assert [r.headers["Location"] for r in responses] == [idea.get_absolute_url()] * 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_posts_of_one_live_board_form_at_once_make_one(on_postgres, world):
    board = running_board(world)
    url = reverse("live:board-join", args=[board.code])
    key = key_from(signed_in(world, "staff").get(url).content.decode())
    clients = [signed_in(world, "staff") for _ in range(2)]
    responses = at_once([lambda c=c: c.post(url, idea_data(key)) for c in clients])
    assert [r.status_code for r in responses] == [302, 302]
    assert Contribution.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_supports_at_once_make_one_row(on_postgres, world):
    idea = ContributionFactory(project=world.project, author=member(world, "carer"))
    url = reverse("contributions:support", args=[world.project.pk, idea.pk])
    clients = [signed_in(world, "staff") for _ in range(2)]
    responses = at_once([lambda c=c: c.post(url, {"support": "1"}) for c in clients])
    assert [r.status_code for r in responses] == [302, 302]
    assert Support.objects.filter(contribution=idea).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_replies_at_once_from_one_person_make_one_row(on_postgres, world):
    session = WorkshopSessionFactory(project=world.project, audience="everyone", capacity=5)
    url = reverse("workshops:session-reply", args=[world.project.pk, session.pk])
    clients = [signed_in(world, "carer") for _ in range(2)]
    data = {"answer": "going", "reason": "", "session_needs": "A quiet room"}
    responses = at_once([lambda c=c: c.post(url, data) for c in clients])
    assert [r.status_code for r in responses] == [302, 302]
    reply = Reply.objects.get(session=session)
    assert (reply.answer, reply.session_needs) == ("going", "A quiet room")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_dot_vote_twice_at_once_makes_one_row_per_idea(on_postgres, world):
    author = member(world, "carer")
    ideas = [ContributionFactory(project=world.project, author=author) for _ in range(2)]
    prioritisation_round = round_open(
        project=world.project,
        title="What first?",
        dots_per_person=3,
        ideas=ideas,
        opened_by=world.users["facilitator"],
    )
    url = reverse("rounds:round-vote", args=[world.project.pk, prioritisation_round.pk])
    data = {f"idea_{ideas[0].pk}": 2, f"idea_{ideas[1].pk}": 1}
    clients = [signed_in(world, "staff") for _ in range(2)]
    responses = at_once([lambda c=c: c.post(url, data) for c in clients])
    assert [r.status_code for r in responses] == [302, 302]
    dots = Dot.objects.filter(round=prioritisation_round, membership=member(world, "staff"))
    assert sorted(dots.values_list("idea_id", "count")) == [(ideas[0].pk, 2), (ideas[1].pk, 1)]
    assert PrioritisationRound.objects.get().status == "open"
