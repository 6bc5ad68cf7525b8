"""A contribution's comments and moderation controls, for any page that shows a contribution."""

import re
from functools import partial

from django import template
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe

from ..conversation import drawing
from ..conversation.drawing import ViewerMay, reply_ids
from ..conversation.forms import CommentForm, ReplyForm
from ..conversation.selectors import comment_thread

register = template.Library()


def thread_context(
    *, contribution, request, form=None, reply_form=None, reply_to=None, posted=None, comments=None
) -> dict:
    """What the comments partial needs: the comments (``comments``: as ``comment_thread``
    reads them, when the page has them), the viewer's permissions and the forms, a submitted
    form's errors in place, and the comment just posted (focused)."""
    user = request.user
    project = contribution.project
    if comments is None:
        comments = comment_thread(contribution)
    can_comment = user.has_perm("contributions.comment", contribution)
    for comment in comments:
        if not can_comment or comment.withdrawn_at or comment.hidden_at:
            comment.reply_form = None
        elif reply_to is not None and comment.pk == reply_to.pk:
            comment.reply_form = reply_form
        else:
            # Made only when the thread is drawn, not when it is served as kept.
            comment.reply_form = SimpleLazyObject(
                partial(ReplyForm, project=project, auto_id=reply_ids(comment.pk))
            )
        for item in (comment, *comment.visible_replies):
            # What the viewer may do with each, decided once for its drawing.
            item.viewer_may = ViewerMay(
                change=user.has_perm("contributions.change_comment", item),
                report=user.has_perm("contributions.report", item),
                read_hidden=not hidden_from(item, user),
            )
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
        "form": form
        if form is not None
        else SimpleLazyObject(partial(CommentForm, project=project)),
    }


@register.simple_tag(takes_context=True)
def contribution_thread(context, contribution):
    """The comments on a contribution, with the forms to add one and to reply (``thread_html``);
    between marks where the page draws them again when served (``thread_marked``: the
    contribution's kept page, ``draw_thread``)."""
    # The comments, where the page read them with its other reads (``thread_read``).
    comments = (context.get("thread_read") or {}).get(contribution.pk)
    html = thread_html(contribution, context["request"], context.get("csrf_token", ""), comments)
    if context.get("thread_marked"):
        html = _marked(contribution, html)
    # Rendered as a template's output is: escaped as it was drawn.
    return mark_safe(html)  # noqa: S308


@register.simple_tag(takes_context=True)
def comments_section(context):
    """The comments section as ``thread_context`` gives it, drawn afresh (the answer to a
    comment posted in place: the comment just posted, or the form with its errors)."""
    return drawing.thread_html({key: context.get(key) for key in drawing.THREAD_KEYS})


def thread_html(contribution, request, csrf_token, comments=None) -> str:
    """The thread as its viewer sees it, with the form token ``csrf_token``. Drawn each time
    it is shown, not kept apart: drawing ten comments costs about a millisecond, and keeping
    them under all they show (each comment as loaded, what the viewer may do with it) cost
    about as much again whenever nothing was kept, while the page around them is kept
    (``kept_pages``) and draws them again only when they change (``draw_thread``)."""
    thread = thread_context(contribution=contribution, request=request, comments=comments)
    return str(drawing.thread_html({**thread, "csrf_token": csrf_token}))


# What people write is escaped before it reaches a page, so no text of theirs makes a mark.
THREAD = re.compile(r"<!--thread:(\d+)(?::(\d+))?-->.*?<!--/thread-->", re.DOTALL)


def _marked(contribution, html: str) -> str:
    """The thread between marks naming the contribution and its thread version as read before
    the comments were (a comment written in between leaves a mark older than what is drawn:
    it is drawn again, never the other way round)."""
    return f"<!--thread:{contribution.pk}:{contribution.thread_version}-->{html}<!--/thread-->"


def draw_thread(html: str, contribution, request, csrf_token) -> str:
    """The page ``html`` with the contribution's marked thread drawn as it stands now."""
    drawn = None

    def thread(found):
        nonlocal drawn
        if int(found.group(1)) != contribution.pk:
            return found.group(0)
        if found.group(2) == str(contribution.thread_version):
            return found.group(0)  # none of its comments has changed since it was drawn
        if drawn is None:
            drawn = _marked(contribution, thread_html(contribution, request, csrf_token))
        return drawn

    return THREAD.sub(thread, html)


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
