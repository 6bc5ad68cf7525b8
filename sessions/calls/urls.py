from django.urls import path

from . import views

app_name = "calls"

session = "projects/<int:project_pk>/sessions/<int:session_pk>/calls/"

urlpatterns = [
    path(session, views.CallListView.as_view(), name="call-list"),
    path(session + "<int:membership_pk>/told/", views.CallToldView.as_view(), name="call-told"),
]
