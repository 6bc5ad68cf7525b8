import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from codesign.bilingual import Bilingual
from codesign.content import ContentCountField, ContentVersionField
from codesign.dates import validate_sane_date
from codesign.disclosure import DEFAULT_GROUP_THRESHOLD, MINIMUM_GROUP_THRESHOLD
from codesign.look import validate_colour, validate_colour_pair


def time_zone_choices():
    return [(tz, tz) for tz in sorted(zoneinfo.available_timezones()) if "/" in tz]


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Choose a time zone from the list."))


class Organisation(models.Model):
    """A health trust, council or provider that runs co-design projects."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    # Validated rather than given choices, so a tzdata update needs no migration.
    time_zone = models.CharField(
        _("time zone"), max_length=60, default="Europe/London", validators=[validate_time_zone]
    )
    parity_threshold = models.PositiveSmallIntegerField(
        _("parity warning threshold (%)"),
        default=40,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Warn when service users' share of adopted ideas falls below this."),
    )
    safeguarding_text = models.TextField(
        _("safeguarding signposting"),
        blank=True,
        help_text=_("Shown to people who raise a safeguarding concern: who to contact and how."),
    )
    payment_policy = models.TextField(
        _("involvement payment policy"),
        blank=True,
        help_text=_("The default policy for paying service users and covering their expenses."),
    )
    consent_template = models.TextField(
        _("consent statement for new projects"),
        blank=True,
        help_text=_(
            "Each new project's consent statement starts from this. Write {project} where the "
            "project's name goes and {service} where its service goes. Leave it empty to use "
            "Codesign's own."
        ),
    )
    bilingual_messages = models.BooleanField(
        _("bilingual messages, Welsh first"),
        default=False,
        help_text=_(
            "When a person's language is not known, write what Codesign sends them in Welsh "
            "and in English, Welsh first."
        ),
    )
    # The organisation's look (codesign.look): a logo kept as a re-encoded PNG named by its
    # digest, and a header colour pair that contrasts at least 4.5:1, or Codesign's own.
    logo = models.FileField(_("logo"), upload_to="logos/", blank=True, editable=False)
    look_background = models.CharField(
        _("header background colour"), max_length=7, blank=True, validators=[validate_colour]
    )
    look_text = models.CharField(
        _("header text colour"), max_length=7, blank=True, validators=[validate_colour]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:organisation-detail", args=[self.pk])

    def clean(self):
        validate_colour_pair(self.look_background, self.look_text)


class OrganisationRole(models.Model):
    """A person's role across an organisation."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Organisation admin")
        MANAGER = "manager", _("Manager")
        FACILITATOR = "facilitator", _("Facilitator")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "role", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "role"], name="unique_organisation_role"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.organisation}"


class ProjectQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Project.Status.ACTIVE)

    def visible_to_managers(self):
        return self.exclude(status=Project.Status.DRAFT)


