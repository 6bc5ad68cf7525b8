"""Writes to organisations and projects."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from audit.services import audit_record
from codesign.content import project_content_changed
from codesign.look import logo_name
from codesign.permissions import forget_roles
from outbox.services import outbox_email
from participants.models import Constituency, Membership

from .methods import journey_for, stages_for
from .models import JourneyStep, Organisation, OrganisationRole, Project, Stage

User = get_user_model()


@transaction.atomic
def project_create(
    *,
    organisation: Organisation,
    created_by,
    title: str,
    challenge: str,
    service_area: str,
    scope: str,
    method: str,
    hide_job_titles: bool = True,
    allow_anonymous: bool = False,
    facilitator_constituency: str = Constituency.STAFF,
    **texts: str,
) -> Project:
    """Create a draft project with its method's stages and journey; its creator becomes a
    facilitator. ``texts`` are its Welsh and easy-read texts (codesign.bilingual)."""
    project = Project(
        organisation=organisation,
        created_by=created_by,
        title=title,
        challenge=challenge,
        service_area=service_area,
        scope=scope,
        method=method,
        hide_job_titles=hide_job_titles,
        allow_anonymous=allow_anonymous,
        **texts,
    )
    project.full_clean()
    project.save()
    stages = [
        Stage(project=project, name=str(name), description=str(description), order=index)
        for index, (name, description) in enumerate(stages_for(method), start=1)
    ]
    Stage.objects.bulk_create(stages)
    JourneyStep.objects.bulk_create(
        JourneyStep(project=project, name=str(name), order=index)
        for index, name in enumerate(journey_for(method), start=1)
    )
    project.current_stage = project.stages.order_by("order").first()
    project.save(update_fields=["current_stage"])
    from participants.services import consent_statement_publish

    consent_statement_publish(project=project, text=default_consent_text(project))
    if created_by is not None and not created_by.is_superuser:
        Membership.objects.create(
            project=project,
            user=created_by,
            role=Membership.Role.FACILITATOR,
            constituency=facilitator_constituency,
            display_name=created_by.full_name or created_by.email.split("@")[0],
            status=Membership.Status.ACTIVE,
        )
        forget_roles(created_by)
    return project


def default_consent_text(project: Project) -> str:
    """The first consent statement of a new project: from its organisation's template, or
    Codesign's own."""
    template = project.organisation.consent_template.strip()
    if template:
        return template.replace("{project}", project.title).replace(
            "{service}", project.service_area
        )
    return _(
        "I agree to take part in “%(title)s”. I understand that:\n"
        "- what I share is used to improve %(area)s;\n"
        "- other participants see my display name, never my email address;\n"
        "- facilitators see my contact details and access needs so they can support me;\n"
        "- I can stop taking part at any time by withdrawing my consent, without giving a reason,\n"
        "  and it will not affect the care or services I receive or my job."
    ) % {"title": project.title, "area": project.service_area}


@transaction.atomic
def project_update(*, project: Project, **fields) -> Project:
    """Change a project's details and settings."""
    for name, value in fields.items():
        setattr(project, name, value)
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def project_set_status(*, project: Project, status: str, actor) -> Project:
    """Publish, close or reopen a project."""
    previous = project.status
    if previous == status:
        return project
    project.status = status
    # Reopening clears the date, so retention never counts a reopened project as closed.
    project.closed_at = timezone.now() if status == Project.Status.CLOSED else None
    project.full_clean()
    project.save(update_fields=["status", "closed_at", "updated_at"])
    audit_record(
        action=AuditEntry.Action.PROJECT_STATUS,
        actor=actor,
        project=project,
        target=project,
        details={"from": previous, "to": status},
    )
    return project


@transaction.atomic
def stages_save(*, project: Project, formset, current_stage_form) -> None:
    """Save the edited, reordered stages and the current stage together."""
    formset.save()
    for index, stage in enumerate(project.stages.order_by("order", "pk"), start=1):
        if stage.order != index:
            Stage.objects.filter(pk=stage.pk).update(order=index)
    chosen = current_stage_form.cleaned_data["current_stage"]
    if chosen is not None and not project.stages.filter(pk=chosen.pk).exists():
        chosen = None  # the chosen stage was deleted in the same save
    project.current_stage = chosen
    project.full_clean()
    project.save(update_fields=["current_stage", "updated_at"])


@transaction.atomic
def journey_save(*, project: Project, formset) -> None:
    """Save the edited, reordered journey steps, numbered 1, 2, 3… in their new order."""
    formset.save()
    for index, step in enumerate(project.journey_steps.order_by("order", "pk"), start=1):
        if step.order != index:
            JourneyStep.objects.filter(pk=step.pk).update(order=index)
    project_content_changed([project.pk])


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, logo: bytes | None = None, logo_remove: bool = False, **fields
) -> Organisation:
    """Change an organisation's defaults and look; ``logo`` is a cleaned logo's PNG
    (codesign.look.logo_clean), kept under its digest. A logo replaced or removed is deleted
    once the change commits, unless another organisation shows the same picture."""
    before = organisation.logo.name
    for name, value in fields.items():
        setattr(organisation, name, value)
    if logo:
        name = logo_name(logo)
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(logo))
        organisation.logo.name = name
    elif logo_remove:
        organisation.logo.name = ""
    organisation.full_clean()
    organisation.save()
    if before and before != organisation.logo.name:
        transaction.on_commit(lambda: _logo_delete_if_unused(before))
    return organisation


def _logo_delete_if_unused(name: str) -> None:
    if not Organisation.objects.filter(logo=name).exists():
        default_storage.delete(name)


@transaction.atomic
def organisation_role_grant(
    *, organisation: Organisation, email: str, role: str, full_name: str = "", granted_by
) -> OrganisationRole:
    """Give a person (found or created by email) a role in an organisation, and tell them."""
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, full_name=full_name)
    org_role, created = OrganisationRole.objects.get_or_create(
        organisation=organisation, user=user, role=role
    )
    if created:
        audit_record(
            action=AuditEntry.Action.ORG_ROLE_GRANTED,
            actor=granted_by,
            organisation=organisation,
            target=org_role,
            details={"organisation": organisation.pk, "role": role, "user": user.pk},
        )
        outbox_email(
            to=user.email,
            template="organisation_role_granted",
            context={"organisation": organisation, "role": org_role.get_role_display()},
        )
        forget_roles(user)
    return org_role


@transaction.atomic
def organisation_role_revoke(*, org_role: OrganisationRole, revoked_by) -> None:
    """Take an organisation role away from a person, keeping at least one admin."""
    if (
        org_role.role == OrganisationRole.Role.ADMIN
        and org_role.organisation.roles.filter(role=OrganisationRole.Role.ADMIN).count() == 1
    ):
        raise ValidationError(_("An organisation needs at least one admin."))
    audit_record(
        action=AuditEntry.Action.ORG_ROLE_REVOKED,
        actor=revoked_by,
        organisation=org_role.organisation,
        target=org_role,
        details={
            "organisation": org_role.organisation_id,
            "role": org_role.role,
            "user": org_role.user_id,
        },
    )
    org_role.delete()
