"""The words Codesign uses that a newcomer may not know, each explained once in plain words.

Pages show an explanation where the word appears (``{% explain "touchpoint" %}``, a "What does
this mean?" disclosure) and the help page lists them all, so a word means the same everywhere.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Term:
    key: str
    word: str | Promise
    meaning: str | Promise


TERMS = (
    Term(
        "co-design",
        _("Co-design"),
        _(
            "People who use a service and people who work in it improve the service together, "
            "as equals, from the first question to the final change."
        ),
    ),
    Term(
        "ebcd",
        _("EBCD (experience-based co-design)"),
        _(
            "A way of improving a service in stages: people share what using or providing it "
            "felt like, find the moments that matter most, and then design changes together."
        ),
    ),
    Term(
        "touchpoint",
        _("Touchpoint"),
        _(
            "A moment when a person meets the service: a phone call, a letter, a wait, a "
            "conversation with a nurse. People say how each one felt, good or bad."
        ),
    ),
    Term(
        "constituency",
        _("Constituency"),
        _(
            "The group a participant belongs to in a project: people who use the service "
            "(and their carers), or staff. Codesign counts both groups separately so that "
            "neither outweighs the other."
        ),
    ),
    Term(
        "ladder",
        _("Ladder of co-production"),
        _(
            "A scale of how much power people have in a project, from the lowest rung "
            "(coercion: people are made to go along with decisions) through educating, "
            "informing, consultation and engagement, to co-design and co-production "
            "(people share the power and the work as equals)."
        ),
    ),
    Term(
        "service-change",
        _("Service change"),
        _(
            "Something the service does differently because of the project, such as a new "
            "leaflet or a different way of booking. Each change shows which contributions led "
            "to it."
        ),
    ),
    Term(
        "change-status",
        _("Where a service change has got to"),
        _(
            "Proposed: suggested, not yet agreed. Agreed: the service has said it will do it. "
            "In progress: work has started. Implemented: the change has been made. "
            "Embedded: the change has become the normal way of working and has lasted. "
            "Not taken forward: the service decided not to do it, and says why."
        ),
    ),
    Term(
        "embedded",
        _("Embedded"),
        _(
            "A service change that has become the normal way of working and has lasted, "
            "checked again months after it was made."
        ),
    ),
    Term(
        "ics",
        _(".ics file (calendar file)"),
        _(
            "A small file that adds a session to your calendar (Outlook, Google Calendar, "
            "Apple Calendar). Open it and your calendar asks whether to add the event."
        ),
    ),
    Term(
        "json-csv",
        _("JSON and CSV files"),
        _(
            "Two common file formats for data. CSV opens in a spreadsheet such as Excel. "
            "JSON is for computer programs; you can open it in any text editor."
        ),
    ),
)

BY_KEY = {term.key: term for term in TERMS}


def term(key: str) -> Term:
    """The glossary's entry for a key (a KeyError names a word the glossary lacks)."""
    return BY_KEY[key]
