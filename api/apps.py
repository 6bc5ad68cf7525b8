from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The read-only API (/api/v1/) for the organisation's other systems, and the tokens its
    admins make for them. A read-side app at the top of the house: nothing imports it."""

    name = "api"
    verbose_name = "API"

    def ready(self):
        from audit.counts import register_count

        # A burst's count of calls shows beside its entry in the audit log.
        register_count("api_burst")
