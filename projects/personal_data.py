"""What organisations and projects hold of a person (see codesign/personal_data.py)."""

from codesign import personal_data

from .models import JourneyStep, Organisation, OrganisationRole, Project, Stage

personal_data.holds_none(Organisation, Stage, JourneyStep)
personal_data.register(OrganisationRole, person="user", erase=personal_data.delete())
personal_data.register(
    Project,
    person="created_by",
    erase=personal_data.keep("the project stays; who started it is named by pseudonym alone"),
)
