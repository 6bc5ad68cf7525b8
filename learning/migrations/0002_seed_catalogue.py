"""Give every existing organisation the starting catalogue (new ones get it when created)."""

from django.db import migrations

from learning.catalogue import STARTING_CATALOGUE


def seed(apps, schema_editor):
    Organisation = apps.get_model("projects", "Organisation")
    CatalogueItem = apps.get_model("learning", "CatalogueItem")
    for organisation in Organisation.objects.all():
        have = set(
            CatalogueItem.objects.filter(organisation=organisation).values_list("lens", "name")
        )
        CatalogueItem.objects.bulk_create(
            CatalogueItem(
                organisation=organisation,
                lens=lens,
                name=name,
                offered=offered,
                response=response,
                description=description,
            )
            for lens, name, offered, response, description in STARTING_CATALOGUE
            if (lens, name) not in have
        )


class Migration(migrations.Migration):
    dependencies = [("learning", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
