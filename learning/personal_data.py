"""What the organisation's learning holds of a person (see codesign/personal_data.py)."""

from codesign import personal_data

from .models import CatalogueItem, CmoLink, ProgrammeTheoryVersion, Theme, ThemeRun

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
