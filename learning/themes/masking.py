"""Personal data masked out of contributions' text before any analysis: NHS numbers (those
whose Modulus 11 check digit is right), UK phone numbers, email addresses and postcodes.

Runs on the server with no network: the phone numbers are found by ``phonenumbers``' own
tables, shipped with it.
"""

import re

import phonenumbers

NHS_NUMBER = "[NHS number]"
PHONE = "[phone number]"
EMAIL = "[email]"
POSTCODE = "[postcode]"
NUMBER = "[number]"

# Ten digits, alone or in the 3-3-4 groups NHS numbers are written in (spaces or hyphens).
_TEN_DIGITS = re.compile(r"(?<![\d])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR) ?\d[A-Z]{2}\b", re.IGNORECASE)
# What is left of any long run of digits (an invalid NHS number, a hospital number).
_LONG_NUMBER = re.compile(r"\d(?:[ -]?\d){6,}")


def nhs_number_is_valid(digits: str) -> bool:
    """Does a ten-digit string carry a valid Modulus 11 check digit?"""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(
        int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _nhs(match: re.Match) -> str:
    digits = "".join(match.groups())
    return NHS_NUMBER if nhs_number_is_valid(digits) else match.group(0)


def _mask_phones(text: str, *, dialled_only: bool) -> str:
    matches = phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE)
    found = [
        (match.start, match.end)
        for match in matches
        if not dialled_only or match.raw_string.lstrip("(").startswith(("+", "0"))
    ]
    for start, end in reversed(found):
        text = text[:start] + PHONE + text[end:]
    return text


def mask_personal_data(text: str) -> str:
    """The text with personal data replaced by what it was ("[NHS number]", "[email]"...)."""
    text = _EMAIL.sub(EMAIL, text)
    # Numbers dialled as phone numbers (+44..., 0...) first, so that ten of their digits are
    # never taken for an NHS number; then NHS numbers; then anything else a phone could be.
    text = _mask_phones(text, dialled_only=True)
    text = _TEN_DIGITS.sub(_nhs, text)
    text = _mask_phones(text, dialled_only=False)
    text = _POSTCODE.sub(POSTCODE, text)
    return _LONG_NUMBER.sub(NUMBER, text)
