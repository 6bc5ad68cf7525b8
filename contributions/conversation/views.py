"""Comments, reports and moderation: the pages and the inline (htmx) comment thread."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, ListView, TemplateView

from codesign.filters import PagedListMixin
from codesign.forms import put_errors_in_form
from codesign.mixins import ProjectMixin, ProjectObjectMixin
from codesign.permissions import project_membership

from ..models import Comment, Report
from ..templatetags.conversation import thread_context
from ..views import ContributionMixin
from . import services
from .forms import (
    CommentEditForm,
    CommentForm,
    HideForm,
    RedactForm,
    ReplyForm,
    ReportForm,
)
from .selectors import open_reports, project_reports

FROM_QUEUE = "queue"


def comments_url(contribution) -> str:
    return f"{contribution.get_absolute_url()}#comments"


def comment_url(comment) -> str:
    return f"{comment.contribution.get_absolute_url()}#comment-{comment.pk}"


class CommentMixin(ProjectObjectMixin):
    """A view about one comment (not withdrawn) on a contribution of the project in the URL;
    one on a contribution the person may not see is a 404."""

    model = Comment
    object_url_kwarg = "comment_pk"
    context_object_name = "comment"
    project_lookup = "contribution__project"
    select_related = ("author", "parent__author", "contribution__author")
    visibility_permission = "contributions.view_contribution"

    def get_object_queryset(self):
        return super().get_object_queryset().filter(withdrawn_at__isnull=True)

    def get_scoped_object(self):
        comment = super().get_scoped_object()
        comment.project = self.project
        return comment

    @property
    def comment(self):
        return self.scoped_object

    @property
    def contribution(self):
        return self.comment.contribution

    def get_visibility_object(self):
        return self.contribution

    def get_context_data(self, **kwargs):
        kwargs.setdefault("contribution", self.contribution)
        return super().get_context_data(**kwargs)


class ContributionTargetMixin(ContributionMixin):
    target_kind = "contribution"

    @property
    def target(self):
        return self.contribution

    @property
    def target_url(self):
        return self.contribution.get_absolute_url()


class CommentTargetMixin(CommentMixin):
    target_kind = "comment"

    @property
    def target(self):
        return self.comment

    @property
    def target_url(self):
        return comment_url(self.comment)


class CommentPostMixin:
    """Post a comment or reply: htmx gets the thread back, a plain form goes back to the
    contribution."""

    permission_required = "contributions.comment"
    template_name = "contributions/conversation/comment_form.html"
    parent = None
    posted_message = gettext_lazy("Your comment is posted.")

    def get_permission_object(self):
        return self.contribution

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "project": self.project}

    def form_valid(self, form):
        try:
            comment = services.comment_add(
                contribution=self.contribution,
                author=project_membership(self.request.user, self.project),
                parent=self.parent,
                **form.cleaned_data,
            )
        except ValidationError as error:
            put_errors_in_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.posted_message)
        if self.request.htmx:
            return self.render_thread(posted=comment)
        return redirect(comments_url(self.contribution))

    def form_invalid(self, form):
        if self.request.htmx:
            # The thread is swapped in anew: put the person back in the field to correct.
            form.fields["body"].widget.attrs["autofocus"] = True
            return self.render_thread(form=form)
        return super().form_invalid(form)

    def render_thread(self, *, form=None, posted=None):
        return render(
            self.request,
            "contributions/conversation/partials/comments_response.html",
            thread_context(
                contribution=self.contribution,
                request=self.request,
                posted=posted,
                **self.forms_in_thread(form),
            ),
        )

    def forms_in_thread(self, form):
        return {"form": form}


class CommentCreateView(CommentPostMixin, ContributionMixin, FormView):
    form_class = CommentForm
    page_title = gettext_lazy("Add a comment")


class CommentReplyView(CommentPostMixin, CommentMixin, FormView):
    """Reply to a comment; a reply to a reply joins the thread of the comment above it."""

    form_class = ReplyForm
    page_title = gettext_lazy("Reply")
    posted_message = gettext_lazy("Your reply is posted.")

    @property
    def parent(self):
        return self.comment

    @property
    def top_comment(self):
        return self.comment.parent or self.comment

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.htmx:
            # The same ids as the inline form in the thread, where its errors are shown.
            kwargs["auto_id"] = f"id_reply_{self.top_comment.pk}_%s"
        return kwargs

    def forms_in_thread(self, form):
        return {"reply_form": form, "reply_to": self.top_comment if form is not None else None}


class CommentUpdateView(CommentMixin, FormView):
    permission_required = "contributions.change_comment"
    template_name = "contributions/conversation/comment_edit.html"
    form_class = CommentEditForm
    page_title = gettext_lazy("Edit your comment")

    def get_initial(self):
        return {"body": self.comment.body}

    def form_valid(self, form):
        try:
            services.comment_update(comment=self.comment, body=form.cleaned_data["body"])
        except ValidationError as error:
            put_errors_in_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your comment is saved."))
        return redirect(comment_url(self.comment))


class CommentWithdrawView(CommentMixin, TemplateView):
    permission_required = "contributions.change_comment"
    template_name = "contributions/conversation/comment_withdraw.html"
    page_title = gettext_lazy("Withdraw your comment")

    def post(self, request, *args, **kwargs):
        services.comment_withdraw(comment=self.comment)
        messages.success(request, _("Your comment is withdrawn."))
        return redirect(comments_url(self.contribution))


class ReportMixin:
    """Report something to the facilitators; a safeguarding concern leads to the
    organisation's signposting."""

    permission_required = "contributions.report"
    template_name = "contributions/conversation/report_form.html"
    form_class = ReportForm

    def form_valid(self, form):
        try:
            report = services.report_add(
                target=self.target, reporter=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            put_errors_in_form(form, error)
            return self.form_invalid(form)
        if report.reason == Report.Reason.SAFEGUARDING:
            messages.success(
                self.request,
                _("Thank you. The project's facilitators have been emailed about your concern."),
            )
            return redirect("conversation:safeguarding", self.project.pk)
        messages.success(
            self.request, _("Thank you for telling us. The facilitators will look at it.")
        )
        return redirect(self.target_url)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            target=self.target, target_kind=self.target_kind, back_url=self.target_url, **kwargs
        )


