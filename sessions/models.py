import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from codesign.dates import validate_sane_date
from codesign.images import ImageStatus
from participants.models import Constituency, Membership
from sessions import calls, language, reply_channel  # noqa: F401 (calls: the call list model)

DEFAULT_REMINDER_OFFSETS = [48, 2]
PENNY = Decimal("0.01")


def money(value) -> Decimal:
    """An amount in pounds and pence. Sums come back from SQLite with many places (and as 0
    when there is nothing to add up); finance wants two."""
    return Decimal(value or 0).quantize(PENNY)


def default_reminder_offsets():
    return list(DEFAULT_REMINDER_OFFSETS)


class WorkshopSessionQuerySet(models.QuerySet):
    def upcoming(self, now=None):
        """Sessions still to come: not over, not held, not cancelled."""
        return self.filter(
            ends_at__gte=now or timezone.now(), status__in=WorkshopSession.COMING_UP_STATUSES
        )

    def past(self, now=None):
        return self.filter(ends_at__lt=now or timezone.now())

    def for_constituency(self, constituency: str):
        """Sessions whose audience includes people of this constituency."""
        return self.filter(audience__in=WorkshopSession.audiences_for(constituency))

    def for_members(self, memberships):
        """Sessions whose audience includes any of these members, each in their own project
        (the rule of ``WorkshopSession.is_for_member``, as a query)."""
        condition = Q(pk__in=[])
        for membership in memberships:
            if membership.status != Membership.Status.ACTIVE:
                continue
            if membership.role == Membership.Role.FACILITATOR:
                condition |= Q(project_id=membership.project_id)
            elif membership.role == Membership.Role.PARTICIPANT:
                audiences = WorkshopSession.audiences_for(membership.constituency)
                condition |= Q(project_id=membership.project_id, audience__in=audiences)
        return self.filter(condition)

    def for_member(self, membership):
        """Sessions whose audience includes this member."""
        return self.for_members([membership])


