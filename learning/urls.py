from django.urls import path

from . import views
from .equality import views as equality_views
from .themes import organisation as organisation_themes
from .themes import views as theme_views

app_name = "learning"

organisation = "organisations/<int:organisation_pk>/learning/"
item = organisation + "catalogue/<int:item_pk>/"
cmo = "projects/<int:project_pk>/learning/cmo/"
themes = "projects/<int:project_pk>/themes/"
org_themes = organisation + "themes/"

urlpatterns = [
    path(organisation, views.OverviewView.as_view(), name="overview"),
    path(
        organisation + "mechanisms/<int:item_pk>/",
        views.MechanismDetailView.as_view(),
        name="mechanism-detail",
    ),
    path(organisation + "catalogue/new/", views.ItemCreateView.as_view(), name="item-create"),
    path(item + "edit/", views.ItemEditView.as_view(), name="item-edit"),
    path(item + "delete/", views.ItemDeleteView.as_view(), name="item-delete"),
    path(organisation + "theory/edit/", views.TheoryEditView.as_view(), name="theory-edit"),
    path(
        organisation + "theory/history/", views.TheoryHistoryView.as_view(), name="theory-history"
    ),
    path(cmo, views.ProjectCmoListView.as_view(), name="project-cmo-list"),
    path(cmo + "<int:cmo_pk>/links/new/", views.CmoLinkAddView.as_view(), name="cmo-link-add"),
    path(
        cmo + "<int:cmo_pk>/links/<int:link_pk>/remove/",
        views.CmoLinkRemoveView.as_view(),
        name="cmo-link-remove",
    ),
    path(themes, theme_views.ThemeListView.as_view(), name="theme-list"),
    path(themes + "suggest/", theme_views.ThemeSuggestView.as_view(), name="theme-suggest"),
    path(themes + "round/", theme_views.ThemeRoundView.as_view(), name="theme-round"),
    path(themes + "<int:theme_pk>/", theme_views.ThemeDecideView.as_view(), name="theme-decide"),
    path(
        themes + "<int:theme_pk>/merge/", theme_views.ThemeMergeView.as_view(), name="theme-merge"
    ),
    path(
        org_themes,
        organisation_themes.OrganisationThemeListView.as_view(),
        name="organisation-theme-list",
    ),
    path(
        org_themes + "suggest/",
        organisation_themes.OrganisationThemeSuggestView.as_view(),
        name="organisation-theme-suggest",
    ),
    path(
        org_themes + "<int:theme_pk>/",
        organisation_themes.OrganisationThemeDecideView.as_view(),
        name="organisation-theme-decide",
    ),
    path(
        org_themes + "<int:theme_pk>/merge/",
        organisation_themes.OrganisationThemeMergeView.as_view(),
        name="organisation-theme-merge",
    ),
    path("your-data/equality/", equality_views.EqualityFormView.as_view(), name="equality-form"),
    path(
        "your-data/equality/delete/",
        equality_views.EqualityDeleteView.as_view(),
        name="equality-delete",
    ),
    path(
        "organisations/<int:organisation_pk>/who-took-part/",
        equality_views.EqualityReportView.as_view(),
        name="equality-report",
    ),
    path(
        "organisations/<int:organisation_pk>/who-took-part.csv",
        equality_views.EqualityCsvView.as_view(),
        name="equality-csv",
    ),
    path(
        "organisations/<int:organisation_pk>/who-took-part/population/",
        equality_views.PopulationView.as_view(),
        name="equality-population",
    ),
]
