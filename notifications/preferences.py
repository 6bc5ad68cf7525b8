"""Which emails a person wants: unsubscribe links, and the check every outbox email passes.

An unsubscribe link carries a token signed with the site's secret, naming the person and the
category, so it works without signing in and cannot be altered to unsubscribe someone else.
"""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse

from codesign.languages import in_languages, message_languages

from .categories import DEFAULT_ENABLED, EmailCategory

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def unsubscribe_token(*, user_id: int, category: str) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object({"u": user_id, "c": category})


def unsubscribe_token_read(token: str) -> tuple[int, str] | None:
    """The (user id, category) a token names, or None if it was not made by us."""
    try:
        data = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user_id, category = data.get("u"), data.get("c")
    if not isinstance(user_id, int) or category not in EmailCategory.values:
        return None
    return user_id, category


def unsubscribe_url(*, user_id: int, category: str) -> str:
    token = unsubscribe_token(user_id=user_id, category=category)
    return settings.CODESIGN_SITE_URL + reverse("notifications:unsubscribe", args=[token])


def _recipients(addresses: Iterable[str]) -> dict[str, tuple[int, str, dict[str, bool]]]:
    """{address: (user id, language, {category: enabled})} for the people with these
    addresses, in one query (addresses compared without case)."""
    rows = (
        get_user_model()
        .objects.annotate(address=Lower("email"))
        .filter(address__in={a.lower() for a in addresses})
        .values_list(
            "address",
            "pk",
            "language",
            "email_preferences__category",
            "email_preferences__enabled",
        )
    )
    recipients: dict[str, tuple[int, str, dict[str, bool]]] = {}
    for address, user_id, language, category, enabled in rows:
        _user_id, _language, choices = recipients.setdefault(address, (user_id, language, {}))
        if category:
            choices[category] = enabled
    return recipients


def _with_footer(message, url: str, language: str = "") -> None:
    context = {
        "unsubscribe_url": url,
        "preferences_url": settings.CODESIGN_SITE_URL + reverse("notifications:email-preferences"),
        "category": EmailCategory(message.category).label,
    }
    # In the email's own languages (codesign.languages), or the recipient's.
    languages = getattr(message, "languages", ()) or message_languages(language)
    footer_text = in_languages(
        languages, lambda: render_to_string("emails/_unsubscribe.txt", context), "\n"
    )
    footer_html = in_languages(
        languages, lambda: render_to_string("emails/_unsubscribe.html", context), "\n"
    )
    message.body_text = message.body_text.rstrip("\n") + "\n\n" + footer_text
    if message.body_html:
        end = message.body_html.lower().rfind("</body>")
        if end == -1:
            message.body_html += footer_html
        else:
            message.body_html = message.body_html[:end] + footer_html + message.body_html[end:]
    message.headers = {
        **message.headers,
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def email_preferences_apply(messages: list) -> list:
    """Leave out the emails whose recipient switched their category off; give the others an
    unsubscribe link and RFC 8058 one-click headers. Uncategorised emails pass untouched.

    One query for the whole list, however long.
    """
    categorised = [message for message in messages if message.category]
    if not categorised:
        return list(messages)
    recipients = _recipients(message.to for message in categorised)
    kept = []
    for message in messages:
        if message.category and message.to.lower() in recipients:
            user_id, language, choices = recipients[message.to.lower()]
            if not choices.get(message.category, DEFAULT_ENABLED[message.category]):
                continue
            url = unsubscribe_url(user_id=user_id, category=message.category)
            _with_footer(message, url, language)
        kept.append(message)
    return kept
