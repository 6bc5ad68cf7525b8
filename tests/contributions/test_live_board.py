"""The live board: opening it, joining by code, adding from the room, polling, dot-votes."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from contributions.live.services import (
    CODE_ALPHABET,
    CODE_LENGTH,
    live_board_close,
    live_board_open,
    live_contribution_add,
)
from contributions.models import Contribution, LiveBoard, PrioritisationRound
from contributions.rounds.services import round_vote
from participants.models import Constituency, Membership
from tests.factories import ContributionFactory, MembershipFactory, WorkshopSessionFactory

pytestmark = pytest.mark.django_db


def member(world, role):
    return Membership.objects.get(project=world.project, user=world.users[role])


def running_session(project, **fields):
    now = timezone.now()
    return WorkshopSessionFactory(
        project=project,
        status="in_progress",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
        **fields,
    )


@pytest.fixture
def session(world):
    return running_session(world.project)


@pytest.fixture
def board(session):
    return live_board_open(session=session)


def as_(client, world, role):
    client.logout()
    client.force_login(world.users[role])
    return client


def live_url(name, session, query=""):
    return reverse(f"live:{name}", args=[session.project_id, session.pk]) + query


def join_url(board):
    return reverse("live:board-join", args=[board.code])


def add_from_phone(client, board, **fields):
    data = {"kind": "idea", "title": "Phone the day before", "body": "", **fields}
    return client.post(join_url(board), data)


# Opening and closing


def test_opening_gives_a_short_unambiguous_code(world, session):
    board = live_board_open(session=session)
    assert len(board.code) == CODE_LENGTH
    assert set(board.code) <= set(CODE_ALPHABET)
    assert not set("01OIL") & set(CODE_ALPHABET)
    assert live_board_open(session=session) == board


def test_a_board_opens_only_while_its_session_is_in_progress(world):
    for status in ("scheduled", "held", "cancelled"):
        with pytest.raises(ValidationError):
            live_board_open(session=WorkshopSessionFactory(project=world.project, status=status))
    assert not LiveBoard.objects.exists()


def test_a_facilitator_opens_and_closes_the_board(world, client, session):
    as_(client, world, "facilitator")
    open_url = live_url("board-open", session)
    assert client.get(open_url).status_code == 200
    response = client.post(open_url)
    assert response["Location"] == live_url("board-screen", session)
    board = LiveBoard.objects.get(session=session)
    assert board.is_open
    assert client.get(open_url)["Location"] == live_url("board-screen", session)

    response = client.post(live_url("board-close", session))
    assert response.status_code == 302
    board.refresh_from_db()
    assert not board.is_open
    as_(client, world, "carer")
    assert client.get(join_url(board)).status_code == 404


def test_reopening_a_closed_board_changes_its_code(world, board):
    old = board.code
    live_board_close(board=board)
    board = live_board_open(session=board.session)
    assert board.is_open
    assert board.code != old


@pytest.mark.parametrize("role", ["service_user", "staff", "observer", "manager"])
def test_only_facilitators_run_the_board(world, client, session, role):
    as_(client, world, role)
    assert client.post(live_url("board-open", session)).status_code in (403, 404)
    assert not LiveBoard.objects.exists()


@pytest.mark.parametrize("role", ["service_user", "staff", "observer"])
def test_participants_watch_the_screen_but_cannot_close_it_or_add_for_others(
    world, client, board, role
):
    as_(client, world, role)
    screen = client.get(live_url("board-screen", board.session))
    assert screen.status_code == 200
    html = screen.content.decode()
    # No facilitator controls for them.
    assert live_url("board-close", board.session) not in html
    assert live_url("board-add-for", board.session) not in html
    assert client.get(live_url("board-items", board.session)).status_code == 200
    for name in ("board-close", "board-add-for"):
        assert client.get(live_url(name, board.session)).status_code == 403, name
    assert client.post(live_url("board-close", board.session)).status_code == 403
    board.refresh_from_db()
    assert board.is_open


# Joining


def test_joining_by_typed_code(world, client, board):
    as_(client, world, "carer")
    typed = " ".join(board.code.lower()[i : i + 3] for i in (0, 3))
    response = client.post(reverse("live:join"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == join_url(board)
    page = client.get(join_url(board))
    assert page.status_code == 200
    assert board.session.title in page.content.decode()


def test_a_wrong_code_says_so_plainly(world, client, board):
    as_(client, world, "carer")
    response = client.post(reverse("live:join"), {"code": "ZZZZZZ"})
    assert response.status_code == 200
    assert "There is no open board with that code" in response.content.decode()
    response = client.get(reverse("live:board-join", args=["ZZZZZZ"]))
    assert response.status_code == 404
    assert "There is no open board with that code" in response.content.decode()


@pytest.mark.parametrize("role", ["outsider", "other_manager", "manager"])
def test_a_code_of_someone_elses_project_reveals_nothing(world, client, board, role):
    as_(client, world, role)
    for response in (
        client.post(reverse("live:join"), {"code": board.code}),
        client.get(join_url(board)),
    ):
        html = response.content.decode()
        assert "There is no open board with that code" in html
        assert board.session.title not in html
        assert world.project.title not in html
        assert "closed" not in html


def test_a_session_not_for_you_has_no_board_for_you(world, client):
    board = live_board_open(session=running_session(world.project, audience="service_users"))
    as_(client, world, "staff")
    response = client.get(join_url(board))
    assert response.status_code == 404
    assert "There is no open board with that code" in response.content.decode()
    as_(client, world, "carer")
    assert client.get(join_url(board)).status_code == 200


def test_a_closed_board_tells_members_it_closed(world, client, board):
    live_board_close(board=board)
    as_(client, world, "carer")
    response = client.post(reverse("live:join"), {"code": board.code})
    assert "This live board has closed" in response.content.decode()
    response = client.get(join_url(board))
    assert response.status_code == 404
    assert "This live board has closed" in response.content.decode()
    assert add_from_phone(client, board).status_code == 404
    assert not Contribution.objects.exists()


def test_a_board_stops_when_its_session_is_over(world, client, board):
    board.session.status = "held"
    board.session.save()
    as_(client, world, "carer")
    assert client.get(join_url(board)).status_code == 404


def test_signed_out_people_sign_in_and_come_back(client, board):
    response = client.get(join_url(board))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert join_url(board) in response["Location"].replace("%2F", "/")


def test_observers_follow_without_adding(world, client, board):
    as_(client, world, "observer")
    assert client.get(join_url(board)).status_code == 403
    assert add_from_phone(client, board).status_code == 403
    assert not Contribution.objects.exists()


# Adding from the room


@pytest.mark.parametrize("role", ["service_user", "carer", "staff", "facilitator"])
def test_what_is_added_from_a_phone_is_an_ordinary_contribution_of_the_session(
    world, client, board, role
):
    as_(client, world, role)
    response = add_from_phone(client, board, body="So we can plan transport.")
    assert response.status_code == 302
    assert response["Location"] == join_url(board)
    contribution = Contribution.objects.get()
    assert contribution.project == world.project
    assert contribution.session == board.session
    assert contribution.author == member(world, role)
    assert contribution.constituency == member(world, role).constituency
    assert contribution.added_by is None
    assert contribution.kind == "idea"
    assert contribution.body == "So we can plan transport."
    page = client.get(join_url(board)).content.decode()
    assert "Phone the day before" in page


def test_a_touchpoint_from_a_phone_needs_how_it_felt(world, client, board):
    as_(client, world, "service_user")
    response = add_from_phone(client, board, kind="touchpoint", title="Waiting for pharmacy")
    assert response.status_code == 200
    assert not Contribution.objects.exists()
    add_from_phone(client, board, kind="touchpoint", title="Waiting", emotion="frustrated")
    assert Contribution.objects.get().emotion == "frustrated"


def test_anonymous_from_a_phone_only_where_the_project_allows(world, client, board):
    as_(client, world, "service_user")
    assert "Post anonymously" not in client.get(join_url(board)).content.decode()
    add_from_phone(client, board, is_anonymous="on")
    assert Contribution.objects.get().is_anonymous is False
    Contribution.objects.all().delete()

    world.project.allow_anonymous = True
    world.project.save()
    assert "Post anonymously" in client.get(join_url(board)).content.decode()
    add_from_phone(client, board, title="Nobody listened", is_anonymous="on")
    contribution = Contribution.objects.get()
    assert contribution.is_anonymous
    assert contribution.author == member(world, "service_user")
    as_(client, world, "facilitator")
    screen = client.get(live_url("board-screen", board.session)).content.decode()
    assert "Nobody listened" in screen
    assert "Anonymous participant" in screen
    assert "Service User" not in screen


def test_a_facilitator_adds_for_someone_without_a_device(world, client, board):
    managed = MembershipFactory(
        project=world.project, constituency=Constituency.CARER, display_name="Pat"
    )
    as_(client, world, "facilitator")
    add_for = live_url("board-add-for", board.session)
    form = client.get(add_for)
    assert form.status_code == 200
    assert "Pat" in form.content.decode()
    response = client.post(
        add_for, {"member": managed.pk, "kind": "experience", "title": "Nobody explained"}
    )
    assert response["Location"] == live_url("board-screen", board.session)
    contribution = Contribution.objects.get()
    assert contribution.author == managed
    assert contribution.constituency == Constituency.CARER
    assert contribution.added_by == world.users["facilitator"]
    assert contribution.session == board.session


def test_one_cannot_add_for_someone_the_session_is_not_for(world, client):
    board = live_board_open(session=running_session(world.project, audience="staff"))
    as_(client, world, "facilitator")
    response = client.post(
        live_url("board-add-for", board.session),
        {"member": member(world, "carer").pk, "kind": "idea", "title": "Later"},
    )
    assert response.status_code == 200
    with pytest.raises(ValidationError):
        live_contribution_add(
            board=board,
            author=member(world, "carer"),
            added_by=world.users["facilitator"],
            kind="idea",
            title="Later",
        )
    assert not Contribution.objects.exists()


# The big screen and its polling


def test_the_big_screen_shows_the_code_a_qr_code_and_polls(world, client, board, settings):
    settings.LIVE_BOARD_POLL_SECONDS = 7
    ContributionFactory(project=world.project, session=board.session, title="Clear leaflet")
    ContributionFactory(project=world.project, title="Not from this session")
    as_(client, world, "facilitator")
    html = client.get(live_url("board-screen", board.session)).content.decode()
    # Screen readers read the code spelled out, as text (not an aria-label they may ignore).
    assert f'<span aria-hidden="true" id="live-code">{board.code}</span>' in html
    assert '<span class="visually-hidden">Code: ' in html
    svg = re.search(r'<svg[^>]*aria-label="QR code[^>]*>.*?</svg>', html, flags=re.S).group(0)
    assert 'role="img"' in svg
    assert "<path" in svg
    # The CSP refuses inline styles: none in the QR code or anywhere else on the page.
    assert "style=" not in html
    assert "<script>" not in html
    assert 'hx-trigger="every 7s"' in html
    assert re.search(r'<ul id="live-items"[^>]*aria-live="polite"', html)
    assert "Clear leaflet" in html
    assert "Not from this session" not in html


def test_the_qr_code_holds_the_join_address():
    from contributions.live.selectors import qr_svg

    svg = qr_svg("http://testserver/live/ABCDEF/", label="Join")
    assert svg.startswith("<svg")
    assert 'aria-label="Join"' in svg
    assert "width=" not in svg.split(">")[0]


def poll(client, session, after=0, since=None, rounds=""):
    query = f"?after={after}&rounds={rounds}"
    if since is not None:
        query += f"&since={since}"
    response = client.get(live_url("board-items", session, query), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def poll_state(html):
    """The cursor and time the next poll will ask with."""
    match = re.search(r"after=(\d+)&amp;since=([\d.]+)", html)
    return int(match.group(1)), match.group(2)


def test_the_poll_brings_only_new_items(world, client, board):
    first = ContributionFactory(project=world.project, session=board.session, title="First one")
    as_(client, world, "facilitator")
    screen = client.get(live_url("board-screen", board.session)).content.decode()
    after, since = poll_state(screen)
    assert after == first.pk

    html = poll(client, board.session, after, since)
    assert "First one" not in html
    assert 'hx-swap-oob="afterbegin:#live-items"' not in html
    assert poll_state(html)[0] == first.pk

    as_(client, world, "carer")
    add_from_phone(client, board, title="Second one")
    as_(client, world, "facilitator")
    html = poll(client, board.session, after, since)
    assert "Second one" in html
    assert "First one" not in html
    assert 'hx-swap-oob="afterbegin:#live-items"' in html
    assert poll_state(html)[0] == Contribution.objects.get(title="Second one").pk
    assert 'hx-trigger="every 3s"' in html


def test_the_poll_redraws_items_hidden_or_withdrawn_since_the_last_one(world, client, board):
    shown = ContributionFactory(project=world.project, session=board.session, title="Rude words")
    gone = ContributionFactory(project=world.project, session=board.session, title="Oops")
    as_(client, world, "facilitator")
    after, since = poll_state(client.get(live_url("board-screen", board.session)).content.decode())
    Contribution.objects.filter(pk=shown.pk).update(hidden_at=timezone.now())
    Contribution.objects.filter(pk=gone.pk).update(withdrawn_at=timezone.now())
    html = poll(client, board.session, after, since)
    assert "Rude words" not in html
    assert re.search(rf'<li id="live-item-{shown.pk}"[^>]*hx-swap-oob="true"', html)
    assert "Hidden by a facilitator" in html
    assert f'<li id="live-item-{gone.pk}" hx-swap-oob="delete">' in html
    # The next poll, from the new time, has nothing to redraw.
    after, since = poll_state(html)
    assert f"live-item-{shown.pk}" not in poll(client, board.session, after, since)


def test_the_poll_stops_when_the_board_closes(world, client, board):
    as_(client, world, "facilitator")
    live_board_close(board=board)
    html = poll(client, board.session)
    assert "hx-trigger" not in html


def test_the_poll_and_the_screen_make_the_same_queries_with_few_or_many_items(
    world, client, board, count_queries
):
    as_(client, world, "facilitator")
    authors = [member(world, role) for role in ("service_user", "carer", "staff")]

    def add(n):
        for i in range(n):
            ContributionFactory(
                project=world.project,
                session=board.session,
                author=authors[i % len(authors)],
                kind=["idea", "experience", "touchpoint"][i % 3],
                emotion="worried" if i % 3 == 2 else "",
            )

    add(2)
    small_poll = count_queries(lambda: client.get(live_url("board-items", board.session)))
    small_screen = count_queries(lambda: client.get(live_url("board-screen", board.session)))
    add(30)
    assert count_queries(lambda: client.get(live_url("board-items", board.session))) == small_poll
    assert (
        count_queries(lambda: client.get(live_url("board-screen", board.session))) == small_screen
    )
    assert poll(client, board.session).count('<li id="live-item-') == 32


# A dot-vote on the board


def test_a_dot_vote_runs_on_the_board(world, client, board):
    ideas = [
        ContributionFactory(project=world.project, session=board.session, title=f"Room idea {i}")
        for i in range(3)
    ]
    ContributionFactory(project=world.project, title="From the website")
    as_(client, world, "facilitator")
    create = (
        reverse("rounds:round-create", args=[world.project.pk]) + f"?session={board.session.pk}"
    )
    form = client.get(create)
    assert set(form.context["form"].initial["ideas"]) == {i.pk for i in ideas}
    response = client.post(
        create,
        {
            "title": "What first?",
            "dots_per_person": 3,
            "session": board.session.pk,
            "ideas": [i.pk for i in ideas],
        },
    )
    assert response["Location"] == live_url("board-screen", board.session)
    prioritisation_round = PrioritisationRound.objects.get()
    assert prioritisation_round.session == board.session

    # The phone page offers the vote, and voting comes back to it.
    as_(client, world, "carer")
    phone = client.get(join_url(board)).content.decode()
    vote_url = reverse("rounds:round-vote", args=[world.project.pk, prioritisation_round.pk])
    assert vote_url in phone
    response = client.post(
        vote_url,
        {
            f"idea_{ideas[0].pk}": 3,
            f"idea_{ideas[1].pk}": 0,
            f"idea_{ideas[2].pk}": 0,
            "next": join_url(board),
        },
    )
    assert response["Location"] == join_url(board)
    round_vote(
        prioritisation_round=prioritisation_round,
        membership=member(world, "staff"),
        dots={ideas[1].pk: 2},
    )

    # The screen counts voters, the poll keeps the count fresh, results come only on closing.
    as_(client, world, "facilitator")
    screen = client.get(live_url("board-screen", board.session)).content.decode()
    assert "2 people have voted." in screen
    assert "round-results" not in screen
    signature = f"o{prioritisation_round.pk}"
    html = poll(client, board.session, rounds=signature)
    assert f'id="live-round-voters-{prioritisation_round.pk}" hx-swap-oob="true"' in html
    assert 'id="live-rounds"' not in html

    response = client.post(
        reverse("rounds:round-close", args=[world.project.pk, prioritisation_round.pk]),
        {"next": live_url("board-screen", board.session)},
    )
    assert response["Location"] == live_url("board-screen", board.session)
    screen = client.get(live_url("board-screen", board.session)).content.decode()
    assert f'id="round-results-{prioritisation_round.pk}"' in screen
    # A screen that polled while the round was open redraws the section with the results.
    html = poll(client, board.session, rounds=signature)
    assert re.search(r'<section id="live-rounds"[^>]*hx-swap-oob="true"', html)
    assert f'id="round-results-{prioritisation_round.pk}"' in html
