"""The index of the project's words holds the words of what a search may find alone: neither
withdrawn nor hidden (PostgreSQL only, outside the migrations' state, as 0015 and 0018 before
it).

Every search asks for contributions neither withdrawn nor hidden (``selectors.searchable``),
and with every row in the index PostgreSQL tested both on each match it read from the table
(1,900 of them for "carer" in a board of 20,000). With only those rows in it, the index answers
both, and the table is read for the order alone; the index is smaller too, and a withdrawn or
hidden contribution's words leave it.
"""

from django.db import migrations

SEARCHABLE = "withdrawn_at IS NULL AND hidden_at IS NULL"
LIMIT_KB = 64  # as 0018 set it


def searchable_only(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in (
        "CREATE INDEX IF NOT EXISTS contribution_searchable_words ON contributions_contribution "
        f"USING gin (project_words) WITH (gin_pending_list_limit = {LIMIT_KB}) "
        f"WHERE {SEARCHABLE}",
        "DROP INDEX IF EXISTS contribution_project_words",
    ):
        schema_editor.execute(statement)


def every_row(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in (
        "CREATE INDEX IF NOT EXISTS contribution_project_words ON contributions_contribution "
        f"USING gin (project_words) WITH (gin_pending_list_limit = {LIMIT_KB})",
        "DROP INDEX IF EXISTS contribution_searchable_words",
    ):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("contributions", "0018_short_pending_lists"),
    ]

    operations = [migrations.RunPython(searchable_only, every_row)]
