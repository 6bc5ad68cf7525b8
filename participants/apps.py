from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = "Participants"

    def ready(self):
        from django.contrib.auth import get_user_model

        from codesign.content import register_project_content

        from .models import AccessNeeds, ContactPreferences, Membership

        register_project_content(Membership)
        # Counted on a session's page for its facilitators.
        register_project_content(AccessNeeds, "membership__project_id")

        # How each person is reached, counted on the dashboards for every project they are in:
        # their preference, else email if they have an address (``dashboards.reach``).
        def projects_of_person(person_id):
            return Membership.objects.filter(user_id=person_id).values("project_id")

        register_project_content(
            ContactPreferences, lambda row: projects_of_person(row.person_id), fields=["channel"]
        )
        register_project_content(
            get_user_model(), lambda user: projects_of_person(user.pk), fields=["email"]
        )
