from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from codesign import access
        from outbox import registry

        from .categories import TEMPLATE_CATEGORIES, EmailCategory
        from .preferences import email_preferences_apply
        from .selectors import unread_count, unread_count_sql

        # The outbox asks these, not this app, which emails people want.
        registry.register_email_categories(categories=EmailCategory, templates=TEMPLATE_CATEGORIES)
        registry.register_email_check(email_preferences_apply)
        # Every page shows the bell with the person's unread count.
        access.register_person_state("unread_notifications", unread_count, unread_count_sql)
