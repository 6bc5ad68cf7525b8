"""Telling people about activity that concerns them, and their choices of email."""

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy

from codesign.languages import in_languages, person_languages
from outbox.services import email_render, outbox_email_build, outbox_email_many

from .categories import EmailCategory
from .models import EmailPreference, Notification

# Which switch on the email choices page each kind of news answers to.
KIND_CATEGORIES = {
    Notification.Kind.REPLY: EmailCategory.REPLIES,
    Notification.Kind.COMMENT: EmailCategory.REPLIES,
    Notification.Kind.STATUS: EmailCategory.IDEAS,
    Notification.Kind.CHANGE: EmailCategory.IDEAS,
    Notification.Kind.ROUND: EmailCategory.ROUNDS,
}


def _text(message, params: dict | None):
    """The message in the active language: ``message`` (a lazy text) filled with ``params``,
    whose callable values are called in that language."""
    if not params:
        return str(message)
    return str(message % {key: v() if callable(v) else v for key, v in params.items()})


def _email(*, users: list, kind: str, project, message, params, url: str, discreet_for) -> None:
    """Email the notification to each person who wants this kind of news by email, in their
    language (codesign.languages).

    It says what happened and where. For news about something a person posted anonymously
    (``discreet_for``: their user ids) it says only that there is news, and the outbox (which
    facilitators and the admin can read) does not tie it to the project: nothing there may
    pair their address with what they wrote."""
    organisation = getattr(project, "organisation", None)
    groups: dict[tuple, list] = {}
    for user in users:
        if user.email:
            key = (user.pk in discreet_for, person_languages(user, organisation))
            groups.setdefault(key, []).append(user)
    messages = []
    for (discreet, languages), group in groups.items():
        if discreet:
            link = settings.CODESIGN_SITE_URL + reverse("notifications:notification-list")
        else:
            link = settings.CODESIGN_SITE_URL + url if url.startswith("/") else ""
        rendered = email_render(
            template="notification",
            context={
                "discreet": discreet,
                "message": lazy(lambda: _text(message, params)[:300], str)(),
                "link": link,
            },
            project=None if discreet else project,
            languages=languages,
        )
        # A kind with no category (a new consent statement) reaches everyone it concerns.
        rendered["category"] = KIND_CATEGORIES.get(kind, "")
        messages += [
            outbox_email_build(to=user.email, project=None if discreet else project, **rendered)
            for user in group
        ]
    if messages:
        outbox_email_many(messages)


@transaction.atomic
def notify(
    *,
    users: Iterable,
    kind: str,
    project,
    message,
    params: dict | None = None,
    url: str = "",
    discreet_for=(),
) -> int:
    """Put a notification under each person's bell (once per person), and email it to those
    who keep that category of email on; ``discreet_for``: ids of people for whom the news is
    about something they posted anonymously.

    ``message`` is a lazy text (``gettext_lazy``) with ``%(name)s`` places filled from
    ``params``: each person gets it in their own language (a callable value is called in it).
    """
    seen = set()
    people = []
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        people.append(user)
    organisation = getattr(project, "organisation", None)
    Notification.objects.bulk_create(
        [
            Notification(
                user=user,
                kind=kind,
                project=project,
                message=in_languages(
                    person_languages(user, organisation), lambda: _text(message, params), " / "
                )[:300],
                url=url,
            )
            for user in people
        ]
    )
    _email(
        users=people,
        kind=kind,
        project=project,
        message=message,
        params=params,
        url=url,
        discreet_for=set(discreet_for),
    )
    return len(people)


@transaction.atomic
def notification_mark_read(*, notification: Notification) -> None:
    """Mark one of a person's notifications read."""
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    """Mark every unread notification of a person read."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def email_preferences_update(*, user, choices: dict[str, bool]) -> None:
    """Save whether a person wants each category of email."""
    for category, enabled in choices.items():
        if category not in EmailCategory.values:
            raise ValueError(f"{category} is not an email category")
        EmailPreference.objects.update_or_create(
            user=user, category=category, defaults={"enabled": bool(enabled)}
        )


def email_category_switch_off(*, user, category: str) -> None:
    """Stop one category of email to a person (from an unsubscribe link)."""
    email_preferences_update(user=user, choices={category: False})
