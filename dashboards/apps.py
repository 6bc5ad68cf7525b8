from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    """Dashboards: what changed, how fast, and whether service users and staff took part alike."""

    name = "dashboards"
    verbose_name = "Dashboards"
