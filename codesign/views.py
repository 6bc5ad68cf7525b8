from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.generic import TemplateView

from projects.selectors import home_for


class HomeView(TemplateView):
    """Signed out: what Codesign is. Signed in: my projects and organisations."""

    def get_template_names(self):
        if self.request.user.is_authenticated:
            return ["home.html"]
        return ["landing.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.is_authenticated:
            context.update(home_for(self.request.user))
        return context


def healthz(request):
    """Answer the container health check: the process serves and the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)
