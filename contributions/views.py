from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from codesign import kept_pages, rows
from codesign.forms import put_errors_in_form
from codesign.kept_pages import KeptPageMixin
from codesign.mixins import ProjectMixin, ProjectObjectMixin
from codesign.permissions import project_membership
from codesign.views import safe_next
from sessions.models import WorkshopSession

from . import card_rows, selectors, services, tallies
from .board import board_item
from .conversation.selectors import comment_thread_read
from .forms import (
    ContributionForForm,
    ContributionForm,
    ContributionTagsForm,
    QuickContributionForm,
    StatusForm,
    TagForm,
)
from .models import Contribution
from .templatetags.conversation import draw_thread


class ContributionMixin(ProjectObjectMixin):
    """A view about one contribution of the project in the URL; one the person may not see
    (a withdrawn one, or any, for managers) is a 404."""

    model = Contribution
    object_url_kwarg = "contribution_pk"
    context_object_name = "contribution"
    select_related = ("author", "stage", "session")
    visibility_permission = "contributions.view_contribution"

    @property
    def contribution(self):
        return self.scoped_object


class ContributionFormMixin:
    """Add or edit a contribution with the fields its kind needs."""

    template_name = "contributions/contribution_form.html"
    form_class = ContributionForm

    def get_kind(self):
        kind = self.request.GET.get("kind", "")
        return kind if kind in Contribution.Kind.values else None

    def get_sessions(self):
        return selectors.sessions_to_choose(
            self.project, project_membership(self.request.user, self.project)
        )

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "project": self.project,
            "sessions": self.get_sessions(),
            "kind": self.get_kind(),
        }

    def get_context_data(self, **kwargs):
        kind = self.get_kind()
        return super().get_context_data(
            kind=kind,
            kind_label=Contribution.Kind(kind).label if kind else "",
            kinds=Contribution.Kind.choices,
            next_url=self.request.POST.get("next") or self.request.GET.get("next", ""),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            contribution = self.save(form.contribution_fields())
        except ValidationError as error:
            put_errors_in_form(form, error)
            return self.form_invalid(form)
        return self.saved(contribution)


class ContributionCreateView(ContributionFormMixin, ProjectMixin, FormView):
    """Add an experience, a touchpoint or an idea: on its own page, or inline on the board."""

    permission_required = "contributions.add_contribution"

    @property
    def page_title(self):
        kind = self.get_kind()
        if kind == Contribution.Kind.EXPERIENCE:
            return _("Share an experience")
        if kind == Contribution.Kind.TOUCHPOINT:
            return _("Mark a touchpoint")
        if kind == Contribution.Kind.IDEA:
            return _("Suggest an idea")
        return _("Add to the board")

    def save(self, fields):
        return services.contribution_add(
            project=self.project,
            author=project_membership(self.request.user, self.project),
            **fields,
        )

    def saved(self, contribution):
        message = _("Thank you. “%(title)s” is on the board.") % {"title": contribution.title}
        if self.request.htmx:
            membership = project_membership(self.request.user, self.project)
            [card] = selectors.name_tags([board_item(self.project, contribution, membership)])
            return render(
                self.request,
                "contributions/partials/add_form_added.html",
                {
                    "project": self.project,
                    "form": QuickContributionForm(project=self.project),
                    "c": card,
                    "message": message,
                    "board_count": self.board_count_after_adding(),
                },
            )
        messages.success(self.request, message)
        return redirect(safe_next(self.request, contribution.get_absolute_url()))

    def board_count_after_adding(self) -> int | None:
        """The count the board showed (sent by its quick-add), with the card just added."""
        shown = self.request.POST.get("board_count", "")
        return int(shown) + 1 if shown.isdigit() and len(shown) < 10 else None

    def form_invalid(self, form):
        if self.request.htmx:
            return render(
                self.request,
                "contributions/partials/add_form.html",
                {"project": self.project, "form": form},
            )
        return super().form_invalid(form)


class ContributionAddForView(ContributionFormMixin, ProjectMixin, FormView):
    """A facilitator adds a contribution someone gave them on paper, by phone or in the room."""

    permission_required = "contributions.add_on_behalf"
    form_class = ContributionForForm
    page_title = gettext_lazy("Add for someone")

    def get_sessions(self):
        return self.project.workshop_sessions.exclude(status=WorkshopSession.Status.CANCELLED)

    def get_context_data(self, **kwargs):
        return super().get_context_data(acting_for=True, **kwargs)

    def save(self, fields):
        return services.contribution_add(project=self.project, added_by=self.request.user, **fields)

    def saved(self, contribution):
        messages.success(
            self.request,
            _("“%(title)s” is on the board, recorded as theirs and marked as added by you.")
            % {"title": contribution.title},
        )
        return redirect(contribution)


class ContributionDetailView(KeptPageMixin, ContributionMixin, TemplateView):
    """A contribution with what is behind it, what it led to and its comments, kept whole
    for the person (``KeptPageMixin``): everything on it is the project's content, and its
    support is drawn as it stands when served."""

    template_name = "contributions/contribution_detail.html"

    @property
    def page_title(self):
        return self.contribution.title

    def get_scoped_object(self):
        # Read as the board's card is (whether the person supports it too), with its stage
        # and session: one query written once (``card_rows``).
        contribution = card_rows.card(
            self.project,
            self.kwargs[self.object_url_kwarg],
            membership=project_membership(self.request.user, self.project),
            related=self.select_related,
        )
        if contribution is None:
            raise Http404
        contribution.project = self.project
        return contribution

    def kept_without(self) -> tuple[str, ...]:
        # Its support and its comments are drawn when served; nothing else on it counts them.
        return ("supports", "comments")

    def draw_tallies(self, html: str) -> str:
        # The contribution is read afresh on every request (its rule asks it), with its counts
        # and whether the person supports it.
        c = self.contribution
        supported = bool(getattr(c, "supported", False))
        standing = tallies.Standing(
            c.pk, c.project_id, c.title, c.support_count, c.comment_count, supported
        )
        html = tallies.draw(html, {c.pk: standing})
        if getattr(self, "drawn_now", False) or "comments" not in self.tallies_moved:
            return html  # its comments were drawn in this request, or have not changed
        # A kept page: its comments drawn as they stand, with the stand-in for the form token
        # that serving it replaces.
        return draw_thread(html, c, self.request, kept_pages.mark("csrf"))

    def get_context_data(self, **kwargs):
        contribution = item = self.contribution
        user = self.request.user
        self.drawn_now = True
        context = super().get_context_data(c=item, thread_marked=True, **kwargs)
        # Both sides of its links, the changes it led to and its comments: sent together.
        sides, changes, comments = rows.together(
            card_rows.linked_read(item),
            card_rows.changes_from_read(item),
            comment_thread_read(item),
        )
        context.update(
            # What a hidden contribution said: its author and the facilitators only.
            sees_hidden=contribution.author.user_id == user.pk
            or user.has_perm("contributions.moderate", contribution),
            tags=item.tag_names,
            changes=changes,
            thread_read={item.pk: comments},
            **selectors.contribution_links(contribution, sides),
        )
        return context


class ContributionUpdateView(ContributionFormMixin, ContributionMixin, FormView):
    permission_required = "contributions.change_contribution"
    page_title = gettext_lazy("Edit")

    def get_kind(self):
        return self.contribution.kind

    @cached_property
    def current_sources(self):
        if self.contribution.kind != Contribution.Kind.IDEA:
            return []
        return list(self.contribution.sources.all())

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "current_sources": self.current_sources,
            "adding": False,
        }

    def get_initial(self):
        c = self.contribution
        initial = {
            "title": c.title,
            "body": c.body,
            "stage": c.stage,
            "session": c.session,
            "emotion": c.emotion,
            "journey_step": c.journey_step_id,
            "is_anonymous": c.is_anonymous,
        }
        if c.kind == Contribution.Kind.IDEA:
            initial["sources"] = self.current_sources
        return initial

    def get_sessions(self):
        sessions = super().get_sessions()
        if self.contribution.session_id:
            # Keep the session it was linked to, even if the person could not choose it now.
            sessions = sessions | self.project.workshop_sessions.filter(
                pk=self.contribution.session_id
            )
        return sessions

    def save(self, fields):
        fields.pop("kind")
        return services.contribution_update(contribution=self.contribution, **fields)

    def saved(self, contribution):
        messages.success(self.request, _("Your changes are saved."))
        return redirect(contribution)


