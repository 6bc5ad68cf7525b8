"""A contribution's comments and moderation controls, for any page that shows a contribution."""

from django import template

from ..conversation.forms import CommentForm, ReplyForm
from ..conversation.selectors import comment_thread

register = template.Library()

COMMENTS_TEMPLATE = "contributions/conversation/partials/comments.html"


def thread_context(
    *, contribution, request, form=None, reply_form=None, reply_to=None, posted=None
) -> dict:
    """What the comments partial needs: the comments, the viewer's permissions and the forms,
    a submitted form's errors in place, and the comment just posted (focused)."""
    user = request.user
    project = contribution.project
    comments = comment_thread(contribution)
    can_comment = user.has_perm("contributions.comment", contribution)
    for comment in comments:
        if not can_comment or comment.withdrawn_at or comment.hidden_at:
            comment.reply_form = None
        elif reply_to is not None and comment.pk == reply_to.pk:
            comment.reply_form = reply_form
        else:
            comment.reply_form = ReplyForm(project=project, auto_id=f"id_reply_{comment.pk}_%s")
    return {
        "contribution": contribution,
        "project": project,
        "request": request,
        "user": user,
        "comments": comments,
        "comment_count": sum(
            (comment.withdrawn_at is None) + len(comment.visible_replies) for comment in comments
        ),
        "reply_to": reply_to,
        "posted": getattr(posted, "pk", None),
        "can_comment": can_comment,
        "can_moderate": user.has_perm("contributions.moderate", contribution),
        "form": form if form is not None else CommentForm(project=project),
    }


@register.inclusion_tag(COMMENTS_TEMPLATE, takes_context=True)
def contribution_thread(context, contribution):
    """The comments on a contribution, with the forms to add one and to reply."""
    return thread_context(contribution=contribution, request=context["request"])


@register.inclusion_tag("contributions/conversation/partials/moderation.html", takes_context=True)
def contribution_moderation(context, contribution):
    """The links to report a contribution and, for facilitators, to moderate it."""
    request = context["request"]
    return {
        "contribution": contribution,
        "project": contribution.project,
        "request": request,
        "user": request.user,
    }


@register.filter
def hidden_from(item, user) -> bool:
    """Whether a facilitator hid this contribution or comment and the person may not read it
    (only its author and the facilitators may)."""
    return item.hidden_at is not None and not user.has_perm("contributions.view_hidden", item)
