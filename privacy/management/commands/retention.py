from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from privacy.retention import retention_kinds, retention_plan, retention_purge


class Command(BaseCommand):
    help = _("Purge what has passed its retention period (see the README's 'Your data').")

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Only count what would be purged; change nothing."),
        )

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            counts = retention_plan()
            self.stdout.write(_("Would purge (dry run, nothing changed):"))
        else:
            counts = retention_purge()
            self.stdout.write(_("Purged:"))
        for kind, label in retention_kinds().items():
            self.stdout.write(f"  {label}: {counts[kind]}")
