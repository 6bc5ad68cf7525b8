"""A contribution's comments, drawn in Python: each comment and reply with what its viewer may
do with it, the reply forms and the form to add a comment.

Through templates a comment took most of a millisecond (two includes, two rules, up to six
addresses reversed, a reply form), and a contribution's page with ten of them spent most of its
time there whenever they were not kept. Here the addresses are reversed once for the thread
(``codesign.links``), the forms' fields are drawn once a process (``{% fields %}``), and every
text people wrote is escaped (``codesign.drawing``).
"""

from dataclasses import dataclass
from functools import cache

from django.utils import formats, timezone, translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from codesign.drawing import drawn, escape, lines, words_in
from codesign.links import Links
from codesign.templatetags.layout import fields

from ..cards import day_written
from ..templatetags.contributions import author_name, is_by

# Django's stand-in for a form token when none is to be drawn (as ``{% csrf_token %}`` reads it).
NOT_PROVIDED = "NOTPROVIDED"  # noqa: S105 (not a secret)
# What the thread needs of ``templatetags.conversation.thread_context`` and the page.
THREAD_KEYS = (
    "contribution",
    "project",
    "user",
    "comments",
    "comment_count",
    "reply_to",
    "posted",
    "can_comment",
    "can_moderate",
    "form",
    "csrf_token",
)


# The thread's words, by name (``words``).
WORDS = {
    "replies": gettext_lazy("Replies"),
    "post_reply": gettext_lazy("Post reply"),
    "reply": gettext_lazy("Reply"),
    "withdrawn": gettext_lazy("This comment was withdrawn by its author."),
    "hidden": gettext_lazy("Hidden by a facilitator."),
    "you": gettext_lazy("you"),
    "only_you": gettext_lazy("Only you and the facilitators can read it."),
    "only_author": gettext_lazy("Only its author and the facilitators can read it."),
    "edit": gettext_lazy("Edit"),
    "withdraw": gettext_lazy("Withdraw"),
    "report": gettext_lazy("Report"),
    "show_again": gettext_lazy("Show again"),
    "hide": gettext_lazy("Hide"),
    "remove_words": gettext_lazy("Remove words"),
    "no_comments": gettext_lazy("No comments yet."),
    "post_comment": gettext_lazy("Post comment"),
    "add_comment": gettext_lazy("Add a comment"),
}


@cache
def words(language: str) -> dict[str, str]:
    """The thread's words in ``language``, escaped: read from the catalogue once a process,
    not a few dozen times a thread."""
    return words_in(language, WORDS)


def written_at(moment, language: str) -> str:
    """A moment as ``date:"j M Y, H:i"`` writes it ("4 Dec 2026, 09:05")."""
    return f"{day_written(moment, language)}, {moment:%H:%M}"


@dataclass(frozen=True)
class ViewerMay:
    """What the viewer may do with a comment or reply: change it (edit, withdraw), report it,
    and read it if a facilitator hid it."""

    change: bool
    report: bool
    read_hidden: bool


def reply_ids(pk: int) -> str:
    """The ids of the fields of the form replying to comment ``pk`` (its ``auto_id``)."""
    return f"id_reply_{pk}_%s"


def ids_start(pk: int) -> str:
    """How the ids of the form replying to comment ``pk`` start (``reply_ids``)."""
    return reply_ids(pk).removesuffix("%s")


