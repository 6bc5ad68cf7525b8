"""Conversation and moderation: comments, reports, hiding, restoring and redacting."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import AuditEntry
from audit.services import audit_record
from codesign.content import project_content_changed
from codesign.permissions import STORED_ORG_ADMIN
from notifications.models import Notification
from notifications.services import notify
from outbox.services import outbox_email
from participants.models import Membership

from ..member_tallies import member_recount
from ..models import Comment, Contribution, Report
from ..services import contribution_recount, posting_check
from ..templatetags.contributions import author_name


def thread_changed(contribution_id: int) -> None:
    """Raise the contribution's thread version once the transaction that wrote one of its
    comments commits (as project versions are raised: the transaction takes no lock on the
    contribution for it, so it cannot deadlock with one that locks its member first). A page
    that shows its comments draws them again once the version has moved; one drawn between
    the commit and the raise holds the new comments under the old version, and is drawn again
    too: never the other way round."""

    def raise_version():
        Contribution.objects.filter(pk=contribution_id).update(
            thread_version=models.F("thread_version") + 1
        )

    transaction.on_commit(raise_version)


def comment_written(sender, instance, raw=False, **kwargs) -> None:
    """A comment saved or deleted (cascades too): its thread has changed."""
    if not raw:
        thread_changed(instance.contribution_id)


def _plain(text: str) -> str:
    """Plain text with one kind of line break (browsers send CRLF), trimmed."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _is_active_member(membership: Membership) -> bool:
    return membership.status == Membership.Status.ACTIVE


def _comment_url(comment: Comment) -> str:
    return f"{comment.contribution.get_absolute_url()}#comment-{comment.pk}"


def _comment_notify(comment: Comment, replying_to: Comment | None) -> None:
    """Tell the people the comment is addressed to, never the writer, never naming them if
    they commented anonymously."""
    contribution = comment.contribution
    told = {comment.author.user_id}
    names = {"name": lambda: author_name(comment), "title": contribution.title}
    if comment.parent is not None:
        replied_to = [
            c
            for c in (comment.parent, replying_to)
            if c is not None and c.author.user_id not in told and _is_active_member(c.author)
        ]
        addressed = [c.author.user for c in replied_to]
        notify(
            users=addressed,
            kind=Notification.Kind.REPLY,
            project=contribution.project,
            message=gettext_lazy("%(name)s replied to your comment on “%(title)s”."),
            params=names,
            url=_comment_url(comment),
            discreet_for=[c.author.user_id for c in replied_to if c.is_anonymous],
        )
        told.update(user.pk for user in addressed)
    if contribution.author.user_id not in told and _is_active_member(contribution.author):
        notify(
            users=[contribution.author.user],
            kind=Notification.Kind.COMMENT,
            project=contribution.project,
            message=gettext_lazy("%(name)s commented on your contribution “%(title)s”."),
            params=names,
            url=_comment_url(comment),
            discreet_for=[contribution.author.user_id] if contribution.is_anonymous else [],
        )


@transaction.atomic
def comment_add(
    *,
    contribution: Contribution,
    author: Membership,
    body: str,
    is_anonymous: bool = False,
    parent: Comment | None = None,
) -> Comment:
    """Comment on a contribution, or reply to a comment.

    Replies go one level deep: a reply to a reply joins the thread of the comment above it.
    The contribution's author and the author of the comment replied to are told.
    """
    project = contribution.project
    posting_check(author, project)
    if contribution.withdrawn_at or contribution.hidden_at:
        raise ValidationError(_("This contribution is not open for comments."))
    if is_anonymous and not project.allow_anonymous:
        raise ValidationError({"is_anonymous": _("This project does not take anonymous posts.")})
    replying_to = parent
    if parent is not None:
        if parent.contribution_id != contribution.pk:
            raise ValidationError(_("Reply to a comment on the same contribution."))
        if parent.parent_id:
            parent = parent.parent
        if any(c.withdrawn_at or c.hidden_at for c in (parent, replying_to)):
            raise ValidationError(_("This comment is not open for replies."))
    comment = Comment(
        contribution=contribution,
        project=project,
        parent=parent,
        author=author,
        constituency=author.constituency,
        is_anonymous=is_anonymous,
        body=_plain(body),
    )
    comment.full_clean()
    comment.save()
    contribution_recount(contribution_id=contribution.pk)
    _comment_notify(comment, replying_to)
    return comment


