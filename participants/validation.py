"""Checking and normalising the ways to reach a person: phone numbers (stored in E.164, UK by
default) and postal addresses as GOV.UK Notify's letters accept them.

Notify takes an address as 3 to 7 lines, the last a real UK postcode. We also keep each line to
35 characters, so that every line fits the window of a DL or C5 envelope without wrapping.
"""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT_REGION = "GB"
ADDRESS_MIN_LINES = 2  # before the postcode: Notify needs 3 lines with it
ADDRESS_MAX_LINES = 6  # before the postcode: Notify takes 7 with it
ADDRESS_LINE_MAX_LENGTH = 35

# The shapes of UK postcodes (outward code, then inward code), and GIR 0AA.
_POSTCODE = re.compile(r"^(GIR ?0AA|[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})$")

_TOO_SHORT = (
    phonenumbers.ValidationResult.TOO_SHORT,
    phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY,
)


def _parse(value: str) -> phonenumbers.PhoneNumber:
    try:
        number = phonenumbers.parse(value, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError(
            _("Enter a phone number using digits, like 07400 123456 or 0113 496 0000."),
            code="not_a_number",
        ) from None
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason in _TOO_SHORT:
        raise ValidationError(
            _("This number is too short. A UK number has 11 digits, starting with 0."),
            code="too_short",
        )
    if reason == phonenumbers.ValidationResult.TOO_LONG:
        raise ValidationError(
            _("This number is too long. A UK number has 11 digits, starting with 0."),
            code="too_long",
        )
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE or not phonenumbers.is_valid_number(
        number
    ):
        raise ValidationError(
            _("This is not a phone number in use. Check the digits and the area code."),
            code="invalid",
        )
    return number


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_phone(value: str) -> str:
    """Any phone number a facilitator can call, in E.164 (`+441134960000`)."""
    return _e164(_parse(value.strip()))


def normalise_mobile(value: str) -> str:
    """A mobile number that can receive text messages, in E.164 (`+447400123456`)."""
    number = _parse(value.strip())
    kind = phonenumbers.number_type(number)
    if kind not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise ValidationError(
            _(
                "This is a landline or another kind of number that cannot receive text "
                "messages. Enter a mobile number (in the UK it starts with 07)."
            ),
            code="not_mobile",
        )
    return _e164(number)


def display_phone(value: str) -> str:
    """A stored E.164 number as people write it (`07400 123456`; international abroad)."""
    try:
        number = phonenumbers.parse(value, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return value
    if not phonenumbers.is_valid_number(number):
        return value  # kept as written before numbers were checked
    if phonenumbers.region_code_for_number(number) == DEFAULT_REGION:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def normalise_postcode(value: str) -> str:
    """A UK postcode in capitals with one space before the last three characters."""
    compact = re.sub(r"\s+", "", value).upper()
    if not _POSTCODE.match(compact):
        raise ValidationError(
            _("Enter a UK postcode, like RV1 2AB."),
            code="postcode",
        )
    return f"{compact[:-3]} {compact[-3:]}"


def address_lines(value: str) -> list[str]:
    """The address's lines, trimmed, without empty ones."""
    return [line.strip() for line in value.splitlines() if line.strip()]


def normalise_address_lines(value: str) -> str:
    """The lines of an address before its postcode, one per line; raise if a letter could not
    carry them."""
    lines = address_lines(value)
    if len(lines) < ADDRESS_MIN_LINES:
        raise ValidationError(
            _(
                "Write at least %(count)d lines before the postcode: for example the house "
                "and street, then the town."
            )
            % {"count": ADDRESS_MIN_LINES},
            code="too_few_lines",
        )
    if len(lines) > ADDRESS_MAX_LINES:
        raise ValidationError(
            _("A letter's address has at most %(count)d lines before the postcode.")
            % {"count": ADDRESS_MAX_LINES},
            code="too_many_lines",
        )
    for number, line in enumerate(lines, start=1):
        if len(line) > ADDRESS_LINE_MAX_LENGTH:
            raise ValidationError(
                _(
                    "Line %(number)d has %(length)d characters; a line can have at most "
                    "%(limit)d to fit the envelope's window. Split it over two lines."
                )
                % {"number": number, "length": len(line), "limit": ADDRESS_LINE_MAX_LENGTH},
                code="line_too_long",
            )
    return "\n".join(lines)
