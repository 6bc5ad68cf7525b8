from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """People's data rights: downloading their data, deleting their account, and retention."""

    name = "privacy"
    verbose_name = "Data rights"
