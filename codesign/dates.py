"""The dates a person may type: within sane bounds, wherever they are typed.

A session dated 9999-12-31 22:00 in a time zone twelve hours behind UTC is stored in year
10000, which Python cannot read back: every page showing it would fail. Codesign's dates are
about services now and in a working lifetime, so every date a person types (sessions,
targets, project dates, payments, filters) lies between ``EARLIEST`` and ``LATEST``, checked
both as typed (the organisation's time zone) and as stored (UTC): far enough from the ends
of the calendar that no later change of time zone can carry a stored value past them.

A range of days (a dashboard's, a report's) has one rule too: see ``day_range``.
"""

from datetime import UTC, date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


def _out_of_bounds(day: date) -> bool:
    return day < EARLIEST or day > LATEST


def validate_sane_date(value) -> None:
    """Refuse a date (or date and time) outside EARLIEST..LATEST."""
    if value is None:
        return
    try:
        if isinstance(value, datetime):
            # As typed first: converting a time at the calendar's end can itself overflow.
            days = [value.date()]
            if timezone.is_aware(value):
                days += [
                    value.astimezone(UTC).date(),
                    value.astimezone(timezone.get_current_timezone()).date(),
                ]
        else:
            days = [value]
        outside = any(_out_of_bounds(day) for day in days)
    except OverflowError:
        outside = True
    if outside:
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s."),
            code="date_out_of_range",
            params={"earliest": EARLIEST.year, "latest": LATEST.year},
        )


def day_range(date_from: date | None, date_to: date | None, tz=None):
    """The days ``date_from`` to ``date_to``, both included whole, as aware datetimes
    ``(start, end)`` in ``tz`` (the current time zone if not given); either may be None, for
    no bound on that side.

    The range is half-open: an instant is in it when ``start <= instant < end``. ``start`` is
    midnight beginning ``date_from``; ``end`` is midnight beginning the day after ``date_to``,
    itself outside the range. So the last instant of ``date_to`` is in, however finely the
    database keeps time, and a range ending on a day and the next one starting the day after
    share no instant. Filter with ``in_range``.
    """
    tz = tz or timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(date_from, time.min), tz) if date_from else None
    end = (
        timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min), tz)
        if date_to
        else None
    )
    return start, end


def in_range(field_name: str, start, end) -> Q:
    """Rows whose ``field_name`` lies in ``day_range``'s half-open ``[start, end)``."""
    q = Q()
    if start is not None:
        q &= Q(**{f"{field_name}__gte": start})
    if end is not None:
        q &= Q(**{f"{field_name}__lt": end})
    return q
