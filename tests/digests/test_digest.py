"""The daily digest: only for people who asked, only their projects, at most once a day."""

import threading
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from digests import services as digest_services
from digests.services import digest_send
from digests.tasks import digest_send_task
from notifications.categories import EmailCategory
from notifications.models import DigestSent
from notifications.services import email_preferences_update
from outbox.models import OutboxMessage
from participants.models import Membership
from tests.factories import (
    ContributionFactory,
    MembershipFactory,
    UserFactory,
    WorkshopSessionFactory,
)

pytestmark = pytest.mark.django_db

MORNING = datetime(2031, 3, 12, 7, 0, tzinfo=UTC)
YESTERDAY = MORNING - timedelta(hours=10)


def opt_in(*users):
    for user in users:
        email_preferences_update(user=user, choices={EmailCategory.DIGEST: True})


def member(world, role):
    return Membership.objects.get(project=world.project, user=world.users[role])


def at(moment, make, **fields):
    with time_machine.travel(moment, tick=False):
        return make(**fields)


def send(moment=MORNING, deliver=None, **kwargs):
    """Run the digest at a moment; with ``deliver`` (the on-commit capture), send what it wrote."""
    with time_machine.travel(moment, tick=False):
        if deliver is None:
            return digest_send(**kwargs)
        with deliver(execute=True):
            return digest_send(**kwargs)


def digest_to(user):
    return OutboxMessage.objects.get(to=user.email, category=EmailCategory.DIGEST)


@pytest.fixture
def activity(world):
    """Yesterday in the world's project: a named and an anonymous contribution, a decided idea,
    a session for everyone and one for staff; and news in the other project."""
    at(
        YESTERDAY,
        ContributionFactory,
        project=world.project,
        author=member(world, "staff"),
        kind="experience",
        title="The discharge letter came a week late",
    )
    at(
        YESTERDAY,
        ContributionFactory,
        project=world.project,
        author=member(world, "carer"),
        kind="idea",
        title="Ring the family before discharge",
        is_anonymous=True,
    )
    decided = at(
        YESTERDAY - timedelta(days=3),
        ContributionFactory,
        project=world.project,
        author=member(world, "service_user"),
        title="A named nurse for going home",
    )
    decided.status = "under_consideration"
    decided.status_changed_at = YESTERDAY
    decided.save()
    at(YESTERDAY, WorkshopSessionFactory, project=world.project, title="Joint co-design event")
    at(
        YESTERDAY,
        WorkshopSessionFactory,
        project=world.project,
        title="Staff-only debrief",
        audience="staff",
    )
    at(
        YESTERDAY,
        ContributionFactory,
        project=world.other_project,
        author=MembershipFactory(project=world.other_project, display_name="Sam"),
        title="Repairs take months",
    )


def test_only_people_who_asked_get_a_digest(world, activity):
    opt_in(world.users["service_user"])
    assert send() == 1
    assert list(OutboxMessage.objects.values_list("to", flat=True)) == ["service_user@example.org"]


def test_at_most_once_a_day_however_often_it_runs(
    world, activity, django_capture_on_commit_callbacks
):
    opt_in(world.users["service_user"], world.users["carer"])
    assert send(deliver=django_capture_on_commit_callbacks) == 2
    later = MORNING + timedelta(hours=5)
    assert send(later, deliver=django_capture_on_commit_callbacks) == 0
    with time_machine.travel(later, tick=False):
        digest_send_task.delay()
    assert OutboxMessage.objects.count() == 2
    assert len(mail.outbox) == 2
    assert DigestSent.objects.count() == 2
    assert all(claim.message_id for claim in DigestSent.objects.all())


def test_the_claim_and_the_email_are_one(world, activity):
    opt_in(world.users["service_user"])
    send()
    claim = DigestSent.objects.get()
    assert claim.message == digest_to(world.users["service_user"])
    assert claim.date == MORNING.date()
    assert claim.message.dedupe_key == f"digest:{world.users['service_user'].pk}:2031-03-12"


def test_it_tells_of_the_persons_projects_only_and_names_no_anonymous_author(world, activity):
    opt_in(world.users["service_user"], world.users["outsider"])
    send()
    text = digest_to(world.users["service_user"]).body_text
    html = digest_to(world.users["service_user"]).body_html
    for body in (text, html):
        assert world.project.title in body
        assert "The discharge letter came a week late (by Staff)" in body
        assert "Ring the family before discharge (anonymous)" in body
        assert "Carer" not in body
        assert "A named nurse for going home: Under consideration" in body
        assert "Joint co-design event" in body
        # Sessions not for them, and other projects, are not mentioned.
        assert "Staff-only debrief" not in body
        assert "Repairs take months" not in body
        assert world.other_project.title not in body
    outsider = digest_to(world.users["outsider"]).body_text
    assert "Repairs take months" in outsider
    assert world.project.title not in outsider


