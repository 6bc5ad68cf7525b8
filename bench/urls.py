"""The site's URLs plus `bare/`, used only while the benchmark runs (never in production).

`bare/` renders the base template and runs no queries of its own: the floor every page is
compared with (the session, the sign-in and the notification bell still cost what they cost on
every page).
"""

from django.urls import path
from django.views.generic import TemplateView

from codesign.urls import handler403, handler404  # noqa: F401 (Django reads them from here)
from codesign.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("bare/", TemplateView.as_view(template_name="base.html"), name="bench-bare"),
    *site_urlpatterns,
]
