from django.contrib import admin
from django.urls import include, path, re_path

from . import views

urlpatterns = [
    path("", include("projects.home_urls")),
    path("healthz", views.healthz, name="healthz"),
    path("help/", views.HelpView.as_view(), name="help"),
    path("accessibility/", views.AccessibilityView.as_view(), name="accessibility"),
    path("cookies/", views.CookiesView.as_view(), name="cookies"),
    path("stay-signed-in/", views.stay_signed_in, name="stay-signed-in"),
    re_path(
        r"^logos/(?P<digest>[0-9a-f]{64})\.png$", views.organisation_logo, name="organisation-logo"
    ),
    re_path(
        r"^look/(?P<background>[0-9a-f]{6})-(?P<text>[0-9a-f]{6})\.css$",
        views.look_stylesheet,
        name="look-stylesheet",
    ),
    path("", include("sso.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("audit/", include("audit.urls")),
    path("", include("projects.urls")),
    path("", include("participants.urls")),
    path("", include("outbox.urls")),
    path("", include("sessions.urls")),
    path("", include("sessions.closing.urls")),
    path("", include("sessions.calendar.urls")),
    path("", include("sessions.calls.urls")),
    path("", include("contributions.rounds.urls")),
    path("", include("contributions.live.urls")),
    path("", include("contributions.urls")),
    path("", include("contributions.conversation.urls")),
    path("", include("notifications.urls")),
    path("", include("changes.urls")),
    path("", include("changes.yousaid.urls")),
    path("", include("changes.reflection.urls")),
    path("", include("dashboards.urls")),
    path("", include("reports.urls")),
    path("", include("privacy.urls")),
    path("", include("learning.urls")),
    path("", include("api.urls")),
    path("", include("webhooks.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "codesign.views.permission_denied"
handler404 = "codesign.views.page_not_found"
