"""The site's URLs plus `bare/`, used only while the benchmark runs (never in production).

`bare/` is a plain `HttpResponse`: no template, no queries of its own. Through the whole
middleware stack, signed in, it costs what every page costs before its view starts (the
session, the person, the two-factor rule): the floor every page is compared with.
"""

from django.http import HttpResponse
from django.urls import path

from codesign.urls import handler403, handler404  # noqa: F401 (Django reads them from here)
from codesign.urls import urlpatterns as site_urlpatterns


def bare(request):
    return HttpResponse(b"bare", content_type="text/plain")


urlpatterns = [
    path("bare/", bare, name="bench-bare"),
    *site_urlpatterns,
]
