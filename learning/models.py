"""The organisation's learning: its catalogue, CMO records' links, and its programme theory."""

import operator
from functools import reduce

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Lens(models.TextChoices):
    """Four of the synthesis's five lenses are catalogued; the fifth, impact, is what the CMO
    records' outcomes and the service changes show."""

    MECHANISM = "mechanism", _("Mechanism")
    PRACTICE = "practice", _("Management practice")
    CONTEXT = "context", _("Context")
    POWER = "power", _("Power relation")


class CatalogueItem(models.Model):
    """An entry of an organisation's catalogue: mechanism, practice, context or power relation."""

    organisation = models.ForeignKey(
        "projects.Organisation", on_delete=models.CASCADE, related_name="catalogue_items"
    )
    lens = models.CharField(_("lens"), max_length=20, choices=Lens.choices)
    name = models.CharField(_("name"), max_length=150)
    # A mechanism is two halves: the resource offered, and how people respond to it.
    offered = models.TextField(
        _("what is offered"),
        blank=True,
        help_text=_("For a mechanism: the resource the project offers, in one sentence."),
    )
    response = models.TextField(
        _("how people respond"),
        blank=True,
        help_text=_("For a mechanism: how people's thinking or behaviour changes in response."),
    )
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["lens", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "lens", "name"], name="one_catalogue_item_per_name"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        if self.lens == Lens.MECHANISM:
            return reverse("learning:mechanism-detail", args=[self.organisation_id, self.pk])
        return reverse("learning:overview", args=[self.organisation_id]) + f"#item-{self.pk}"

    @property
    def is_mechanism(self):
        return self.lens == Lens.MECHANISM


class Stance(models.TextChoices):
    SUPPORTS = "supports", _("Supports")
    CONTRADICTS = "contradicts", _("Contradicts")


class Confidence(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


# The kinds of thing a CMO record can be linked to, each a nullable foreign key below; a link
# holds exactly one.
TARGETS = ("item", "contribution", "session", "change", "follow_up", "reflection", "theme")


def _exactly_one_target() -> Q:
    return reduce(
        operator.or_,
        (Q(**{f"{other}__isnull": other != name for other in TARGETS}) for name in TARGETS),
    )


class CmoLink(models.Model):
    """A CMO record's link to a catalogue entry or to a piece of its evidence, rated.

    Linked to a mechanism, "supports" says the mechanism fired in this case and "contradicts"
    that it did not: a disconfirming case, kept in view.
    """

    cmo = models.ForeignKey("changes.Evidence", on_delete=models.CASCADE, related_name="links")
    item = models.ForeignKey(
        CatalogueItem, null=True, blank=True, on_delete=models.CASCADE, related_name="links"
    )
    contribution = models.ForeignKey(
        "contributions.Contribution",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    session = models.ForeignKey(
        "workshops.WorkshopSession",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    change = models.ForeignKey(
        "changes.ServiceChange", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    follow_up = models.ForeignKey(
        "changes.FollowUpCheck", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reflection = models.ForeignKey(
        "changes.ReflectiveLogEntry",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    theme = models.ForeignKey(
        "learning.Theme", null=True, blank=True, on_delete=models.CASCADE, related_name="links"
    )
    stance = models.CharField(_("supports or contradicts"), max_length=20, choices=Stance.choices)
    confidence = models.CharField(_("confidence"), max_length=10, choices=Confidence.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cmo", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=_exactly_one_target(), name="cmo_link_has_one_target"),
        ]

    def __str__(self):
        return f"{self.get_stance_display()} link of {self.cmo_id}"

    @property
    def target_kind(self) -> str:
        return next(name for name in TARGETS if getattr(self, f"{name}_id") is not None)

    @property
    def target(self):
        return getattr(self, self.target_kind)

    @property
    def project(self):
        return self.cmo.change.project


class ProgrammeTheoryVersion(models.Model):
    """One version of an organisation's programme theory: its statements, who changed them and
    why. The newest is the theory; the older ones are its history."""

    organisation = models.ForeignKey(
        "projects.Organisation", on_delete=models.CASCADE, related_name="programme_theory"
    )
    number = models.PositiveIntegerField()
    statements = models.JSONField(default=list)
    reason = models.TextField(_("why it changed"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="one_programme_theory_version_number"
            )
        ]

    def __str__(self):
        return f"Programme theory v{self.number} of {self.organisation}"


class ThemeRun(models.Model):
    """One suggestion of themes made by the worker: in a project's contributions, or (with no
    project) across an organisation's projects."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    project = models.ForeignKey(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="theme_runs",
    )
    # Set for a run across the organisation's projects (and then no project).
    organisation = models.ForeignKey(
        "projects.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="theme_runs",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    contribution_count = models.PositiveIntegerField(default=0)
    method = models.TextField(blank=True)
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["project", "-created_at", "-pk"]
        constraints = [
            # One run waiting at a time per project: asking twice finds the waiting one.
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(status="queued"),
                name="one_queued_theme_run_per_project",
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status="queued", project__isnull=True),
                name="one_queued_theme_run_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(project__isnull=True) ^ Q(organisation__isnull=True),
                name="theme_run_of_a_project_or_an_organisation",
            ),
        ]

    def __str__(self):
        return f"Themes of {self.project or self.organisation} ({self.created_at:%d %b %Y})"


class Theme(models.Model):
    """A group of similar contributions, suggested by the analysis and decided by people."""

    class Status(models.TextChoices):
        SUGGESTED = "suggested", _("Suggested")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        MERGED = "merged", _("Merged into another")

    run = models.ForeignKey(ThemeRun, on_delete=models.CASCADE, related_name="themes")
    # As its run: a project's theme, or (with no project) one across the organisation's projects.
    project = models.ForeignKey(
        "projects.Project", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        "projects.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("name"), max_length=150)
    suggested_name = models.CharField(max_length=150)
    terms = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUGGESTED)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    contributions = models.ManyToManyField("contributions.Contribution", related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(project__isnull=True) ^ Q(organisation__isnull=True),
                name="theme_of_a_project_or_an_organisation",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def across_projects(self) -> bool:
        return self.project_id is None


# The equality monitoring models live in their subpackage; Django finds them here.
from .equality.models import EqualityResponse, PopulationShare  # noqa: E402

__all__ = [
    "CatalogueItem",
    "CmoLink",
    "EqualityResponse",
    "PopulationShare",
    "ProgrammeTheoryVersion",
    "Theme",
    "ThemeRun",
]
