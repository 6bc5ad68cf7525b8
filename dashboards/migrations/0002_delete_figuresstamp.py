# Dashboard figures are now kept under the projects' content versions (codesign.content).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0001_figures_stamp"),
        ("projects", "0003_project_content_version"),
    ]

    operations = [
        migrations.DeleteModel(name="FiguresStamp"),
    ]
