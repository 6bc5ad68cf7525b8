from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = "Participants"

    def ready(self):
        from codesign.content import register_project_content

        from .models import AccessNeeds, Membership

        register_project_content(Membership)
        # Counted on a session's page for its facilitators.
        register_project_content(AccessNeeds, "membership__project_id")