class WorkshopSession(language.SessionLanguageFields):
    """A workshop: planned, held with a record of who came and what came out, or cancelled."""

    class Kind(models.TextChoices):
        SERVICE_USER_EVENT = "service_user_event", _("Service user event")
        STAFF_EVENT = "staff_event", _("Staff event")
        JOINT_EVENT = "joint_event", _("Joint co-design event")
        CODESIGN_GROUP = "codesign_group", _("Small co-design group")
        CELEBRATION = "celebration", _("Celebration and review")
        WORKSHOP = "workshop", _("General workshop")

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        SERVICE_USERS = "service_users", _("Service users and carers only")
        STAFF = "staff", _("Staff only")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        IN_PROGRESS = "in_progress", _("In progress")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    # A session recorded as held (or cancelled) is no longer coming up, whatever its end time.
    COMING_UP_STATUSES = (Status.SCHEDULED, Status.IN_PROGRESS)

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="workshop_sessions"
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.WORKSHOP)
    stage = models.ForeignKey(
        "projects.Stage",
        verbose_name=_("stage"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="workshop_sessions",
    )
    starts_at = models.DateTimeField(_("starts"), validators=[validate_sane_date])
    ends_at = models.DateTimeField(_("ends"), validators=[validate_sane_date])
    place = models.CharField(
        _("place"), max_length=300, blank=True, help_text=_("Room and address, with directions.")
    )
    online_link = models.URLField(_("online meeting link"), blank=True)
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for no limit. When it is full, people join a waiting list."),
    )
    audience = models.CharField(
        _("who is it for"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE
    )
    notes_before = models.TextField(_("to read beforehand"), blank=True)
    reminder_offsets = models.JSONField(
        _("reminders (hours before)"), default=default_reminder_offsets, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED
    )
    # Calendar invitations: one UID for the session's life, SEQUENCE raised on each reschedule.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    record_notes = models.TextField(_("notes from the session"), blank=True)
    outputs = models.TextField(_("what came out of it"), blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The scheduling form's one-time key: posting it twice schedules one session.
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    objects = WorkshopSessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["project", "submission_key"], name="one_session_per_submission"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("workshops:session-detail", args=[self.project_id, self.pk])

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The end must be after the start.")
        if not self.place and not self.online_link:
            errors["place"] = _("Give a place, an online link, or both.")
        if self.stage_id and self.stage.project_id != self.project_id:
            errors["stage"] = _("Choose one of this project's stages.")
        offsets = self.reminder_offsets or []
        if not isinstance(offsets, list) or not all(
            isinstance(o, int) and 0 < o <= 24 * 14 for o in offsets
        ):
            errors["reminder_offsets"] = _("Reminders are whole hours between 1 and 336.")
        if errors:
            raise ValidationError(errors)

    def is_coming_up(self, now=None) -> bool:
        """Still to come: the same rule as ``WorkshopSession.objects.upcoming()``."""
        return self.status in self.COMING_UP_STATUSES and self.ends_at >= (now or timezone.now())

    @property
    def duration_hours(self) -> Decimal:
        seconds = Decimal((self.ends_at - self.starts_at).total_seconds())
        return (seconds / 3600).quantize(PENNY)

    # Who a session is for: the one rule, which the predicates, the selectors, the calendar
    # feed, the digest and the live board all ask. Its audience is the project's active
    # facilitators (every session) and its active participants of the constituencies below
    # (None: every constituency). Observers are in no audience: they watch the sessions for
    # everyone.
    AUDIENCE_CONSTITUENCIES = {
        Audience.EVERYONE: None,
        Audience.SERVICE_USERS: (Constituency.SERVICE_USER, Constituency.CARER),
        Audience.STAFF: (Constituency.STAFF,),
    }

    @classmethod
    def audiences_for(cls, constituency: str) -> list[str]:
        """The audiences that include people of this constituency."""
        return [
            audience
            for audience, constituencies in cls.AUDIENCE_CONSTITUENCIES.items()
            if constituencies is None or constituency in constituencies
        ]

    def is_for(self, constituency: str) -> bool:
        """Is a person of this constituency in the session's audience."""
        return self.audience in self.audiences_for(constituency)

    def is_for_member(self, membership) -> bool:
        """Is this member in the session's audience (invited, may reply, in their calendar)."""
        if not self._is_active_member(membership):
            return False
        if membership.role == Membership.Role.FACILITATOR:
            return True
        return membership.role == Membership.Role.PARTICIPANT and self.is_for(
            membership.constituency
        )

    def is_seen_by_member(self, membership) -> bool:
        """May this member see the session: its audience, and the project's observers when it
        is for everyone (``workshops.view_session``, for the project's own people)."""
        return self.is_for_member(membership) or (
            self._is_active_member(membership)
            and membership.role == Membership.Role.OBSERVER
            and self.audience == self.Audience.EVERYONE
        )

    def audience_memberships(self) -> Q:
        """The session's audience as a condition on memberships."""
        constituencies = self.AUDIENCE_CONSTITUENCIES[self.audience]
        participants = Q(role=Membership.Role.PARTICIPANT)
        if constituencies is not None:
            participants &= Q(constituency__in=constituencies)
        return Q(project_id=self.project_id, status=Membership.Status.ACTIVE) & (
            Q(role=Membership.Role.FACILITATOR) | participants
        )

    def _is_active_member(self, membership) -> bool:
        return (
            membership is not None
            and membership.project_id == self.project_id
            and membership.status == Membership.Status.ACTIVE
        )


class AgendaItem(language.AgendaItemLanguageFields):
    session = models.ForeignKey(WorkshopSession, on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    starts_at = models.TimeField(_("time"), null=True, blank=True)
    title = models.CharField(_("item"), max_length=200)

    class Meta:
        ordering = ["session", "order", "pk"]

    def __str__(self):
        return self.title


class Reply(language.ReplyLanguageFields, reply_channel.ReplyChannelFields):
    """A person's answer to a session: going, maybe, not going, or waiting for a place."""

    class Answer(models.TextChoices):
        GOING = "going", _("Going")
        MAYBE = "maybe", _("Maybe")
        NOT_GOING = "not_going", _("Not going")
        WAITLIST = "waitlist", _("On the waiting list")

    session = models.ForeignKey(WorkshopSession, on_delete=models.CASCADE, related_name="replies")
    membership = models.ForeignKey(
        "participants.Membership", on_delete=models.CASCADE, related_name="session_replies"
    )
    answer = models.CharField(_("answer"), max_length=20, choices=Answer.choices)
    reason = models.CharField(
        _("anything you want to tell us"),
        max_length=300,
        blank=True,
        help_text=_("For example why you cannot come. Only facilitators see this."),
    )
    session_needs = models.CharField(
        _("anything extra you need for this session"), max_length=300, blank=True
    )
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session", "waitlisted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "membership"], name="one_reply_per_person")
        ]

    def __str__(self):
        return f"{self.membership} – {self.get_answer_display()}"


