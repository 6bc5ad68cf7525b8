from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "changes"
    verbose_name = "Service changes"

    def ready(self):
        from codesign.content import register_project_content

        from .models import FollowUpCheck, ServiceChange

        register_project_content(ServiceChange, links=["contributions"])
        register_project_content(FollowUpCheck, "change__project_id")
