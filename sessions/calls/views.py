"""The call list of a session: who to tell yourself, their number and needs, and "told"."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from participants.models import Membership

from ..views import SessionMixin
from . import selectors, services


class CallListView(SessionMixin, TemplateView):
    permission_required = "workshops.view_call_list"
    template_name = "workshops/calls/call_list.html"
    page_title = gettext_lazy("Call list")

    def get_context_data(self, **kwargs):
        people = selectors.call_list_for(self.session)
        return super().get_context_data(
            people=people, not_told=sum(1 for person in people if not person.told), **kwargs
        )


class CallToldView(SessionMixin, View):
    """Tick that a person on the call list was told (a POST; the list's button)."""

    permission_required = "workshops.view_call_list"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        membership = get_object_or_404(Membership, project=self.project, pk=kwargs["membership_pk"])
        if services.call_list_mark_told(
            session=self.session, membership=membership, told_by=request.user
        ):
            messages.success(
                request, _("%(name)s is marked as told.") % {"name": membership.display_name}
            )
        return redirect("calls:call-list", project_pk=self.project.pk, session_pk=self.session.pk)
