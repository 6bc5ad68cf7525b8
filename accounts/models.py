import rules
from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class CodesignUserManager(UserManager):
    """Users are known by email; people without email (managed by a facilitator) have none."""

    def _create_user(self, username, email, password, **extra_fields):
        email = self.normalize_email(email) or None
        user = self.model(email=email, **extra_fields)
        user.password = ""
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(None, email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(None, email, password, **extra_fields)


class User(AbstractUser):
    """A person. Email is the sign-in name; it is empty for people contacted by phone or post
    (how to reach a person is ``participants.ContactPreferences``)."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True, null=True, blank=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    prefers_easy_read = models.BooleanField(
        _("show easy read"),
        default=False,
        help_text=_("Where there is an easy-read version, show it first, in large print."),
    )
    # Set when the person deletes their account: the row stays so that payment records and
    # audit entries point somewhere, under this name and nothing else.
    pseudonym = models.CharField(_("pseudonym"), max_length=60, blank=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    # Raised whenever what decides whether the person must use two-factor changes (an
    # authenticator added or removed, a role gained or lost: accounts/receivers.py). A session
    # keeps the answer with the stamp it was worked out under (RequireTwoFactorMiddleware).
    two_factor_stamp = models.PositiveIntegerField(default=0, editable=False)
    # Empty until the person (or whoever invites them) says: then everything sent to them is
    # written in it (codesign/languages.py), and the site opens in it when they sign in.
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("The language of the pages and of everything Codesign sends this person."),
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = CodesignUserManager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name", "email"]

    def __str__(self):
        return self.full_name or self.email or self.pseudonym or f"#{self.pk}"

    def has_perm(self, perm, obj=None):
        """Codesign's own permissions are decided by `rules` alone, superusers included.

        Django would answer yes to every permission for a superuser; our rules already say
        where a superuser may act, and say no where only the person themselves may (their own
        consent or access needs).
        """
        if rules.perm_exists(perm):
            return self.is_active and rules.has_perm(perm, self, obj)
        return super().has_perm(perm, obj)

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name or self.email or ""
