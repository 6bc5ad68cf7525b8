import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from codesign.bilingual import Bilingual
from codesign.dates import validate_sane_date
from participants.models import Constituency

from . import cqc

FOLLOW_UP_MONTHS = (3, 6, 12)


def validate_cqc_statements(value):
    if not isinstance(value, list) or not set(value) <= cqc.STATEMENTS.keys():
        raise ValidationError(_("Choose from the CQC's quality statements."))


class ServiceChangeQuerySet(models.QuerySet):
    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(target_date__lt=today, status__in=ServiceChange.BEFORE_IMPLEMENTED)

    def done(self):
        return self.filter(
            status__in=[ServiceChange.Status.IMPLEMENTED, ServiceChange.Status.EMBEDDED]
        )


class ServiceChange(Bilingual, models.Model):
    """A change to the service that the project proposes and tracks to the end."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        AGREED = "agreed", _("Agreed")
        IN_PROGRESS = "in_progress", _("In progress")
        IMPLEMENTED = "implemented", _("Implemented")
        EMBEDDED = "embedded", _("Embedded")
        NOT_TAKEN_FORWARD = "not_taken_forward", _("Not taken forward")

    class Scope(models.TextChoices):
        TEAM = "team", _("Team")
        SERVICE = "service", _("Service")
        ORGANISATION = "organisation", _("Organisation")
        SYSTEM = "system", _("Wider system")

    ORDER = [
        Status.PROPOSED,
        Status.AGREED,
        Status.IN_PROGRESS,
        Status.IMPLEMENTED,
        Status.EMBEDDED,
    ]
    BEFORE_IMPLEMENTED = [Status.PROPOSED, Status.AGREED, Status.IN_PROGRESS]

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="service_changes"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what will change"), blank=True)
    title_cy = models.CharField(_("title in Welsh"), max_length=200, blank=True)
    description_cy = models.TextField(_("what will change, in Welsh"), blank=True)
    owner = models.ForeignKey(
        "participants.Membership",
        verbose_name=_("owner in the project"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_changes",
    )
    owner_role = models.CharField(
        _("or a named role outside the project"),
        max_length=150,
        blank=True,
        help_text=_("For example: Head of Pharmacy."),
    )
    scope = models.CharField(
        _("organisational scope"), max_length=20, choices=Scope.choices, default=Scope.SERVICE
    )
    approver = models.CharField(
        _("who must approve it"),
        max_length=150,
        blank=True,
        help_text=_("When it is beyond the project's authority, for example the Trust board."),
    )
    approved = models.BooleanField(_("approved"), default=False)
    target_date = models.DateField(
        _("target date"), null=True, blank=True, validators=[validate_sane_date]
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    reason = models.CharField(_("why not taken forward"), max_length=500, blank=True)
    implemented_on = models.DateField(null=True, blank=True, validators=[validate_sane_date])
    you_said = models.TextField(
        _("what participants said"),
        blank=True,
        help_text=_(
            "A summary in your own words for “you said, we did”: no quotes from contributions, "
            "no names."
        ),
    )
    you_said_cy = models.TextField(_("what participants said, in Welsh"), blank=True)
    contributions = models.ManyToManyField(
        "contributions.Contribution", blank=True, related_name="service_changes"
    )
    cqc_statements = models.JSONField(
        _("CQC quality statements it addresses"),
        default=list,
        blank=True,
        validators=[validate_cqc_statements],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ServiceChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__gte=0) & models.Q(progress__lte=100),
                name="change_progress_0_100",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("changes:change-detail", args=[self.project_id, self.pk])

    def cqc_by_question(self):
        """The CQC quality statements it addresses, as (key question, [short names])."""
        chosen = set(self.cqc_statements)
        return [
            (question, [label for key, label in statements if key in chosen])
            for question, statements in cqc.KEY_QUESTIONS
            if chosen & {key for key, _label in statements}
        ]

    def clean(self):
        errors = {}
        if self.status == self.Status.NOT_TAKEN_FORWARD and not self.reason.strip():
            errors["reason"] = _("Say why it is not taken forward.")
        if self.owner_id and self.owner.project_id != self.project_id:
            errors["owner"] = _("Choose someone in this project.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_overdue(self):
        return bool(
            self.target_date
            and self.status in self.BEFORE_IMPLEMENTED
            and self.target_date < timezone.localdate()
        )

    @property
    def owner_name(self):
        return self.owner.display_name if self.owner_id else self.owner_role


class TimelineEntry(models.Model):
    """A dated step in a change's life: who, when, what moved, and a note."""

    change = models.ForeignKey(ServiceChange, on_delete=models.CASCADE, related_name="timeline")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=ServiceChange.Status.choices, blank=True)
    progress = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["change", "created_at", "pk"]
        verbose_name_plural = _("timeline entries")

    def __str__(self):
        return f"{self.change}: {self.status or self.progress}"


