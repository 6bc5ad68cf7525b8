from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    name = "contributions"
    verbose_name = "Contributions"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from codesign.content import register_content_count, register_project_content
        from participants import registry

        from . import board_size, member_tallies
        from .conversation import services as conversation_services
        from .models import Comment, Contribution, Support, Tag
        from .services import experiences_withdraw_for_leaver

        registry.register_on_leaving(experiences_withdraw_for_leaver)
        register_project_content(Contribution, links=["tags", "sources"])
        register_content_count(board_size.recount)
        register_project_content(Tag)
        register_project_content(Comment, tally="comments")
        register_project_content(Support, tally="supports")
        # A comment written or deleted raises its contribution's thread version.
        for signal in (post_save, post_delete):
            signal.connect(
                conversation_services.comment_written,
                sender=Comment,
                dispatch_uid=f"thread-changed-{signal is post_save}",
            )
        # Each member's supports and comments counted again after each is written or deleted.
        for model, changed in (
            (Support, member_tallies.support_changed),
            (Comment, member_tallies.comment_changed),
        ):
            uid = f"member-tally-{model._meta.label}"
            post_save.connect(changed, sender=model, dispatch_uid=uid)
            post_delete.connect(changed, sender=model, dispatch_uid=uid)
