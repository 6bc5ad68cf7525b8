"""What single sign-on holds of a person: the link between their account and their identity at
their organisation's provider (allauth's SocialAccount), with the claims of their last sign-in.
The organisation's settings hold nothing of anyone (see codesign/personal_data.py)."""

from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken

from codesign import personal_data
from codesign.personal_data import Section, when

from .models import EmailDomain, SingleSignOn

personal_data.holds_none(SingleSignOn, EmailDomain, SocialApp)
personal_data.register(
    SocialAccount,
    person="user",
    download=Section(
        "account.single_sign_on",
        about=(
            "your identity at your organisation's sign-in service, as it last told Codesign "
            "(your email address, name and how you signed in)"
        ),
        row=lambda account: {
            "provider": account.provider,
            "subject": account.uid,
            "last_sign_in": when(account.last_login),
            "claims": account.extra_data,
        },
    ),
    erase=personal_data.delete(),
)
# Not kept (SOCIALACCOUNT_STORE_TOKENS is off); declared so that any row would go with its account.
personal_data.register(SocialToken, person="account__user", erase=personal_data.delete())
