"""Supports and comments carry their contribution's project, so a project's figures read
its own rows; the rows already there are given theirs."""

import django.db.models.deletion
from django.db import migrations, models


def fill_projects(apps, schema_editor):
    Contribution = apps.get_model("contributions", "Contribution")
    project_of = Contribution.objects.filter(pk=models.OuterRef("contribution_id")).values(
        "project_id"
    )
    for name in ("Support", "Comment"):
        apps.get_model("contributions", name).objects.update(
            project_id=models.Subquery(project_of[:1])
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contributions", "0004_prioritisationround_in_the_open"),
        ("projects", "0008_organisation_consent_template"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="project",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="projects.project",
            ),
        ),
        migrations.AddField(
            model_name="support",
            name="project",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="projects.project",
            ),
        ),
        migrations.RunPython(fill_projects, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="comment",
            name="project",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="projects.project",
            ),
        ),
        migrations.AlterField(
            model_name="support",
            name="project",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="projects.project",
            ),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(fields=["project", "created_at"], name="comment_project_created"),
        ),
        migrations.AddIndex(
            model_name="support",
            index=models.Index(fields=["project", "created_at"], name="support_project_created"),
        ),
    ]
