"""One writer of the zero-setup SQLite database, run as its own process by
test_sqlite_writers.py: for the given seconds it reads then writes in transactions, as a
request adding a contribution or a worker sending reminders does, and prints what happened."""

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "codesign.settings.dev")
django.setup()

from django.db import OperationalError, transaction  # noqa: E402

from audit.models import AuditEntry  # noqa: E402


def main(seconds: float, name: str) -> None:
    writes = failures = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with transaction.atomic():
                AuditEntry.objects.filter(details__writer=name).count()
                time.sleep(0.002)  # work between the read and the write
                AuditEntry.objects.create(action="consent.given", details={"writer": name})
            writes += 1
        except OperationalError as error:
            failures += 1
            print(f"failed: {error}", file=sys.stderr)
    print(f"writes={writes} failures={failures}")


if __name__ == "__main__":
    main(float(sys.argv[1]), sys.argv[2])
