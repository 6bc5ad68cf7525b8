from django.urls import path

from . import views

urlpatterns = [
    path("easy-read/", views.EasyReadView.as_view(), name="easy-read"),
]
