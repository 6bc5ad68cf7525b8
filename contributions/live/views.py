"""The live board: the big screen in the room, and the phone page people join with a code."""

from datetime import UTC, datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from codesign.mixins import PermissionMixin
from codesign.permissions import project_membership
from sessions.views import SessionMixin

from ..models import Contribution, LiveBoard
from ..rounds import selectors as rounds_selectors
from . import selectors, services
from .forms import JoinForm, LiveContributionForm

NO_BOARD = gettext_lazy(
    "There is no open board with that code. Check the code on the screen in the room."
)
BOARD_CLOSED = gettext_lazy(
    "This live board has closed. Everything added to it is on the project's board."
)


def board_problem(user, board) -> str:
    """Why this person cannot join the board, in words that reveal nothing about other projects."""
    if board is None or not user.has_perm("contributions.view_live_board", board):
        return str(NO_BOARD)
    if not board.is_open or board.session.status != board.session.Status.IN_PROGRESS:
        return str(BOARD_CLOSED)
    return ""


class JoinView(LoginRequiredMixin, FormView):
    """Type the code from the screen."""

    template_name = "contributions/live/join.html"
    form_class = JoinForm

    def form_valid(self, form):
        code = services.normalise_code(form.cleaned_data["code"])
        problem = board_problem(self.request.user, selectors.board_by_code(code))
        if problem:
            form.add_error("code", problem)
            return self.form_invalid(form)
        return redirect("live:board-join", code=code)