class FollowUpCheck(models.Model):
    """ "Has it stuck?" — asked 3, 6 and 12 months after a change was implemented."""

    class Outcome(models.TextChoices):
        STUCK = "stuck", _("It has stuck")
        PARTLY = "partly", _("Partly")
        NOT_STUCK = "not_stuck", _("It has not stuck")

    change = models.ForeignKey(ServiceChange, on_delete=models.CASCADE, related_name="follow_ups")
    months = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("what you found"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["change", "months"]
        constraints = [
            models.UniqueConstraint(fields=["change", "months"], name="one_check_per_interval")
        ]

    def __str__(self):
        return f"{self.months}-month check of {self.change}"

    @property
    def project(self):
        return self.change.project


class Evidence(models.Model):
    """A note, or a context–mechanism–outcome record, about a change's effect."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        CMO = "cmo", _("Context, mechanism, outcome")

    change = models.ForeignKey(ServiceChange, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NOTE)
    note = models.TextField(_("note"), blank=True)
    context = models.TextField(_("context"), blank=True, help_text=_("The circumstances."))
    mechanism = models.TextField(_("mechanism"), blank=True, help_text=_("What made it work."))
    outcome = models.TextField(_("outcome"), blank=True, help_text=_("What happened."))
    session = models.ForeignKey(
        "workshops.WorkshopSession",
        verbose_name=_("seen at session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["change", "created_at"]
        verbose_name_plural = _("evidence")

    def __str__(self):
        return f"{self.get_kind_display()} on {self.change}"

    @property
    def project(self):
        return self.change.project

    def clean(self):
        if self.kind == self.Kind.CMO and not (self.context and self.mechanism and self.outcome):
            raise ValidationError(_("A CMO record needs a context, a mechanism and an outcome."))
        if self.kind == self.Kind.NOTE and not self.note.strip():
            raise ValidationError({"note": _("Write the note.")})


def new_public_token():
    return secrets.token_urlsafe(24)


class YouSaidWeDid(Bilingual, models.Model):
    """A project's public answer to its participants, and its optional public link."""

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="you_said_we_did"
    )
    introduction = models.TextField(_("introduction"), blank=True)
    introduction_cy = models.TextField(_("introduction in Welsh"), blank=True)
    public = models.BooleanField(_("public link on"), default=False)
    public_token = models.CharField(max_length=64, unique=True, default=new_public_token)

    def __str__(self):
        return f"You said, we did: {self.project}"


class LadderRating(models.Model):
    """A round in which participants and facilitators place the project on the ladder."""

    class Rung(models.IntegerChoices):
        COERCION = 1, _("Coercion")
        EDUCATING = 2, _("Educating")
        INFORMING = 3, _("Informing")
        CONSULTATION = 4, _("Consultation")
        ENGAGEMENT = 5, _("Engagement")
        CO_DESIGN = 6, _("Co-design")
        CO_PRODUCTION = 7, _("Co-production")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="ladder_ratings"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at", "-pk"]

    def __str__(self):
        return f"Ladder rating of {self.project} ({self.opened_at:%d %b %Y})"

    @property
    def is_open(self):
        return self.closed_at is None


class LadderVote(models.Model):
    rating = models.ForeignKey(LadderRating, on_delete=models.CASCADE, related_name="votes")
    membership = models.ForeignKey(
        "participants.Membership", on_delete=models.CASCADE, related_name="+"
    )
    # Facilitators and participants are the two groups compared.
    is_facilitator = models.BooleanField()
    constituency = models.CharField(max_length=20, choices=Constituency.choices)
    rung = models.PositiveSmallIntegerField(_("rung"), choices=LadderRating.Rung.choices)
    comment = models.CharField(_("comment (optional)"), max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rating", "membership"], name="one_ladder_vote")
        ]

    def __str__(self):
        return f"{self.get_rung_display()} in {self.rating}"


class ReflectiveLogEntry(models.Model):
    """A facilitator's private reflection on a session's power dynamics."""

    session = models.ForeignKey(
        "workshops.WorkshopSession", on_delete=models.CASCADE, related_name="reflections"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    who_spoke = models.TextField(_("who spoke"), blank=True)
    who_dominated = models.TextField(_("who dominated"), blank=True)
    tensions = models.TextField(_("tensions"), blank=True)
    conceded = models.TextField(_("what was conceded"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "-created_at"]
        verbose_name_plural = _("reflective log entries")

    def __str__(self):
        return f"Reflection on {self.session}"

    @property
    def project(self):
        return self.session.project