class Reminder(models.Model):
    """A claim on one reminder (person, session, offset), committed before the email is written.

    The unique constraint makes a second run, a second beat or a redelivered task a no-op.
    """

    session = models.ForeignKey(WorkshopSession, on_delete=models.CASCADE, related_name="reminders")
    membership = models.ForeignKey(
        "participants.Membership", on_delete=models.CASCADE, related_name="+"
    )
    offset_hours = models.PositiveSmallIntegerField()
    message = models.ForeignKey(
        "outbox.OutboxMessage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session", "-offset_hours", "membership"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "membership", "offset_hours"], name="one_reminder_per_offset"
            )
        ]

    def __str__(self):
        return f"{self.offset_hours}h reminder of {self.session} to {self.membership}"


class CalendarFeed(models.Model):
    """A person's private calendar address. Only a hash of its secret is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(revoked_at__isnull=True), name="one_live_feed"
            )
        ]

    def __str__(self):
        return f"Calendar feed of {self.user}"


class Attendance(models.Model):
    """A member who came to a held session."""

    session = models.ForeignKey(
        WorkshopSession, on_delete=models.CASCADE, related_name="attendances"
    )
    membership = models.ForeignKey(
        "participants.Membership", on_delete=models.CASCADE, related_name="attendances"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "membership__display_name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "membership"], name="one_attendance")
        ]

    def __str__(self):
        return f"{self.membership} at {self.session}"

    @property
    def project(self):
        return self.session.project


class WalkIn(models.Model):
    """Someone who came without being a member yet; they can be invited properly afterwards."""

    session = models.ForeignKey(WorkshopSession, on_delete=models.CASCADE, related_name="walk_ins")
    name = models.CharField(_("name"), max_length=150)
    constituency = models.CharField(_("constituency"), max_length=20, choices=Constituency.choices)
    email = models.EmailField(_("email (optional)"), blank=True)
    invited_membership = models.ForeignKey(
        "participants.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "name"]

    def __str__(self):
        return self.name


def session_photo_path(instance, filename):
    return f"session-photos/{instance.session.project_id}/{uuid.uuid4().hex}.jpg"


class SessionPhoto(models.Model):
    """A photo of a room output such as a flipchart.

    The upload is kept as sent until the worker has shrunk it and removed location and camera
    data (``image_status`` ready); until then nobody is shown it.
    """

    session = models.ForeignKey(WorkshopSession, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=session_photo_path)
    image_status = models.CharField(
        _("image status"),
        max_length=20,
        choices=ImageStatus.choices,
        default=ImageStatus.PROCESSING,
    )
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "uploaded_at"]

    def __str__(self):
        return self.caption or f"Photo {self.pk}"


class PaymentTerms(models.Model):
    """How service users and carers are paid for their time, and which expenses are covered."""

    class Basis(models.TextChoices):
        HOURLY = "hourly", _("An hourly rate")
        PER_SESSION = "per_session", _("A fixed amount per session")

    basis = models.CharField(_("pay"), max_length=20, choices=Basis.choices, default=Basis.HOURLY)
    hourly_rate = models.DecimalField(
        _("hourly rate (£)"),
        max_digits=7,
        decimal_places=2,
        default=20,
        validators=[MinValueValidator(0)],
    )
    fixed_amount = models.DecimalField(
        _("amount per session (£)"),
        max_digits=7,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    covers_travel = models.BooleanField(_("travel expenses"), default=True)
    covers_carer_cover = models.BooleanField(_("carer cover"), default=True)
    covers_other = models.BooleanField(_("other expenses"), default=False)
    pay_staff = models.BooleanField(
        _("pay staff too"),
        default=False,
        help_text=_("Staff usually attend in work time and are not paid."),
    )

    TERMS = (
        "basis",
        "hourly_rate",
        "fixed_amount",
        "covers_travel",
        "covers_carer_cover",
        "covers_other",
        "pay_staff",
    )

    class Meta:
        abstract = True

    def terms(self) -> dict:
        return {name: getattr(self, name) for name in self.TERMS}


class OrganisationPaymentTerms(PaymentTerms):
    """The organisation's default terms; each new project's policy starts from them."""

    organisation = models.OneToOneField(
        "projects.Organisation", on_delete=models.CASCADE, related_name="payment_terms"
    )

    class Meta:
        verbose_name_plural = _("organisation payment terms")

    def __str__(self):
        return f"Payment terms of {self.organisation}"


class PaymentPolicy(PaymentTerms):
    """One project's policy for paying service users and carers and covering expenses."""

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="payment_policy"
    )
    notes = models.TextField(_("policy"), blank=True)

    class Meta:
        verbose_name_plural = _("payment policies")

    def __str__(self):
        return f"Payment policy of {self.project}"

    def amount_for(self, hours: Decimal) -> Decimal:
        if self.basis == self.Basis.HOURLY:
            return money(Decimal(self.hourly_rate) * hours)
        return money(self.fixed_amount)