class ContributionReportView(ReportMixin, ContributionTargetMixin, FormView):
    page_title = gettext_lazy("Report a contribution")


class CommentReportView(ReportMixin, CommentTargetMixin, FormView):
    page_title = gettext_lazy("Report a comment")


class SafeguardingView(ProjectMixin, TemplateView):
    """The organisation's signposting: who to contact when someone may be at risk."""

    permission_required = "contributions.view_board"
    template_name = "contributions/conversation/safeguarding.html"
    page_title = gettext_lazy("If someone may be at risk")


class ModerationQueueView(PagedListMixin, ProjectMixin, ListView):
    """Open reports, newest first, for the facilitators."""

    permission_required = "contributions.moderate"
    template_name = "contributions/conversation/moderation_queue.html"
    page_title = gettext_lazy("Reports to look at")
    paginate_by = 50
    context_object_name = "reports"

    def get_queryset(self):
        return open_reports(self.project)


class ReportResolveView(ProjectMixin, TemplateView):
    # Reports, and who made them, are known to the facilitators only.
    visibility_permission = "contributions.moderate"
    permission_required = "contributions.moderate"
    template_name = "contributions/conversation/report_resolve.html"
    page_title = gettext_lazy("Resolve report")

    @cached_property
    def report(self):
        return get_object_or_404(project_reports(self.project), pk=self.kwargs["report_pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(report=self.report, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            services.report_resolve(report=self.report, moderator=request.user)
        except ValidationError as error:
            messages.info(request, " ".join(error.messages))
        else:
            messages.success(request, _("Report resolved."))
        return redirect("conversation:moderation-queue", self.project.pk)


class ModerateMixin:
    """A facilitator acts on a contribution or comment, then goes back to it (or to the
    queue they came from)."""

    permission_required = "contributions.moderate"

    def came_from_queue(self):
        return (self.request.POST or self.request.GET).get("from") == FROM_QUEUE

    def done(self):
        if self.came_from_queue():
            return redirect("conversation:moderation-queue", self.project.pk)
        return redirect(self.target_url)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            target=self.target,
            target_kind=self.target_kind,
            from_queue=self.came_from_queue(),
            back_url=self.target_url,
            **kwargs,
        )


class HideMixin(ModerateMixin):
    template_name = "contributions/conversation/moderation_hide.html"
    form_class = HideForm

    def form_valid(self, form):
        try:
            services.moderation_hide(
                target=self.target, reason=form.cleaned_data["reason"], moderator=self.request.user
            )
        except ValidationError as error:
            put_errors_in_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Hidden. Its author sees your reason."))
        return self.done()


class RestoreMixin(ModerateMixin):
    template_name = "contributions/conversation/moderation_restore.html"

    def post(self, request, *args, **kwargs):
        try:
            services.moderation_restore(target=self.target, moderator=request.user)
        except ValidationError as error:
            messages.info(request, " ".join(error.messages))
        else:
            messages.success(request, _("Shown again to everyone."))
        return self.done()


class RedactMixin(ModerateMixin):
    template_name = "contributions/conversation/moderation_redact.html"
    form_class = RedactForm

    def form_valid(self, form):
        try:
            services.moderation_redact(
                target=self.target,
                passage=form.cleaned_data["passage"],
                moderator=self.request.user,
            )
        except ValidationError as error:
            put_errors_in_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Those words are removed; the rest of the text stays."))
        return self.done()


class ContributionHideView(HideMixin, ContributionTargetMixin, FormView):
    page_title = gettext_lazy("Hide a contribution")


class ContributionRestoreView(RestoreMixin, ContributionTargetMixin, TemplateView):
    page_title = gettext_lazy("Show a contribution again")


class ContributionRedactView(RedactMixin, ContributionTargetMixin, FormView):
    page_title = gettext_lazy("Remove words from a contribution")


class CommentHideView(HideMixin, CommentTargetMixin, FormView):
    page_title = gettext_lazy("Hide a comment")


class CommentRestoreView(RestoreMixin, CommentTargetMixin, TemplateView):
    page_title = gettext_lazy("Show a comment again")


class CommentRedactView(RedactMixin, CommentTargetMixin, FormView):
    page_title = gettext_lazy("Remove words from a comment")
