from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from codesign.languages import drop_empty_fallbacks

        from . import receivers  # noqa: F401

        drop_empty_fallbacks()
