from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = "Participants"

    def ready(self):
        from codesign.content import register_project_content

        from .models import Membership

        register_project_content(Membership)
