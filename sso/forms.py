import os
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .discovery import discovery_fetch, issuer_check_scheme
from .models import EmailDomain, SingleSignOn

DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class SingleSignOnForm(forms.Form):
    """An organisation's provider: what its admin copies from the provider's registration of
    Codesign. The secret is never shown back; leaving it empty keeps the one set."""

    enabled = forms.BooleanField(
        label=_("Staff sign in with this provider"),
        required=False,
        help_text=_(
            "When ticked, people whose email address is in one of the domains below are sent "
            "to the provider to sign in."
        ),
    )
    issuer = forms.URLField(
        label=_("Issuer URL"),
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text=_(
            "For Microsoft Entra ID: https://login.microsoftonline.com/<tenant ID>/v2.0. "
            "Codesign reads the provider's discovery document from it when you save."
        ),
    )
    client_id = forms.CharField(
        label=_("Client ID"),
        required=False,
        max_length=200,
        help_text=_("Entra ID calls it the Application (client) ID."),
    )
    client_secret = forms.CharField(
        label=_("Client secret"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    client_secret_env = forms.CharField(
        label=_("Or: the environment variable holding the secret"),
        required=False,
        max_length=100,
        help_text=_(
            "The name of a variable set on Codesign's server, if your hosting keeps the secret "
            "there instead. Leave empty to use the secret above."
        ),
    )
    domains = forms.CharField(
        label=_("Email domains"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line, like nhs.net or riverside.nhs.uk."),
    )
    trust_provider_two_factor = forms.BooleanField(
        label=_("The provider's two-factor authentication counts"),
        required=False,
        help_text=_(
            "When the provider says it checked a second factor, Codesign asks for no code of "
            "its own. Otherwise people with a role that needs two-factor also use Codesign's."
        ),
    )
    email_always_verified = forms.BooleanField(
        label=_("Treat the provider's email addresses as verified"),
        required=False,
        help_text=_(
            "Entra ID does not say whether an address is verified. Tick this only for a "
            "provider that serves your organisation alone (an Entra ID tenant's own issuer)."
        ),
    )

    def __init__(self, *args, instance: SingleSignOn, **kwargs):
        self.instance = instance
        kwargs["initial"] = {
            "enabled": instance.enabled,
            "issuer": instance.issuer,
            "client_id": instance.client_id,
            "client_secret_env": instance.client_secret_env,
            "domains": "\n".join(instance.domain_names) if instance.pk else "",
            "trust_provider_two_factor": instance.trust_provider_two_factor,
            "email_always_verified": instance.email_always_verified,
            **kwargs.get("initial", {}),
        }
        super().__init__(*args, **kwargs)
        self.fields["client_secret"].help_text = (
            _("A secret is set. Leave this empty to keep it.")
            if instance.client_secret_encrypted
            else _("None is set yet.")
        )

    def clean_issuer(self):
        issuer = self.cleaned_data["issuer"].strip()
        if issuer:
            issuer_check_scheme(issuer)
        return issuer

    def clean_client_secret_env(self):
        name = self.cleaned_data["client_secret_env"].strip()
        if name and not re.fullmatch(r"[A-Z_][A-Z0-9_]*", name):
            raise ValidationError(
                _("Write the name in capital letters, digits and underscores, like SSO_SECRET.")
            )
        if name and not os.environ.get(name):
            raise ValidationError(_("No variable of that name is set on Codesign's server."))
        return name

    def clean_domains(self):
        domains = []
        for line in self.cleaned_data["domains"].split():
            domain = line.strip().lower().lstrip("@")
            if not DOMAIN.match(domain):
                raise ValidationError(
                    _("“%(domain)s” is not an email domain."), params={"domain": line}
                )
            if domain not in domains:
                domains.append(domain)
        taken = (
            EmailDomain.objects.filter(domain__in=domains)
            .exclude(single_sign_on__organisation_id=self.instance.organisation_id)
            .values_list("domain", flat=True)
        )
        if taken:
            raise ValidationError(
                _("Another organisation here signs in %(domains)s: a domain has one provider."),
                params={"domains": ", ".join(sorted(taken))},
            )
        return domains

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("client_secret") and cleaned.get("client_secret_env"):
            self.add_error(
                "client_secret_env",
                _("Give the secret or the name of a variable that holds it, not both."),
            )
        if cleaned.get("enabled") and not self.errors:
            self._check_complete(cleaned)
        return cleaned

    def _check_complete(self, cleaned):
        """Everything a sign-in needs, and a provider that answers, before it is switched on."""
        needed = {
            "issuer": _("Enter the issuer URL to switch single sign-on on."),
            "client_id": _("Enter the client ID to switch single sign-on on."),
            "domains": _("Enter at least one email domain to switch single sign-on on."),
        }
        for name, message in needed.items():
            if not cleaned.get(name):
                self.add_error(name, message)
        has_secret = (
            cleaned.get("client_secret")
            or cleaned.get("client_secret_env")
            or self.instance.client_secret()
        )
        if not has_secret:
            self.add_error(
                "client_secret",
                _("Enter the client secret (or name its variable) to switch single sign-on on.")
                if not self.instance.client_secret_encrypted
                else _("The secret kept here can no longer be read. Enter it again."),
            )
        if not self.errors:
            try:
                discovery_fetch(cleaned["issuer"])
            except ValidationError as error:
                self.add_error("issuer", error)


class SignInStartForm(forms.Form):
    """The address a member of staff signs in with: its domain names their organisation."""

    email = forms.EmailField(
        label=_("Your work email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
