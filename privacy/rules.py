"""Who may download a person's data or delete their account."""

import rules
from django.apps import apps

from codesign.predicates import can_manage_project, is_org_admin, is_superuser
from participants.rules import is_managed_membership


@rules.predicate
def is_own_account(user, person):
    """The account is the person's own and has not been deleted."""
    return person is not None and user.pk == person.pk and person.deleted_at is None


@rules.predicate
def manages_all_of_the_persons_projects(user, membership):
    """Every project the person takes part in is one this facilitator manages, as someone they
    act for, so acting on the whole account reveals or removes nothing beyond their projects."""
    if membership is None or membership.user.deleted_at is not None:
        return False
    Membership = apps.get_model("participants", "Membership")
    others = Membership.objects.filter(user_id=membership.user_id).exclude(pk=membership.pk)
    return all(
        other.managed_by_facilitator and can_manage_project(user, other.project)
        for other in others.select_related("project")
    )


# On a person (the signed-in one): their own data and account.
rules.add_perm("privacy.manage_own_data", is_own_account)
# On a membership: a facilitator acting for someone they manage.
rules.add_perm(
    "privacy.act_for_person",
    can_manage_project & is_managed_membership & manages_all_of_the_persons_projects,
)
# On an organisation: what the next retention run would remove of its data, for its admins.
rules.add_perm("privacy.view_retention_preview", is_org_admin | is_superuser)
