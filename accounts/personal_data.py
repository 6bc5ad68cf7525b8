"""What accounts hold of a person: the account itself, and allauth's addresses and second
factors for it (see codesign/personal_data.py)."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator

from codesign import personal_data
from codesign.personal_data import PSEUDONYM, Section, when

from .models import User


def _account(user) -> dict:
    return {
        "email": user.email or "",
        "full_name": user.full_name,
        "prefers_easy_read": user.prefers_easy_read,
        "language": user.language,
        "date_joined": when(user.date_joined),
        "last_login": when(user.last_login),
    }


# The row stays, so that payment records and audit entries point somewhere; privacy's
# account_delete also ends its sign-in and its roles.
personal_data.register(
    User,
    person="pk",
    download=Section(
        "account",
        about=(
            "your account: name, email, language, whether you asked for easy read, "
            "when you joined and last signed in"
        ),
        read=_account,
    ),
    erase=personal_data.redact(
        {
            "email": None,
            "full_name": "",
            "prefers_easy_read": False,
            "pseudonym": PSEUDONYM,
        }
    ),
)
personal_data.register(
    EmailAddress,
    person="user",
    download=Section(
        "account.email_addresses",
        about="the email addresses of your account, and whether each is verified",
        row=lambda e: {"email": e.email, "verified": e.verified, "primary": e.primary},
    ),
    erase=personal_data.delete(),
)
personal_data.register(
    Authenticator,
    person="user",
    download=Section(
        "account.two_factor_methods",
        about="the kinds of two-factor sign-in you set up (never their secrets)",
        row=lambda authenticator: authenticator.type,
        collect=lambda types: sorted(set(types)),
    ),
    erase=personal_data.delete(),
)
