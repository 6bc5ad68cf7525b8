import pytest

from contributions.models import Tag
from participants.models import Membership
from tests.factories import ContributionFactory


def member(world, role):
    return Membership.objects.get(project=world.project, user=world.users[role])


@pytest.fixture
def idea(world):
    """The service user's idea at a stage named "Going home", tagged "Medicines"."""
    stage = world.project.stages.order_by("order").first()
    stage.name = "Going home"
    stage.save()
    contribution = ContributionFactory(
        project=world.project,
        author=member(world, "service_user"),
        kind="idea",
        title="Pack medicines early",
        body="Before the ward round",
        stage=stage,
    )
    contribution.tags.add(Tag.objects.create(project=world.project, name="Medicines"))
    return contribution
