import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class FiguresStamp(models.Model):
    """A token that changes whenever data a project's dashboard counts changes.

    Dashboard figures are cached under the tokens of the projects they count
    (``dashboards.freshness``), so figures worked out before a change are never shown after it.
    """

    project = models.OneToOneField(
        "projects.Project",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("project"),
    )
    token = models.UUIDField(_("token"), default=uuid.uuid4)

    class Meta:
        verbose_name = _("figures stamp")
        verbose_name_plural = _("figures stamps")

    def __str__(self):
        return f"{self.project_id}: {self.token}"