class Recognition(models.Model):
    """Payment and recognition of one person's time at one held session."""

    class PaymentStatus(models.TextChoices):
        OFFERED = "offered", _("Offered")
        DECLINED = "declined", _("Declined")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")

    attendance = models.OneToOneField(
        Attendance, on_delete=models.CASCADE, related_name="recognition"
    )
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)
    amount = models.DecimalField(_("payment (£)"), max_digits=8, decimal_places=2)
    payment_status = models.CharField(
        _("payment"), max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.OFFERED
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True, validators=[validate_sane_date])
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    benefits_advice_offered = models.BooleanField(_("benefits advice offered"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["attendance__session__starts_at", "pk"]

    def __str__(self):
        return f"Recognition for {self.attendance}"

    @property
    def project(self):
        return self.attendance.session.project

    def clean(self):
        if self.payment_status == self.PaymentStatus.PAID:
            missing = {}
            if not self.paid_on:
                missing["paid_on"] = _("Give the date it was paid.")
            if not self.payment_reference:
                missing["payment_reference"] = _("Give the payment reference.")
            if missing:
                raise ValidationError(missing)


def receipt_path(instance, filename):
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"receipts/{uuid.uuid4().hex}.{extension[:5]}"


class ExpenseClaim(models.Model):
    class Kind(models.TextChoices):
        TRAVEL = "travel", _("Travel")
        CARER_COVER = "carer_cover", _("Carer cover")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("Claimed")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        PAID = "paid", _("Paid")

    recognition = models.ForeignKey(Recognition, on_delete=models.CASCADE, related_name="expenses")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(
        _("amount (£)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(10000)],
    )
    description = models.CharField(_("what for"), max_length=200, blank=True)
    receipt = models.FileField(_("receipt"), upload_to=receipt_path, blank=True)
    # A photographed receipt is shown once the worker has stripped it; a PDF is ready at once.
    receipt_status = models.CharField(
        _("receipt status"),
        max_length=20,
        choices=ImageStatus.choices,
        default=ImageStatus.PROCESSING,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.CLAIMED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recognition", "created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} £{self.amount}"
