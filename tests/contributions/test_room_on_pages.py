"""How contributions are kept for writes that do not slow reads (PostgreSQL): room on each page
for a row's next version (contributions/migrations/0017: a comment rewrites its contribution's
count and thread version beside the old row, touching none of the table's indexes, "HOT"
updates), and short pending lists in the search's GIN indexes (0018)."""

import pytest
from django.db import connection

from contributions.conversation.services import comment_add
from contributions.models import Contribution
from tests.factories import ContributionFactory

from .conftest import member

pytestmark = pytest.mark.django_db


def updates() -> tuple[int, int]:
    """This transaction's updates of contributions so far, and how many were written beside
    the old row."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = %s",
            [Contribution._meta.db_table],
        )
        return cursor.fetchone()


def test_a_comment_rewrites_its_contribution_without_touching_an_index(
    on_postgres, world, django_capture_on_commit_callbacks
):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE relname = %s", [Contribution._meta.db_table]
        )
        assert "fillfactor=85" in cursor.fetchone()[0]
    author = member(world, "service_user")
    # Pages as full as the table leaves them: the first contribution's is.
    made = [
        ContributionFactory(project=world.project, author=author, title=f"Idea {n}", body="w" * 300)
        for n in range(40)
    ]
    (before, hot_before) = updates()
    with django_capture_on_commit_callbacks(execute=True):
        comment_add(contribution=made[0], author=member(world, "staff"), body="Yes, and sooner")
    (after, hot_after) = updates()
    made[0].refresh_from_db()
    assert made[0].comment_count == 1 and made[0].thread_version == 1
    assert after - before >= 2  # its count, then its thread's version
    assert hot_after - hot_before == after - before


def test_the_search_indexes_merge_what_waits_in_them_at_64_kb(on_postgres):
    """Every search reads a GIN index's whole pending list (contributions/migrations/0018):
    each of the search's indexes merges it at 64 kB, not PostgreSQL's 4 MB."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.reloptions FROM pg_class c JOIN pg_index i"
            " ON i.indexrelid = c.oid JOIN pg_am a ON a.oid = c.relam"
            " WHERE i.indrelid = %s::regclass AND a.amname = 'gin'",
            [Contribution._meta.db_table],
        )
        found = dict(cursor.fetchall())
    assert set(found) == {
        "contribution_searchable_words",
        "contribution_title_trigrams",
        "contribution_body_trigrams",
    }
    assert all("gin_pending_list_limit=64" in (options or []) for options in found.values())
