"""Reach on the dashboards: participants by channel and how many could not be reached about the
last session, as figures only, small groups shown as "fewer than 5"."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboards.reach import reach_of
from participants.models import Channel, Consent, Constituency, Membership
from participants.services import contact_preferences_save, participant_add_managed
from sessions.calls.models import CallListEntry
from sessions.calls.services import call_list_mark_told
from tests.factories import MembershipFactory, ProjectFactory, WorkshopSessionFactory

pytestmark = pytest.mark.django_db


def managed(world, count, name="Caller", **contact):
    return [
        participant_add_managed(
            project=world.project,
            full_name=f"{name} {number} Brooks",
            display_name=f"{name}{number}",
            constituency=Constituency.SERVICE_USER,
            contact=contact or {"channel": Channel.PHONE_CALL, "phone": "0113 496 0000"},
            consent_method=Consent.Method.PAPER,
            added_by=world.users["facilitator"],
        )
        for number in range(count)
    ]


def phoned(world, count):
    return managed(world, count)


@pytest.fixture
def reached(world):
    """Participants: 1 by email, 4 by text, 5 phoned; the last session's call list holds the
    5 phoned, none told yet."""
    managed(world, 2, name="Texter", channel=Channel.TEXT, mobile="07400 123457")
    for role in ("carer", "staff"):
        contact_preferences_save(
            person=world.users[role],
            channel=Channel.TEXT,
            mobile="07400 123456",
            changed_by=world.users[role],
        )
    callers = phoned(world, 5)
    now = timezone.now()
    last = WorkshopSessionFactory(
        project=world.project,
        title="Last week's workshop",
        starts_at=now - timedelta(days=7),
        ends_at=now - timedelta(days=7) + timedelta(hours=2),
    )
    WorkshopSessionFactory(project=world.project)  # next month's: not the last one
    CallListEntry.objects.bulk_create(
        CallListEntry(session=last, membership=m, reason="cancelled", occasion="cancelled")
        for m in callers
    )
    return callers, last


def shown(figure):
    if figure.shown:
        return figure.value
    return "fewer than 5" if figure.small else "not shown"


def test_channels_and_not_reached_follow_the_managers_rule(world, reached):
    callers, last = reached
    [row] = reach_of([world.project])
    assert row.participants == 10
    assert {label: shown(figure) for label, figure in row.channels} == {
        "Email": "fewer than 5",
        "Text message": "fewer than 5",
        "Letter": 0,
        "Phone call from a facilitator": 5,
        "In person only": 0,
    }
    assert row.last_session.title == last.title and shown(row.not_reached) == 5
    call_list_mark_told(session=last, membership=callers[0], told_by=world.users["facilitator"])
    [row] = reach_of([world.project])
    assert shown(row.not_reached) == "fewer than 5"


def test_a_small_group_is_not_given_away_by_subtraction(world):
    phoned(world, 5)  # 3 by email (the world's participants) and 5 phoned: total 8 shown
    Membership.objects.filter(project=world.project, user=world.users["carer"]).update(
        status=Membership.Status.WITHDRAWN
    )
    [row] = reach_of([world.project])
    figures = {label: shown(figure) for label, figure in row.channels}
    # 2 by email are "fewer than 5"; showing the 5 phoned beside a total of 7 would give the 2
    # away, so the 5 are not shown either.
    assert row.participants == 7
    assert figures["Email"] == "fewer than 5"
    assert figures["Phone call from a facilitator"] == "not shown"


def test_reach_costs_one_query_for_one_project_or_many(world, reached, django_assert_num_queries):
    others = [ProjectFactory(organisation=world.organisation) for _ in range(3)]
    with django_assert_num_queries(1):
        one = reach_of([world.project])
    with django_assert_num_queries(1):
        many = reach_of([world.project, *others])
    assert many[0] == one[0]
    assert [row.last_session for row in many[1:]] == [None, None, None]


def test_the_dashboards_show_reach_without_names(world, reached, client):
    client.force_login(world.users["manager"])
    url = reverse("dashboards:organisation", args=[world.organisation.pk])
    html = client.get(url).content.decode()
    section = html[html.index('id="reach"') : html.index("</section>", html.index('id="reach"'))]
    assert world.project.title in section
    assert "fewer than 5" in section and "Last week&#x27;s workshop" in section
    for name in ("Caller0", "Caller 0 Brooks", "Carer", "carer@example.org"):
        assert name not in section
    client.force_login(world.users["facilitator"])
    html = client.get(reverse("dashboards:project", args=[world.project.pk])).content.decode()
    assert 'id="reach-table"' in html


def test_a_figure_reads_as_its_table_cell_shows_it_in_each_language():
    from django.utils import translation

    from dashboards.reach import Figure

    assert str(Figure(12, True, 5)) == "12"
    assert str(Figure(3, False, 5)) == "fewer than 5"
    assert str(Figure(12, False, 5)) == "not shown"
    # Nothing is "fewer than 5" that is not there at all: nought withheld is "not shown".
    assert str(Figure(0, False, 5)) == "not shown"
    with translation.override("cy"):
        assert str(Figure(3, False, 5)) == "llai na 5"
        assert str(Figure(12, False, 5)) == "heb ei ddangos"


def test_a_member_without_an_address_or_a_preference_is_phoned(world):
    """No preference: email for those with an address, a phone call for those without one,
    whether their address is empty or missing."""
    members = Membership.objects.filter(project=world.project, role=Membership.Role.PARTICIPANT)
    assert members.count() == 3  # by email
    without = [m.user for m in members[:2]]
    type(without[0]).objects.filter(pk=without[0].pk).update(email="")
    type(without[1]).objects.filter(pk=without[1].pk).update(email=None)
    phoned(world, 4)  # with a preference for a phone call
    [row] = reach_of([world.project])
    assert row.participants == 7
    counts = {label: figure.value for label, figure in row.channels}
    assert counts["Email"] == 1
    assert counts["Phone call from a facilitator"] == 6


def test_only_the_last_sessions_call_list_counts_and_told_people_do_not(world, reached):
    callers, last = reached
    earlier = WorkshopSessionFactory(
        project=world.project,
        starts_at=last.starts_at - timedelta(days=7),
        ends_at=last.starts_at - timedelta(days=7) + timedelta(hours=2),
    )
    other = ProjectFactory(organisation=world.organisation)
    MembershipFactory(project=other)
    theirs = WorkshopSessionFactory(
        project=other, starts_at=last.starts_at, ends_at=last.ends_at, title="Theirs"
    )
    texter = Membership.objects.get(project=world.project, user=world.users["carer"])
    CallListEntry.objects.create(
        session=earlier, membership=texter, reason="cancelled", occasion="cancelled"
    )
    # Two occasions for one person count them once.
    CallListEntry.objects.create(
        session=last, membership=callers[1], reason="changed", occasion="changed:1"
    )
    mine, others = reach_of([world.project, other])
    assert mine.not_reached.value == 5
    assert others.last_session.title == "Theirs" and others.not_reached.value == 0
    assert others.participants == 1
    call_list_mark_told(session=last, membership=callers[0], told_by=world.users["facilitator"])
    [mine] = reach_of([world.project])
    assert mine.not_reached.value == 4
    assert theirs.project_id == other.pk
