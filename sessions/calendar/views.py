"""A person's private calendar address: the page to manage it, and the feed it serves."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from participants.models import hash_token

from .ics import feed_ics
from .selectors import calendar_feed_live, calendar_feed_owner, sessions_in_feed
from .services import calendar_feed_create, calendar_feed_revoke

# The new address is shown once, on the page the creation redirects to.
NEW_ADDRESS_SESSION_KEY = "calendar_feed_new_address"


def feed_url(token: str) -> str:
    return settings.CODESIGN_SITE_URL + reverse("calendar:feed", args=[token])


class CalendarFeedSettingsView(LoginRequiredMixin, TemplateView):
    """The person's calendar address: create, replace or stop it, and how to subscribe."""

    template_name = "workshops/calendar_feed.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        feed = calendar_feed_live(self.request.user)
        token = self.request.session.pop(NEW_ADDRESS_SESSION_KEY, None)
        # Another tab may have replaced or stopped it since: show it only while it works.
        fresh = token and feed is not None and feed.token_hash == hash_token(token)
        new_url = feed_url(token) if fresh else ""
        context.update(
            feed=feed,
            new_url=new_url,
            # webcal:// asks the computer's calendar app to subscribe.
            webcal_url="webcal://" + new_url.split("://", 1)[1] if new_url else "",
        )
        return context


class CalendarFeedCreateView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        request.session[NEW_ADDRESS_SESSION_KEY] = calendar_feed_create(user=request.user)
        messages.success(request, _("Your new calendar address is ready. Copy it now."))
        return redirect("calendar:feed-settings")


class CalendarFeedRevokeView(LoginRequiredMixin, TemplateView):
    template_name = "workshops/calendar_feed_confirm_revoke.html"

    def post(self, request, *args, **kwargs):
        if calendar_feed_revoke(user=request.user):
            messages.success(
                request,
                _("Your calendar address no longer works: your calendar app stops updating it."),
            )
        else:
            messages.info(request, _("You had no calendar address to stop."))
        return redirect("calendar:feed-settings")


class CalendarFeedView(View):
    """The feed a calendar app subscribes to: no sign-in, the secret address is the key."""

    http_method_names = ["get", "head"]

    def get(self, request, token):
        owner = calendar_feed_owner(token)
        if owner is None:
            raise Http404
        # A calendar app asks with no language of its own: the feed is in its owner's.
        with translation.override(owner.language or settings.LANGUAGE_CODE):
            content = feed_ics(sessions_in_feed(owner))
        response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="codesign.ics"'
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
        return response
