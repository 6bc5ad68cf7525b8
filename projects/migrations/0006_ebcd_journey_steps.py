"""Give every existing EBCD project the default journey, as a new EBCD project gets it."""

from django.db import migrations

# Written out, not imported from projects.methods: a migration keeps what it did when written.
EBCD_JOURNEY = [
    "Being told about the appointment",
    "Getting there",
    "Arriving",
    "Waiting",
    "Being seen",
    "Going home",
]


def seed_journeys(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    JourneyStep = apps.get_model("projects", "JourneyStep")
    projects = Project.objects.filter(method="ebcd", journey_steps__isnull=True)
    JourneyStep.objects.bulk_create(
        JourneyStep(project_id=project_id, name=name, order=order)
        for project_id in projects.values_list("pk", flat=True)
        for order, name in enumerate(EBCD_JOURNEY, start=1)
    )


class Migration(migrations.Migration):
    dependencies = [("projects", "0005_journeystep")]

    operations = [migrations.RunPython(seed_journeys, migrations.RunPython.noop)]
