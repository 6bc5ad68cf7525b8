"""You said, we did: the page for a project's people, its poster, and its optional public link."""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from codesign.bilingual import choose
from codesign.mixins import ProjectMixin

from . import selectors, services
from .forms import YouSaidForm
from .pdf import poster_filename, poster_pdf

NOINDEX = "noindex, nofollow, noarchive"


def _poster_response(project, record) -> HttpResponse:
    pdf = poster_pdf(
        project=project,
        record=record,
        changes=list(selectors.changes_done(project)),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{poster_filename(project)}"'
    return response


class YouSaidMixin(ProjectMixin):
    permission_required = "changes.view_you_said"

    @cached_property
    def record(self):
        return selectors.you_said_we_did_of(self.project)

    def public_url(self):
        if not self.record.public:
            return ""
        return self.request.build_absolute_uri(
            reverse("yousaid:public", args=[self.record.public_token])
        )

    def get_context_data(self, **kwargs):
        kwargs.setdefault("record", self.record)
        kwargs.setdefault("public_url", self.public_url())
        return super().get_context_data(**kwargs)


class YouSaidPageView(YouSaidMixin, TemplateView):
    """The implemented and embedded changes beside what participants said, for the project."""

    template_name = "changes/yousaid/page.html"
    page_title = gettext_lazy("You said, we did")

    def get_context_data(self, **kwargs):
        changes = list(selectors.changes_done(self.project))
        return super().get_context_data(
            changes=changes,
            without_summary=sum(1 for change in changes if not choose(change, "you_said")),
            **kwargs,
        )


class YouSaidEditView(YouSaidMixin, FormView):
    permission_required = "changes.manage_you_said"
    template_name = "changes/yousaid/edit.html"
    form_class = YouSaidForm
    page_title = gettext_lazy("Edit “you said, we did”")

    def get_initial(self):
        return {
            "introduction": self.record.introduction,
            "introduction_cy": self.record.introduction_cy,
        }

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["changes"] = selectors.changes_done_with_sources(self.project)
        return kwargs

    def form_valid(self, form):
        services.you_said_update(
            project=self.project,
            introduction=form.cleaned_data["introduction"],
            introduction_cy=form.cleaned_data["introduction_cy"],
            summaries=form.summaries(),
            summaries_cy=form.summaries(welsh=True),
        )
        messages.success(self.request, _("“You said, we did” is saved."))
        return redirect("yousaid:page", self.project.pk)


class YouSaidPublicToggleView(YouSaidMixin, TemplateView):
    """Confirm, then turn the public link on or off."""

    permission_required = "changes.manage_you_said"
    template_name = "changes/yousaid/public_toggle.html"

    @property
    def page_title(self):
        if self.record.public:
            return _("Turn off the public link")
        return _("Turn on the public link")

    def post(self, request, *args, **kwargs):
        record = services.you_said_set_public(project=self.project, public=not self.record.public)
        if record.public:
            messages.success(
                request, _("The public link is on. Anyone with its address can see the page.")
            )
        else:
            messages.success(request, _("The public link is off. Its address no longer works."))
        return redirect("yousaid:page", self.project.pk)


class YouSaidPublicRegenerateView(YouSaidMixin, TemplateView):
    """Confirm, then give the public link a new address."""

    permission_required = "changes.manage_you_said"
    template_name = "changes/yousaid/public_regenerate.html"
    page_title = gettext_lazy("Give the public link a new address")

    def post(self, request, *args, **kwargs):
        services.you_said_replace_public_token(project=self.project)
        messages.success(
            request, _("The public link has a new address. The old address no longer works.")
        )
        return redirect("yousaid:page", self.project.pk)


class YouSaidPosterView(YouSaidMixin, View):
    """The A4 poster for a noticeboard."""

    def get(self, request, *args, **kwargs):
        return _poster_response(self.project, self.record)


class PublicYouSaidMixin:
    """Anyone with the address, while the link is on; nobody else, and no search engine."""

    @cached_property
    def record(self):
        record = selectors.you_said_we_did_public(self.kwargs["token"])
        if record is None:
            raise Http404
        return record

    def get(self, request, *args, **kwargs):
        project = self.record.project
        with timezone.override(ZoneInfo(project.organisation.time_zone)):
            response = self.respond(project)
            if hasattr(response, "render"):
                response.render()
        response["X-Robots-Tag"] = NOINDEX
        # The token is the only key: keep it out of Referer headers and shared caches.
        response["Referrer-Policy"] = "no-referrer"
        add_never_cache_headers(response)
        return response


class PublicYouSaidView(PublicYouSaidMixin, TemplateView):
    template_name = "changes/yousaid/public.html"

    def respond(self, project):
        return self.render_to_response(
            self.get_context_data(
                project=project,
                record=self.record,
                changes=list(selectors.changes_done(project)),
                noindex=NOINDEX,
            )
        )


class PublicYouSaidPosterView(PublicYouSaidMixin, View):
    def respond(self, project):
        return _poster_response(project, self.record)
