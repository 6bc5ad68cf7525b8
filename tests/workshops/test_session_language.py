"""A session's language: written in English and Welsh, held in Welsh or with interpretation,
and the share of those coming who asked for Welsh."""

import pytest
from django.core import mail
from django.urls import reverse

from participants.models import Membership
from projects.models import Project
from sessions.models import Reply, WorkshopSession
from sessions.selectors import language_asked, reply_counts
from tests.factories import MembershipFactory, ReplyFactory, WorkshopSessionFactory

from .test_sessions import schedule

pytestmark = pytest.mark.django_db


def member(world, role):
    return Membership.objects.get(project=world.project, user=world.users[role])


def test_the_schedule_form_saves_welsh_texts_the_language_and_welsh_agenda_items(
    world, client, django_capture_on_commit_callbacks
):
    client.force_login(world.users["facilitator"])
    form = client.get(reverse("workshops:session-create", args=[world.project.pk]))
    assert "In Welsh (Cymraeg)" in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        schedule(
            world,
            client,
            title_cy="Digwyddiad cyd-ddylunio",
            notes_before_cy="Dewch â'ch straeon.",
            held_in="cy",
            **{"agenda-0-title_cy": "Croeso"},
        )
    session = WorkshopSession.objects.get()
    assert (session.title_cy, session.held_in) == ("Digwyddiad cyd-ddylunio", "cy")
    assert session.notes_before_cy == "Dewch â'ch straeon."
    assert [item.title_cy for item in session.agenda.all()] == ["Croeso", ""]
    invitation = next(m for m in mail.outbox if m.to == ["service_user@example.org"])
    assert "Language: In Welsh" in invitation.body
    assert "tell us whether you want the session in Welsh or in English" in invitation.body


def test_a_form_without_a_language_holds_it_in_english(world, client):
    schedule(world, client)
    assert WorkshopSession.objects.get().held_in == "en"


def test_the_session_page_shows_welsh_only_texts_marked_on_an_english_page(world, client):
    session = WorkshopSessionFactory(
        project=world.project, title="Joint event", notes_before="", notes_before_cy="Dewch."
    )
    session.agenda.create(order=1, title="", title_cy="Croeso")
    client.force_login(world.users["service_user"])
    page = client.get(session.get_absolute_url()).content.decode()
    assert '<span lang="cy">Croeso</span>' in page
    assert '<div class="written-text" lang="cy">Dewch.</div>' in page
    assert "In English" in page  # the session's language


def test_the_reply_records_the_language_wanted(world, client):
    session = WorkshopSessionFactory(project=world.project)
    client.force_login(world.users["service_user"])
    page = client.get(session.get_absolute_url()).content.decode()
    assert "Which language do you want for this session?" in page
    client.post(
        reverse("workshops:session-reply", args=[world.project.pk, session.pk]),
        {"answer": "going", "language_wanted": "cy"},
    )
    reply = Reply.objects.get(session=session, membership=member(world, "service_user"))
    assert reply.language_wanted == "cy"
    page = client.get(session.get_absolute_url()).content.decode()
    assert 'name="language_wanted" value="cy"  id="id_language_wanted_0" checked' in page


def replies(session, welsh, english, not_going_welsh=0):
    for answer, language, count in [
        ("going", "cy", welsh),
        ("maybe", "en", english),
        ("not_going", "cy", not_going_welsh),
    ]:
        for _ in range(count):
            ReplyFactory(session=session, answer=answer, language_wanted=language)


def test_the_share_counts_those_who_may_come():
    session = WorkshopSessionFactory()
    replies(session, welsh=3, english=5, not_going_welsh=4)
    ReplyFactory(session=session, language_wanted="")
    asked = language_asked(session)
    assert (asked.welsh, asked.english, asked.welsh_percent) == (3, 5, 38)
    assert asked.welsh_shown and asked.prompt
    # The session page counts the replies once for all its figures: the same figures.
    counts = reply_counts(session)
    assert (counts.welsh, counts.english, counts.total) == (3, 5, 13)
    counted = language_asked(session, counts)
    assert (counted.welsh, counted.english, counted.welsh_shown, counted.prompt) == (
        3,
        5,
        True,
        True,
    )


@pytest.mark.parametrize(
    ("welsh", "english", "held_in", "prompt"),
    [
        (1, 9, "en", True),  # 10%: the threshold
        (1, 10, "en", False),  # 9%
        (0, 4, "en", False),
        (5, 5, "cy", False),  # already held in Welsh
        (5, 5, "en_interpreted", False),
    ],
)
def test_the_prompt_shows_once_enough_asked_for_welsh(welsh, english, held_in, prompt):
    session = WorkshopSessionFactory(held_in=held_in)
    replies(session, welsh=welsh, english=english)
    assert language_asked(session).prompt is prompt


def test_the_prompt_threshold_is_a_setting(settings):
    settings.CODESIGN_WELSH_PROMPT_PERCENT = 50
    session = WorkshopSessionFactory()
    replies(session, welsh=4, english=5)
    assert not language_asked(session).prompt


def test_the_facilitator_sees_the_share_and_the_prompt(world, client):
    session = WorkshopSessionFactory(project=world.project)
    replies(session, welsh=3, english=3)
    client.force_login(world.users["facilitator"])
    page = client.get(session.get_absolute_url()).content.decode()
    assert "3 of the 6 people who answered asked for Welsh (50%)." in page
    assert "Hold the session in Welsh, or arrange Welsh interpretation." in page


def test_small_groups_are_not_shown(world, client):
    """Two asked for Welsh (under the project's threshold of 3): neither language's number is
    shown, or the English one would give the Welsh one away by subtraction."""
    session = WorkshopSessionFactory(project=world.project)
    replies(session, welsh=2, english=8)
    asked = language_asked(session)
    assert not asked.welsh_shown and asked.prompt
    client.force_login(world.users["facilitator"])
    page = client.get(session.get_absolute_url()).content.decode()
    assert "10 people answered. The numbers for each language are not shown" in page
    assert "2 of the" not in page and "(20%)" not in page
    Project.objects.filter(pk=world.project.pk).update(group_threshold=2)
    session.refresh_from_db()
    assert language_asked(session).welsh_shown


def test_participants_do_not_see_the_share(world, client):
    session = WorkshopSessionFactory(project=world.project)
    replies(session, welsh=3, english=3)
    client.force_login(world.users["service_user"])
    page = client.get(session.get_absolute_url()).content.decode()
    assert "Language asked for" not in page and "asked for Welsh" not in page


def test_the_session_page_queries_stay_flat(world, client, count_queries):
    session = WorkshopSessionFactory(project=world.project, title_cy="Gweithdy")
    client.force_login(world.users["facilitator"])
    replies(session, welsh=1, english=1)
    session.agenda.create(order=1, title="Welcome", title_cy="Croeso")
    few = count_queries(lambda: client.get(session.get_absolute_url()))
    for n in range(20):
        session.agenda.create(order=n + 2, title=f"Item {n}", title_cy=f"Eitem {n}")
        ReplyFactory(
            session=session,
            membership=MembershipFactory(project=world.project),
            language_wanted="cy",
        )
    assert count_queries(lambda: client.get(session.get_absolute_url())) == few
