from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class PrivacyConfig(AppConfig):
    """People's data rights: downloading their data, deleting their account, and retention.

    What each app holds of a person is declared in its ``personal_data.py``
    (``codesign.personal_data``); they are imported here, once every app is loaded."""

    name = "privacy"
    verbose_name = "Data rights"

    def ready(self):
        autodiscover_modules("personal_data")
