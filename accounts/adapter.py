from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from outbox.services import outbox_email_rendered


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
        """Send allauth's mail (sign-in codes, verification, resets) through the outbox."""
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