@transaction.atomic
def comment_update(*, comment: Comment, body: str) -> Comment:
    """Change the words of one's own comment."""
    comment.refresh_from_db(
        fields=["withdrawn_at"], from_queryset=Comment.objects.select_for_update()
    )
    if comment.withdrawn_at:
        raise ValidationError(_("This comment was withdrawn."))
    comment.body = _plain(body)
    comment.full_clean()
    comment.save(update_fields=["body", "updated_at"])
    return comment


@transaction.atomic
def comment_withdraw(*, comment: Comment) -> Comment:
    """Take one's own comment down; the replies to it stay."""
    if Comment.objects.filter(pk=comment.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    ):
        contribution_recount(contribution_id=comment.contribution_id)
        member_recount(comment.author_id)
        thread_changed(comment.contribution_id)
    project_content_changed([comment.project_id])
    comment.refresh_from_db()
    return comment


def _target_kind(target) -> str:
    return "contribution" if isinstance(target, Contribution) else "comment"


def _facilitator_addresses(project) -> list[tuple[int, str]]:
    """The project's active facilitators, or its organisation's admins if it has none, so a
    concern always reaches someone: (user id, email) of each."""
    User = get_user_model()
    facilitators = User.objects.filter(
        is_active=True,
        memberships__project=project,
        memberships__role=Membership.Role.FACILITATOR,
        memberships__status=Membership.Status.ACTIVE,
    )
    admins = User.objects.filter(
        is_active=True,
        organisation_roles__organisation_id=project.organisation_id,
        organisation_roles__role=STORED_ORG_ADMIN,
    )
    for people in (facilitators, admins):
        addresses = sorted(
            set(people.exclude(email="").exclude(email=None).values_list("pk", "email")),
            key=lambda address: address[1],
        )
        if addresses:
            return addresses
    return []


def safeguarding_alert(*, report: Report) -> int:
    """Email the project's facilitators at once about a safeguarding concern.

    Not subject to anyone's email preferences. The email holds no words from the report or
    from what was reported: it leads to the moderation queue, behind sign-in. Each is sent
    once per report and person, known by id (retention purges the address, and the key must
    not keep it).
    """
    project = report.target.project
    addresses = _facilitator_addresses(project)
    for user_id, email in addresses:
        outbox_email(
            to=email,
            template="safeguarding_alert",
            context={
                "report": report,
                "target_kind": _target_kind(report.target),
                "queue_url": reverse("conversation:moderation-queue", args=[project.pk]),
            },
            project=project,
            dedupe_key=f"safeguarding-alert:{report.pk}:{user_id}",
        )
    return len(addresses)


@transaction.atomic
def report_add(
    *, target: Contribution | Comment, reporter, reason: str, details: str = ""
) -> Report:
    """Report a contribution or comment to the facilitators; a safeguarding concern reaches
    them by email at once. The audit log records the report, not what was reported."""
    report = Report(
        contribution=target if isinstance(target, Contribution) else None,
        comment=target if isinstance(target, Comment) else None,
        reporter=reporter,
        reason=reason,
        details=_plain(details),
    )
    report.full_clean()
    report.save()
    audit_record(
        action=AuditEntry.Action.REPORT,
        actor=reporter,
        project=target.project,
        target=target,
        details={"report": report.pk, "reason": reason},
    )
    if reason == Report.Reason.SAFEGUARDING:
        safeguarding_alert(report=report)
    return report


def _redacted_fields(target) -> tuple[str, ...]:
    return ("title", "body") if isinstance(target, Contribution) else ("body",)


