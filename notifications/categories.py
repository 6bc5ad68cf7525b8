"""The kinds of email a person can switch off, and which email template belongs to which.

This is the one place that classifies Codesign's email. The outbox looks a template up here when
it writes a message; a template that is not listed is always sent. Always sent, on purpose:
invitations (the person asked for nothing yet and must be able to join), sign-in codes and other
account mail from allauth, safeguarding alerts, and being given a role in an organisation (it
changes what the person can see and do, so it is account mail).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailCategory(models.TextChoices):
    SESSIONS = "sessions", _("Session invitations and changes")
    REMINDERS = "reminders", _("Session reminders")
    PAYMENTS = "payments", _("Payments for taking part")
    ACCESS_NEEDS = "access_needs", _("Access-need alerts")
    REPLIES = "replies", _("Replies and comments on what you posted")
    IDEAS = "ideas", _("News about your ideas and the changes they led to")
    ROUNDS = "rounds", _("Prioritisation rounds opening")
    FOLLOW_UPS = "follow_ups", _("Follow-up checks due on changes")
    DIGEST = "digest", _("Daily digest of new activity in your projects")


DESCRIPTIONS = {
    EmailCategory.SESSIONS: _(
        "When a session you are invited to is scheduled, changed or cancelled, and when a place "
        "frees up for you on a waiting list. Each comes with a calendar invitation."
    ),
    EmailCategory.REMINDERS: _("Before a session you said you are coming to."),
    EmailCategory.PAYMENTS: _("When a payment is offered to you for a session you came to."),
    EmailCategory.ACCESS_NEEDS: _(
        "For facilitators: when someone coming to a session soon needs something that takes "
        "arranging, such as an interpreter."
    ),
    EmailCategory.REPLIES: _(
        "When someone replies to your comment or comments on something you posted. The same "
        "news is under the bell at the top of the page."
    ),
    EmailCategory.IDEAS: _(
        "When your idea gets a new status, and when a change that came from what you posted "
        "moves on."
    ),
    EmailCategory.ROUNDS: _("When a prioritisation round opens and you have dots to place."),
    EmailCategory.FOLLOW_UPS: _(
        "For facilitators: when it is time to check whether a change has stuck."
    ),
    EmailCategory.DIGEST: _(
        "Once a day, a short summary of new contributions, sessions and decisions in your "
        "projects. Anonymous posts stay anonymous."
    ),
}

# Switched on until the person switches them off; the digest waits to be asked for.
DEFAULT_ENABLED = {category: category != EmailCategory.DIGEST for category in EmailCategory}

TEMPLATE_CATEGORIES = {
    "session_scheduled": EmailCategory.SESSIONS,
    "session_changed": EmailCategory.SESSIONS,
    "session_cancelled": EmailCategory.SESSIONS,
    "waitlist_promoted": EmailCategory.SESSIONS,
    "session_reminder": EmailCategory.REMINDERS,
    "recognition_offered": EmailCategory.PAYMENTS,
    "access_need_alert": EmailCategory.ACCESS_NEEDS,
    # Each kind of notification has its own category (notifications.services.KIND_CATEGORIES);
    # this one stands for the template until the kind replaces it.
    "notification": EmailCategory.REPLIES,
    "follow_up_due": EmailCategory.FOLLOW_UPS,
    "digest": EmailCategory.DIGEST,
}

# Templates that never carry an unsubscribe link (see the module's docstring). Listed so that a
# test can insist every email template is either here or in TEMPLATE_CATEGORIES.
ALWAYS_SENT_TEMPLATES = frozenset({"invitation", "organisation_role_granted", "safeguarding_alert"})
