from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Reports and exports built by the worker, stored privately, downloaded with a check."""

    name = "reports"
    verbose_name = "Reports"

    def ready(self):
        from dashboards.registry import register_dashboard_panel

        from .views import panel_context

        register_dashboard_panel(panel_context)
