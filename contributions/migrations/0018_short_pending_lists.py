"""The search's GIN indexes merge what is written into them once 64 kB of it waits (PostgreSQL
only, outside the migrations' state, as 0007 and 0015 before it).

A GIN index takes a row's new entries into a pending list, merged into the index by vacuum or
once the list passes ``gin_pending_list_limit`` (4 MB by default), and every search reads the
whole list as it stands: 600 rows rewritten by supports (a support rewrites its contribution,
never beside the old row: its count is in the board's "most supported" index) left 67 pages
that made a search of 200,000 a tenth slower, and 4 MB is about five hundred. Kept to 64 kB,
the list is merged by the write that fills it, a few milliseconds once in about seventy, and a
search reads eight pages at most.
"""

from django.db import migrations

INDEXES = ("contribution_project_words", "contribution_title_trigrams", "contribution_body_trigrams")
LIMIT_KB = 64


def short_lists(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in INDEXES:
            schema_editor.execute(f"ALTER INDEX {index} SET (gin_pending_list_limit = {LIMIT_KB})")


def default_lists(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in INDEXES:
            schema_editor.execute(f"ALTER INDEX {index} RESET (gin_pending_list_limit)")


class Migration(migrations.Migration):
    dependencies = [
        ("contributions", "0017_room_on_each_page"),
    ]

    operations = [migrations.RunPython(short_lists, default_lists)]