def _lock(target: Contribution | Comment) -> Contribution | Comment:
    """Lock the row and read its current words and state, keeping what was loaded with it."""
    target.refresh_from_db(
        fields=["hidden_at", "hidden_reason", "withdrawn_at", *_redacted_fields(target)],
        from_queryset=type(target).objects.select_for_update(),
    )
    return target


def _audit_moderation(target, moderator, action: str, **details) -> None:
    audit_record(
        action=AuditEntry.Action.MODERATION,
        actor=moderator,
        project=target.project,
        target=target,
        details={"action": action, "kind": _target_kind(target), **details},
    )


@transaction.atomic
def moderation_hide(
    *, target: Contribution | Comment, reason: str, moderator
) -> Contribution | Comment:
    """Hide a contribution or comment: its author sees why, everyone else sees that a
    facilitator hid it."""
    target = _lock(target)
    if target.hidden_at:
        raise ValidationError(_("It is already hidden."))
    reason = _plain(reason)
    if not reason:
        raise ValidationError({"reason": _("Say why, for its author.")})
    target.hidden_at = timezone.now()
    target.hidden_reason = reason
    target.full_clean()
    target.save(update_fields=["hidden_at", "hidden_reason", "updated_at"])
    _audit_moderation(target, moderator, "hide")
    return target


@transaction.atomic
def moderation_restore(*, target: Contribution | Comment, moderator) -> Contribution | Comment:
    """Show a hidden contribution or comment again."""
    target = _lock(target)
    if not target.hidden_at:
        raise ValidationError(_("It is not hidden."))
    target.hidden_at = None
    target.hidden_reason = ""
    target.save(update_fields=["hidden_at", "hidden_reason", "updated_at"])
    _audit_moderation(target, moderator, "restore")
    return target


@transaction.atomic
def moderation_redact(
    *, target: Contribution | Comment, passage: str, moderator
) -> Contribution | Comment:
    """Remove a passage (a name, a disclosure) from a contribution or comment, keeping the
    rest of it.

    Every place the exact words appear is replaced, in the item and in the reports and
    notifications that quote it. The audit log records that a redaction happened and its
    length, never the words removed.
    """
    passage = _plain(passage)
    if not passage:
        raise ValidationError({"passage": _("Copy the words to remove from the text.")})
    marker = _("[removed by a facilitator]")
    target = _lock(target)
    changed, occurrences = [], 0
    for name in _redacted_fields(target):
        text = getattr(target, name).replace("\r\n", "\n").replace("\r", "\n")
        if passage in text:
            occurrences += text.count(passage)
            setattr(target, name, text.replace(passage, marker))
            changed.append(name)
    if not changed:
        raise ValidationError(
            {
                "passage": _(
                    "These exact words are not in the text. Copy them from it as they are "
                    "written, with the same capitals and punctuation."
                )
            }
        )
    max_title = Contribution._meta.get_field("title").max_length
    if "title" in changed and len(target.title) > max_title:
        raise ValidationError(
            {"passage": _("The title would be too long. Remove a longer passage from it.")}
        )
    target.full_clean()
    target.save(update_fields=[*changed, "updated_at"])
    for report in target.reports.all():
        if passage in report.details:
            report.details = report.details.replace(passage, marker)
            report.save(update_fields=["details"])
    if isinstance(target, Contribution) and "title" in changed:
        for notification in Notification.objects.filter(
            url__startswith=target.get_absolute_url(), message__contains=passage
        ):
            notification.message = notification.message.replace(passage, marker)
            notification.save(update_fields=["message"])
    _audit_moderation(
        target, moderator, "redact", fields=changed, length=len(passage), occurrences=occurrences
    )
    return target


@transaction.atomic
def report_resolve(*, report: Report, moderator) -> Report:
    """Close a report once a facilitator has dealt with it."""
    updated = Report.objects.filter(pk=report.pk, resolved_at__isnull=True).update(
        resolved_at=timezone.now()
    )
    if not updated:
        raise ValidationError(_("This report was already resolved."))
    report.refresh_from_db()
    _audit_moderation(report.target, moderator, "resolve_report", report=report.pk)
    return report
