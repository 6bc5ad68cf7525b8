"""The one rule for a range of days (codesign.dates.day_range): from midnight beginning the
first day, up to but not including midnight beginning the day after the last, in the
organisation's time zone. Dashboards and reports both count by it."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from codesign.dates import day_range, in_range
from contributions.models import Contribution

from .factories import ContributionFactory

LONDON = ZoneInfo("Europe/London")


def test_the_range_is_half_open_over_whole_days():
    start, end = day_range(date(2026, 6, 1), date(2026, 6, 30), LONDON)
    assert start == datetime(2026, 6, 1, tzinfo=LONDON)
    assert end == datetime(2026, 7, 1, tzinfo=LONDON)


def test_either_side_may_be_open():
    assert day_range(None, None, LONDON) == (None, None)
    start, end = day_range(None, date(2026, 6, 30), LONDON)
    assert start is None and end == datetime(2026, 7, 1, tzinfo=LONDON)


def test_a_day_when_the_clocks_change_is_counted_whole():
    # 29 March 2026: the clocks go forward in London, so the day has 23 hours.
    start, end = day_range(date(2026, 3, 29), date(2026, 3, 29), LONDON)
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=23)
    assert end.utcoffset() == timedelta(hours=1)


@pytest.mark.django_db
def test_the_first_and_last_instants_are_in_and_the_next_midnight_is_out():
    at = {
        "before": datetime(2026, 5, 31, 23, 59, 59, 999999, tzinfo=LONDON),
        "first": datetime(2026, 6, 1, tzinfo=LONDON),
        "last": datetime(2026, 6, 30, 23, 59, 59, 999999, tzinfo=LONDON),
        "after": datetime(2026, 7, 1, tzinfo=LONDON),
    }
    project = ContributionFactory().project
    for title, moment in at.items():
        contribution = ContributionFactory(project=project, title=title)
        Contribution.objects.filter(pk=contribution.pk).update(created_at=moment)
    start, end = day_range(date(2026, 6, 1), date(2026, 6, 30), LONDON)
    inside = Contribution.objects.filter(project=project).filter(in_range("created_at", start, end))
    assert set(inside.values_list("title", flat=True)) == {"first", "last"}
    # The next range starts where this one ends: the midnight between is counted once.
    start, end = day_range(date(2026, 7, 1), date(2026, 7, 31), LONDON)
    following = Contribution.objects.filter(project=project).filter(
        in_range("created_at", start, end)
    )
    assert set(following.values_list("title", flat=True)) == {"after"}
