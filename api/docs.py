"""The API's documentation page: Swagger UI from local static files (drf-spectacular-sidecar),
started by our own script, so the page keeps the site's Content-Security-Policy."""

from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView


class ApiDocsView(TemplateView):
    """Open to anyone: it describes the API, and every call it tries needs a token."""

    template_name = "api/docs.html"
    http_method_names = ["get", "head", "options"]

    def get_context_data(self, **kwargs):
        return super().get_context_data(page_title=gettext_lazy("Codesign API"), **kwargs)