class BoardJoinView(PermissionMixin, FormView):
    """The phone page: add an idea, experience or touchpoint, and vote when a round runs."""

    permission_required = "contributions.join_live_board"
    template_name = "contributions/live/board_join.html"
    form_class = LiveContributionForm

    @cached_property
    def board(self):
        return selectors.board_by_code(services.normalise_code(self.kwargs["code"]))

    def get_permission_object(self):
        return self.board

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        problem = board_problem(request.user, self.board)
        if problem:
            if problem == str(NO_BOARD):
                self._audit_denial(self.board, "hidden")
            form = JoinForm(initial={"code": self.kwargs["code"][:16]})
            return render(
                request,
                "contributions/live/join.html",
                {"form": form, "problem": problem},
                status=404,
            )
        return super().dispatch(request, *args, **kwargs)

    @property
    def session(self):
        return self.board.session

    @cached_property
    def membership(self):
        return project_membership(self.request.user, self.session.project)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "project": self.session.project}

    def get_context_data(self, **kwargs):
        session = self.session
        rounds = list(rounds_selectors.rounds_for_session(session))
        return super().get_context_data(
            board=self.board,
            session=session,
            project=session.project,
            open_rounds=[r for r in rounds if r.status == r.Status.OPEN],
            closed_rounds=[r for r in rounds if r.status == r.Status.CLOSED],
            mine=list(
                Contribution.objects.filter(session=session, author=self.membership)
                .visible()
                .order_by("-pk")
            ),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            services.live_contribution_add(
                board=self.board,
                author=self.membership,
                added_by=self.request.user,
                **form.contribution_fields(),
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Thank you: it is on the board."))
        return redirect("live:board-join", code=self.board.code)


class LiveBoardMixin(SessionMixin):
    """A facilitator's view of a session's live board."""

    permission_required = "contributions.run_live_board"

    @cached_property
    def board(self):
        return LiveBoard.objects.filter(session=self.session).first()

    def get_visibility_object(self):
        return self.session

    def board_or_404(self):
        return get_object_or_404(LiveBoard, session=self.session)

    @property
    def is_live(self):
        return (
            self.board is not None
            and self.board.is_open
            and self.session.status == self.session.Status.IN_PROGRESS
        )

    def get_context_data(self, **kwargs):
        kwargs.setdefault("board", self.board)
        kwargs.setdefault("is_live", self.is_live)
        kwargs.setdefault(
            "can_run", self.request.user.has_perm("contributions.run_live_board", self.session)
        )
        return super().get_context_data(**kwargs)


class ScreenContextMixin:
    """What the big screen and its poll share: the cursor, the interval and the dot-vote."""

    def poll_context(self, *, after: int, now, rounds: dict, with_results: bool) -> dict:
        context = {
            "after": after,
            "since": f"{now.timestamp():.6f}",
            "poll_seconds": settings.LIVE_BOARD_POLL_SECONDS,
            "item_count": selectors.item_count(self.session),
            **rounds,
        }
        if with_results and rounds["closed_round"] is not None:
            context["results"] = rounds_selectors.round_results(rounds["closed_round"])
        return context


class BoardScreenView(ScreenContextMixin, LiveBoardMixin, TemplateView):
    """The big screen: the code and QR code to join, what the room adds, the dot-vote.

    People the session is for can watch it on their own screens too; only facilitators get
    its controls.
    """

    permission_required = "contributions.view_live_board"
    template_name = "contributions/live/board_screen.html"

    @property
    def page_title(self):
        return _("Live board: %(title)s") % {"title": self.session.title}

    def get(self, request, *args, **kwargs):
        if self.board is None:
            if not request.user.has_perm("contributions.run_live_board", self.session):
                raise Http404
            return redirect("live:board-open", self.project.pk, self.session.pk)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        now = timezone.now()
        items = list(selectors.board_items(self.session))
        join_url = self.request.build_absolute_uri(
            reverse("live:board-join", args=[self.board.code])
        )
        return super().get_context_data(
            items=items,
            join_url=join_url,
            join_short_url=self.request.build_absolute_uri(reverse("live:join")),
            qr_svg=mark_safe(  # noqa: S308 (our own SVG: a path and attributes we set)
                selectors.qr_svg(join_url, label=_("QR code that opens the page to join"))
            ),
            code_spelled=" ".join(self.board.code),
            **self.poll_context(
                after=items[0].pk if items else 0,
                now=now,
                rounds=selectors.screen_rounds(self.session),
                with_results=True,
            ),
            **kwargs,
        )


class BoardItemsView(ScreenContextMixin, LiveBoardMixin, TemplateView):
    """What the screen polls for: new items to add, changed ones to redraw, the vote counts."""

    permission_required = "contributions.view_live_board"
    template_name = "contributions/live/partials/poll.html"

    def get(self, request, *args, **kwargs):
        self.board_or_404()
        return super().get(request, *args, **kwargs)

    def _number(self, name, kind):
        try:
            return kind(self.request.GET.get(name, ""))
        except ValueError:
            return None

    def get_context_data(self, **kwargs):
        now = timezone.now()
        after = max(self._number("after", int) or 0, 0)
        since = self._number("since", float)
        try:
            since = datetime.fromtimestamp(since, tz=UTC) if since else now
        except (OverflowError, OSError, ValueError):  # inf, nan or past the year 9999
            since = now
        new_items = list(selectors.board_items(self.session, after=after))
        changed = list(selectors.changed_items(self.session, after=after, since=since))
        rounds = selectors.screen_rounds(self.session)
        redraw_rounds = rounds["signature"] != self.request.GET.get("rounds", "")
        return super().get_context_data(
            new_items=new_items,
            changed_items=changed,
            previous_after=after,
            redraw_rounds=redraw_rounds,
            **self.poll_context(
                after=new_items[0].pk if new_items else after,
                now=now,
                rounds=rounds,
                with_results=redraw_rounds,
            ),
            **kwargs,
        )


class BoardOpenView(LiveBoardMixin, TemplateView):
    template_name = "contributions/live/board_open.html"
    page_title = gettext_lazy("Open the live board")

    def get(self, request, *args, **kwargs):
        if self.is_live:
            return redirect("live:board-screen", self.project.pk, self.session.pk)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.is_live:
            return redirect("live:board-screen", self.project.pk, self.session.pk)
        try:
            services.live_board_open(session=self.session)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.session)
        return redirect("live:board-screen", self.project.pk, self.session.pk)


class BoardCloseView(LiveBoardMixin, TemplateView):
    template_name = "contributions/live/board_close.html"
    page_title = gettext_lazy("Close the live board")

    def get(self, request, *args, **kwargs):
        self.board_or_404()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        services.live_board_close(board=self.board_or_404())
        messages.success(request, _("The live board is closed. Nobody can join it any more."))
        return redirect("live:board-screen", self.project.pk, self.session.pk)


class BoardAddForView(LiveBoardMixin, FormView):
    """A facilitator adds, from the screen, what someone without a device said."""

    permission_required = "contributions.add_to_live_board_for"
    template_name = "contributions/live/board_add_for.html"
    form_class = LiveContributionForm
    page_title = gettext_lazy("Add for someone")

    def get_permission_object(self):
        return self.board_or_404()

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "project": self.project,
            "session": self.session,
            "for_someone": True,
        }

    def form_valid(self, form):
        fields = form.contribution_fields()
        try:
            services.live_contribution_add(board=self.board, added_by=self.request.user, **fields)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Added for %(name)s.") % {"name": fields["author"].display_name}
        )
        return redirect("live:board-screen", self.project.pk, self.session.pk)
