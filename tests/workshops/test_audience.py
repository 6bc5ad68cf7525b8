"""Who a session is for: one rule (WorkshopSession.is_for_member), asked in Python by the
predicates and the digest and as a query by the calendar feed, the invitations and the
reminders. Every role, status, constituency and audience gets the same answer each way."""

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser

from participants.models import Constituency, Membership
from sessions.models import WorkshopSession
from sessions.selectors import session_audience

from ..factories import MembershipFactory, ProjectFactory, WorkshopSessionFactory

pytestmark = pytest.mark.django_db

ROLES = Membership.Role.values
STATUSES = Membership.Status.values


@pytest.fixture
def scene():
    project = ProjectFactory()
    sessions = {
        audience: WorkshopSessionFactory(project=project, audience=audience)
        for audience in WorkshopSession.Audience.values
    }
    members = [
        MembershipFactory(project=project, role=role, status=status, constituency=constituency)
        for role, status, constituency in itertools.product(ROLES, STATUSES, Constituency.values)
    ]
    other_project_session = WorkshopSessionFactory()
    return sessions, members, other_project_session


def expected(membership, session) -> bool:
    if membership.status != "active":
        return False
    if membership.role == "facilitator":
        return True
    if membership.role != "participant":
        return False
    return session.audience == "everyone" or (
        membership.constituency in ("service_user", "carer")
        if session.audience == "service_users"
        else membership.constituency == "staff"
    )


def test_the_rule_in_python_and_as_queries_agree(scene):
    sessions, members, elsewhere = scene
    for membership in members:
        in_feed = set(WorkshopSession.objects.for_member(membership))
        assert elsewhere not in in_feed
        for session in sessions.values():
            answer = expected(membership, session)
            assert session.is_for_member(membership) is answer, (membership, session.audience)
            assert (session in in_feed) is answer
            assert session_audience(session).filter(pk=membership.pk).exists() is answer
            assert elsewhere.is_for_member(membership) is False


def test_observers_see_the_sessions_for_everyone_and_are_in_no_audience(scene):
    sessions, members, _elsewhere = scene
    observers = [m for m in members if m.role == "observer" and m.status == "active"]
    assert observers
    for observer in observers:
        for audience, session in sessions.items():
            assert session.is_seen_by_member(observer) is (audience == "everyone")
            assert not session.is_for_member(observer)


def test_nobody_is_in_the_audience_without_a_membership(scene):
    sessions, _members, _elsewhere = scene
    session = sessions["everyone"]
    assert not session.is_for_member(None) and not session.is_seen_by_member(None)
    assert not AnonymousUser().has_perm("workshops.view_session", session)


def test_a_calendar_across_projects_takes_each_membership_in_its_own_project():
    carer_project, staff_project = ProjectFactory(), ProjectFactory()
    carer = MembershipFactory(project=carer_project, constituency="carer", role="participant")
    staff = MembershipFactory(
        project=staff_project, user=carer.user, constituency="staff", role="participant"
    )
    for_carers = WorkshopSessionFactory(project=carer_project, audience="service_users")
    for_staff_there = WorkshopSessionFactory(project=carer_project, audience="staff")
    for_staff_here = WorkshopSessionFactory(project=staff_project, audience="staff")
    feed = set(WorkshopSession.objects.for_members([carer, staff]))
    assert feed == {for_carers, for_staff_here}
    assert for_staff_there not in feed
