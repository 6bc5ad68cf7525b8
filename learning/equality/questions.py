"""The equality monitoring questions, each with "prefer not to say". Worded after the census
and the NHS's equality monitoring forms; answers are optional, one by one."""

from django.utils.translation import gettext_lazy as _

PREFER_NOT = ("prefer_not", _("Prefer not to say"))

QUESTIONS = {
    "age_band": (
        _("Age"),
        [
            ("under_18", _("Under 18")),
            ("18_24", _("18 to 24")),
            ("25_34", _("25 to 34")),
            ("35_44", _("35 to 44")),
            ("45_54", _("45 to 54")),
            ("55_64", _("55 to 64")),
            ("65_74", _("65 to 74")),
            ("75_over", _("75 or over")),
        ],
    ),
    "disability": (
        _("Do you consider yourself disabled, or have a long-term condition?"),
        [("yes", _("Yes")), ("no", _("No"))],
    ),
    "ethnicity": (
        _("Ethnic group"),
        [
            ("asian", _("Asian or Asian British")),
            ("black", _("Black, Black British, Caribbean or African")),
            ("mixed", _("Mixed or multiple ethnic groups")),
            ("white", _("White")),
            ("other", _("Another ethnic group")),
        ],
    ),
    "sex": (_("Sex"), [("female", _("Female")), ("male", _("Male"))]),
    "gender_identity": (
        _("Is the gender you identify with the same as your sex registered at birth?"),
        [("yes", _("Yes")), ("no", _("No"))],
    ),
    "sexual_orientation": (
        _("Sexual orientation"),
        [
            ("straight", _("Straight or heterosexual")),
            ("gay_lesbian", _("Gay or lesbian")),
            ("bisexual", _("Bisexual")),
            ("other", _("Another sexual orientation")),
        ],
    ),
    "religion": (
        _("Religion or belief"),
        [
            ("none", _("No religion")),
            ("christian", _("Christian")),
            ("muslim", _("Muslim")),
            ("hindu", _("Hindu")),
            ("sikh", _("Sikh")),
            ("jewish", _("Jewish")),
            ("buddhist", _("Buddhist")),
            ("other", _("Another religion or belief")),
        ],
    ),
    "caring": (
        _("Do you look after or support someone because of illness, disability or age?"),
        [("yes", _("Yes")), ("no", _("No"))],
    ),
}


def choices(question: str) -> list[tuple[str, str]]:
    """A question's answers, "prefer not to say" last."""
    return [*QUESTIONS[question][1], PREFER_NOT]
