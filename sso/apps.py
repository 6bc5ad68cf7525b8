from django.apps import AppConfig


class SsoConfig(AppConfig):
    """Single sign-on for an organisation's staff through its own OpenID Connect provider
    (Microsoft Entra ID, Google Workspace, Okta...), by allauth's openid_connect provider."""

    name = "sso"
    verbose_name = "Single sign-on"

    def ready(self):
        from . import receivers  # noqa: F401
