import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from codesign.bilingual import Bilingual

from .validation import (
    display_phone,
    normalise_address_lines,
    normalise_mobile,
    normalise_phone,
    normalise_postcode,
)


class Constituency(models.TextChoices):
    SERVICE_USER = "service_user", _("Service user")
    CARER = "carer", _("Carer")
    STAFF = "staff", _("Staff")
    OTHER = "other", _("Other")


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Membership.Status.ACTIVE)

    def current(self):
        """Members who have not withdrawn: invited or active."""
        return self.exclude(status=Membership.Status.WITHDRAWN)


class Membership(models.Model):
    """A person's place in one project: role, constituency and how they appear to others."""

    class Role(models.TextChoices):
        FACILITATOR = "facilitator", _("Facilitator")
        PARTICIPANT = "participant", _("Participant")
        OBSERVER = "observer", _("Observer")

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACTIVE = "active", _("Active")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.PARTICIPANT
    )
    constituency = models.CharField(_("constituency"), max_length=20, choices=Constituency.choices)
    display_name = models.CharField(
        _("display name"),
        max_length=80,
        help_text=_("How other participants see you. A first name is enough."),
    )
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.INVITED
    )
    managed_by_facilitator = models.BooleanField(
        _("managed by a facilitator"),
        default=False,
        help_text=_("For people contacted by phone or post: a facilitator acts on their behalf."),
    )
    joined_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["display_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="unique_membership")
        ]
        indexes = [
            # The few a facilitator replies for (a session's page lists those who have not
            # replied): found without reading every member of the project.
            models.Index(
                fields=["project"],
                condition=models.Q(managed_by_facilitator=True),
                name="membership_managed",
            )
        ]

    def __str__(self):
        return f"{self.display_name} ({self.project})"

    def get_absolute_url(self):
        return reverse("participants:membership-detail", args=[self.project_id, self.pk])

    @property
    def is_service_user_side(self):
        return self.constituency in (Constituency.SERVICE_USER, Constituency.CARER)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """A single-use, expiring link that lets one person join a project, sent by email or, to
    someone with only a mobile, by text message."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"), blank=True)
    mobile = models.CharField(_("mobile number"), max_length=16, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(email="") | ~models.Q(mobile=""),
                name="invitation_has_an_address",
            )
        ]

    def __str__(self):
        return f"Invitation for {self.sent_to}"

    @property
    def sent_to(self) -> str:
        """The email address or mobile number the link went to."""
        return self.email or display_phone(self.mobile)

    @property
    def project(self):
        return self.membership.project

    @property
    def is_expired(self):
        return timezone.now() >= self.expires_at

    @property
    def is_usable(self):
        return not (self.accepted_at or self.revoked_at or self.is_expired)


class ConsentStatement(Bilingual, models.Model):
    """A versioned statement of what a project does with people's data and contributions."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="consent_statements"
    )
    version = models.PositiveIntegerField()
    text = models.TextField(_("consent statement"))
    text_cy = models.TextField(_("consent statement in Welsh"), blank=True)
    text_easy_read = models.TextField(
        _("easy-read consent statement"),
        blank=True,
        help_text=_("Short sentences, one idea a line. People who ask for easy read see this."),
    )
    text_easy_read_cy = models.TextField(_("easy-read consent statement in Welsh"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["project", "version"], name="unique_consent_version")
        ]

    def __str__(self):
        return f"{self.project} consent v{self.version}"


class Consent(models.Model):
    """A person's agreement to one version of a project's consent statement."""

    class Method(models.TextChoices):
        ONLINE = "online", _("Online, by the person")
        PAPER = "paper", _("Paper form")
        VERBAL = "verbal", _("Verbally, recorded by a facilitator")
        ADVOCATE = "advocate", _("Through an advocate or carer")

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="consents")
    statement = models.ForeignKey(ConsentStatement, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("how consent was given"), max_length=20, choices=Method.choices)
    given_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_current_consent",
            )
        ]

    def __str__(self):
        return f"Consent of {self.membership} to v{self.statement.version}"


