"""Rows remembered in the process under a project's version (``codesign.content.remembered``):
asked of the database once a version, loaded afresh for each request, never inside a
transaction; and the board's stages, tags and journey steps read so."""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from codesign import content, rows
from contributions.models import Tag
from contributions.services import tag_add
from projects.models import Stage


def stages_read(project):
    return rows.many_read(Stage, order_by=("order", "id"), project_id=project.pk)


@pytest.mark.django_db(transaction=True)
def test_rows_are_asked_once_a_version_and_loaded_afresh_each_time(world):
    with CaptureQueriesContext(connection) as asked:
        first = content.remembered(stages_read(world.project), "v1").run()
        again = content.remembered(stages_read(world.project), "v1").run()
    assert len(asked) == 1
    assert (
        [s.pk for s in again]
        == [s.pk for s in first]
        == list(world.project.stages.order_by("order", "id").values_list("pk", flat=True))
    )
    assert all(a is not b for a, b in zip(first, again, strict=True))  # each request's own
    again[0].name = "Changed by one request"
    assert content.remembered(stages_read(world.project), "v1").run()[0].name != again[0].name
    with CaptureQueriesContext(connection) as asked:
        content.remembered(stages_read(world.project), "v2").run()  # another version
        content.remembered(stages_read(world.other_project), "v1").run()  # other values
    assert len(asked) == 2


@pytest.mark.django_db
def test_inside_a_transaction_rows_are_always_read(world):
    with CaptureQueriesContext(connection) as asked, transaction.atomic():
        for _ in range(2):
            content.remembered(stages_read(world.project), "v1").run()
    assert sum(q["sql"].startswith("SELECT") for q in asked.captured_queries) == 2


@pytest.mark.django_db(transaction=True)
def test_what_is_remembered_is_bounded(world, monkeypatch):
    monkeypatch.setattr(content, "REMEMBERED", 3)
    for version in range(10):
        content.remembered(stages_read(world.project), version).run()
        assert len(content._remembered) <= 3


@pytest.mark.django_db(transaction=True)
def test_a_board_worked_out_again_reads_its_tags_once_a_version(world, client):
    """With nothing kept in the cache, the board asks for the project's stages, tags and
    journey steps once a version; a tag added raises it, and the new tag is offered."""
    tag_add(project=world.project, name="Discharge")
    client.force_login(world.users["facilitator"])
    board = reverse("contributions:board", args=[world.project.pk])
    tags_table = Tag._meta.db_table

    def asked_for_tags():
        cache.clear()
        with CaptureQueriesContext(connection) as asked:
            html = client.get(board).content.decode()
        return sum(tags_table in q["sql"] for q in asked.captured_queries), html

    assert asked_for_tags()[0] == 1
    assert asked_for_tags()[0] == 0
    tag_add(project=world.project, name="Pharmacy")
    asked, html = asked_for_tags()
    assert asked == 1
    assert "Pharmacy" in html and "Discharge" in html