class ContributionWithdrawView(ContributionMixin, TemplateView):
    permission_required = "contributions.change_contribution"
    template_name = "contributions/contribution_withdraw.html"
    page_title = gettext_lazy("Withdraw")

    def post(self, request, *args, **kwargs):
        services.contribution_withdraw(contribution=self.contribution)
        messages.success(
            request,
            _("“%(title)s” is withdrawn and no longer on the board.")
            % {"title": self.contribution.title},
        )
        return redirect("contributions:board", project_pk=self.project.pk)


class ContributionStatusView(ContributionMixin, FormView):
    """A facilitator sets an idea's status with a public note; its author is told."""

    permission_required = "contributions.set_status"
    template_name = "contributions/contribution_status.html"
    form_class = StatusForm
    page_title = gettext_lazy("Status of the idea")

    def get_initial(self):
        return {
            "status": self.contribution.status,
            "status_note": self.contribution.status_note,
        }

    def form_valid(self, form):
        try:
            services.contribution_set_status(
                contribution=self.contribution,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["status_note"],
                changed_by=self.request.user,
            )
        except ValidationError as error:
            put_errors_in_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Status saved. Its author has been told."))
        return redirect(self.contribution)


class ContributionTagsView(ContributionMixin, FormView):
    permission_required = "contributions.tag_contribution"
    template_name = "contributions/contribution_tags.html"
    form_class = ContributionTagsForm
    page_title = gettext_lazy("Tags")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "project": self.project}

    def get_initial(self):
        return {"tags": list(self.contribution.tags.all())}

    def form_valid(self, form):
        services.contribution_set_tags(
            contribution=self.contribution, tags=form.cleaned_data["tags"]
        )
        messages.success(self.request, _("Tags saved."))
        return redirect(self.contribution)


