"""Reading the lines of a bulk invitation:
``name, email or mobile, constituency[, role[, language]]``."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from .models import Constituency, Membership
from .validation import normalise_mobile

FORMAT = "Sam Rivers, sam@example.org, service_user"


@dataclass(frozen=True)
class InviteLine:
    full_name: str
    email: str
    mobile: str
    constituency: str
    role: str
    language: str = ""

    @property
    def address(self) -> str:
        """The email or the mobile (E.164): what makes two lines the same person."""
        return self.email.lower() or self.mobile


def _address(value: str) -> tuple[str, str]:
    """(email, "") or ("", mobile in E.164) from what was written."""
    if "@" in value:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(
                _("“%(value)s” is not an email address. Check it, or give a mobile number.")
                % {"value": value}
            ) from None
        return value, ""
    if not any(character.isdigit() for character in value):
        raise ValidationError(
            _("“%(value)s” is neither an email address nor a mobile number. Give one of them.")
            % {"value": value}
        )
    try:
        return "", normalise_mobile(value)
    except ValidationError as error:
        raise ValidationError(f"“{value}”: {' '.join(error.messages)}") from None


# What a language column may say, by its code or its name in either language.
LANGUAGE_WORDS = {
    "en": "en-gb",
    "en-gb": "en-gb",
    "english": "en-gb",
    "saesneg": "en-gb",
    "cy": "cy",
    "welsh": "cy",
    "cymraeg": "cy",
}


def _language(value: str) -> str:
    if not value:
        return ""
    language = LANGUAGE_WORDS.get(value.lower())
    if language is None:
        raise ValidationError(
            _("“%(value)s” is not a language. Use English or Cymraeg (Welsh), or leave it out.")
            % {"value": value}
        )
    return language


def parse_invite_line(line: str) -> InviteLine:
    """Check each part of one line; raise ValidationError saying what to correct."""
    parts = [part.strip() for part in line.split(",")]
    if len(parts) not in (3, 4, 5):
        raise ValidationError(
            _(
                "Write the name, the email address or mobile number, and the constituency, "
                "separated by commas, like: %(example)s"
            )
            % {"example": FORMAT}
        )
    full_name, written, constituency = parts[0], parts[1], parts[2].lower().replace(" ", "_")
    role = parts[3].lower() if len(parts) >= 4 and parts[3] else Membership.Role.PARTICIPANT
    if not full_name or "@" in full_name or len(full_name) > 150:
        raise ValidationError(
            _("Start the line with the person's name (up to 150 characters), like: %(example)s")
            % {"example": FORMAT}
        )
    email, mobile = _address(written)
    if constituency not in Constituency.values:
        raise ValidationError(
            _("“%(value)s” is not a constituency. Use one of: %(choices)s.")
            % {"value": parts[2], "choices": ", ".join(Constituency.values)}
        )
    if role not in Membership.Role.values:
        raise ValidationError(
            _("“%(value)s” is not a role. Use one of: %(choices)s.")
            % {"value": parts[3], "choices": ", ".join(Membership.Role.values)}
        )
    language = _language(parts[4] if len(parts) == 5 else "")
    return InviteLine(full_name, email, mobile, constituency, role, language)
