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
