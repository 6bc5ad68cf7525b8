from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("audit/", include("audit.urls")),
    path("", include("projects.urls")),
    path("", include("participants.urls")),
    path("", include("outbox.urls")),
    path("", include("sessions.urls")),
    path("", include("sessions.closing_urls")),
    path("", include("sessions.calendar_urls")),
    path("", include("contributions.rounds_urls")),
    path("", include("contributions.live_urls")),
    path("", include("contributions.urls")),
    path("", include("contributions.conversation_urls")),
    path("", include("notifications.urls")),
    path("", include("changes.urls")),
    path("", include("changes.yousaid_urls")),
    path("", include("changes.reflection_urls")),
    path("", include("dashboards.urls")),
    path("", include("reports.urls")),
    path("", include("privacy.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "codesign.views.permission_denied"
handler404 = "codesign.views.page_not_found"
