"""Each project's board size counted from its contributions (``Project.board_size``, kept by
``contributions.board_size`` from now on)."""

from django.db import migrations
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce


def count(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    Contribution = apps.get_model("contributions", "Contribution")
    listed = (
        Contribution.objects.filter(project=OuterRef("pk"), withdrawn_at__isnull=True)
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Project.objects.update(board_size=Coalesce(Subquery(listed), 0))


class Migration(migrations.Migration):
    dependencies = [
        ("contributions", "0015_search_words_of_the_project"),
        ("projects", "0014_board_size"),
    ]

    operations = [migrations.RunPython(count, migrations.RunPython.noop)]
