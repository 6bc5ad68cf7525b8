"""The board: the project's contributions, filtered, sorted and paged, with the form to add
one (``BoardView``), and one contribution as the board shows it (``board_item``)."""

from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView

from codesign import content, rows
from codesign.filters import FilteredListMixin, IdsFirstPaginator
from codesign.forms import fresh_submission_key
from codesign.kept_pages import KeptPageMixin
from codesign.memo import Memo
from codesign.mixins import ProjectMixin
from codesign.permissions import project_membership

from . import results, selectors, tallies
from .board_size import board_size_of
from .filters import BoardFilter
from .forms import QuickContributionForm, journey_steps_read
from .models import Contribution, Tag


def board_item(project, contribution, membership):
    """One contribution as the board shows it (counts, and whether the viewer supports it)."""
    item = (
        selectors.cards(project, membership=membership)
        .select_related("stage", "session")
        .get(pk=contribution.pk)
    )
    item.project = project
    return item


# The board's add form as drawn for a project (``BoardView._add_form``).
_ADD_FORMS = Memo(kept=500)


class BoardView(KeptPageMixin, FilteredListMixin, ProjectMixin, ListView):
    """The project's contributions, filtered, sorted and paged, with an inline form to add.

    The results (filters, count, cards, pages) are kept until the project's content changes
    (contributions/results.py): while they are, there is no list to work out.
    """

    permission_required = "contributions.view_board"
    template_name = "contributions/board.html"
    page_title = gettext_lazy("Contributions")
    filterset_class = BoardFilter
    paginate_by = 20
    context_object_name = "contributions"

    @cached_property
    def can_add(self) -> bool:
        return self.request.user.has_perm("contributions.add_contribution", self.project)

    @cached_property
    def results_key(self) -> str:
        return results.key(self.project, self.request.user, self.request.GET, can_add=self.can_add)

    @cached_property
    def shared_key(self) -> str:
        return results.key(
            self.project, self.request.user, self.request.GET, can_add=self.can_add, shared=True
        )

    @cached_property
    def kept_results(self) -> str | None:
        """The person's results as kept: their own, or those kept for everyone with their
        roles, when no card on the page is theirs (their supports are drawn when served)."""
        kept = content.kept_many([self.results_key, self.shared_key])
        if self.results_key in kept:
            return kept[self.results_key]
        shared = kept.get(self.shared_key)
        if shared is None or self.request.user.pk in shared.authors:
            return None
        return shared.html

    @cached_property
    def vocabulary(self) -> dict:
        """The project's stages and tags (the filters, the cards: only when the results are
        worked out) and journey steps (the add form), each read in a query written once
        (``codesign.rows``) and sent together, and remembered in the process under the
        project's version without its tallies (they change it; supports and comments do
        not change them: ``content.remembered``); stages and tags given the page's project."""
        reads = (
            {"stages": self._stages_read(), "tags": self._tags_read()}
            if self.kept_results is None
            else {}  # the kept results need neither
        )
        if self.can_add:
            reads["steps"] = self._remembered(journey_steps_read(self.project))
        return dict(zip(reads, rows.together(*reads.values()), strict=True))

    def _remembered(self, read):
        project = self.project
        return content.remembered(
            read, project.pk, project.created_at, project.version_without(("supports", "comments"))
        )

    def _stages_read(self):
        model = self.project.stages.model
        return self._of_project(
            self._remembered(
                rows.many_read(model, order_by=("order", "id"), project_id=self.project.pk)
            )
        )

    def _tags_read(self):
        return self._of_project(
            self._remembered(
                rows.many_read(Tag, order_by=("name", "id"), project_id=self.project.pk)
            )
        )

    def _of_project(self, read):
        """``read``, each of its rows given the page's project."""

        def take(found):
            items = read.take(found)
            for item in items:
                item.project = self.project
            return items

        return rows.Read(read.connection, read.sql, read.params, take)

    @property
    def stages(self) -> list:
        if "stages" not in self.vocabulary:
            self.vocabulary["stages"] = self._stages_read().run()
        return self.vocabulary["stages"]

    @property
    def tags(self) -> list:
        if "tags" not in self.vocabulary:
            self.vocabulary["tags"] = self._tags_read().run()
        return self.vocabulary["tags"]

    def get_unfiltered_queryset(self):
        return selectors.board(self.project)

    def get_paginator(self, queryset, per_page, **kwargs):
        # The page's ids first, then its cards: a deep page loads nothing it skips.
        membership = project_membership(self.request.user, self.project)
        return IdsFirstPaginator(
            queryset,
            per_page,
            load=lambda ids: selectors.board_cards(self.project, ids, membership=membership),
            gather=self._gather(membership) if "q" in self.filterset.used else None,
            # The whole board, in either order: as many as the project keeps count of, and
            # a page's ids and cards read together.
            count=None if self.filtered else board_size_of(self.project),
            read=None if self.filtered else self._read_page(membership),
            **kwargs,
        )

    def _read_page(self, membership):
        """How a page of the whole board is read, in the order asked for (if it is one the
        board offers: ``filterset.used``)."""
        sort = self.filterset.used.get("sort", "newest")

        def read(offset, limit, from_end):
            return selectors.board_page(
                self.project,
                sort,
                offset=offset,
                limit=limit,
                from_end=from_end,
                membership=membership,
            )

        return read

    def _gather(self, membership):
        """How a page of a search is read: its matches gathered, counted and cut to the page,
        its cards with them; through a query compiled once when the search is all there is to
        it (``selectors.search_page``), or else the filters' (``selectors.found_page``)."""
        sort = self.filterset.used.get("sort", "newest")

        def gather(offset, limit):
            found = None
            if self.searched_alone:
                text = self.filterset.form.cleaned_data["q"]
                found = selectors.search_page(
                    self.project, text, sort, offset=offset, limit=limit, membership=membership
                )
            if found is None:
                ids = self.filterset.qs.values_list("pk", flat=True)
                found = selectors.found_page(
                    ids, self.project, sort, offset=offset, limit=limit, membership=membership
                )
            return found

        return gather

    @property
    def searched_alone(self) -> bool:
        """Whether the board is searched, and sorted at most, with no other filter."""
        return "q" in self.filterset.used and set(self.filterset.used) <= {"q", "sort"}

    @property
    def filtered(self) -> bool:
        """Whether the board is filtered (sorting aside)."""
        return any(name != "sort" for name in self.filterset.used)

    def get_filterset_kwargs(self, filterset_class):
        return {
            **super().get_filterset_kwargs(filterset_class),
            "stages": self.stages,
            "tags": self.tags,
        }

    def get_queryset(self):
        if self.kept_results is not None:
            return Contribution.objects.none()
        if self.searched_alone:
            # Its pages are read through its own query (``_gather``): the filters' is not built.
            return self.filterset.queryset
        return super().get_queryset()

    def get_paginate_by(self, queryset):
        return None if self.kept_results is not None else self.paginate_by

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.can_add:
            context["add_form"] = self._add_form(context)
        html = self.kept_results
        if html is None:
            html = self.work_out_results(self.results_context(context))
        # Rendered by the template, which escapes what people wrote; kept as text.
        context["results"] = mark_safe(html)  # noqa: S308
        return context

    def drawn_when_served(self) -> dict:
        # The add form's one-time key, fresh each time the page is served: a kept page served
        # twice (two tabs, two devices) carried one key, and what was added from the second
        # was taken for the first's second submission, and lost.
        return {"submission_key": fresh_submission_key} if self.can_add else {}

    def _add_form(self, context) -> str:
        """The add form, fresh, as its template draws it. On a page being kept, whose token
        and one-time key are stand-ins (put in when served), drawn once a process for what it
        shows: the project's journey steps (under its version without the tallies, as they
        are remembered), whether it takes anonymous posts, the language and the release.
        Made and drawn, it was a tenth of a board worked out."""
        project = self.project

        def draw():
            form = QuickContributionForm(project=project, steps=self.vocabulary["steps"])
            token = context.get("csrf_token") or get_token(self.request)
            return render_to_string(
                "contributions/partials/add_form.html",
                {
                    "project": project,
                    "form": form,
                    "csrf_token": token,
                    "submission_key": context["submission_key"],
                },
            )

        if not getattr(self, "_keeping", False):
            return draw()
        version = project.version_without(("supports", "comments"))
        key = ("board-add", project.pk, project.created_at, version, project.allow_anonymous)
        return _ADD_FORMS.drawn(key, draw)

    def work_out_results(self, results_context) -> str:
        """Render the results and keep them: for everyone with the person's roles, unless a
        card on the page is the person's own."""
        self.worked_out = True  # its tallies are drawn as they stand, for this person
        user = self.request.user
        if any(item.author.user_id == user.pk for item in results_context["contributions"]):
            html = results.render(results_context, user)
            self.keep_with_page(self.results_key, html)
            return html
        shared = results.render_shared(results_context, user)
        self.keep_with_page(self.shared_key, shared)
        return shared.html

    def kept_without(self) -> tuple[str, ...]:
        return results.drawn_when_served(self.request.GET)

    def draw_tallies(self, html: str) -> str:
        if getattr(self, "worked_out", False):
            return html
        membership = project_membership(self.request.user, self.project)
        standings = selectors.standings(self.project, membership, tallies.marked_in(html))
        return tallies.draw(html, standings)

    def results_context(self, context) -> dict:
        """The context of the board's results: the filters, the page and its cards."""
        items = list(context["contributions"])
        stage_of = {stage.pk: stage for stage in self.stages}
        for item in items:
            # Rules ask each card's project, and cards show their stage: no query per card.
            item.project = self.project
            if item.stage_id in stage_of:
                item.stage = stage_of[item.stage_id]
        return {
            "project": self.project,
            "user": self.request.user,
            "can_add": self.can_add,
            "filter": self.filterset,
            "filter_html": self.filterset.html(_("Filter contributions")),
            "filter_query": self.filterset.query_string(),
            "filtered": self.filtered,
            "page_obj": context["page_obj"],
            "contributions": items,
        }
