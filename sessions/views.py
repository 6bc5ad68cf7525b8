from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView, ListView, TemplateView

from codesign import rows
from codesign.filters import FilteredListMixin
from codesign.kept_pages import KeptPageMixin
from codesign.mixins import ProjectMixin, ProjectObjectMixin
from codesign.permissions import project_membership
from participants.models import Membership

from . import selectors, services
from .calendar.ics import session_download_ics
from .filters import ReplyFilter
from .forms import AgendaFormSet, CancelForm, ReplyForm, SessionForm
from .models import Reply, WorkshopSession
from .reminders.selectors import reminders_for_session_read


class SessionMixin(ProjectObjectMixin):
    """A view about one session of the project in the URL.

    A session the person is not in the audience for is a 404, like any object they may not
    know exists.
    """

    model = WorkshopSession
    object_url_kwarg = "session_pk"
    context_object_name = "session"
    visibility_permission = "workshops.view_session"
    select_related = ("stage",)
    read_in_one_query = True

    @property
    def session(self):
        return self.scoped_object


class SessionListView(ProjectMixin, TemplateView):
    template_name = "workshops/session_list.html"
    page_title = gettext_lazy("Sessions")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        sessions = selectors.sessions_for_project(
            self.project,
            project_membership(user, self.project),
            manage=user.has_perm("workshops.view_replies", self.project),
        )
        now = timezone.now()
        context.update(
            upcoming=[s for s in sessions if s.is_coming_up(now)],
            past=[s for s in sessions if not s.is_coming_up(now)][::-1],
        )
        return context


class SessionFormMixin:
    """A session form with its agenda items."""

    template_name = "workshops/session_form.html"

    def get_forms(self, instance=None):
        data = self.request.POST if self.request.method == "POST" else None
        form = SessionForm(data, instance=instance, project=self.project)
        agenda = AgendaFormSet(data, instance=instance or WorkshopSession(), prefix="agenda")
        return form, agenda

    def get(self, request, *args, **kwargs):
        form, agenda = self.get_forms(self.get_instance())
        return self.render_to_response(self.get_context_data(form=form, agenda=agenda))

    def post(self, request, *args, **kwargs):
        form, agenda = self.get_forms(self.get_instance())
        if form.is_valid() and agenda.is_valid():
            fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
            self.submission_key = form.cleaned_data.get("submission_key")
            try:
                session = self.save(fields, agenda)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect(session)
        return self.render_to_response(self.get_context_data(form=form, agenda=agenda))


class SessionCreateView(SessionFormMixin, ProjectMixin, TemplateView):
    permission_required = "workshops.add_session"
    page_title = gettext_lazy("Schedule a session")

    def get_instance(self):
        return None

    def save(self, fields, agenda):
        session = services.session_schedule(
            project=self.project,
            created_by=self.request.user,
            agenda_formset=agenda,
            submission_key=self.submission_key,
            **fields,
        )
        messages.success(
            self.request, _("Session scheduled. Everyone it is for has been sent an invitation.")
        )
        return session


class SessionUpdateView(SessionFormMixin, SessionMixin, TemplateView):
    permission_required = "workshops.change_session"
    page_title = gettext_lazy("Edit session")

    def get_instance(self):
        return self.session

    def save(self, fields, agenda):
        before = self.session.sequence
        session = services.session_update(session=self.session, agenda_formset=agenda, **fields)
        if session.sequence != before:
            messages.success(self.request, _("Session changed. Everyone affected has been told."))
        else:
            messages.success(self.request, _("Session saved."))
        return session


