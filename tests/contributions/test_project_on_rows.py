"""Supports and comments carry their contribution's project: the rows made before the column
are given it by the migration, the services fill it, and a row of another project is refused."""

import pytest
from django.contrib.postgres.operations import TrigramExtension
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import F
from django.utils import timezone

from contributions.conversation.services import comment_add
from contributions.models import Comment, Support
from contributions.services import support_toggle
from tests.factories import ContributionFactory, ProjectFactory

from .conftest import member


@pytest.fixture(autouse=True)
def no_extensions_outside_postgresql(monkeypatch):
    """Going back past the search migration drops pg_trgm, and Django asks PostgreSQL's
    catalogue whether it is there even on SQLite, which has no extensions to drop."""
    if connection.vendor != "postgresql":
        monkeypatch.setattr(TrigramExtension, "database_backwards", lambda *args: None)


BEFORE = [("contributions", "0004_prioritisationround_in_the_open")]
AFTER = [("contributions", "0005_project_on_supports_and_comments")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_supports_and_comments_their_contributions_project(world):
    other = ContributionFactory(
        project=ProjectFactory(organisation=world.project.organisation),
        author=member(world, "staff"),
        kind="idea",
    )
    idea = ContributionFactory(project=world.project, author=member(world, "staff"), kind="idea")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    OldSupport = old.get_model("contributions", "Support")
    OldComment = old.get_model("contributions", "Comment")
    for contribution in (idea, other):
        for role in ("service_user", "carer"):
            membership = member(world, role)
            OldSupport.objects.create(
                contribution_id=contribution.pk,
                membership_id=membership.pk,
                constituency=membership.constituency,
            )
            OldComment.objects.create(
                contribution_id=contribution.pk,
                author_id=membership.pk,
                constituency=membership.constituency,
                body="Yes",
            )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    for name in ("Support", "Comment"):
        rows = new.get_model("contributions", name).objects.values_list(
            "contribution_id", "project_id"
        )
        assert sorted(rows) == sorted(
            [(idea.pk, world.project.pk)] * 2 + [(other.pk, other.project_id)] * 2
        )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db
def test_services_give_supports_and_comments_the_contributions_project(world):
    idea = ContributionFactory(project=world.project, author=member(world, "staff"), kind="idea")
    support_toggle(contribution=idea, membership=member(world, "service_user"), support=True)
    comment = comment_add(contribution=idea, author=member(world, "carer"), body="Yes")
    reply = comment_add(
        contribution=idea, author=member(world, "staff"), body="Thanks", parent=comment
    )
    assert Support.objects.get().project_id == world.project.pk
    assert {comment.project_id, reply.project_id} == {world.project.pk}
    # Every row's project is its contribution's, in the database.
    for model in (Support, Comment):
        assert not model.objects.exclude(project=F("contribution__project")).exists()


@pytest.mark.django_db
def test_a_row_given_another_projects_id_is_refused(world):
    idea = ContributionFactory(project=world.project, author=member(world, "staff"), kind="idea")
    elsewhere = ProjectFactory(organisation=world.project.organisation)
    membership = member(world, "carer")
    comment = Comment(
        contribution=idea,
        project=elsewhere,
        author=membership,
        constituency=membership.constituency,
        body="Yes",
    )
    with pytest.raises(ValidationError):
        comment.full_clean()
    # Made without one, a row takes its contribution's.
    support = Support.objects.create(
        contribution=idea, membership=membership, constituency=membership.constituency
    )
    assert support.project_id == world.project.pk


@pytest.mark.django_db(transaction=True)
def test_the_migration_counts_the_supports_and_comments_already_there(world):
    idea = ContributionFactory(project=world.project, author=member(world, "staff"), kind="idea")
    before = [("contributions", "0007_search_indexes_outside_the_state")]
    after = [("contributions", "0008_contribution_counts")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    for role in ("service_user", "carer", "staff"):
        membership = member(world, role)
        old.get_model("contributions", "Support").objects.create(
            contribution_id=idea.pk,
            project_id=world.project.pk,
            membership_id=membership.pk,
            constituency=membership.constituency,
        )
        old.get_model("contributions", "Comment").objects.create(
            contribution_id=idea.pk,
            project_id=world.project.pk,
            author_id=membership.pk,
            constituency=membership.constituency,
            body="Yes",
            withdrawn_at=timezone.now() if role == "staff" else None,
        )

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps.get_model("contributions", "Contribution")
    assert new.objects.values_list("support_count", "comment_count").get(pk=idea.pk) == (3, 2)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
