"""The daily digest shows a former participant's ideas as the rest of Codesign does."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from digests.services import digest_send
from notifications.categories import EmailCategory
from notifications.services import email_preferences_update
from outbox.models import OutboxMessage
from participants.models import Membership
from participants.services import membership_withdraw
from privacy.services import account_delete
from tests.factories import ContributionFactory

pytestmark = pytest.mark.django_db

MORNING = datetime(2031, 3, 12, 7, 0, tzinfo=UTC)
YESTERDAY = MORNING - timedelta(hours=10)


@pytest.fixture
def idea_then_leave(world):
    member = Membership.objects.get(project=world.project, user=world.users["service_user"])
    with time_machine.travel(YESTERDAY, tick=False):
        ContributionFactory(project=world.project, author=member, title="Call the day before")
    email_preferences_update(user=world.users["carer"], choices={EmailCategory.DIGEST: True})
    return member


def digest_for(user):
    with time_machine.travel(MORNING, tick=False):
        digest_send()
    return OutboxMessage.objects.get(to=user.email, category=EmailCategory.DIGEST)


def test_a_withdrawn_members_idea_is_by_a_former_participant(world, idea_then_leave):
    membership_withdraw(membership=idea_then_leave, withdrawn_by=world.users["service_user"])
    message = digest_for(world.users["carer"])
    for body in (message.body_text, message.body_html):
        assert "Call the day before (by Former participant)" in body
        assert "Service User" not in body


def test_a_deleted_accounts_idea_shows_no_pseudonym(world, idea_then_leave):
    user = account_delete(person=world.users["service_user"], deleted_by=world.users["facilitator"])
    message = digest_for(world.users["carer"])
    for body in (message.body_text, message.body_html):
        assert "Call the day before (by Former participant)" in body
        assert user.pseudonym not in body


def test_an_active_members_name_is_still_shown(world, idea_then_leave):
    message = digest_for(world.users["carer"])
    assert "Call the day before (by Service User)" in message.body_text
