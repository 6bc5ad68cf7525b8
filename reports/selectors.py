from django.utils import timezone

from .models import Report
from .rules import TEXT_KINDS


def reports_to_expire(*, now=None):
    """Built reports whose time is up: their files are deleted."""
    now = now or timezone.now()
    return Report.objects.filter(status=Report.Status.DONE, expires_at__lte=now)


def recent_reports(*, organisation, project=None, with_names: bool, limit: int | None = 10):
    """The latest reports of a scope that this person may download, newest first (their rows
    show neither the project nor the organisation, which the page names)."""
    reports = Report.objects.filter(organisation=organisation, project=project)
    if not with_names:
        # Without the team's view: neither names nor what people wrote (rules.TEXT_KINDS).
        reports = reports.filter(with_names=False).exclude(kind__in=TEXT_KINDS)
    return reports[:limit] if limit else reports
