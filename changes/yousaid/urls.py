from django.urls import path

from . import views

app_name = "yousaid"

page = "projects/<int:project_pk>/you-said-we-did/"
public = "you-said-we-did/<str:token>/"

urlpatterns = [
    path(page, views.YouSaidPageView.as_view(), name="page"),
    path(page + "edit/", views.YouSaidEditView.as_view(), name="edit"),
    path(page + "poster.pdf", views.YouSaidPosterView.as_view(), name="poster"),
    path(page + "public-link/", views.YouSaidPublicToggleView.as_view(), name="public-toggle"),
    path(
        page + "public-link/new-address/",
        views.YouSaidPublicRegenerateView.as_view(),
        name="public-regenerate",
    ),
    path(public, views.PublicYouSaidView.as_view(), name="public"),
    path(public + "poster.pdf", views.PublicYouSaidPosterView.as_view(), name="public-poster"),
]
