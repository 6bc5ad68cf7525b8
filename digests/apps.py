from django.apps import AppConfig


class DigestsConfig(AppConfig):
    """The daily digest: news of a person's projects, read from the domain apps and sent by
    beat through the outbox. Its claims (``DigestSent``) and the choice to get it are kept by
    ``notifications``."""

    name = "digests"
    verbose_name = "Daily digest"
