from celery import shared_task

from . import services


@shared_task
def reports_expire_task():
    """Hourly: delete the files of expired reports."""
    return services.reports_expire()


@shared_task
def reports_reclaim_task():
    """Every minute: build again (or fail) the builds whose worker stopped renewing its lease."""
    return services.reports_reclaim()
