"""codesign/permissions.py: the roles a project page reads with the project itself are the
roles the separate queries find, for every kind of person."""

import pytest
from django.contrib.auth import get_user_model

from codesign import permissions
from participants.models import Membership
from projects.models import OrganisationRole, Project
from tests.conftest import ROLES
from tests.factories import MembershipFactory, OrganisationRoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def fresh(user):
    """The same person with nothing memoised, as at the start of a request."""
    return get_user_model().objects.get(pk=user.pk)


def roles_read_with_the_project(user, project):
    loaded = permissions.with_roles_of(Project.objects.all(), user).get(pk=project.pk)
    permissions.remember_roles(user, loaded)
    return permissions.project_roles(user, loaded)


@pytest.fixture
def people(world):
    """Everyone in the world, and those whose roles are mixed or lapsed."""
    people = {name: user for name, user in world.users.items() if user is not None}
    project, organisation = world.project, world.organisation
    people["invited"] = MembershipFactory(project=project, status=Membership.Status.INVITED).user
    people["withdrawn"] = MembershipFactory(
        project=project, status=Membership.Status.WITHDRAWN
    ).user
    # A facilitator of the organisation (which gives no role in a project by itself) who is
    # also a participant here, and an admin who is also a manager.
    both = MembershipFactory(project=project).user
    OrganisationRoleFactory(organisation=organisation, user=both, role="facilitator")
    people["org facilitator and participant"] = both
    admin = people["org_admin"]
    OrganisationRoleFactory(organisation=organisation, user=admin, role="manager")
    people["inactive"] = UserFactory(is_active=False)
    MembershipFactory(project=project, user=people["inactive"])
    people["superuser member"] = UserFactory(is_superuser=True)
    MembershipFactory(project=project, user=people["superuser member"], role="observer")
    return people


def test_every_person_has_the_same_roles_either_way(world, people):
    assert set(ROLES) - {"anonymous"} <= set(people)
    for name, user in people.items():
        for project in (world.project, world.other_project):
            asked = permissions.project_roles(fresh(user), project)
            read = roles_read_with_the_project(fresh(user), project)
            assert read == asked, (name, project.title)
            assert permissions.project_membership(fresh(user), project) == (
                Membership.objects.filter(user=user, project=project).first()
            )


def test_roles_read_with_the_project_cost_no_query_of_their_own(world, django_assert_num_queries):
    user = fresh(world.users["facilitator"])
    with django_assert_num_queries(1):
        roles = roles_read_with_the_project(user, world.project)
        assert user.has_perm("contributions.view_board", world.project)
        assert user.has_perm("projects.change_project", world.project)
    assert permissions.FACILITATOR in roles
    manager = fresh(world.users["manager"])
    with django_assert_num_queries(1):
        assert permissions.ORG_MANAGER in roles_read_with_the_project(manager, world.project)
        assert manager.has_perm("projects.view_project", world.project)


def test_a_change_of_role_within_the_request_is_asked_again(world):
    user = fresh(world.users["staff"])
    assert permissions.PARTICIPANT in roles_read_with_the_project(user, world.project)
    Membership.objects.filter(user=user, project=world.project).update(role="observer")
    OrganisationRole.objects.create(organisation=world.organisation, user=user, role="admin")
    permissions.forget_roles(user)
    roles = permissions.project_roles(user, world.project)
    assert permissions.OBSERVER in roles and permissions.ORG_ADMIN in roles
    assert permissions.PARTICIPANT not in roles
