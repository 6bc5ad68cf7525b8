from django.urls import path

from . import views

app_name = "reflection"

ladder = "projects/<int:project_pk>/ladder/"
reflections = "projects/<int:project_pk>/sessions/<int:session_pk>/reflections/"

urlpatterns = [
    path(ladder, views.LadderView.as_view(), name="ladder"),
    path(ladder + "open/", views.LadderOpenView.as_view(), name="ladder-open"),
    path(ladder + "<int:rating_pk>/close/", views.LadderCloseView.as_view(), name="ladder-close"),
    path(reflections, views.ReflectiveLogView.as_view(), name="session-log"),
    path(
        reflections + "<int:entry_pk>/cmo/",
        views.ReflectionToCmoView.as_view(),
        name="entry-to-cmo",
    ),
]
