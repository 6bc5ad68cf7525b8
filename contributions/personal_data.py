"""What contributions hold of a person: experiences, touchpoints and ideas, comments, supports,
dots, and concerns they reported (see codesign/personal_data.py)."""

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from codesign import personal_data
from codesign.content import project_content_changed
from codesign.personal_data import Section, when
from participants.models import Constituency, Membership

from .models import (
    Comment,
    Contribution,
    Dot,
    LiveBoard,
    MemberTally,
    PrioritisationRound,
    Report,
    Support,
    Tag,
)

EXPERIENCE = models.Q(kind=Contribution.Kind.EXPERIENCE)
KEPT = "shown as a former participant's, counted in their constituency"


def _contribution(c: Contribution) -> dict:
    return {
        "id": c.pk,
        "project": c.project.title,
        "kind": c.kind,
        "title": c.title,
        "body": c.body,
        "stage": c.stage.name if c.stage_id else "",
        "emotion": c.emotion,
        "anonymous": c.is_anonymous,
        "status": c.status,
        "status_note": c.status_note,
        "created_at": when(c.created_at),
        "hidden_at": when(c.hidden_at),
        "withdrawn_at": when(c.withdrawn_at),
    }


def _comment(c: Comment) -> dict:
    return {
        "id": c.pk,
        "project": c.contribution.project.title,
        "on_contribution": c.contribution_id,
        "reply_to": c.parent_id or "",
        "anonymous": c.is_anonymous,
        "body": c.body,
        "created_at": when(c.created_at),
        "hidden_at": when(c.hidden_at),
        "withdrawn_at": when(c.withdrawn_at),
    }


def _support(s: Support) -> dict:
    return {
        "project": s.contribution.project.title,
        "contribution": s.contribution_id,
        "created_at": when(s.created_at),
    }


def _dot(d: Dot) -> dict:
    return {
        "project": d.round.project.title,
        "round": d.round.title,
        "contribution": d.idea_id,
        "count": d.count,
    }


def _anonymised_user_pseudonym(role: str) -> str:
    # A fixed key, not a translation: the same placeholder is found again on every run.
    return f"Anonymised experiences ({role})"


def _anonymised_author(*, project_id: int, role: str) -> Membership:
    """The project's placeholder member for experiences no longer linked to who told them:
    one per role, so the dashboards still count each experience in its group (by the
    constituency kept on the experience and the role of the one who told it)."""
    User = get_user_model()
    pseudonym = _anonymised_user_pseudonym(role)
    user = User.objects.filter(pseudonym=pseudonym, deleted_at__isnull=False).first()
    if user is None:
        user = User(pseudonym=pseudonym, deleted_at=timezone.now(), is_active=False)
        user.set_unusable_password()
        # As for a deleted account: no email, which the model's clean() would turn to "".
        user.clean_fields(exclude=["email"])
        user.save()
    membership, _created = Membership.objects.get_or_create(
        project_id=project_id,
        user=user,
        defaults={
            "role": role,
            "constituency": Constituency.OTHER,
            "display_name": _("Anonymised")[:80],
            "status": Membership.Status.WITHDRAWN,
        },
    )
    return membership


def _anonymise_experiences(experiences: models.QuerySet, now) -> int:
    count = 0
    groups = experiences.values_list("project_id", "author__role").distinct().order_by()
    for project_id, role in list(groups):
        project_content_changed([project_id])
        count += experiences.filter(project_id=project_id, author__role=role).update(
            author=_anonymised_author(project_id=project_id, role=role),
            is_anonymous=True,
            added_by=None,
            submission_key=None,
        )
    return count


_closed = personal_data.after_close("project")

# A member's tallies are counts of rows declared here (supports, comments), nothing more.
personal_data.holds_none(Tag, LiveBoard, MemberTally)
personal_data.register(
    Contribution,
    person="author__user",
    # Anonymous ones included: they are the person's own, even if nobody else knows.
    download=Section(
        "contributions",
        about="your experiences, touchpoints and ideas, including any you posted anonymously",
        row=_contribution,
        related=("project", "stage"),
    ),
    erase=personal_data.delete(where=EXPERIENCE, why=f"ideas and touchpoints stay, {KEPT}"),
    retain=(
        personal_data.Retention(
            kind="experiences",
            label=gettext_lazy("Experiences of closed projects, anonymised"),
            period=personal_data.months("RETENTION_MONTHS"),
            age=_closed["age"],
            where=_closed["where"] & EXPERIENCE,
            organisation=_closed["organisation"],
            exclude=models.Q(
                author__user__deleted_at__isnull=False,
                author__user__pseudonym__in=[
                    _anonymised_user_pseudonym(role) for role in Membership.Role.values
                ],
            ),
            then=_anonymise_experiences,
        ),
    ),
    also_names=("added_by",),
)
personal_data.register(
    Comment,
    person="author__user",
    download=Section(
        "comments",
        about="your comments and replies, naming the contribution by its number",
        row=_comment,
        related=("contribution__project",),
    ),
    erase=personal_data.keep(KEPT),
)
personal_data.register(
    Support,
    person="membership__user",
    download=Section(
        "supports",
        about="the ideas you supported, by number",
        row=_support,
        related=("contribution__project",),
    ),
    erase=personal_data.keep(KEPT),
)
personal_data.register(
    Report,
    person="reporter",
    erase=personal_data.keep(
        "a concern stays for the moderators; it names a deleted account by pseudonym"
    ),
)
personal_data.register(
    PrioritisationRound,
    person="opened_by",
    erase=personal_data.keep("the round stays; who opened it is named by pseudonym alone"),
)
personal_data.register(
    Dot,
    person="membership__user",
    download=Section(
        "dots",
        about="your dots (prioritisation votes), by round and idea number",
        row=_dot,
        related=("round__project",),
    ),
    erase=personal_data.keep("a round's results stay as they were counted"),
)
