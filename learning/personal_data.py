"""What the organisation's learning holds of a person (see codesign/personal_data.py)."""

from django.conf import settings
from django.utils.translation import gettext_lazy

from codesign import personal_data

from .equality.questions import QUESTIONS
from .models import (
    CatalogueItem,
    CmoLink,
    EqualityResponse,
    PopulationShare,
    ProgrammeTheoryVersion,
    Theme,
    ThemeRun,
)

personal_data.holds_none(CatalogueItem)
personal_data.register(
    CmoLink,
    person="created_by",
    erase=personal_data.keep("a CMO record's evidence stays; who linked it is named by pseudonym"),
)
personal_data.register(
    ProgrammeTheoryVersion,
    person="changed_by",
    erase=personal_data.keep(
        "the organisation's programme theory and its history stay; who changed it is named by "
        "pseudonym"
    ),
)
personal_data.register(
    ThemeRun,
    person="requested_by",
    erase=personal_data.keep("a project's themes stay; who asked for them is named by pseudonym"),
)
# A theme cites contributions; a contribution deleted with its author's account leaves it.
personal_data.register(
    Theme,
    person="decided_by",
    erase=personal_data.keep("a theme people decided on stays; who decided is named by pseudonym"),
)
personal_data.holds_none(PopulationShare)


def _equality_due(now):
    """Answers not updated for RETENTION_MONTHS (distinct: read through memberships, a person
    in two projects of one organisation counts once)."""
    cutoff = personal_data.months_before(now, settings.RETENTION_MONTHS)
    return EqualityResponse.objects.filter(updated_at__lt=cutoff).distinct()


# Special-category data: in the person's download, deleted with the account, and deleted a
# retention period after it was last updated (people are asked again if they take part).
personal_data.register(
    EqualityResponse,
    person="user",
    download=personal_data.Section(
        "equality_monitoring",
        about="your answers to the optional equality monitoring questions",
        row=lambda response: {
            "consented_at": personal_data.when(response.consented_at),
            **{question: getattr(response, question) for question in QUESTIONS},
        },
    ),
    erase=personal_data.delete(),
    retain=(
        personal_data.Retention(
            kind="equality_monitoring",
            label=gettext_lazy("Equality monitoring answers not updated for a year or more"),
            due=_equality_due,
            then=personal_data.delete(),
            # A person's answers count for each organisation they take part with (once each).
            organisation="user__memberships__project__organisation",
        ),
    ),
)
