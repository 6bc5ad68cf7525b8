"""The one path for email and background jobs that follow a user's action."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.module_loading import import_string

from codesign.languages import address_languages, html_in_languages, in_languages
from codesign.look import with_email_header

from . import channels, registry, texts
from .models import OutboxMessage
from .publisher import publisher
from .signals import message_claimed

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryResult:
    status: str
    retry_in: float | None = None


def _publish_after_commit(*message_ids: int) -> None:
    """Have these messages delivered once the transaction commits (outbox.publisher: the
    request never waits for the broker; the beat sweep delivers what was not published)."""
    transaction.on_commit(lambda: publisher.submit(list(message_ids)))


def _save(message: OutboxMessage) -> OutboxMessage | None:
    """Save a new message once per dedupe key, and have it delivered after commit.

    An email its recipient asked not to get is not written (None).
    """
    if message.kind == OutboxMessage.Kind.EMAIL and not registry.emails_wanted([message]):
        return None
    dedupe_key = message.dedupe_key
    if dedupe_key:
        existing = OutboxMessage.objects.filter(dedupe_key=dedupe_key).first()
        if existing:
            return existing
    message.full_clean()
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        if dedupe_key:
            return OutboxMessage.objects.get(dedupe_key=dedupe_key)
        raise
    _publish_after_commit(message.pk)
    return message


def email_render(
    *,
    template: str,
    context: dict[str, Any],
    project=None,
    languages: tuple[str, ...] | None = None,
) -> dict[str, str]:
    """Render ``emails/<template>_subject.txt``, ``.txt`` and ``.html`` in the recipient's
    ``languages`` (codesign.languages; the site's language if not given; several make one
    email with each language in turn), with the category of email the template belongs to
    (for the recipient's preferences). ``attachments_travel`` tells the templates whether an
    attached file reaches the reader: GOV.UK Notify sends the text alone, so there they link
    to the file instead."""
    context = {
        "site_url": settings.CODESIGN_SITE_URL,
        "project": project,
        "attachments_travel": not channels.notify_enabled(),
        **context,
    }
    languages = languages or (settings.LANGUAGE_CODE,)

    def render(suffix: str) -> Callable[[], str]:
        return lambda: render_to_string(f"emails/{template}{suffix}", context)

    organisation = context.get("organisation") or organisation_of(project)
    return {
        "subject": in_languages(languages, render("_subject.txt"), " / "),
        "body_text": in_languages(languages, render(".txt"), "\n\n--------\n\n"),
        "body_html": with_email_header(html_in_languages(languages, render(".html")), organisation),
        "category": registry.category_for_template(template),
        "languages": tuple(languages),
    }


def organisation_of(project):
    return getattr(project, "organisation", None) if project is not None else None


def outbox_email_build(
    *,
    to: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    project=None,
    dedupe_key: str | None = None,
    attachments: list[dict] | None = None,
    category: str = "",
    recipient=None,
    about: dict | None = None,
    languages: tuple[str, ...] = (),
) -> OutboxMessage:
    """An unsaved outbox email, with its own Message-ID.

    A ``category`` (registered in ``outbox.registry``) makes it subject to the recipient's
    preferences: it is written only if they want that kind of email, with an unsubscribe link
    in the email's ``languages``.
    """
    if category and not registry.is_email_category(category):
        raise ValueError(f"{category} is not an email category")
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].rstrip(">")
    message = OutboxMessage(
        kind=OutboxMessage.Kind.EMAIL,
        to=to,
        subject=" ".join(subject.split())[:250],
        body_text=body_text,
        body_html=body_html,
        headers={"Message-ID": make_msgid(domain=domain)},
        attachments=attachments or [],
        project=project,
        dedupe_key=dedupe_key,
        category=category,
        recipient=recipient,
        payload=about or {},
    )
    message.languages = tuple(languages)
    return message


@transaction.atomic
def outbox_email(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    project=None,
    dedupe_key: str | None = None,
    attachments: list[dict] | None = None,
    category: str = "",
    recipient=None,
    about: dict | None = None,
    languages: tuple[str, ...] | None = None,
) -> OutboxMessage | None:
    """Render an email and write it to the outbox; the worker sends it after commit.

    It is written in ``languages``, else in the language of the account with that address
    (codesign.languages). The template decides the email's category unless one is given.
    Returns None when the recipient switched that category off.
    """
    if languages is None:
        languages = address_languages(to, organisation_of(project))
    rendered = email_render(
        template=template, context=context, project=project, languages=languages
    )
    if category:
        rendered["category"] = category
    return outbox_email_rendered(
        to=to,
        project=project,
        dedupe_key=dedupe_key,
        attachments=attachments,
        recipient=recipient,
        about=about,
        **rendered,
    )


@transaction.atomic
def outbox_email_rendered(
    *,
    to: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    project=None,
    dedupe_key: str | None = None,
    attachments: list[dict] | None = None,
    category: str = "",
    recipient=None,
    about: dict | None = None,
    languages: tuple[str, ...] = (),
) -> OutboxMessage | None:
    """Write an already rendered email to the outbox (None if its recipient opted out)."""
    return _save(
        outbox_email_build(
            to=to,
            subject=subject,
            body_text=body_text,
            body_html=body_html,
            project=project,
            dedupe_key=dedupe_key,
            attachments=attachments,
            category=category,
            recipient=recipient,
            about=about,
            languages=languages,
        )
    )


@transaction.atomic
def outbox_email_many(messages: list[OutboxMessage]) -> list[OutboxMessage]:
    """Write many built emails (or texts) in a few queries; a dedupe key already used keeps
    its message.

    Emails whose recipients switched their category off are left out. Returns the rows now
    holding the remaining keys (or all written rows, for messages without keys).
    """
    messages = registry.emails_wanted(messages)
    if not messages:
        return []
    for message in messages:
        # Field checks only: the foreign key, uniqueness and constraints are the database's job
        # here, so validation costs no query per message.
        message.full_clean(
            exclude=["project", "dedupe_key", "recipient"],
            validate_unique=False,
            validate_constraints=False,
        )
    keyed = [m.dedupe_key for m in messages if m.dedupe_key]
    if len(keyed) != len(messages):
        written = OutboxMessage.objects.bulk_create(messages)
    else:
        OutboxMessage.objects.bulk_create(messages, ignore_conflicts=True)
        written = list(OutboxMessage.objects.filter(dedupe_key__in=keyed))
    _publish_after_commit(*(m.pk for m in written if m.status == OutboxMessage.Status.PENDING))
    return written


def text_render(
    *,
    template: str,
    context: dict[str, Any],
    project=None,
    languages: tuple[str, ...] | None = None,
) -> str:
    """Render ``texts/<template>.txt`` in the recipient's ``languages`` (codesign.languages;
    the site's language if not given), made plain for a phone. Several languages go in one
    text where they fit in it, else the first alone, cut to two segments if it is longer."""
    context = {"site_url": settings.CODESIGN_SITE_URL, "project": project, **context}
    languages = languages or (settings.LANGUAGE_CODE,)

    def render():
        return texts.plain(render_to_string(f"texts/{template}.txt", context))

    both = texts.plain(in_languages(languages, render, "\n"))
    if texts.fits(both):
        return both
    # The first language alone, cut to two segments if even that is longer.
    return texts.shorten(in_languages(languages[:1], render, ""))


def letter_render(
    *,
    template: str,
    context: dict[str, Any],
    project=None,
    languages: tuple[str, ...] | None = None,
) -> dict[str, str]:
    """A letter's subject (the email's, ``emails/<template>_subject.txt``) and its body
    (``letters/<template>.txt``), in the recipient's ``languages`` (each in turn)."""
    context = {"site_url": settings.CODESIGN_SITE_URL, "project": project, **context}
    languages = languages or (settings.LANGUAGE_CODE,)

    def render(name: str) -> Callable[[], str]:
        return lambda: render_to_string(name, context).strip()

    return {
        "subject": in_languages(languages, render(f"emails/{template}_subject.txt"), " / "),
        "body": in_languages(languages, render(f"letters/{template}.txt"), "\n\n--------\n\n"),
    }


