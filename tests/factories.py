"""Factories for the background of a test. Behaviour under test goes through services."""

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from participants.models import AccessNeeds, ConsentStatement, Constituency, Membership
from projects.models import Organisation, OrganisationRole, Project, Stage

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        obj.save()
        if create and obj.email:
            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Trust {n}")


class OrganisationRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationRole

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = OrganisationRole.Role.MANAGER


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Project {n}")
    challenge = "Make going home from the ward calm and clear."
    service_area = "Ward 7"
    status = Project.Status.ACTIVE

    @factory.post_generation
    def with_stages(obj, create, extracted, **kwargs):
        if create:
            stages = [Stage.objects.create(project=obj, name=f"Stage {i}", order=i) for i in (1, 2)]
            obj.current_stage = stages[0]
            obj.save(update_fields=["current_stage"])
            ConsentStatement.objects.create(project=obj, version=1, text="I agree to take part.")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.PARTICIPANT
    constituency = Constituency.SERVICE_USER
    display_name = factory.Sequence(lambda n: f"Member {n}")
    status = Membership.Status.ACTIVE


class AccessNeedsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessNeeds

    membership = factory.SubFactory(MembershipFactory)
    step_free_access = True


class WorkshopSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "workshops.WorkshopSession"

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Workshop {n}")
    kind = "joint_event"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    place = "Seminar room 2, Riverside Hospital"
    audience = "everyone"


class ReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "workshops.Reply"

    session = factory.SubFactory(WorkshopSessionFactory)
    membership = factory.SubFactory(
        MembershipFactory, project=factory.SelfAttribute("..session.project")
    )
    answer = "going"


class ContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "contributions.Contribution"

    project = factory.SubFactory(ProjectFactory)
    author = factory.SubFactory(MembershipFactory, project=factory.SelfAttribute("..project"))
    constituency = factory.SelfAttribute("author.constituency")
    kind = "idea"
    title = factory.Sequence(lambda n: f"Idea {n}")
    body = "Give people their medicines the day before they go home."


class ServiceChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "changes.ServiceChange"

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Change {n}")
    description = "Medicines for going home are prepared the afternoon before."
