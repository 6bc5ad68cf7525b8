from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """People's data rights: downloading their data and deleting their account."""

    name = "privacy"
    verbose_name = "Data rights"
