from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from outbox import registry

        from .categories import TEMPLATE_CATEGORIES, EmailCategory
        from .preferences import email_preferences_apply

        # The outbox asks these, not this app, which emails people want.
        registry.register_email_categories(categories=EmailCategory, templates=TEMPLATE_CATEGORIES)
        registry.register_email_check(email_preferences_apply)
