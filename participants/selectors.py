"""Reads about a project's people that depend on who is looking."""

from django.db.models import Prefetch, Q

from outbox.models import OutboxMessage

from .models import Consent, Invitation, Membership


def members_for_facilitator(project):
    """Every membership of a project with what a facilitator needs to act on it."""
    return (
        project.memberships.select_related("user", "access_needs")
        .prefetch_related(
            Prefetch(
                "invitations",
                queryset=Invitation.objects.filter(
                    accepted_at__isnull=True, revoked_at__isnull=True
                ).order_by("-created_at"),
                to_attr="open_invitations",
            ),
            Prefetch(
                "consents",
                queryset=Consent.objects.filter(withdrawn_at__isnull=True).select_related(
                    "statement"
                ),
                to_attr="current_consents",
            ),
        )
        .order_by("status", "display_name", "pk")
    )


def fellow_members(project):
    """Active members as other participants see them: display name (and job title if shown)."""
    return (
        project.memberships.filter(status=Membership.Status.ACTIVE)
        .only("display_name", "job_title", "role", "project_id")
        .order_by("role", "display_name", "pk")
    )


def messages_to_member(membership, limit: int = 50) -> list:
    """The emails, texts and letters the project sent a member, newest first, with what became
    of each (for their facilitators)."""
    user = membership.user
    theirs = Q(recipient=user) | Q(to__iexact=user.email) if user.email else Q(recipient=user)
    return list(
        OutboxMessage.objects.filter(theirs, project_id=membership.project_id)
        .exclude(kind=OutboxMessage.Kind.JOB)
        .defer("body_html", "attachments", "headers")
        .order_by("-created_at", "-pk")[:limit]
    )
