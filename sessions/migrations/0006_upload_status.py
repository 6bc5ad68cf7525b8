"""Uploaded pictures are processed by the worker and shown once ready.

Photos and receipts already stored were stripped when they were uploaded, so they are ready;
anything added from now on starts as being processed.
"""

from django.db import migrations, models

CHOICES = [
    ("processing", "Being processed"),
    ("ready", "Ready"),
    ("failed", "Could not be read"),
]


def status(label, default):
    return models.CharField(label, max_length=20, choices=CHOICES, default=default)


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0005_repair_dates_out_of_bounds"),
    ]

    operations = [
        migrations.AddField(
            model_name="sessionphoto",
            name="image_status",
            field=status("image status", "ready"),
        ),
        migrations.AlterField(
            model_name="sessionphoto",
            name="image_status",
            field=status("image status", "processing"),
        ),
        migrations.AddField(
            model_name="expenseclaim",
            name="receipt_status",
            field=status("receipt status", "ready"),
        ),
        migrations.AlterField(
            model_name="expenseclaim",
            name="receipt_status",
            field=status("receipt status", "processing"),
        ),
    ]
