"""The board searches one project's contributions: on PostgreSQL a GIN index of the project
and the words together (btree_gin) lets it find a project's matches without testing each of
the project's rows. Outside the migrations' state, as the other search indexes (0007)."""

from django.db import migrations

INDEX = "contribution_project_search"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON contributions_contribution USING gin "
        "(project_id, to_tsvector('simple'::regconfig, "
        "COALESCE(title, '') || ' ' || COALESCE(body, '')))"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("contributions", "0008_contribution_counts"),
    ]

    operations = [migrations.RunPython(create, drop)]