class SessionDetailView(KeptPageMixin, SessionMixin, TemplateView):
    """A session as each person sees it, kept whole for them (``KeptPageMixin``): everything
    on it is the project's content, but what its facilitators see of the reminders and messages
    sent, which change as the worker sends them: drawn for every request."""

    template_name = "workshops/session_detail.html"

    @cached_property
    def sees_replies(self) -> bool:
        return self.request.user.has_perm("workshops.view_replies", self.session)

    def drawn_when_served(self) -> dict:
        return {"sent_html": self.sent_html} if self.sees_replies else {}

    def sent_html(self) -> str:
        """The reminders and messages sent about the session, as they stand (drawn without
        the request: nothing in them is the person's, and the context processors cost as much
        as the drawing)."""
        reminders, messages_sent = rows.together(
            reminders_for_session_read(self.session), selectors.session_messages_read(self.session)
        )
        return render_to_string(
            "workshops/partials/sent.html",
            {"project": self.project, "reminders": reminders, "messages_sent": messages_sent},
        )

    def kept_without(self) -> tuple[str, ...]:
        return ("supports", "comments")  # a session's page shows neither

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        session = self.session
        membership = project_membership(user, self.project)
        # Read in queries written once a process (``codesign.rows``), as the ORM reads them,
        # and sent together (one round trip on PostgreSQL).
        reads = {
            "agenda": rows.many_read(
                session.agenda.model, order_by=("order", "id"), session_id=session.pk
            ),
            "reply": rows.one_read(Reply, session_id=session.pk, membership_id=membership.pk)
            if membership
            else rows.known(None),
        }
        if self.sees_replies:
            reads.update(
                counts=selectors.reply_counts_read(session),
                needs=selectors.needs_of_those_coming_read(session),
                managed=selectors.managed_without_reply_read(session),
            )
        found = dict(zip(reads, rows.together(*reads.values()), strict=True))
        reply = found["reply"]
        context.update(
            agenda=found["agenda"],
            reply=reply,
            reply_form=ReplyForm(
                initial={
                    "answer": reply.answer,
                    "reason": reply.reason,
                    "session_needs": reply.session_needs,
                    "language_wanted": reply.language_wanted,
                }
                if reply and reply.answer != Reply.Answer.WAITLIST
                else None
            ),
        )
        if not self.sees_replies:
            context["going_count"] = session.replies.filter(answer=Reply.Answer.GOING).count()
        else:
            # The replies counted (they have a page of their own).
            counts = found["counts"]
            context.update(
                replies_total=counts.total,
                # Each answer given, and how many gave it.
                answer_counts=[
                    (label, counts.answers[value])
                    for value, label in Reply.Answer.choices
                    if counts.answers[value]
                ],
                going_count=counts.answers[Reply.Answer.GOING],
                access_needs=selectors.combined_access_needs(session, counts, found["needs"]),
                language=selectors.language_asked(session, counts),
                managed_without_reply=found["managed"],
            )
        return context


class SessionRepliesView(FilteredListMixin, SessionMixin, ListView):
    """Every reply to a session, with what people told the facilitators, a page at a time and
    by answer: a session of a hundred and fifty replies lists them here, not on its page."""

    permission_required = "workshops.view_replies"
    template_name = "workshops/session_replies.html"
    page_title = gettext_lazy("Replies")
    filterset_class = ReplyFilter
    paginate_by = 25

    def get_unfiltered_queryset(self):
        return selectors.replies_for_facilitator(self.session)

    def get_context_object_name(self, object_list):
        # ``context_object_name`` names the session, as on its other pages.
        return "replies"


class SessionCancelView(SessionMixin, FormView):
    permission_required = "workshops.change_session"
    template_name = "workshops/session_cancel.html"
    form_class = CancelForm
    page_title = gettext_lazy("Cancel session")

    def form_valid(self, form):
        try:
            services.session_cancel(session=self.session, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
        else:
            messages.success(self.request, _("Session cancelled. Everyone affected has been told."))
        return redirect(self.session)


class SessionStartView(SessionMixin, TemplateView):
    permission_required = "workshops.run_session"
    template_name = "workshops/session_start.html"
    page_title = gettext_lazy("Start session")

    def post(self, request, *args, **kwargs):
        try:
            services.session_start(session=self.session)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The session has started."))
        return redirect(self.session)


@method_decorator(sensitive_post_parameters(), name="dispatch")
class ReplyView(SessionMixin, FormView):
    """A participant answers going, maybe or not going."""

    permission_required = "workshops.reply"
    template_name = "workshops/reply_form.html"
    form_class = ReplyForm
    page_title = gettext_lazy("Reply")

    def get_membership(self):
        return project_membership(self.request.user, self.project)

    def form_valid(self, form):
        try:
            reply = services.session_reply(
                session=self.session,
                membership=self.get_membership(),
                replied_by=self.request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        if reply.answer == Reply.Answer.WAITLIST:
            messages.info(
                self.request,
                _(
                    "The session is full, so you are on the waiting list. "
                    "We will tell you if a place comes free."
                ),
            )
        else:
            messages.success(self.request, _("Thank you, your reply is saved."))
        return redirect(self.session)


class ReplyForView(ReplyView):
    """A facilitator replies for someone they manage."""

    permission_required = "participants.act_for_member"

    @cached_property
    def member(self):
        return get_object_or_404(
            Membership.objects.select_related("user"),
            pk=self.kwargs["membership_pk"],
            project=self.project,
        )

    def get_visibility_object(self):
        return self.session

    def get_permission_object(self):
        return self.member

    def get_membership(self):
        return self.member

    def get_context_data(self, **kwargs):
        return super().get_context_data(member=self.member, **kwargs)


class SessionIcsView(SessionMixin, TemplateView):
    def get(self, request, *args, **kwargs):
        response = HttpResponse(
            session_download_ics(self.session), content_type="text/calendar; charset=utf-8"
        )
        filename = slugify(self.session.title) or "session"
        response["Content-Disposition"] = f'attachment; filename="{filename}.ics"'
        return response


class SessionPrintView(SessionMixin, TemplateView):
    """A4 agenda and sign-in register for the room, optionally in large print."""

    permission_required = "workshops.view_replies"
    template_name = "workshops/session_print.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            agenda=list(self.session.agenda.all()),
            large=self.request.GET.get("large") == "1",
            register=selectors.session_register(self.session),
        )
        return context