def outbox_text_build(
    *,
    phone: str,
    body: str,
    project=None,
    dedupe_key: str | None = None,
    recipient=None,
    about: dict | None = None,
) -> OutboxMessage:
    """An unsaved text message; one or two segments, or a ValueError (texts.py)."""
    body = texts.plain(body)
    if not texts.fits(body):
        raise ValueError(f"A text message must be one or two segments, not {len(body)} chars")
    return OutboxMessage(
        kind=OutboxMessage.Kind.TEXT,
        phone=phone,
        body_text=body,
        project=project,
        dedupe_key=dedupe_key,
        recipient=recipient,
        payload=about or {},
    )


@transaction.atomic
def outbox_text(**fields) -> OutboxMessage:
    """Write a text message to the outbox (``outbox_text_build``'s arguments)."""
    return _save(outbox_text_build(**fields))


@transaction.atomic
def outbox_letter(
    *,
    address: str,
    subject: str,
    body: str,
    project=None,
    dedupe_key: str | None = None,
    recipient=None,
    about: dict | None = None,
) -> OutboxMessage:
    """Write a letter to the outbox: by Notify's post when it is set, else to the print queue.

    ``address``: the recipient's name and address, a line each, the postcode last."""
    lines = channels.address_lines(address)
    if not 3 <= len(lines) <= channels.ADDRESS_LINES:
        raise ValueError("A letter's address has three to seven lines, the postcode last")
    return _save(
        OutboxMessage(
            kind=OutboxMessage.Kind.LETTER,
            address="\n".join(lines),
            subject=" ".join(subject.split())[:250],
            body_text=body,
            project=project,
            dedupe_key=dedupe_key,
            recipient=recipient,
            payload=about or {},
        )
    )


