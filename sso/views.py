from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.base import AuthProcess
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView

from codesign.mixins import OrganisationMixin
from codesign.views import safe_next

from . import services
from .forms import SignInStartForm, SingleSignOnForm
from .selectors import social_app, sso_for_email


class SingleSignOnSettingsView(OrganisationMixin, FormView):
    """An organisation admin sets the provider its staff sign in with."""

    permission_required = "sso.manage_single_sign_on"
    template_name = "sso/settings_form.html"
    form_class = SingleSignOnForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": services.sso_settings_for(self.organisation),
        }

    def get_context_data(self, **kwargs):
        callback = reverse(
            "openid_connect_callback", kwargs={"provider_id": f"org-{self.organisation.pk}"}
        )
        return super().get_context_data(
            redirect_uri=self.request.build_absolute_uri(callback), **kwargs
        )

    def form_valid(self, form):
        services.sso_settings_save(
            organisation=self.organisation, by=self.request.user, **form.cleaned_data
        )
        messages.success(self.request, _("Single sign-on settings saved."))
        return redirect(self.organisation)


class SignInStartView(FormView):
    """Staff enter their work address; an organisation's provider signs them in."""

    template_name = "sso/sign_in_start.html"
    form_class = SignInStartForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(redirect_field_value=safe_next(self.request), **kwargs)

    def form_valid(self, form):
        sso = sso_for_email(form.cleaned_data["email"])
        if sso is None:
            form.add_error(
                "email",
                _(
                    "No organisation here signs in addresses like this one with its own "
                    "account. Sign in with your password or a code instead."
                ),
            )
            return self.form_invalid(form)
        if social_app(sso) is None:
            form.add_error(
                "email",
                _(
                    "Your organisation's single sign-on is not working: its secret cannot be "
                    "read. Ask your organisation's Codesign admin."
                ),
            )
            return self.form_invalid(form)
        provider = get_adapter(self.request).get_provider(self.request, sso.provider_id)
        next_url = safe_next(self.request, "")
        redirect_ = provider.redirect(self.request, AuthProcess.LOGIN, next_url=next_url or None)
        # A page that moves on, not a redirect: the form's own page allows forms to post only
        # to this site (CSP form-action), and browsers hold a form's redirects to that too.
        return render(
            self.request,
            "sso/sign_in_continue.html",
            {"provider_url": redirect_["Location"], "organisation": sso.organisation},
        )
