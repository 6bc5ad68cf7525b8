from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from codesign.content import ContentVersionField
from participants.models import Constituency

SERVICE_USER_SIDE = (Constituency.SERVICE_USER, Constituency.CARER)

# What the board's search matches on PostgreSQL: the words of the title and the text as they
# are written ("simple": no stemming and no stop words, since people write in Welsh as well as
# English), each marked with the contribution's project, in a stored column and its GIN index
# (migration 0015); and the trigram indexes of UPPER(title) and UPPER(body) (Django's
# case-insensitive "contains" compares UPPER(column)), for short words (0007). They are
# PostgreSQL's alone, so they live in migrations rather than in Meta.indexes, where SQLite
# would have to build them too (contributions.selectors.search).


class Tag(models.Model):
    """A label from the project's own list, applied by facilitators."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(_("tag"), max_length=50)

    class Meta:
        ordering = ["project", "name"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="unique_tag")]

    def __str__(self):
        return self.name


class ContributionQuerySet(models.QuerySet):
    def visible(self):
        """Not withdrawn (hidden ones stay, shown as hidden)."""
        return self.filter(withdrawn_at__isnull=True)

    def ideas(self):
        return self.filter(kind=Contribution.Kind.IDEA)


class Contribution(models.Model):
    """An experience, a touchpoint or an idea that someone put into a project."""

    class Kind(models.TextChoices):
        EXPERIENCE = "experience", _("Experience")
        TOUCHPOINT = "touchpoint", _("Touchpoint")
        IDEA = "idea", _("Idea")

    class Emotion(models.TextChoices):
        HAPPY = "happy", _("Happy")
        CONTENT = "content", _("Content")
        NEUTRAL = "neutral", _("Neutral")
        WORRIED = "worried", _("Worried")
        FRUSTRATED = "frustrated", _("Frustrated")
        UPSET = "upset", _("Upset")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        UNDER_CONSIDERATION = "under_consideration", _("Under consideration")
        TAKEN_FORWARD = "taken_forward", _("Taken forward")
        NOT_TAKEN_FORWARD = "not_taken_forward", _("Not taken forward")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="contributions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("in your own words"), blank=True)
    stage = models.ForeignKey(
        "projects.Stage",
        verbose_name=_("stage of the journey"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributions",
    )
    journey_step = models.ForeignKey(
        "projects.JourneyStep",
        verbose_name=_("step of the journey"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributions",
    )
    session = models.ForeignKey(
        "workshops.WorkshopSession",
        verbose_name=_("session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributions",
    )
    emotion = models.CharField(_("how it felt"), max_length=20, choices=Emotion.choices, blank=True)
    # The author. Never shown for an anonymous contribution, to anyone.
    author = models.ForeignKey(
        "participants.Membership", on_delete=models.PROTECT, related_name="contributions"
    )
    # Kept from the author at the time, so statistics count it even when anonymous.
    constituency = models.CharField(max_length=20, choices=Constituency.choices)
    is_anonymous = models.BooleanField(_("post anonymously"), default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Set when a facilitator added it on the author's behalf."),
    )
    status = models.CharField(
        _("status"), max_length=30, choices=Status.choices, default=Status.NEW
    )
    status_note = models.CharField(_("note to the author and everyone"), max_length=500, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="contributions")
    sources = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="led_to",
        verbose_name=_("the experiences and touchpoints behind it"),
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=300, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # A one-time key from the form that posted it: a second POST of the same form (a double
    # click, a resent request) finds this row instead of making another.
    submission_key = models.UUIDField(null=True, blank=True, editable=False)
    # Kept by the services that add and take back supports and comments (comments not
    # withdrawn), so the board shows and sorts by them without counting rows on each view.
    support_count = models.PositiveIntegerField(default=0, editable=False)
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    # Raised whenever one of its comments is written or deleted (``conversation.services
    # .thread_changed``): a kept page draws its comments again only once it has moved.
    thread_version = ContentVersionField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContributionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["project", "kind", "created_at"]),
            # The board, newest first: a project's contributions that are not withdrawn.
            models.Index(
                fields=["project", "-created_at", "-id"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="contribution_board_newest",
            ),
            models.Index(
                fields=["project", "-support_count", "-created_at", "-id"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="contribution_board_supported",
            ),
            # The dashboards' parity counts a project's contributions by author and
            # constituency from this index alone (dashboards/parity.py).
            models.Index(
                fields=["project", "author", "constituency", "created_at"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="contribution_parity",
            ),
            # The touchpoint map counts a project's touchpoints by step, group and feeling
            # from this index alone (contributions/journey/selectors.py).
            models.Index(
                fields=["project", "journey_step", "constituency", "emotion"],
                condition=models.Q(
                    kind="touchpoint", hidden_at__isnull=True, withdrawn_at__isnull=True
                ),
                name="contribution_touchpoint_map",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="touchpoint") | ~models.Q(emotion=""),
                name="touchpoint_has_emotion",
            ),
            models.UniqueConstraint(
                fields=["author", "submission_key"], name="one_contribution_per_submission"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("contributions:contribution-detail", args=[self.project_id, self.pk])

    def clean(self):
        errors = {}
        if self.kind == self.Kind.TOUCHPOINT and not self.emotion:
            errors["emotion"] = _("Choose how it felt at this point.")
        if self.kind != self.Kind.TOUCHPOINT and self.emotion:
            self.emotion = ""
        if self.kind != self.Kind.IDEA and self.status != self.Status.NEW:
            errors["status"] = _("Only ideas have a status.")
        if self.status == self.Status.NOT_TAKEN_FORWARD and not self.status_note.strip():
            errors["status_note"] = _("Say why it is not taken forward.")
        if self.stage_id and self.stage.project_id != self.project_id:
            errors["stage"] = _("Choose one of this project's stages.")
        if self.journey_step_id and self.journey_step.project_id != self.project_id:
            errors["journey_step"] = _("Choose one of this project's journey steps.")
        if self.session_id and self.session.project_id != self.project_id:
            errors["session"] = _("Choose one of this project's sessions.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_service_user_side(self):
        return self.constituency in SERVICE_USER_SIDE


class OfContribution(models.Model):
    """A row about one contribution that carries the contribution's project too, so a
    project's figures read its own rows (an index on the project) instead of joining every
    contribution. The project is the contribution's, always: filled from it when the row is
    made (``save``), checked by ``clean``; contributions never move to another project."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="+")
    # No index of its own: each model's indexes begin with the project (a second one only made
    # the planner read a project's supports from the table instead of from the parity index).
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="+", db_index=False
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.project_id is None and self.contribution_id is not None:
            self.project_id = self.contribution.project_id
        super().save(*args, **kwargs)

    def clean(self):
        if self.contribution_id and self.project_id != self.contribution.project_id:
            raise ValidationError(_("This belongs to the contribution's own project."))


