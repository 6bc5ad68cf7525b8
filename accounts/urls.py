from django.urls import path

from . import views

urlpatterns = [
    path("easy-read/", views.EasyReadView.as_view(), name="easy-read"),
    path("i18n/setlang/", views.language_set, name="set_language"),
]
