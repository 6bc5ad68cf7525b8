"""Room left on each page of contributions for the row's next version (PostgreSQL only:
``fillfactor``, outside the migrations' state, as 0010 and 0015 before it).

Every comment rewrites its contribution's row twice (its count, then its thread's version),
and neither column is in any index: PostgreSQL can write such a version beside the old one
without touching an index (a "HOT" update), but only on a page with room for it, and a page is
filled to the last byte by default. So each comment wrote a new entry into every one of the
table's seventeen indexes, the three full-text and trigram GIN indexes among them (whose pending
entries every search then reads until they are merged). With a seventh of each page kept free,
those updates stay on their page. Pages already full keep their rows until they move; the
setting applies to every page written from now on.
"""

from django.db import migrations

ROOM = 85


def leave_room(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE contributions_contribution SET (fillfactor = {ROOM})")


def fill_pages(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE contributions_contribution RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("contributions", "0016_board_sizes"),
    ]

    operations = [migrations.RunPython(leave_room, fill_pages)]
