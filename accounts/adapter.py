from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from outbox.services import outbox_email_rendered, outbox_text
from participants.models import ContactPreferences
from participants.validation import normalise_mobile


class AccountAdapter(DefaultAccountAdapter):
    """People join Codesign by invitation, so open sign-up is off unless a setting allows it."""

    def is_open_for_signup(self, request):
        return settings.CODESIGN_OPEN_SIGNUP

    def _get_login_attempts_cache_key(self, request, **credentials):
        """Count failed sign-ins per account *and* client address: five wrong passwords lock
        that account out from that address only, so nobody can lock a person out from
        elsewhere (each address is also limited across accounts: ``login_failed``'s ip rate)."""
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:{self.get_client_ip(request)}"

    def send_mail(self, template_prefix, email, context):
        """Send allauth's mail (sign-in codes, verification, resets) through the outbox, in
        the person's language, else the one the page is shown in."""
        language = getattr(context.get("user"), "language", "") or translation.get_language()
        with translation.override(language):
            message = self.render_mail(template_prefix, email, context)
        body_html = next(
            (
                body
                for body, mimetype in getattr(message, "alternatives", [])
                if mimetype == "text/html"
            ),
            "",
        )
        outbox_email_rendered(
            to=email, subject=message.subject, body_text=message.body, body_html=body_html
        )

    # Sign-in by a code sent by text (ACCOUNT_LOGIN_METHODS has "phone"): the number is the
    # mobile in the person's contact preferences, set by them or by their facilitator.

    def get_login_stages(self) -> list[str]:
        # Two-factor is satisfied by an organisation's provider when it says so (sso/).
        replaced = {
            "allauth.account.stages.EmailVerificationStage": (
                "accounts.stages.EmailVerificationUnlessNoEmail"
            ),
            "allauth.mfa.stages.AuthenticateStage": "sso.stages.AuthenticateUnlessProviderDid",
        }
        return [replaced.get(path, path) for path in super().get_login_stages()]

    def phone_form_field(self, **kwargs):
        """A mobile number as people write it (07400 123456), checked in clean_phone."""
        kwargs.setdefault("validators", [])
        kwargs.setdefault("label", _("Mobile number"))
        kwargs.setdefault("help_text", _("The mobile number your project has for you."))
        return super().phone_form_field(**kwargs)

    def clean_phone(self, phone: str) -> str:
        return normalise_mobile(phone)

    def get_phone(self, user):
        mobile = (
            ContactPreferences.objects.filter(person=user).values_list("mobile", flat=True).first()
        )
        # A mobile number is set by its owner or by the facilitator who has it from them.
        return (mobile, True) if mobile else None

    def set_phone(self, user, phone: str, verified: bool) -> None:
        ContactPreferences.objects.update_or_create(person=user, defaults={"mobile": phone})

    def set_phone_verified(self, user, phone: str) -> None:
        """Numbers are taken as verified when they are set (get_phone)."""

    def get_user_by_phone(self, phone: str):
        preferences = (
            ContactPreferences.objects.filter(mobile=phone, person__is_active=True)
            .select_related("person")
            .order_by("pk")
            .first()
        )
        return preferences.person if preferences else None

    def send_verification_code_sms(self, user, phone: str, code: str, **kwargs) -> None:
        """The sign-in code by text, through the outbox (GOV.UK Notify, or the console)."""
        # In the person's language, else the one the sign-in page is shown in.
        with translation.override(user.language or translation.get_language()):
            body = render_to_string("texts/sign_in_code.txt", {"code": code})
        outbox_text(phone=phone, body=body, recipient=user)

    def send_unknown_account_sms(self, phone: str, **kwargs) -> None:
        """Nothing is texted to a number nobody has: it costs, and could be used to pester."""
