from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    name = "contributions"
    verbose_name = "Contributions"

    def ready(self):
        from codesign.content import register_project_content
        from participants import registry

        from .models import Comment, Contribution, Support, Tag
        from .services import experiences_withdraw_for_leaver

        registry.register_on_leaving(experiences_withdraw_for_leaver)
        register_project_content(Contribution, links=["tags", "sources"])
        register_project_content(Tag)
        register_project_content(Comment, tally="comments")
        register_project_content(Support, tally="supports")