class AccessNeeds(models.Model):
    """What a person needs in order to take part. Seen by them and their facilitators only."""

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="access_needs"
    )
    bsl_interpreter = models.BooleanField(_("British Sign Language interpreter"), default=False)
    other_interpreter = models.CharField(
        _("interpreter for another language"),
        max_length=80,
        blank=True,
        help_text=_("Name the language, if you need one."),
    )
    easy_read = models.BooleanField(_("easy read documents"), default=False)
    large_print = models.BooleanField(_("large print"), default=False)
    hearing_loop = models.BooleanField(_("hearing loop"), default=False)
    step_free_access = models.BooleanField(_("step-free access"), default=False)
    carer_attending = models.BooleanField(_("a carer will come with me"), default=False)
    dietary = models.CharField(_("dietary needs"), max_length=200, blank=True)
    other = models.TextField(_("anything else we should know"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = _("access needs")

    def __str__(self):
        return f"Access needs of {self.membership}"

    def summary(self) -> list[str]:
        """Return the needs that are set, in plain words."""
        items = []
        for name in (
            "bsl_interpreter",
            "easy_read",
            "large_print",
            "hearing_loop",
            "step_free_access",
            "carer_attending",
        ):
            if getattr(self, name):
                items.append(str(self._meta.get_field(name).verbose_name))
        if self.other_interpreter:
            interpreter = _("Interpreter")
            items.append(f"{interpreter}: {self.other_interpreter}")
        if self.dietary:
            dietary = _("Dietary")
            items.append(f"{dietary}: {self.dietary}")
        if self.other:
            items.append(str(_("Other needs noted")))
        return items


class Channel(models.TextChoices):
    """How a person hears from the project."""

    EMAIL = "email", _("Email")
    TEXT = "text", _("Text message")
    LETTER = "letter", _("Letter")
    PHONE_CALL = "phone_call", _("Phone call from a facilitator")
    IN_PERSON = "in_person", _("In person only")


# Channels nobody sends a message by: a facilitator tells the person themselves.
TOLD_BY_A_FACILITATOR = (Channel.PHONE_CALL, Channel.IN_PERSON)


class ContactPreferences(models.Model):
    """How one person wants to be reached, and the numbers and address to do it.

    One row per person, whatever their projects. Phone numbers are kept in E.164; the address
    as the lines a letter carries before its postcode. Read it through
    ``participants.contact.contact_for``, which also answers for people without a row.
    """

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_preferences"
    )
    channel = models.CharField(
        _("how to contact"), max_length=12, choices=Channel.choices, default=Channel.EMAIL
    )
    mobile = models.CharField(
        _("mobile number"),
        max_length=16,
        blank=True,
        help_text=_("For text messages. A UK mobile starts with 07."),
    )
    phone = models.CharField(
        _("phone number for calls"),
        max_length=16,
        blank=True,
        help_text=_("A landline or a mobile. Leave empty to use the mobile number."),
    )
    address_lines = models.TextField(
        _("address"),
        blank=True,
        help_text=_(
            "One line each for the name, the house and street, and the town: "
            "up to 6 lines of 35 characters, without the postcode."
        ),
    )
    postcode = models.CharField(_("postcode"), max_length=8, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contact preferences")
        verbose_name_plural = _("contact preferences")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(channel__in=Channel.values), name="contact_channel_known"
            )
        ]

    def __str__(self):
        return f"Contact preferences of {self.person}"

    def clean(self):
        """Normalise the numbers and address, and check the channel has what it needs."""
        errors = {}
        for name, normalise in (
            ("mobile", normalise_mobile),
            ("phone", normalise_phone),
            ("address_lines", normalise_address_lines),
            ("postcode", normalise_postcode),
        ):
            if getattr(self, name):
                try:
                    setattr(self, name, normalise(getattr(self, name)))
                except ValidationError as error:
                    errors[name] = error
        if bool(self.address_lines) != bool(self.postcode) and not errors:
            missing = "postcode" if self.address_lines else "address_lines"
            errors[missing] = ValidationError(
                _("Give both the address and its postcode, or neither."), code="half_address"
            )
        errors.update(self._channel_errors(errors))
        if errors:
            raise ValidationError(errors)

    def _channel_errors(self, errors) -> dict:
        if self.channel == Channel.TEXT and not self.mobile and "mobile" not in errors:
            return {"mobile": _("Text messages need a mobile number.")}
        if self.channel == Channel.LETTER and not (self.address_lines or errors):
            return {"address_lines": _("Letters need a postal address and postcode.")}
        if self.channel == Channel.PHONE_CALL and not (
            self.phone or self.mobile or "phone" in errors or "mobile" in errors
        ):
            return {"phone": _("A phone call needs a number to call.")}
        if self.channel == Channel.EMAIL and self.person_id and not self.person.email:
            return {"channel": _("This person has no email address. Choose another way.")}
        return {}
