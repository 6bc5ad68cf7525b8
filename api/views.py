"""An organisation's API tokens, for its admins: the list, making one (its secret shown once)
and revoking one."""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from codesign.forms import put_errors_in_form
from codesign.mixins import OrganisationMixin, ScopedObjectMixin

from . import services
from .forms import TokenForm
from .models import ApiCallBurst, ApiToken

RECENT_BURSTS = 5


def token_list_url(organisation) -> str:
    return reverse("api:token-list", args=[organisation.pk])


class TokensMixin(OrganisationMixin):
    permission_required = "api.manage_tokens"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()  # before any lookup: ids reveal nothing
        with timezone.override(ZoneInfo(self.organisation.time_zone)):
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response

    def get_context_data(self, **kwargs):
        kwargs.setdefault("page_title", getattr(self, "page_title", ""))
        return super().get_context_data(**kwargs)


class TokenListView(TokensMixin, TemplateView):
    template_name = "api/token_list.html"
    page_title = gettext_lazy("API tokens")

    def get_context_data(self, **kwargs):
        tokens = list(
            ApiToken.objects.filter(organisation=self.organisation)
            .select_related("created_by")
            .prefetch_related(
                Prefetch("bursts", queryset=ApiCallBurst.objects.order_by("-started_at", "-pk"))
            )
        )
        for token in tokens:
            maker = token.created_by
            token.made_by = (maker.full_name or maker.email) if maker else "–"
            token.recent_bursts = list(token.bursts.all())[:RECENT_BURSTS]
        return super().get_context_data(tokens=tokens, **kwargs)


class TokenCreateView(TokensMixin, FormView):
    form_class = TokenForm
    template_name = "api/token_form.html"
    page_title = gettext_lazy("Make an API token")

    def form_valid(self, form):
        try:
            token, secret = services.token_create(
                organisation=self.organisation,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=form.expires_at(),
                created_by=self.request.user,
            )
        except ValidationError as error:
            put_errors_in_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The token “%(name)s” is made.") % {"name": token.name})
        # Shown in this response only, never again: no redirect that would need it kept.
        response = TemplateResponse(
            self.request,
            "api/token_created.html",
            self.get_context_data(
                form=None, token=token, secret=secret, page_title=_("Copy your new token now")
            ),
        )
        response["Cache-Control"] = "no-store"
        return response


class TokenRevokeView(ScopedObjectMixin, TokensMixin, TemplateView):
    model = ApiToken
    object_url_kwarg = "token_pk"
    context_object_name = "token"
    template_name = "api/token_confirm_revoke.html"
    page_title = gettext_lazy("Revoke an API token")

    def get_object_scope(self):
        return {"organisation": self.organisation}

    def get_context_data(self, **kwargs):
        return super().get_context_data(token=self.scoped_object, **kwargs)

    def post(self, request, *args, **kwargs):
        token = self.scoped_object
        if services.token_revoke(token=token, revoked_by=request.user):
            messages.success(
                request,
                _("The token “%(name)s” is revoked: calls with it are refused from now on.")
                % {"name": token.name},
            )
        else:
            messages.info(
                request, _("The token “%(name)s” was revoked already.") % {"name": token.name}
            )
        return redirect(token_list_url(self.organisation))