class SupportView(ContributionMixin, View):
    """Support an idea, or take the support back. POST only; htmx gets the button back."""

    permission_required = "contributions.support"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        membership = project_membership(request.user, self.project)
        try:
            supported = services.support_toggle(
                contribution=self.contribution,
                membership=membership,
                support={"1": True, "0": False}.get(request.POST.get("support")),
            )
        except ValidationError as error:
            message, supported = " ".join(error.messages), None
        else:
            message = (
                _("You support “%(title)s”.")
                if supported
                else _("You no longer support “%(title)s”.")
            ) % {"title": self.contribution.title}
        if request.htmx:
            return render(
                request,
                "contributions/partials/support_toggled.html",
                {
                    "c": board_item(self.project, self.contribution, membership),
                    "message": message,
                    "level": "danger" if supported is None else "success",
                },
            )
        if supported is None:
            messages.error(request, message)
        else:
            messages.success(request, message)
        return redirect(safe_next(request, self.contribution.get_absolute_url()))


class TagListView(ProjectMixin, FormView):
    """The project's own tag list: facilitators add and remove tags."""

    permission_required = "contributions.manage_tags"
    template_name = "contributions/tag_list.html"
    form_class = TagForm
    page_title = gettext_lazy("Tags")

    def get_context_data(self, **kwargs):
        return super().get_context_data(tags=list(selectors.tags_in_use(self.project)), **kwargs)

    def form_valid(self, form):
        tag = services.tag_add(project=self.project, name=form.cleaned_data["name"])
        messages.success(self.request, _("Tag “%(name)s” is on the list.") % {"name": tag.name})
        return redirect("contributions:tag-list", project_pk=self.project.pk)


class TagDeleteView(ProjectMixin, TemplateView):
    permission_required = "contributions.manage_tags"
    template_name = "contributions/tag_confirm_delete.html"
    page_title = gettext_lazy("Delete tag")

    @cached_property
    def tag(self):
        return get_object_or_404(selectors.tags_in_use(self.project), pk=self.kwargs["tag_pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)

    def post(self, request, *args, **kwargs):
        services.tag_delete(tag=self.tag)
        messages.success(request, _("Tag “%(name)s” deleted.") % {"name": self.tag.name})
        return redirect("contributions:tag-list", project_pk=self.project.pk)
