"""The migration that gives each person contact preferences carries forward the phone numbers
and addresses facilitators wrote down, and the contact choice of the access needs form, into a
channel that has what it needs."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import ProjectFactory

BEFORE = [
    ("participants", "0002_consent_welsh_and_easy_read"),
    ("accounts", "0003_user_prefers_easy_read"),
]
AFTER = [("accounts", "0004_contact_moved_to_participants")]


@pytest.mark.django_db(transaction=True)
def test_numbers_addresses_and_choices_become_contact_preferences():
    project = ProjectFactory()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User = old.get_model("accounts", "User")
    Membership = old.get_model("participants", "Membership")
    AccessNeeds = old.get_model("participants", "AccessNeeds")

    def person(name, wants="email", **fields):
        user = User.objects.create(full_name=name, **fields)
        membership = Membership.objects.create(
            project_id=project.pk, user=user, constituency="service_user", display_name=name
        )
        AccessNeeds.objects.create(membership=membership, preferred_contact=wants)
        return user.pk

    texts = person(
        "Texts",
        wants="text",
        phone="07400 123456",
        postal_address="12 Mill Lane\nRiverside RV1 2AB",
    )
    emailed = person("Emailed", wants="post", email="emailed@example.org")
    called = person("Called", wants="post", phone="0113 496 0000", postal_address="Somewhere")
    nothing = person("Nothing", wants="post")
    unreadable = person("Unreadable", phone="01632 960000")
    person("Plain", email="plain@example.org")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("participants", "ContactPreferences")
    rows = {
        row[0]: row[1:]
        for row in new.objects.values_list(
            "person_id", "channel", "mobile", "phone", "address_lines", "postcode"
        )
    }
    assert rows == {
        texts: ("text", "+447400123456", "", "12 Mill Lane\nRiverside", "RV1 2AB"),
        emailed: ("email", "", "", "", ""),
        called: ("phone_call", "", "+441134960000", "", ""),
        nothing: ("in_person", "", "", "", ""),
        unreadable: ("phone_call", "", "01632 960000", "", ""),
    }
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
