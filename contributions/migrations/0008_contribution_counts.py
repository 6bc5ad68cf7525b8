"""Each contribution keeps how many supports and comments (not withdrawn) it has, counted
here for the rows already there and kept by the services from now on."""

from django.db import migrations, models
from django.db.models.functions import Coalesce


def count(apps, schema_editor):
    Contribution = apps.get_model("contributions", "Contribution")
    Support = apps.get_model("contributions", "Support")
    Comment = apps.get_model("contributions", "Comment")

    def counted(rows):
        return Coalesce(
            models.Subquery(
                rows.filter(contribution=models.OuterRef("pk"))
                .order_by()
                .values("contribution")
                .annotate(n=models.Count("pk"))
                .values("n")[:1]
            ),
            0,
        )

    Contribution.objects.update(
        support_count=counted(Support.objects.all()),
        comment_count=counted(Comment.objects.filter(withdrawn_at__isnull=True)),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contributions", "0007_search_indexes_outside_the_state"),
    ]

    operations = [
        migrations.AddField(
            model_name="contribution",
            name="comment_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="contribution",
            name="support_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(count, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="contribution",
            index=models.Index(
                condition=models.Q(("withdrawn_at__isnull", True)),
                fields=["project", "-support_count", "-created_at", "-id"],
                name="contribution_board_supported",
            ),
        ),
    ]
