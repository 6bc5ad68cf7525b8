"""The migration that splits "activity" into one email category per kind of news carries
each person's choice forward: whoever had switched activity off has each of its kinds off."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("notifications", "0003_change_kind")]
AFTER = [("notifications", "0004_email_categories_per_event")]


@pytest.mark.django_db(transaction=True)
def test_a_choice_about_activity_becomes_the_same_choice_about_each_kind():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    # Only notifications went back: people are made with today's model.
    quiet = get_user_model().objects.create(email="quiet@example.org")
    keen = get_user_model().objects.create(email="keen@example.org")
    EmailPreference = old.get_model("notifications", "EmailPreference")
    EmailPreference.objects.create(user_id=quiet.pk, category="activity", enabled=False)
    EmailPreference.objects.create(user_id=keen.pk, category="sessions", enabled=False)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("notifications", "EmailPreference")
    rows = set(new.objects.values_list("user_id", "category", "enabled"))
    assert rows == {
        (quiet.pk, "replies", False),
        (quiet.pk, "ideas", False),
        (quiet.pk, "rounds", False),
        (quiet.pk, "follow_ups", False),
        (keen.pk, "sessions", False),
    }
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
