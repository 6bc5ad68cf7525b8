from django.http import HttpResponse
from django.utils.text import slugify
from django.views.generic import View

from codesign.mixins import ProjectMixin

from .export import project_qdpx


class ProjectQdpxView(ProjectMixin, View):
    """Download the project's contributions, accepted themes and CMO codes as a .qdpx file."""

    permission_required = "learning.export_qdpx"

    def get(self, request, *args, **kwargs):
        response = HttpResponse(project_qdpx(self.project), content_type="application/zip")
        name = slugify(self.project.title) or "project"
        response["Content-Disposition"] = f'attachment; filename="{name}.qdpx"'
        return response
