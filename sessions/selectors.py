"""Reads about sessions that depend on who is looking."""

from collections import Counter

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _

from outbox.models import OutboxMessage
from participants.models import AccessNeeds, Membership

from .models import Reply


def session_audience(session, *, exclude_not_going: bool = False):
    """Active members (participants and facilitators) the session is for: people who accepted
    their invitation and consented; someone still invited hears of nothing until they join."""
    memberships = Membership.objects.filter(session.audience_memberships()).select_related("user")
    if exclude_not_going:
        memberships = memberships.exclude(
            session_replies__session=session, session_replies__answer=Reply.Answer.NOT_GOING
        )
    return memberships


def sessions_for_project(project, membership=None, *, manage: bool):
    """A project's sessions as a person sees them: facilitators all, members their audience's."""
    sessions = project.workshop_sessions.select_related("stage").annotate(
        going=Count("replies", filter=Q(replies__answer=Reply.Answer.GOING)),
        waiting=Count("replies", filter=Q(replies__answer=Reply.Answer.WAITLIST)),
    )
    if not manage and membership is not None and membership.role != Membership.Role.FACILITATOR:
        sessions = sessions.for_constituency(membership.constituency)
    if membership is not None:
        sessions = sessions.prefetch_related(
            Prefetch(
                "replies",
                queryset=Reply.objects.filter(membership=membership),
                to_attr="my_replies",
            )
        )
    return sessions


def replies_for_facilitator(session):
    return session.replies.select_related("membership__user", "membership__access_needs").order_by(
        "answer", "waitlisted_at", "membership__display_name"
    )


def combined_access_needs(session) -> list[tuple[str, int]]:
    """What those going need, counted: [("step-free access", 2), ("BSL interpreter", 1)]."""
    needs = AccessNeeds.objects.filter(
        membership__session_replies__session=session,
        membership__session_replies__answer__in=[Reply.Answer.GOING, Reply.Answer.MAYBE],
    )
    counter: Counter = Counter()
    for item in needs:
        counter.update(item.summary())
    extra = (
        session.replies.filter(answer__in=[Reply.Answer.GOING, Reply.Answer.MAYBE])
        .exclude(session_needs="")
        .count()
    )
    if extra:
        counter[str(_("Something extra for this session (see replies)"))] += extra
    return sorted(counter.items(), key=lambda pair: (-pair[1], pair[0]))


def session_register(session):
    """Who is expected in the room, for the printed sign-in sheet: going first, then maybe."""
    return (
        session.replies.filter(answer__in=[Reply.Answer.GOING, Reply.Answer.MAYBE])
        .select_related("membership")
        .order_by("answer", "membership__display_name")
    )


def session_messages(session, limit: int = 200) -> list:
    """The emails, texts and letters sent about a session, newest first, with what became of
    each (for its facilitators)."""
    return list(
        OutboxMessage.objects.filter(project_id=session.project_id, payload__session=session.pk)
        .exclude(kind=OutboxMessage.Kind.JOB)
        .select_related("recipient")
        .defer("body_html", "attachments", "headers")
        .order_by("-created_at", "-pk")[:limit]
    )
