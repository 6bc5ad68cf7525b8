from django.urls import path

from . import views

app_name = "calendar"

urlpatterns = [
    path("calendar/", views.CalendarFeedSettingsView.as_view(), name="feed-settings"),
    path("calendar/new/", views.CalendarFeedCreateView.as_view(), name="feed-create"),
    path("calendar/stop/", views.CalendarFeedRevokeView.as_view(), name="feed-revoke"),
    path("calendar/<slug:token>.ics", views.CalendarFeedView.as_view(), name="feed"),
]
