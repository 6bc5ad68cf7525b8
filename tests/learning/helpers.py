"""Building CMO records and their links for the learning tests."""

from changes.models import Evidence
from learning.models import CatalogueItem, CmoLink, Lens
from participants.models import Constituency
from tests.factories import (
    ContributionFactory,
    MembershipFactory,
    ProjectFactory,
    ServiceChangeFactory,
)


def item(organisation, name):
    return CatalogueItem.objects.get(organisation=organisation, name=name)


def mechanism(organisation):
    return item(organisation, "Hearing experiences first-hand")


def cmo_record(project, *, context="Ward under pressure", created_by=None):
    change = ServiceChangeFactory(project=project)
    return Evidence.objects.create(
        change=change,
        kind=Evidence.Kind.CMO,
        context=context,
        mechanism="Staff heard patients' stories first-hand.",
        outcome="The discharge leaflet was rewritten.",
        created_by=created_by,
    )


def link(cmo, stance="supports", confidence="high", **target):
    return CmoLink.objects.create(cmo=cmo, stance=stance, confidence=confidence, **target)


def contributions(project, counts: dict[str, int]):
    """One contribution by each of counts[constituency] new people of the project."""
    made = []
    for constituency, number in counts.items():
        for _ in range(number):
            author = MembershipFactory(project=project, constituency=constituency)
            made.append(ContributionFactory(project=project, author=author))
    return made


def case(organisation, *, stance, context_name, counts=None, project=None, created_by=None):
    """A project with a CMO record coded to the mechanism (fired or not) in a context, with
    contributions from the given groups linked as its evidence."""
    project = project or ProjectFactory(organisation=organisation)
    cmo = cmo_record(project, context=f"{context_name} at {project.title}", created_by=created_by)
    link(cmo, stance=stance, item=mechanism(organisation))
    link(cmo, item=item(organisation, context_name))
    for contribution in contributions(project, counts or {}):
        link(cmo, contribution=contribution)
    return cmo


SU, CARER, STAFF = Constituency.SERVICE_USER, Constituency.CARER, Constituency.STAFF
__all__ = ["Lens"]
