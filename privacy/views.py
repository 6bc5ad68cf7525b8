from allauth.account.adapter import get_adapter
from allauth.account.decorators import reauthentication_required
from allauth.account.internal.flows import reauthentication
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from codesign.mixins import OrganisationMixin, PermissionMixin
from participants.models import Membership
from participants.views import MembershipMixin

from . import services
from .notice import kinds_of_personal_data
from .retention import retention_preview


class ReauthenticatedPostMixin:
    """Ask the person to confirm who they are (allauth's reauthentication: password, code or
    authenticator app) before a POST goes through; the POST is carried out once they have.

    Placed after the permission mixin, so that people who may not act are refused first.
    """

    def dispatch(self, request, *args, **kwargs):
        parent = super().dispatch

        @reauthentication_required(allow_get=True)
        def view(request, *args, **kwargs):
            return parent(request, *args, **kwargs)

        return view(request, *args, **kwargs)


class ConfirmBeforeDownloadMixin:
    """A page with a download: while the person has not confirmed who they are lately, its
    button leads to allauth's confirmation first, which sends them back here to download.

    Asking on the download's POST instead (``ReauthenticatedPostMixin``, kept there for a
    confirmation that lapses meanwhile) carries the POST out on the confirmation page: the
    file arrives while that page stays on screen, still asking for the password."""

    def get_context_data(self, **kwargs):
        request = self.request
        kwargs["confirm_url"] = ""
        if reauthentication.is_reauthentication_required(request, app=""):
            methods = get_adapter().get_reauthentication_methods(request.user)
            if methods:
                back = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
                kwargs["confirm_url"] = f"{methods[0]['url']}?{back}"
        return super().get_context_data(**kwargs)


def zip_response(content: bytes, *, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def zip_name(person) -> str:
    return f"codesign-data-{person.pk}-{timezone.localdate().isoformat()}.zip"


class OwnDataMixin(PermissionMixin):
    """A page about the signed-in person's own data."""

    permission_required = "privacy.manage_own_data"

    def get_permission_object(self):
        return self.request.user


class YourDataView(OwnDataMixin, ConfirmBeforeDownloadMixin, TemplateView):
    template_name = "privacy/your_data.html"

    def get_context_data(self, **kwargs):
        kwargs["memberships"] = (
            Membership.objects.current()
            .filter(user=self.request.user)
            .select_related("project")
            .order_by("project__title", "pk")
        )
        return super().get_context_data(**kwargs)


class DataDownloadView(OwnDataMixin, ReauthenticatedPostMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        content = services.personal_data_zip(
            person=request.user, requested_by=request.user, path=request.path
        )
        return zip_response(content, name=zip_name(request.user))


class AccountDeleteView(OwnDataMixin, ReauthenticatedPostMixin, TemplateView):
    template_name = "privacy/account_confirm_delete.html"

    def post(self, request, *args, **kwargs):
        services.account_delete(person=request.user, deleted_by=request.user, path=request.path)
        logout(request)
        messages.success(
            request,
            _("Your account is deleted. You have been signed out and cannot sign in again."),
        )
        return redirect("home")


class MemberDataMixin(MembershipMixin):
    """A facilitator acting on the whole account of someone they manage."""

    permission_required = "privacy.act_for_person"

    def get_permission_object(self):
        return self.membership


class MemberDataDownloadView(
    MemberDataMixin, ConfirmBeforeDownloadMixin, ReauthenticatedPostMixin, TemplateView
):
    template_name = "privacy/member_data_download.html"
    page_title = gettext_lazy("Download their data")

    def post(self, request, *args, **kwargs):
        person = self.membership.user
        content = services.personal_data_zip(
            person=person, requested_by=request.user, path=request.path
        )
        return zip_response(content, name=zip_name(person))


class MemberAccountDeleteView(MemberDataMixin, ReauthenticatedPostMixin, TemplateView):
    template_name = "privacy/member_account_confirm_delete.html"
    page_title = gettext_lazy("Delete their account")

    def post(self, request, *args, **kwargs):
        services.account_delete(
            person=self.membership.user, deleted_by=request.user, path=request.path
        )
        messages.success(
            request,
            _("The account is deleted. They appear as a former participant from now on."),
        )
        return redirect(self.membership.get_absolute_url())


class RetentionPreviewView(OrganisationMixin, TemplateView):
    """What the next retention run would remove of the organisation's data: counts only."""

    permission_required = "privacy.view_retention_preview"
    template_name = "privacy/retention_preview.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            preview=retention_preview(organisation=self.organisation),
            page_title=_("What the next retention run would remove"),
            **kwargs,
        )


class PrivacyNoticeView(TemplateView):
    """The privacy notice, open to everyone: who holds what, why, for how long, and the
    person's rights, listed from what the code declares it keeps."""

    template_name = "privacy/privacy_notice.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            kinds=kinds_of_personal_data(),
            controller_name=settings.CODESIGN_CONTROLLER_NAME,
            controller_address=settings.CODESIGN_CONTROLLER_ADDRESS,
            dpo_email=settings.CODESIGN_DPO_EMAIL,
            **kwargs,
        )
