from django.apps import AppConfig


class LearningConfig(AppConfig):
    """Learning across projects: the organisation's catalogue of mechanisms, management
    practices, contexts and power relations, the CMO records coded against it, and its
    programme theory. A read-and-analysis layer above the domain apps: nothing below imports it.
    """

    name = "learning"
    verbose_name = "Learning"

    def ready(self):
        from django.db.models.signals import post_save

        from projects.models import Organisation

        from .services import catalogue_seed_on_create

        # A new organisation starts with the synthesis's catalogue, as the existing ones did
        # (learning/migrations/0002). Registered here, so projects/ knows nothing of learning.
        post_save.connect(
            catalogue_seed_on_create, sender=Organisation, dispatch_uid="learning_catalogue_seed"
        )
