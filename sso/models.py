import os

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import crypto

PROVIDER_PREFIX = "org-"


class SingleSignOnQuerySet(models.QuerySet):
    def enabled(self):
        return self.filter(enabled=True).select_related("organisation")


class SingleSignOn(models.Model):
    """An organisation's OpenID Connect provider, through which its staff sign in."""

    organisation = models.OneToOneField(
        "projects.Organisation", on_delete=models.CASCADE, related_name="single_sign_on"
    )
    enabled = models.BooleanField(_("staff sign in with this provider"), default=False)
    issuer = models.URLField(_("issuer URL"), max_length=300, blank=True)
    client_id = models.CharField(_("client ID"), max_length=200, blank=True)
    # Encrypted (crypto.py); never shown back, only whether one is set.
    client_secret_encrypted = models.TextField(blank=True, editable=False)
    client_secret_env = models.CharField(
        _("environment variable holding the client secret"),
        max_length=100,
        blank=True,
        validators=[
            RegexValidator(
                r"^[A-Z_][A-Z0-9_]*$",
                _("Write the name in capital letters, digits and underscores, like SSO_SECRET."),
            )
        ],
    )
    trust_provider_two_factor = models.BooleanField(
        _("the provider's two-factor counts"), default=False
    )
    email_always_verified = models.BooleanField(
        _("the provider's email addresses are verified"), default=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = SingleSignOnQuerySet.as_manager()

    class Meta:
        verbose_name = _("single sign-on")
        verbose_name_plural = _("single sign-on settings")

    def __str__(self):
        return f"{self.organisation} – {self.issuer or '–'}"

    @property
    def provider_id(self) -> str:
        """The name allauth knows this provider by (in its URLs and SocialAccount rows)."""
        return f"{PROVIDER_PREFIX}{self.organisation_id}"

    def client_secret(self) -> str | None:
        """The secret: from the named environment variable, else the one kept encrypted.
        None when neither gives one."""
        if self.client_secret_env:
            return os.environ.get(self.client_secret_env) or None
        if self.client_secret_encrypted:
            return crypto.decrypt(self.client_secret_encrypted)
        return None

    @property
    def domain_names(self) -> list[str]:
        return sorted(domain.domain for domain in self.domains.all())


class EmailDomain(models.Model):
    """An email domain whose people sign in through one organisation's provider."""

    single_sign_on = models.ForeignKey(
        SingleSignOn, on_delete=models.CASCADE, related_name="domains"
    )
    # Lower case; one organisation's alone, so an address never has two providers.
    domain = models.CharField(_("email domain"), max_length=253, unique=True)

    class Meta:
        ordering = ["domain"]

    def __str__(self):
        return self.domain
