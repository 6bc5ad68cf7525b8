from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    """Workshop sessions.

    The package is ``sessions/`` but Django already owns the app label ``sessions``
    (``django.contrib.sessions``, needed for sign-in), so this app's label is ``workshops``:
    templates live in ``sessions/templates/workshops/``, URLs use the ``workshops`` namespace,
    permissions are ``workshops.*`` and migrations run with ``manage.py migrate workshops``.
    Its model is ``WorkshopSession``, never ``Session``.
    """

    name = "sessions"
    label = "workshops"
    verbose_name = "Workshop sessions"

    def ready(self):
        from codesign.content import register_project_content
        from outbox import registry as outbox_registry
        from participants import registry

        from .calls.services import call_list_forget, message_failed
        from .models import (
            AgendaItem,
            Attendance,
            ExpenseClaim,
            Recognition,
            Reply,
            WorkshopSession,
        )
        from .services import access_needs_changed, replies_forget_needs
        from .text_replies import inbound_text_read

        registry.register_on_leaving(replies_forget_needs)
        registry.register_on_access_needs_saved(access_needs_changed)
        outbox_registry.register_inbound_text_handler(inbound_text_read)
        registry.register_on_leaving(call_list_forget)
        outbox_registry.register_delivery_failed(message_failed)
        register_project_content(WorkshopSession)
        register_project_content(AgendaItem, "session__project_id")
        register_project_content(Reply, "session__project_id")
        register_project_content(Attendance, "session__project_id")
        register_project_content(Recognition, "attendance__session__project_id")
        register_project_content(ExpenseClaim, "recognition__attendance__session__project_id")