class Support(OfContribution):
    """One person's support for one idea."""

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="supports"
    )
    membership = models.ForeignKey(
        "participants.Membership", on_delete=models.CASCADE, related_name="supports"
    )
    constituency = models.CharField(max_length=20, choices=Constituency.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contribution", "membership"], name="one_support")
        ]
        # The dashboards count a project's supports by when they were given, and by whom
        # and their constituency from the second index alone (dashboards/parity.py).
        indexes = [
            models.Index(fields=["project", "created_at"], name="support_project_created"),
            models.Index(
                fields=["project", "membership", "constituency", "created_at"],
                name="support_parity",
            ),
        ]

    def __str__(self):
        return f"{self.membership} supports {self.contribution}"


class MemberTally(models.Model):
    """How many supports one member has given in their project, and how many comments (not
    withdrawn) they have made, by the constituency each row carries: parity's two tallies read
    these rows, a few per member, rather than counting every support and comment of a project
    (``dashboards.parity.tally_counts``). Counted again, under a lock on the member, whenever one
    of their supports or comments is written, withdrawn or deleted (``member_tallies``), and
    rebuilt after bulk writes (``member_tallies_refresh``)."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(
        "participants.Membership", on_delete=models.CASCADE, related_name="tallies"
    )
    constituency = models.CharField(max_length=20, choices=Constituency.choices)
    supports = models.PositiveIntegerField(default=0)
    comments = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "constituency"], name="one_tally_per_member_constituency"
            )
        ]

    def __str__(self):
        return f"{self.membership}: {self.supports} supports, {self.comments} comments"


class Comment(OfContribution):
    """A comment on a contribution, or a reply to one (one level only)."""

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        "participants.Membership", on_delete=models.PROTECT, related_name="comments"
    )
    constituency = models.CharField(max_length=20, choices=Constituency.choices)
    is_anonymous = models.BooleanField(_("comment anonymously"), default=False)
    body = models.TextField(_("comment"))
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=300, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        # The dashboards count a project's comments by when they were made, and by whom and
        # their constituency from the second index alone (dashboards/parity.py).
        indexes = [
            models.Index(fields=["project", "created_at"], name="comment_project_created"),
            models.Index(
                fields=["project", "author", "constituency", "created_at"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="comment_parity",
            ),
        ]

    def __str__(self):
        return f"Comment {self.pk} on {self.contribution}"

    def clean(self):
        super().clean()
        if self.parent_id:
            if self.parent.parent_id:
                raise ValidationError(_("Replies go one level deep: reply to the comment above."))
            if self.parent.contribution_id != self.contribution_id:
                raise ValidationError(_("Reply to a comment on the same contribution."))


class Report(models.Model):
    """Someone's concern about a contribution or comment."""

    class Reason(models.TextChoices):
        SAFEGUARDING = "safeguarding", _("Safeguarding concern: someone may be at risk")
        PERSONAL = "personal", _("It names someone or shares private details")
        OFFENSIVE = "offensive", _("It is offensive or hurtful")
        OTHER = "other", _("Something else")

    contribution = models.ForeignKey(
        Contribution, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("what is wrong"), max_length=20, choices=Reason.choices)
    details = models.TextField(_("anything else we should know"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(contribution__isnull=False, comment__isnull=True)
                | models.Q(contribution__isnull=True, comment__isnull=False),
                name="report_has_one_target",
            )
        ]

    def __str__(self):
        return f"Report {self.pk}: {self.get_reason_display()}"

    @property
    def target(self):
        return self.contribution or self.comment


