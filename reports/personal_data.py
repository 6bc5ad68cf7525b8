"""What reports hold of a person: who asked for one, and files that may name people until
they expire (see codesign/personal_data.py)."""

from django.utils.translation import gettext_lazy

from codesign import personal_data

from .models import Report
from .selectors import reports_to_expire
from .services import reports_expire


def _expire(reports, now) -> int:
    # Also fails builds that never finished, as the hourly expiry does.
    return reports_expire(now=now)["expired"]


personal_data.register(
    Report,
    person="requested_by",
    erase=personal_data.keep("the report's record stays; who asked is named by pseudonym alone"),
    retain=(
        personal_data.Retention(
            kind="reports",
            label=gettext_lazy("Files of expired reports"),
            due=lambda now: reports_to_expire(now=now),
            organisation="organisation",
            then=_expire,
        ),
    ),
)
