"""The home page, outside the projects namespace: every page links to it as "home"."""

from django.urls import path

from .views import HomeView

urlpatterns = [path("", HomeView.as_view(), name="home")]
