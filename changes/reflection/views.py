"""Reflection: the ladder of co-production and the facilitators' private reflective log."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from codesign.mixins import ProjectMixin, ProjectObjectMixin
from codesign.permissions import project_membership
from sessions.views import SessionMixin

from ..models import LadderRating, ReflectiveLogEntry
from . import selectors, services
from .forms import (
    CmoFromReflectionForm,
    LadderVoteForm,
    ReflectionForm,
    cmo_from_reflection,
    rungs,
)


def ladder_url(project) -> str:
    return reverse("reflection:ladder", args=[project.pk])


class LadderView(ProjectMixin, FormView):
    """Past ratings' results, and the open rating: how many rated so far, and one's own vote.

    GET is for anyone who sees the project; POST places (or moves) one's vote on the open
    rating, for its participants and facilitators.
    """

    template_name = "changes/reflection/ladder.html"
    form_class = LadderVoteForm
    page_title = gettext_lazy("Ladder of co-production")

    @property
    def permission_required(self):
        return "changes.rate_ladder" if self.request.method == "POST" else "changes.view_ladder"

    @cached_property
    def open_rating(self):
        return selectors.open_rating(self.project)

    @cached_property
    def membership(self):
        return project_membership(self.request.user, self.project)

    @cached_property
    def own_vote(self):
        if self.open_rating is None:
            return None
        return selectors.vote_of(self.open_rating, self.membership)

    def get_visibility_object(self):
        return self.project

    def get_permission_object(self):
        return self.open_rating if self.request.method == "POST" else self.project

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": self.own_vote,
            "group_threshold": self.project.group_threshold,
            "as_facilitator": self.rates_as_facilitator,
        }

    @property
    def rates_as_facilitator(self) -> bool:
        membership = self.membership
        return membership is not None and membership.role == membership.Role.FACILITATOR

    def get_context_data(self, **kwargs):
        user = self.request.user
        rating = self.open_rating
        context = {
            "open_rating": rating,
            "own_vote": self.own_vote,
            "voter_count": selectors.voter_count(rating) if rating else 0,
            "can_rate": rating is not None and user.has_perm("changes.rate_ladder", rating),
            "results": selectors.ladder_results(self.project),
            "rungs": rungs(),
            "min_group": self.project.group_threshold,
            "rates_as_facilitator": self.rates_as_facilitator,
        }
        return super().get_context_data(**context, **kwargs)

    def form_valid(self, form):
        try:
            services.ladder_vote(
                rating=self.open_rating,
                membership=self.membership,
                rung=form.cleaned_data["rung"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Your rating is saved. You can change it until the rating closes."),
        )
        return redirect(ladder_url(self.project))


class LadderOpenView(ProjectMixin, TemplateView):
    permission_required = "changes.open_ladder"
    template_name = "changes/reflection/ladder_open.html"
    page_title = gettext_lazy("Open a ladder rating")

    def get_context_data(self, **kwargs):
        return super().get_context_data(open_rating=selectors.open_rating(self.project), **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            services.ladder_open(project=self.project, opened_by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _(
                    "The rating is open. Participants and facilitators can now say where the "
                    "project stands."
                ),
            )
        return redirect(ladder_url(self.project))


class LadderCloseView(ProjectObjectMixin, TemplateView):
    model = LadderRating
    object_url_kwarg = "rating_pk"
    context_object_name = "rating"
    permission_required = "changes.close_ladder"
    template_name = "changes/reflection/ladder_close.html"
    page_title = gettext_lazy("Close the ladder rating")

    @property
    def rating(self):
        return self.scoped_object

    def get_context_data(self, **kwargs):
        return super().get_context_data(voter_count=selectors.voter_count(self.rating), **kwargs)

    def post(self, request, *args, **kwargs):
        services.ladder_close(rating=self.rating)
        messages.success(request, _("The rating is closed and its results are shown."))
        return redirect(ladder_url(self.project))


class ReflectiveLogView(SessionMixin, FormView):
    """A session's private log: facilitators' reflections on who held power in the room."""

    permission_required = "changes.reflect"
    template_name = "changes/reflection/session_log.html"
    form_class = ReflectionForm
    page_title = gettext_lazy("Reflective log")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            entries=list(selectors.reflections_for_session(self.session)), **kwargs
        )

    def form_valid(self, form):
        try:
            entry = services.reflection_add(
                session=self.session, author=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your reflection is saved in the session's log."))
        return redirect(
            reverse("reflection:session-log", args=[self.project.pk, self.session.pk])
            + f"#reflection-{entry.pk}"
        )


class ReflectionToCmoView(SessionMixin, FormView):
    """Turn a reflection into a context–mechanism–outcome record on one of the project's changes."""

    permission_required = "changes.reflect"
    template_name = "changes/reflection/entry_cmo.html"
    form_class = CmoFromReflectionForm
    page_title = gettext_lazy("Turn a reflection into a CMO record")

    @cached_property
    def entry(self):
        return get_object_or_404(
            ReflectiveLogEntry.objects.select_related("author"),
            pk=self.kwargs["entry_pk"],
            session=self.session,
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "project": self.project}

    def get_initial(self):
        return cmo_from_reflection(self.entry)

    def get_context_data(self, **kwargs):
        return super().get_context_data(entry=self.entry, **kwargs)

    def form_valid(self, form):
        try:
            evidence = services.reflection_to_cmo(
                entry=self.entry, created_by=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The CMO record is added to “%(change)s”.") % {"change": evidence.change.title},
        )
        return redirect(reverse("reflection:session-log", args=[self.project.pk, self.session.pk]))