class Thread:
    """The comments of ``thread`` (``thread_context``, with the form token ``csrf_token``)."""

    def __init__(self, thread: dict):
        self.thread = thread
        self.user = thread["user"]
        self.language = translation.get_language()
        self.words = words(self.language)
        self._reply_fields = None  # (the comment replied to, the fields drawn)
        project = thread["project"].pk
        self.links = {
            name: Links(f"conversation:comment-{name}", project)
            for name in ("reply", "edit", "withdraw", "report", "hide", "restore", "redact")
        }

    def html(self) -> SafeString:
        thread = self.thread
        count = thread["comment_count"]
        heading = ngettext("%(n)s comment", "%(n)s comments", count) % {
            "n": formats.localize(count)
        }
        if thread["comments"]:
            items = "".join(self._comment_item(comment) for comment in thread["comments"])
            listed = f'<ol class="list-unstyled">{items}</ol>'
        else:
            listed = f"<p>{self.words['no_comments']}</p>"
        add = ""
        if thread["can_comment"]:
            action = Links("conversation:comment-create", thread["project"].pk)(
                thread["contribution"].pk
            )
            form = self._form(thread["form"], action, self.words["post_comment"])
            add = f'<h3 class="h5">{self.words["add_comment"]}</h3>{form}'
        return drawn(
            '<section id="comments" class="mt-4" aria-labelledby="comments-heading">'
            f'<h2 class="h4" id="comments-heading">{escape(heading)}</h2>{listed}{add}</section>'
        )

    def _comment_item(self, comment) -> str:
        replies = ""
        if comment.visible_replies:
            drawn_replies = "".join(f"<li>{self._comment(r)}</li>" for r in comment.visible_replies)
            replies = (
                f'<ol class="list-unstyled ms-4" aria-label="{self.words["replies"]}">'
                f"{drawn_replies}</ol>"
            )
        reply = ""
        if comment.reply_form is not None:
            reply_to = self.thread["reply_to"]
            replying = reply_to is not None and reply_to.pk == comment.pk
            opened = " open" if replying else ""
            form = self._form(
                comment.reply_form,
                self.links["reply"](comment.pk),
                self.words["post_reply"],
                fields_html=None if replying else self._fresh_reply_fields(comment),
            )
            reply = (
                f'<details class="ms-4"{opened}><summary class="small">{self.words["reply"]}'
                f"</summary>{form}</details>"
            )
        return f'<li class="mb-3">{self._comment(comment)}{replies}{reply}</li>'

    def _comment(self, item) -> str:
        focus = ' tabindex="-1" autofocus' if self.thread["posted"] == item.pk else ""
        return (
            f'<article id="comment-{item.pk}" class="comment border-start border-3 ps-3 py-1 '
            f'mb-2"{focus}>{self._comment_body(item)}</article>'
        )

    def _comment_body(self, item) -> str:
        user, said = self.user, self.words
        if item.withdrawn_at:
            return self._aside(said["withdrawn"])
        if item.hidden_at is not None and not item.viewer_may.read_hidden:
            return self._aside(said["hidden"])
        mine = is_by(item, user)
        created = timezone.localtime(item.created_at)
        byline = (
            '<p class="small text-body-secondary mb-1">'
            f'<span class="fw-semibold text-body">{escape(author_name(item))}</span> · '
            f'<time datetime="{created.isoformat()}">'
            f"{escape(written_at(created, self.language))}</time>"
            f"{' · ' + said['you'] if mine else ''}</p>"
        )
        body = lines(item.body)
        if item.hidden_at:
            readers = said["only_you"] if mine else said["only_author"]
            reason = _("Reason: %(reason)s") % {"reason": item.hidden_reason}
            shown = (
                f'<p class="fst-italic mb-1">{said["hidden"]} '
                f'{readers}</p><p class="small mb-1">{escape(reason)}</p>'
                f'<div class="text-body-secondary border-start ps-2 mb-1">{body}</div>'
            )
        else:
            shown = f'<div class="mb-1">{body}</div>'
        return f"{byline}{shown}{self._actions(item)}"

    def _aside(self, safe_text: str) -> str:
        return f'<p class="fst-italic text-body-secondary mb-1">{safe_text}</p>'

    def _actions(self, item) -> str:
        """The links to what the viewer may do with the comment."""
        links, may, said = self.links, item.viewer_may, self.words
        actions = []
        if may.change:
            actions += [(links["edit"], said["edit"]), (links["withdraw"], said["withdraw"])]
        if may.report:
            actions.append((links["report"], said["report"]))
        if self.thread["can_moderate"]:
            if item.hidden_at:
                actions.append((links["restore"], said["show_again"]))
            else:
                actions.append((links["hide"], said["hide"]))
            actions.append((links["redact"], said["remove_words"]))
        if not actions:
            return ""
        items = "".join(
            f'<li class="list-inline-item"><a href="{escape(link(item.pk))}">{label}</a></li>'
            for link, label in actions
        )
        return f'<ul class="list-inline small mb-0">{items}</ul>'

    def _fresh_reply_fields(self, comment) -> str:
        """The fields of a fresh form replying to ``comment``: every fresh reply form of the
        thread is the same but for its ids, so it is drawn once (without making the others)."""
        if self._reply_fields is None:
            self._reply_fields = (comment.pk, str(fields(comment.reply_form)))
        first, html = self._reply_fields
        return html.replace(ids_start(first), ids_start(comment.pk))

    def _form(self, form, action: str, safe_label: str, *, fields_html=None) -> str:
        """A comment or reply form posted in place (htmx swaps the thread for the answer);
        ``safe_label``, its button's words, escaped."""
        action = escape(action)
        token = str(self.thread.get("csrf_token") or "")
        token_input = (
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'
            if token and token != NOT_PROVIDED
            else ""
        )
        return (
            f'<form method="post" action="{action}" hx-post="{action}" hx-target="#comments" '
            f'hx-swap="outerHTML" novalidate>{token_input}'
            f"{fields(form) if fields_html is None else fields_html}"
            f'<button type="submit" class="btn btn-primary">{safe_label}</button></form>'
        )


def thread_html(thread: dict) -> SafeString:
    """The comments section of ``thread`` (``THREAD_KEYS``)."""
    return Thread(thread).html()
