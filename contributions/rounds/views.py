"""Prioritisation rounds: list, open, place dots, close, and results once closed."""

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from codesign.exports import csv_cell
from codesign.mixins import ProjectMixin, ProjectObjectMixin
from codesign.permissions import project_membership
from codesign.views import safe_next
from sessions.models import WorkshopSession

from ..models import Contribution, LiveBoard, PrioritisationRound
from . import selectors, services
from .forms import RoundForm, VoteForm
from .tables import results_table


def live_screen_url(prioritisation_round) -> str:
    """The big screen of the round's session, if its live board is open."""
    session = prioritisation_round.session
    if session is None or not LiveBoard.objects.filter(session=session, closed_at=None).exists():
        return ""
    return reverse("live:board-screen", args=[session.project_id, session.pk])


class RoundMixin(ProjectObjectMixin):
    """A view about one round of the project in the URL (another project's round is a 404)."""

    model = PrioritisationRound
    object_url_kwarg = "round_pk"
    context_object_name = "round"
    select_related = ("session",)

    @property
    def prioritisation_round(self):
        return self.scoped_object

    def get_context_data(self, **kwargs):
        kwargs.setdefault("next", safe_next(self.request))
        return super().get_context_data(**kwargs)


class RoundListView(ProjectMixin, TemplateView):
    permission_required = "contributions.view_board"
    template_name = "contributions/rounds/round_list.html"
    page_title = gettext_lazy("Prioritisation rounds")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            rounds=list(selectors.rounds_for_project(self.project)), **kwargs
        )


class RoundCreateView(ProjectMixin, FormView):
    permission_required = "contributions.open_round"
    template_name = "contributions/rounds/round_form.html"
    form_class = RoundForm
    page_title = gettext_lazy("Open a prioritisation round")

    @cached_property
    def session(self):
        """The session the round is started for (from the live board), if any."""
        pk = self.request.GET.get("session", "")
        if not pk.isdigit():
            return None
        return (
            WorkshopSession.objects.filter(project=self.project, pk=pk)
            .exclude(status=WorkshopSession.Status.CANCELLED)
            .first()
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "project": self.project}

    def get_initial(self):
        if self.session is None:
            return {}
        ideas = (
            Contribution.objects.filter(session=self.session, hidden_at__isnull=True)
            .visible()
            .ideas()
        )
        return {
            "session": self.session,
            "title": _("Priorities from %(session)s") % {"session": self.session.title},
            "ideas": list(ideas.values_list("pk", flat=True)),
        }

    def form_valid(self, form):
        try:
            prioritisation_round = services.round_open(
                project=self.project,
                title=form.cleaned_data["title"],
                dots_per_person=form.cleaned_data["dots_per_person"],
                ideas=form.cleaned_data["ideas"],
                session=form.cleaned_data["session"],
                in_the_open=form.cleaned_data["in_the_open"],
                opened_by=self.request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The round is open. Everyone taking part has been told."))
        return redirect(live_screen_url(prioritisation_round) or prioritisation_round)


class RoundDetailView(RoundMixin, TemplateView):
    """The round: who may vote, one's own dots, how many voted; results only once closed."""

    permission_required = "contributions.view_round"
    template_name = "contributions/rounds/round_detail.html"

    @property
    def page_title(self):
        return self.prioritisation_round.title

    def get_context_data(self, **kwargs):
        prioritisation_round = self.prioritisation_round
        user = self.request.user
        mine = selectors.dots_of(prioritisation_round, project_membership(user, self.project))
        context = {
            "voter_count": selectors.voter_count(prioritisation_round),
            "ideas": [
                (idea, mine.get(idea.pk, 0)) for idea in selectors.round_ideas(prioritisation_round)
            ],
            "has_voted": bool(mine),
            "results": None,
        }
        if user.has_perm("contributions.view_round_results", prioritisation_round):
            context["results"] = selectors.round_results(prioritisation_round)
        return super().get_context_data(**context, **kwargs)


class RoundVoteView(RoundMixin, FormView):
    permission_required = "contributions.vote"
    template_name = "contributions/rounds/round_vote.html"
    form_class = VoteForm
    page_title = gettext_lazy("Place your dots")

    @cached_property
    def membership(self):
        return project_membership(self.request.user, self.project)

    @cached_property
    def ideas(self):
        return list(selectors.round_ideas(self.prioritisation_round))

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "ideas": self.ideas,
            "dots_per_person": self.prioritisation_round.dots_per_person,
        }

    def get_initial(self):
        mine = selectors.dots_of(self.prioritisation_round, self.membership)
        return {VoteForm.field_name(idea): mine.get(idea.pk, 0) for idea in self.ideas}

    def form_valid(self, form):
        try:
            services.round_vote(
                prioritisation_round=self.prioritisation_round,
                membership=self.membership,
                dots=form.dots(),
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Your dots are placed. You can move them until the facilitator closes the round."),
        )
        return redirect(safe_next(self.request) or self.prioritisation_round)


class RoundCloseView(RoundMixin, TemplateView):
    permission_required = "contributions.close_round"
    template_name = "contributions/rounds/round_close.html"
    page_title = gettext_lazy("Close the round")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            voter_count=selectors.voter_count(self.prioritisation_round), **kwargs
        )

    def post(self, request, *args, **kwargs):
        services.round_close(prioritisation_round=self.prioritisation_round)
        messages.success(request, _("The round is closed and its results are shown."))
        return redirect(safe_next(request) or self.prioritisation_round)


class RoundDeclareOpenView(RoundMixin, TemplateView):
    """Declare, after a confirm, that the round's votes were placed where everyone saw them."""

    permission_required = "contributions.declare_round_open"
    template_name = "contributions/rounds/round_declare_open.html"
    page_title = gettext_lazy("Votes placed in the open")

    def post(self, request, *args, **kwargs):
        services.round_declare_open(prioritisation_round=self.prioritisation_round)
        messages.success(
            request, _("The round is marked as voted in the open: each group's dots are shown.")
        )
        return redirect(self.prioritisation_round)


class RoundResultsCsvView(RoundMixin, View):
    """A closed round's results as CSV: the page's table, withheld where the page withholds."""

    permission_required = "contributions.view_round_results"

    def get(self, request, *args, **kwargs):
        results = selectors.round_results(self.prioritisation_round)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="round-{self.prioritisation_round.pk}-results.csv"'
        )
        writer = csv.writer(response)
        header, rows = results_table(results)
        for row in [header, *rows]:
            writer.writerow([csv_cell(cell) for cell in row])
        return response
