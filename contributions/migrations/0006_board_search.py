"""The board's indexes: newest first within a project, and its search on PostgreSQL (the
words of title and text, and their trigrams for short words). SQLite gets the first alone:
it searches without an index (contributions.selectors.search)."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.functions.text
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models


class AddPostgresIndex(migrations.AddIndex):
    """An index only PostgreSQL can build; elsewhere the state has it and the table does not."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def trigrams(field):
    return django.contrib.postgres.indexes.OpClass(
        django.db.models.functions.text.Upper(field), name="gin_trgm_ops"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contributions", "0005_project_on_supports_and_comments"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddIndex(
            model_name="contribution",
            index=models.Index(
                condition=models.Q(("withdrawn_at__isnull", True)),
                fields=["project", "-created_at", "-id"],
                name="contribution_board_newest",
            ),
        ),
        AddPostgresIndex(
            model_name="contribution",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.search.SearchVector("title", "body", config="simple"),
                name="contribution_search",
            ),
        ),
        AddPostgresIndex(
            model_name="contribution",
            index=django.contrib.postgres.indexes.GinIndex(
                trigrams("title"), name="contribution_title_trigrams"
            ),
        ),
        AddPostgresIndex(
            model_name="contribution",
            index=django.contrib.postgres.indexes.GinIndex(
                trigrams("body"), name="contribution_body_trigrams"
            ),
        ),
    ]