@transaction.atomic
def outbox_job(
    *, job: str, payload: dict[str, Any], project=None, dedupe_key: str | None = None
) -> OutboxMessage:
    """Write a background job to the outbox; the worker runs it after the transaction commits."""
    if job not in settings.OUTBOX_JOBS:
        raise ValueError(f"{job} is not a registered outbox job")
    return _save(
        OutboxMessage(
            kind=OutboxMessage.Kind.JOB,
            job=job,
            payload=payload,
            project=project,
            dedupe_key=dedupe_key,
        )
    )


def _send_email(message: OutboxMessage) -> None:
    channels.send_smtp(message)


def _run_job(message: OutboxMessage) -> None:
    handler: Callable[..., Any] = import_string(message.job)
    handler(**message.payload)


def _backoff(attempts: int) -> float:
    return settings.OUTBOX_RETRY_BASE_SECONDS * (2 ** max(attempts - 1, 0))


def outbox_deliver(*, message_id: int) -> DeliveryResult:
    """Claim one due message, send or run it, and record the outcome."""
    now = timezone.now()
    claimed = OutboxMessage.objects.filter(
        pk=message_id, status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now
    ).update(status=OutboxMessage.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return DeliveryResult(status="skipped")
    message_claimed.send(sender=OutboxMessage, message_id=message_id)
    message = OutboxMessage.objects.get(pk=message_id)
    route = ""
    try:
        if message.kind == OutboxMessage.Kind.JOB:
            _run_job(message)
        elif message.kind == OutboxMessage.Kind.EMAIL and not channels.notify_enabled():
            _send_email(message)
            route = OutboxMessage.Route.SMTP
        else:
            route = channels.send(message)
    except channels.PermanentFailure as exc:
        _fail(message, str(exc))
        return DeliveryResult(status=OutboxMessage.Status.FAILED)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:1000]
        if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            _fail(message, error)
            logger.error("Outbox message %s failed for good: %s", message_id, type(exc).__name__)
            return DeliveryResult(status=OutboxMessage.Status.FAILED)
        delay = _backoff(message.attempts)
        OutboxMessage.objects.filter(pk=message_id).update(
            status=OutboxMessage.Status.PENDING,
            next_attempt_at=timezone.now() + timedelta(seconds=delay),
            last_error=error,
        )
        logger.warning("Outbox message %s will be retried in %ss", message_id, delay)
        return DeliveryResult(status=OutboxMessage.Status.PENDING, retry_in=delay)
    OutboxMessage.objects.filter(pk=message_id).update(
        status=OutboxMessage.Status.SENT, sent_at=timezone.now(), last_error="", route=route
    )
    return DeliveryResult(status=OutboxMessage.Status.SENT)


@transaction.atomic
def _fail(message: OutboxMessage, error: str) -> None:
    """Mark a message failed for good, and tell whoever registered for failures (once)."""
    failed = OutboxMessage.objects.filter(
        pk=message.pk, status=OutboxMessage.Status.SENDING
    ).update(status=OutboxMessage.Status.FAILED, last_error=error)
    if failed and message.kind != OutboxMessage.Kind.JOB:
        message.status, message.last_error = OutboxMessage.Status.FAILED, error
        registry.delivery_failed(message)


def outbox_sweep(*, batch_size: int = 200) -> dict[str, int]:
    """Deliver due messages that were never picked up, and flag claims that never reported back."""
    stale_before = timezone.now() - timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT_SECONDS)
    unconfirmed = OutboxMessage.objects.filter(
        status=OutboxMessage.Status.SENDING, claimed_at__lt=stale_before
    ).update(status=OutboxMessage.Status.UNCONFIRMED)
    due_ids = list(
        OutboxMessage.objects.due()
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:batch_size]
    )
    sent = sum(
        1 for pk in due_ids if outbox_deliver(message_id=pk).status == OutboxMessage.Status.SENT
    )
    return {"due": len(due_ids), "sent": sent, "unconfirmed": unconfirmed}


@transaction.atomic
def outbox_retry(*, message: OutboxMessage) -> OutboxMessage:
    """Put a failed message back in the queue at a person's request."""
    if message.status != OutboxMessage.Status.FAILED:
        return message
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxMessage.Status.FAILED).update(
        status=OutboxMessage.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    _publish_after_commit(message.pk)
    message.refresh_from_db()
    return message