def test_facilitators_hear_of_every_session_and_nobody_of_their_own_posts(world, activity):
    opt_in(world.users["facilitator"], world.users["staff"])
    send()
    facilitator = digest_to(world.users["facilitator"]).body_text
    assert "Staff-only debrief" in facilitator
    staff = digest_to(world.users["staff"]).body_text
    assert "Staff-only debrief" in staff
    assert "The discharge letter came a week late" not in staff


def test_hidden_and_withdrawn_contributions_stay_out(world, activity):
    at(
        YESTERDAY,
        ContributionFactory,
        project=world.project,
        author=member(world, "staff"),
        title="Hidden by a facilitator",
        hidden_at=YESTERDAY,
    )
    at(
        YESTERDAY,
        ContributionFactory,
        project=world.project,
        author=member(world, "staff"),
        title="Withdrawn by its author",
        withdrawn_at=YESTERDAY,
    )
    opt_in(world.users["service_user"])
    send()
    body = digest_to(world.users["service_user"]).body_text
    assert "Hidden by a facilitator" not in body
    assert "Withdrawn by its author" not in body


def test_withdrawn_members_and_people_without_news_get_nothing(world, activity):
    Membership.objects.filter(user=world.users["carer"]).update(status="withdrawn")
    lonely = UserFactory()
    opt_in(world.users["carer"], lonely)
    assert send() == 0
    assert not OutboxMessage.objects.exists()
    # They are claimed for the day all the same, so later runs do not look again.
    assert DigestSent.objects.filter(message=None).count() == 2


def test_the_next_digest_starts_where_the_last_ended(world, activity):
    opt_in(world.users["service_user"])
    send()
    at(
        MORNING + timedelta(hours=3),
        ContributionFactory,
        project=world.project,
        author=member(world, "staff"),
        title="The pharmacy closes at five",
    )
    assert send(MORNING + timedelta(days=1)) == 1
    second = OutboxMessage.objects.get(dedupe_key__endswith="2031-03-13")
    assert "The pharmacy closes at five" in second.body_text
    assert "The discharge letter came a week late" not in second.body_text


def test_a_digest_carries_its_unsubscribe_link(world, activity, django_capture_on_commit_callbacks):
    opt_in(world.users["service_user"])
    send(deliver=django_capture_on_commit_callbacks)
    (email,) = mail.outbox
    assert email.message()["List-Unsubscribe"].startswith("<http")
    assert email.message()["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/unsubscribe/" in email.body


def test_batches_cost_the_same_queries_however_many_people(world):
    def people(n, tag):
        project = world.project
        users = [UserFactory() for _ in range(n)]
        for user in users:
            membership = MembershipFactory(project=project, user=user)
            at(
                YESTERDAY,
                ContributionFactory,
                project=project,
                author=membership,
                title=f"{tag} by {user.pk}",
            )
        opt_in(*users)
        return users

    people(2, "few")
    with CaptureQueriesContext(connection) as few:
        assert send(batch_size=100) == 2
    DigestSent.objects.all().delete()
    OutboxMessage.objects.all().delete()
    people(20, "many")
    with CaptureQueriesContext(connection) as many:
        assert send(batch_size=100) == 22
    assert len(many) == len(few)


def test_batches_carry_on_until_everyone_is_done(world, activity):
    opt_in(*(world.users[r] for r in ("service_user", "carer", "staff", "observer", "facilitator")))
    assert send(batch_size=2) == 5
    assert DigestSent.objects.count() == 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_person_one_digest(world, on_postgres):
    people = [MembershipFactory(project=world.project).user for _ in range(10)]
    opt_in(*people)
    ContributionFactory(project=world.project, author=member(world, "staff"), title="News")
    # Both runs pick the same people before either claims them.
    both_picked = threading.Barrier(2, timeout=10)
    picked = threading.local()
    pick = digest_services._unclaimed_people

    def pick_then_wait(*args, **kwargs):
        found = pick(*args, **kwargs)
        if not getattr(picked, "once", False):
            picked.once = True
            both_picked.wait()
        return found

    written, errors = [], []

    def run():
        try:
            written.append(digest_send())
        except Exception as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection

    with mock.patch.object(digest_services, "_unclaimed_people", pick_then_wait):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert not errors
    assert sorted(written) == [0, 10]
    assert DigestSent.objects.count() == 10
    assert OutboxMessage.objects.filter(category=EmailCategory.DIGEST).count() == 10