class PrioritisationRound(models.Model):
    """A dot-vote over chosen ideas; results stay hidden until the facilitator closes it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="prioritisation_rounds"
    )
    session = models.ForeignKey(
        "workshops.WorkshopSession",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="prioritisation_rounds",
    )
    title = models.CharField(_("title"), max_length=150)
    dots_per_person = models.PositiveSmallIntegerField(
        _("dots per person"), default=3, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    ideas = models.ManyToManyField(Contribution, related_name="rounds")
    # Votes were placed in the room (dots on a wall) where everyone saw them: the split by
    # constituency is shown whatever the groups' sizes (codesign.disclosure).
    in_the_open = models.BooleanField(
        _("votes placed in the open"),
        default=False,
        help_text=_(
            "Tick this if people placed their dots in the room, where everyone could see them. "
            "Each group's dots are then shown however few people are in it."
        ),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("rounds:round-detail", args=[self.project_id, self.pk])


class Dot(models.Model):
    """The dots one person put on one idea in a round."""

    round = models.ForeignKey(PrioritisationRound, on_delete=models.CASCADE, related_name="dots")
    idea = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="dots")
    membership = models.ForeignKey(
        "participants.Membership", on_delete=models.CASCADE, related_name="dots"
    )
    constituency = models.CharField(max_length=20, choices=Constituency.choices)
    count = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "idea", "membership"], name="one_dot_row"),
            models.CheckConstraint(condition=models.Q(count__gte=1), name="dot_count_positive"),
        ]

    def __str__(self):
        return f"{self.count} on {self.idea}"


class LiveBoard(models.Model):
    """A session's live board: people join with a short code and add contributions."""

    session = models.OneToOneField(
        "workshops.WorkshopSession", on_delete=models.CASCADE, related_name="live_board"
    )
    code = models.CharField(max_length=8, unique=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Live board {self.code}"

    @property
    def project(self):
        return self.session.project

    @property
    def is_open(self):
        return self.closed_at is None