class Project(Bilingual, models.Model):
    """An improvement project: one challenge worked on by service users and staff together."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    class Method(models.TextChoices):
        EBCD = "ebcd", _("Experience-Based Co-Design (EBCD)")
        DOUBLE_DIAMOND = "double_diamond", _("Double Diamond")
        CUSTOM = "custom", _("Custom")

    class Scope(models.TextChoices):
        TEAM = "team", _("Team")
        SERVICE = "service", _("Service")
        ORGANISATION = "organisation", _("Organisation")
        SYSTEM = "system", _("Wider system")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="projects"
    )
    title = models.CharField(_("title"), max_length=200)
    challenge = models.TextField(
        _("challenge statement"),
        help_text=_("In plain words: what needs to get better, and for whom."),
    )
    service_area = models.CharField(
        _("service area"), max_length=200, help_text=_("For example: discharge from ward 7.")
    )
    # The same in Welsh, and easy-read versions (codesign.bilingual): each may be left empty.
    title_cy = models.CharField(_("title in Welsh"), max_length=200, blank=True)
    challenge_cy = models.TextField(_("challenge statement in Welsh"), blank=True)
    service_area_cy = models.CharField(_("service area in Welsh"), max_length=200, blank=True)
    challenge_easy_read = models.TextField(
        _("easy-read summary"),
        blank=True,
        help_text=_("Short sentences, one idea a line. People who ask for easy read see this."),
    )
    challenge_easy_read_cy = models.TextField(_("easy-read summary in Welsh"), blank=True)
    invitation_easy_read = models.TextField(
        _("easy-read invitation"),
        blank=True,
        help_text=_("Sent with each invitation to join, and shown when people accept it."),
    )
    invitation_easy_read_cy = models.TextField(_("easy-read invitation in Welsh"), blank=True)
    scope = models.CharField(
        _("organisational scope"), max_length=20, choices=Scope.choices, default=Scope.SERVICE
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    method = models.CharField(
        _("method"), max_length=20, choices=Method.choices, default=Method.EBCD
    )
    current_stage = models.ForeignKey(
        "Stage",
        verbose_name=_("current stage"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hide_job_titles = models.BooleanField(
        _("hide job titles"),
        default=True,
        help_text=_(
            "Participants see each other by display name only, so nobody is ranked by job."
        ),
    )
    allow_anonymous = models.BooleanField(
        _("allow anonymous contributions"),
        default=False,
        help_text=_("Let people contribute without their name being shown to anyone."),
    )
    group_threshold = models.PositiveSmallIntegerField(
        _("smallest group shown"),
        default=DEFAULT_GROUP_THRESHOLD,
        validators=[MinValueValidator(MINIMUM_GROUP_THRESHOLD), MaxValueValidator(20)],
        help_text=_(
            "How many people of a group (service users and carers, or staff) must have voted or "
            "rated before the group's own results are shown. At least 2. Managers' dashboards "
            "and reports always need at least 5."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When the project was last closed; retention periods count from here.
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Raised after every committed write that changes what the project's pages show; what
    # the cache keeps for them is keyed on it (codesign.content).
    content_version = ContentVersionField(_("content version"), default=0, editable=False)
    # Raised with it by every support given or taken back, and by every comment written,
    # changed or taken back: a page that draws its supports and comment counts when served, or
    # shows none, keeps the rest under the difference (``version_without``), so people
    # supporting and commenting leave it kept (codesign.kept_pages).
    supports_version = ContentVersionField(_("supports version"), default=0, editable=False)
    comments_version = ContentVersionField(_("comments version"), default=0, editable=False)
    # How many contributions its board lists (those not withdrawn), counted again after each
    # change of its content (contributions/board_size.py): the board's pages read it rather
    # than counting the project's contributions every time.
    board_size = ContentCountField(_("contributions on the board"), default=0, editable=False)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:project-detail", args=[self.pk])

    def version_without(self, tallies) -> int:
        """The version of everything the project's pages show but these tallies ("supports",
        "comments")."""
        return self.content_version - sum(getattr(self, f"{tally}_version") for tally in tallies)

    def clean(self):
        if self.current_stage_id and self.current_stage.project_id != self.pk:
            raise ValidationError({"current_stage": _("Choose one of this project's stages.")})


class Stage(Bilingual, models.Model):
    """One ordered step of a project's method (EBCD: 'Joint co-design event')."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    name_cy = models.CharField(_("name in Welsh"), max_length=120, blank=True)
    description_cy = models.TextField(_("description in Welsh"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    starts_on = models.DateField(
        _("starts on"), null=True, blank=True, validators=[validate_sane_date]
    )
    ends_on = models.DateField(_("ends on"), null=True, blank=True, validators=[validate_sane_date])

    class Meta:
        ordering = ["project", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="stage_ends_after_start",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError(
                {"ends_on": _("The end date must be on or after the start date.")}
            )


class JourneyStep(models.Model):
    """One ordered step of the service journey as people live it (EBCD: 'Waiting'), where
    touchpoints are placed; not the project's method stages."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="journey_steps")
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["project", "order", "pk"]
        verbose_name = _("journey step")

    def __str__(self):
        return self.name
