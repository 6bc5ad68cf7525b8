from celery import shared_task

from . import services


@shared_task
def reports_expire_task():
    """Hourly: delete the files of expired reports and fail builds that were interrupted."""
    return services.reports_expire()
