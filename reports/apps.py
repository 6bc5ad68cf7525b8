from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Reports and exports built by the worker, stored privately, downloaded with a check."""

    name = "reports"
    verbose_name = "Reports"

    def ready(self):
        from dashboards.registry import register_dashboard_panel
        from participants.registry import register_on_leaving

        from .services import reports_remove_for_leaver
        from .views import panel_context

        register_dashboard_panel(panel_context)
        register_on_leaving(reports_remove_for_leaver)
