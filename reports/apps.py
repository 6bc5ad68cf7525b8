from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Reports and exports built by the worker, stored privately, downloaded with a check."""

    name = "reports"
    verbose_name = "Reports"
