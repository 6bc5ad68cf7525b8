"""Find the dates typed before they were bounded (codesign/dates.py) that lie outside 2000 to
2100, report them, and bring them back: such a session is cancelled with its times moved to
the bound (a year-10000 time breaks every page that shows it); other such dates are cleared.
Only ids are read, so rows Python cannot load are repaired by UPDATE alone."""

from datetime import UTC, datetime, timedelta

from django.db import migrations
from django.db.models import Q

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 12, 31, tzinfo=UTC)
OUT = "Its date was outside 2000 to 2100 and could not be shown. Check it and schedule again."


def _report(model, ids):
    if ids:
        print(f"\n  {model}: {len(ids)} with a date outside 2000-2100 repaired: {ids[:20]}")


def repair(apps, schema_editor):
    WorkshopSession = apps.get_model("workshops", "WorkshopSession")
    for bound, late in ((EARLIEST, False), (LATEST, True)):
        outside = (
            Q(starts_at__gt=LATEST) | Q(ends_at__gt=LATEST)
            if late
            else Q(starts_at__lt=EARLIEST) | Q(ends_at__lt=EARLIEST)
        )
        ids = list(WorkshopSession.objects.filter(outside).values_list("pk", flat=True))
        _report("workshop sessions", ids)
        WorkshopSession.objects.filter(pk__in=ids).update(
            starts_at=bound - timedelta(hours=1) if late else bound,
            ends_at=bound if late else bound + timedelta(hours=1),
            status="cancelled",
            cancel_reason=OUT,
        )
    dated = [
        ("changes", "ServiceChange", "target_date"),
        ("changes", "ServiceChange", "implemented_on"),
        ("projects", "Stage", "starts_on"),
        ("projects", "Stage", "ends_on"),
        ("workshops", "Recognition", "paid_on"),
    ]
    for app, name, field in dated:
        model = apps.get_model(app, name)
        outside = Q(**{f"{field}__lt": EARLIEST.date()}) | Q(**{f"{field}__gt": LATEST.date()})
        ids = list(model.objects.filter(outside).values_list("pk", flat=True))
        _report(f"{name}.{field}", ids)
        model.objects.filter(pk__in=ids).update(**{field: None})


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0004_dates_within_bounds"),
        ("changes", "0002_dates_within_bounds"),
        ("projects", "0004_stage_dates_within_bounds"),
    ]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
