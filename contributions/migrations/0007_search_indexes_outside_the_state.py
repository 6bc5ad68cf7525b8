"""The search indexes (PostgreSQL only, made by 0006) leave the migrations' state: SQLite
rebuilds a table from its state when a column is added, and cannot build them. PostgreSQL
keeps them as they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("contributions", "0006_board_search"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="contribution", name=name)
                for name in (
                    "contribution_search",
                    "contribution_title_trigrams",
                    "contribution_body_trigrams",
                )
            ],
        ),
    ]
