"""Every URL the project defines, against every role, with GET and with POST.

The URL list comes from the resolver, so a new page in one of our apps fails here until it has
a row in EXPECTED. An object a person may not know exists is a 404, one they can see but not
act on is a 403, and signed-out visitors are sent to sign in. A refused POST changes nothing.
"""

import io
import re
from datetime import timedelta
from functools import cached_property

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory, override_settings
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from PIL import Image

from api import services as api_services
from audit.models import AuditEntry
from changes.models import Evidence, FollowUpCheck, LadderRating, ReflectiveLogEntry
from codesign.images import ImageStatus
from contributions.models import Comment, LiveBoard, PrioritisationRound, Report, Tag
from learning.models import CatalogueItem, CmoLink, Theme, ThemeRun
from notifications.models import Notification
from outbox.models import OutboxMessage
from participants import services as participant_services
from participants.models import Consent, Constituency, Membership
from projects import services as project_services
from projects.models import JourneyStep, OrganisationRole, Project
from reports.models import Report as GeneratedReport
from sessions.models import Attendance, ExpenseClaim, Recognition, SessionPhoto, WalkIn
from webhooks.models import WebhookDelivery
from webhooks.services import webhook_endpoint_create

from .conftest import ROLES, make_world
from .factories import ContributionFactory, ServiceChangeFactory, WorkshopSessionFactory

pytestmark = pytest.mark.matrix

LOGIN = "302 to sign in"
DONE = "302, done"
REDIRECT = "302, nothing to do"
LOGIN_URL = "/accounts/login/"
ADMIN_LOGIN_URL = "/admin/login/"

# Rows in these apps must not change when a POST is refused. The audit log is left out because
# refusals are themselves audited.
SNAPSHOT_APPS = {
    "accounts",
    "account",
    "mfa",
    "projects",
    "participants",
    "outbox",
    "workshops",
    "contributions",
    "notifications",
    "changes",
    "reports",
    "learning",
    "api",
    "sso",
    "socialaccount",
    "webhooks",
}

SIGNED_IN = frozenset(ROLES) - {"anonymous"}
MEMBERS = frozenset({"service_user", "carer", "staff", "observer", "facilitator"})
PROJECT_MANAGERS = frozenset({"facilitator", "org_admin", "superuser"})
SEES_PROJECT = MEMBERS | {"org_admin", "manager", "superuser"}
SEES_ORGANISATION = frozenset({"org_admin", "manager", "superuser"})
MANAGES_ORGANISATION = frozenset({"org_admin", "superuser"})
PAYEE_AND_MANAGERS = PROJECT_MANAGERS | {"service_user"}
# Managers of the organisation see the project's figures, never individual contributions.
SEES_BOARD = MEMBERS | PROJECT_MANAGERS
POSTERS = frozenset({"service_user", "carer", "staff", "facilitator"})
AUTHOR = {"service_user"}


def access(*, sees, may, post, get=200):
    """Statuses (GET, POST) per role for a page behind PermissionMixin."""
    table = {}
    for role in ROLES:
        if role == "anonymous":
            table[role] = (LOGIN, LOGIN)
        elif role not in sees:
            table[role] = (404, 404)
        elif role not in may:
            table[role] = (403, 403)
        else:
            table[role] = (get, post)
    return table


def both(*, get, post):
    """GET answered by one table, POST by another."""
    return {role: (get[role][0], post[role][1]) for role in ROLES}


def signed_in(get, post):
    """The same statuses for every signed-in role; anonymous visitors are sent to sign in."""
    return {role: (LOGIN, LOGIN) if role == "anonymous" else (get, post) for role in ROLES}


def everyone(get, post):
    """The same statuses for every role, signed in or not."""
    return {role: (get, post) for role in ROLES}


# POST sends only the CSRF token: a form page answers 200 with its errors, a confirmation page
# does the action (DONE), a read-only page answers 405.
EXPECTED = {
    "home": everyone(200, 405),
    "healthz": everyone(200, 200),
    # An organisation's logo and header colours are on its emails and posters: public, named
    # by a digest or by the colours themselves.
    "organisation-logo": everyone(200, 405),
    "look-stylesheet": everyone(200, 405),
    "help": everyone(200, 405),
    "accessibility": everyone(200, 405),
    "cookies": everyone(200, 405),
    "stay-signed-in": signed_in(405, 200),
    "privacy:notice": everyone(200, 405),
    # Easy read first, or the full text: a choice anyone may make (posted empty: the full text).
    "easy-read": everyone(405, REDIRECT),
    # The language switcher: a POST without a language changes nothing and goes back.
    "set_language": everyone(405, REDIRECT),
    "audit:entry-list": access(sees=SIGNED_IN, may={"superuser"}, post=405),
    "audit:organisation-entry-list": access(
        sees=SEES_ORGANISATION, may=MANAGES_ORGANISATION, post=405
    ),
    "audit:organisation-entry-csv": access(
        sees=SEES_ORGANISATION, may=MANAGES_ORGANISATION, post=405
    ),
    "privacy:retention-preview": access(sees=SEES_ORGANISATION, may=MANAGES_ORGANISATION, post=405),
    "projects:organisation-detail": access(sees=SEES_ORGANISATION, may=SEES_ORGANISATION, post=405),
    "projects:organisation-edit": access(
        sees=SEES_ORGANISATION, may=MANAGES_ORGANISATION, post=200
    ),
    "projects:organisation-role-add": access(
        sees=SEES_ORGANISATION, may=MANAGES_ORGANISATION, post=200
    ),
    "projects:organisation-role-remove": access(
        sees=SEES_ORGANISATION, may=MANAGES_ORGANISATION, post=DONE
    ),
    "projects:project-create": access(sees=SEES_ORGANISATION, may=MANAGES_ORGANISATION, post=200),
    # Single sign-on: set by the organisation's admins (the empty POST saves it, switched off);
    # anyone may ask to be sent to their organisation's provider (no address: the form again).
    "sso:settings": access(sees=SEES_ORGANISATION, may=MANAGES_ORGANISATION, post=DONE),
    "sso:start": everyone(200, 200),
    # Where the organisation's events go is its admins' choice.
    "webhooks:endpoint-list": access(sees=SEES_ORGANISATION, may=MANAGES_ORGANISATION, post=405),
    "webhooks:endpoint-create": access(sees=SEES_ORGANISATION, may=MANAGES_ORGANISATION, post=200),
    "webhooks:endpoint-detail": access(sees=SEES_ORGANISATION, may=MANAGES_ORGANISATION, post=405),
    "webhooks:endpoint-edit": access(sees=SEES_ORGANISATION, may=MANAGES_ORGANISATION, post=200),
    "webhooks:endpoint-pause": access(sees=SEES_ORGANISATION, may=MANAGES_ORGANISATION, post=DONE),
    "webhooks:endpoint-secret": access(sees=SEES_ORGANISATION, may=MANAGES_ORGANISATION, post=DONE),
    "webhooks:endpoint-delete": access(sees=SEES_ORGANISATION, may=MANAGES_ORGANISATION, post=DONE),
    "webhooks:endpoint-ping": access(
        sees=SEES_ORGANISATION, may=MANAGES_ORGANISATION, get=405, post=DONE
    ),
    "webhooks:delivery-retry": access(
        sees=SEES_ORGANISATION, may=MANAGES_ORGANISATION, get=405, post=DONE
    ),
    "projects:project-detail": access(sees=SEES_PROJECT, may=SEES_PROJECT, post=405),
    "projects:project-edit": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=200),
    "projects:project-status": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=200),
    "projects:stage-edit": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=200),
    "projects:journey-edit": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=200),
    # Managers of the organisation see the project and its figures, not who takes part.
    "participants:membership-list": access(
        sees=SEES_PROJECT, may=MEMBERS | PROJECT_MANAGERS, post=405
    ),
    "participants:invite": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=200),
    "participants:invite-many": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=200),
    "participants:add-managed": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=200),
    "participants:membership-detail": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=405),
    "participants:membership-edit": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=200),
    "participants:membership-withdraw": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=DONE),
    # Every access need is optional: an empty form records "nothing needed".
    "participants:member-access-needs": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=DONE),
    "participants:member-contact": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=200),
    # A person's own contact preferences: a form with nothing chosen answers with its errors.
    "participants:contact-preferences": signed_in(200, 200),
    "participants:invitation-resend": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=DONE),
    "participants:invitation-revoke": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=DONE),
    "participants:consent-statement": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=200),
    "participants:consent": access(sees=SEES_PROJECT, may=MEMBERS, post=200),
    "participants:consent-withdraw": access(sees=SEES_PROJECT, may=MEMBERS, post=DONE),
    "participants:access-needs": access(sees=SEES_PROJECT, may=MEMBERS, post=DONE),
    "participants:own-display-name": access(sees=SEES_PROJECT, may=MEMBERS, post=200),
    # The emailed link is public. Only the invited person can accept it; anyone else is told so.
    "participants:invitation-accept": {
        role: (200, DONE if role == "anonymous" else 409) for role in ROLES
    },
    "outbox:message-list": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=405),
    "outbox:message-retry": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=DONE),
    "outbox:print-queue": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=405),
    "outbox:print-queue-pdf": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=405),
    # No letter ticked: nothing is marked posted.
    "outbox:print-queue-posted": access(
        sees=SEES_PROJECT, may=PROJECT_MANAGERS, get=405, post=REDIRECT
    ),
    "outbox:inbound-texts": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=405),
    # Texts from numbers nobody here has belong to no project: the site's staff see them.
    "outbox:unknown-texts": access(sees={"superuser"}, may={"superuser"}, post=405),
    # GOV.UK Notify's callbacks answer only its bearer token.
    "outbox:notify-receipts": everyone(405, 401),
    "outbox:notify-inbound": everyone(405, 401),
    # The session is for everyone, scheduled and in the future.
    "workshops:session-list": access(sees=SEES_PROJECT, may=SEES_PROJECT, post=405),
    "workshops:session-create": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=200),
    "workshops:session-detail": access(sees=SEES_PROJECT, may=SEES_PROJECT, post=405),
    "workshops:session-edit": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=200),
    "workshops:session-cancel": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=200),
    "workshops:session-start": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=DONE),
    # Replying is for participants and facilitators, not observers, managers or admins.
    "workshops:session-reply": access(
        sees=SEES_PROJECT, may={"service_user", "carer", "staff", "facilitator"}, post=200
    ),
    "workshops:session-reply-for": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=200),
    "workshops:session-ics": access(sees=SEES_PROJECT, may=SEES_PROJECT, post=405),
    "workshops:session-print": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=405),
    # Who replied and what they told the facilitators: the project's facilitators only.
    "workshops:session-replies": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=405),
    # The call list names people and their numbers: the project's facilitators only. The
    # service user is on no call list, so ticking them told changes nothing.
    "calls:call-list": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=405),
    "calls:call-told": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, get=405, post=REDIRECT),
    # A person's own calendar address: no object, only their own feed.
    "calendar:feed-settings": {
        role: (LOGIN, LOGIN) if role == "anonymous" else (200, 405) for role in ROLES
    },
    "calendar:feed-create": {
        role: (LOGIN, LOGIN) if role == "anonymous" else (405, DONE) for role in ROLES
    },
    # Nobody in the world has a feed, so revoking answers with a redirect and changes nothing.
    "calendar:feed-revoke": {
        role: (LOGIN, LOGIN) if role == "anonymous" else (200, REDIRECT) for role in ROLES
    },
    # The feed's token is a secret; any other token (here an invitation's) is not found.
    "calendar:feed": everyone(404, 405),
    "closing:organisation-payment-terms": access(
        sees=SEES_ORGANISATION, may=MANAGES_ORGANISATION, post=200
    ),
    # Closing: a held session, with the service user's attendance, payment and expense.
    # Ticking nobody is a valid record of a session nobody came to.
    "closing:session-close": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=DONE),
    "closing:walk-in-add": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=200),
    "closing:walk-in-invite": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=DONE),
    # Members see the photos of room outputs; facilitators also add them.
    "closing:session-photos": both(
        get=access(sees=SEES_PROJECT, may=MEMBERS | PROJECT_MANAGERS, post=None),
        post=access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=200),
    ),
    "closing:photo-file": access(sees=SEES_PROJECT, may=MEMBERS | PROJECT_MANAGERS, post=405),
    "closing:photo-delete": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=DONE),
    "closing:payment-policy": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=200),
    "closing:payment-list": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=405),
    "closing:payment-csv": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=405),
    "closing:my-payments": access(sees=SEES_PROJECT, may=SEES_PROJECT, post=405),
    # A payment record is known to its person and the facilitators only.
    "closing:recognition-edit": access(sees=PAYEE_AND_MANAGERS, may=PROJECT_MANAGERS, post=200),
    "closing:expense-claim-add": access(sees=PAYEE_AND_MANAGERS, may=PROJECT_MANAGERS, post=200),
    "closing:expense-receipt": access(sees=PAYEE_AND_MANAGERS, may=PAYEE_AND_MANAGERS, post=405),
    "closing:recognition-decline": access(sees=PAYEE_AND_MANAGERS, may={"service_user"}, post=DONE),
    "closing:own-expense-claim-add": access(
        sees=PAYEE_AND_MANAGERS, may={"service_user"}, post=200
    ),
    # Contributions: an idea by the service user; facilitators, org admins and superusers
    # moderate; observers read without posting.
    "contributions:board": access(sees=SEES_PROJECT, may=SEES_BOARD, post=405),
    "contributions:touchpoint-map": access(sees=SEES_PROJECT, may=SEES_BOARD, post=405),
    "contributions:touchpoint-map-csv": access(sees=SEES_PROJECT, may=SEES_BOARD, post=405),
    "contributions:touchpoint-map-print": access(sees=SEES_PROJECT, may=SEES_BOARD, post=405),
    "contributions:touchpoints-at-step": access(sees=SEES_PROJECT, may=SEES_BOARD, post=405),
    "contributions:contribution-create": access(sees=SEES_PROJECT, may=POSTERS, post=200),
    "contributions:contribution-add-for": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=200),
    "contributions:contribution-detail": access(sees=SEES_BOARD, may=SEES_BOARD, post=405),
    "contributions:contribution-edit": access(sees=SEES_BOARD, may=AUTHOR, post=200),
    "contributions:contribution-withdraw": access(sees=SEES_BOARD, may=AUTHOR, post=DONE),
    "contributions:contribution-status": access(sees=SEES_BOARD, may=PROJECT_MANAGERS, post=200),
    # An empty POST clears the tags; tag rows are not in the snapshot.
    "contributions:contribution-tags": access(sees=SEES_BOARD, may=PROJECT_MANAGERS, post=REDIRECT),
    "contributions:support": access(sees=SEES_BOARD, may=POSTERS, get=405, post=DONE),
    "contributions:tag-list": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=200),
    "contributions:tag-delete": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=DONE),
    "conversation:comment-create": access(sees=SEES_BOARD, may=POSTERS, post=200),
    "conversation:comment-reply": access(sees=SEES_BOARD, may=POSTERS, post=200),
    "conversation:comment-edit": access(sees=SEES_BOARD, may=AUTHOR, post=200),
    "conversation:comment-withdraw": access(sees=SEES_BOARD, may=AUTHOR, post=DONE),
    "conversation:contribution-report": access(sees=SEES_BOARD, may=SEES_BOARD, post=200),
    "conversation:comment-report": access(sees=SEES_BOARD, may=SEES_BOARD, post=200),
    "conversation:safeguarding": access(sees=SEES_PROJECT, may=SEES_BOARD, post=405),
    "conversation:moderation-queue": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=405),
    # Reports are not for the people reported on to know about.
    "conversation:report-resolve": access(sees=PROJECT_MANAGERS, may=PROJECT_MANAGERS, post=DONE),
    "conversation:contribution-hide": access(sees=SEES_BOARD, may=PROJECT_MANAGERS, post=200),
    "conversation:contribution-redact": access(sees=SEES_BOARD, may=PROJECT_MANAGERS, post=200),
    "conversation:contribution-restore": access(sees=SEES_BOARD, may=PROJECT_MANAGERS, post=DONE),
    "conversation:comment-hide": access(sees=SEES_BOARD, may=PROJECT_MANAGERS, post=200),
    "conversation:comment-redact": access(sees=SEES_BOARD, may=PROJECT_MANAGERS, post=200),
    "conversation:comment-restore": access(sees=SEES_BOARD, may=PROJECT_MANAGERS, post=DONE),
    "rounds:round-list": access(sees=SEES_PROJECT, may=SEES_BOARD, post=405),
    "rounds:round-create": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=200),
    "rounds:round-detail": access(sees=SEES_PROJECT, may=SEES_BOARD, post=405),
    "rounds:round-vote": access(sees=SEES_PROJECT, may=POSTERS, post=200),
    "rounds:round-close": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=DONE),
    "rounds:round-declare-open": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=DONE),
    # The matrix's round is open: its results are nobody's yet.
    "rounds:round-results-csv": access(sees=SEES_PROJECT, may=set(), post=405),
    # Joining by code: a code is only known to be a board by those it is for.
    "live:join": {role: (LOGIN, LOGIN) if role == "anonymous" else (200, 200) for role in ROLES},
    "live:board-join": access(
        sees=POSTERS | {"observer", "org_admin", "superuser"}, may=POSTERS, post=200
    ),
    # Everyone the session is for may watch the board; only facilitators run it.
    "live:board-screen": access(sees=SEES_PROJECT, may=SEES_BOARD, post=405),
    "live:board-items": access(sees=SEES_PROJECT, may=SEES_BOARD, post=405),
    "live:board-open": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=DONE),
    "live:board-close": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=DONE),
    "live:board-add-for": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=200),
    "notifications:notification-list": signed_in(200, 405),
    # Only its owner (the service user) may mark a notification read; to anyone else it does
    # not exist.
    "notifications:notification-read": {
        role: (LOGIN, LOGIN)
        if role == "anonymous"
        else (405, DONE)
        if role == "service_user"
        else (405, 404)
        for role in ROLES
    },
    "notifications:notification-read-all": signed_in(405, REDIRECT),
    "notifications:email-preferences": signed_in(200, DONE),
    # The token is a signature; anything else (here an invitation's token) is not found.
    "notifications:unsubscribe": everyone(404, 404),
    # Managers see service changes (never who said what); facilitators run them.
    "changes:change-list": access(sees=SEES_PROJECT, may=SEES_PROJECT, post=405),
    "changes:change-detail": access(sees=SEES_PROJECT, may=SEES_PROJECT, post=405),
    "changes:change-create": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=200),
    "changes:change-edit": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=200),
    "changes:change-status": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=200),
    "changes:evidence-add": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=200),
    "changes:follow-up-record": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=200),
    # "You said, we did" is a published output: managers see it too.
    "yousaid:page": access(sees=SEES_PROJECT, may=SEES_PROJECT, post=405),
    "yousaid:poster": access(sees=SEES_PROJECT, may=SEES_PROJECT, post=405),
    "yousaid:edit": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=DONE),
    "yousaid:public-toggle": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=DONE),
    "yousaid:public-regenerate": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=DONE),
    # Public only by its own unguessable token while switched on; any other token is not found.
    "yousaid:public": everyone(404, 405),
    "yousaid:public-poster": everyone(404, 405),
    # With no rating open, rating answers 403 to everyone (there is nothing to rate).
    "reflection:ladder": access(sees=SEES_PROJECT, may=SEES_PROJECT, post=403),
    "reflection:ladder-open": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=DONE),
    "reflection:ladder-close": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=DONE),
    # The reflective log is private to the project's facilitators.
    "reflection:session-log": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=200),
    "reflection:entry-to-cmo": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=200),
    # Dashboards: figures only. Managers read them; organisation-level facilitators and
    # project members do not. Each CSV has the same readers as its page.
    "dashboards:organisation": access(sees=SEES_ORGANISATION, may=SEES_ORGANISATION, post=405),
    "dashboards:organisation-csv": access(sees=SEES_ORGANISATION, may=SEES_ORGANISATION, post=405),
    "dashboards:project": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS | {"manager"}, post=405),
    "dashboards:project-csv": access(
        sees=SEES_PROJECT, may=PROJECT_MANAGERS | {"manager"}, post=405
    ),
    # The organisation's learning: managers read it, its admins keep the catalogue and the
    # programme theory; a project's facilitators link its CMO records. An empty POST to a
    # form answers with its errors.
    **{
        f"learning:{page}": access(sees=SEES_ORGANISATION, may=SEES_ORGANISATION, post=405)
        for page in ("overview", "mechanism-detail", "theory-history")
    },
    **{
        f"learning:{page}": access(sees=SEES_ORGANISATION, may=MANAGES_ORGANISATION, post=post)
        for page, post in (
            ("item-create", 200),
            ("item-edit", 200),
            ("item-delete", DONE),
            ("theory-edit", 200),
        )
    },
    "learning:project-cmo-list": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=405),
    "learning:cmo-link-add": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=200),
    "learning:cmo-link-remove": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=DONE),
    # Equality monitoring: a person's own answers (an empty POST lacks consent: the form again;
    # deleting answers nobody gave changes nothing); counts for the organisation's admins and
    # managers, its population for its admins.
    "learning:equality-form": signed_in(200, 200),
    "learning:equality-delete": signed_in(200, REDIRECT),
    "learning:equality-report": access(sees=SEES_ORGANISATION, may=SEES_ORGANISATION, post=405),
    "learning:equality-csv": access(sees=SEES_ORGANISATION, may=SEES_ORGANISATION, post=405),
    "learning:equality-population": access(
        sees=SEES_ORGANISATION, may=MANAGES_ORGANISATION, post=200
    ),
    # Themes: facilitators ask for them and decide; managers read them as counts and groups.
    "learning:theme-list": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS | {"manager"}, post=405),
    "learning:theme-suggest": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, get=405, post=DONE),
    **{
        f"learning:{page}": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=200)
        for page in ("theme-round", "theme-decide", "theme-merge")
    },
    # Themes across the organisation's projects: its admins and managers read, ask and decide.
    "learning:organisation-theme-list": access(
        sees=SEES_ORGANISATION, may=SEES_ORGANISATION, post=405
    ),
    "learning:organisation-theme-suggest": access(
        sees=SEES_ORGANISATION, may=SEES_ORGANISATION, get=405, post=DONE
    ),
    **{
        f"learning:{page}": access(sees=SEES_ORGANISATION, may=SEES_ORGANISATION, post=200)
        for page in ("organisation-theme-decide", "organisation-theme-merge")
    },
    # A person's own data: the POST first asks them to confirm who they are (a redirect).
    "privacy:your-data": signed_in(200, 405),
    "privacy:data-download": signed_in(405, REDIRECT),
    "privacy:account-delete": signed_in(200, REDIRECT),
    # Facilitators act for people they manage, after confirming who they are themselves.
    "privacy:member-data-download": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=REDIRECT),
    "privacy:member-account-delete": access(sees=SEES_PROJECT, may=PROJECT_MANAGERS, post=REDIRECT),
    # The organisation's evidence reports (annual involvement, realist synthesis): its admins'
    # and managers'; an empty POST asks for nothing valid (400).
    "reports:organisation-evidence": access(
        sees=SEES_ORGANISATION, may=SEES_ORGANISATION, post=400
    ),
    # The API answers bearer tokens only (tests/api/test_matrix.py walks every endpoint with
    # every scope): a person signed in is no token. Its description is open to anyone.
    **{
        name: everyone(401, 401)
        for name in (
            *(
                f"api:{noun}-{page}"
                for noun in (
                    "organisation",
                    "project",
                    "session",
                    "change",
                    "you-said-we-did",
                    "cmo-record",
                )
                for page in ("list", "detail")
            ),
            "api:organisation-dashboard",
            "api:organisation-themes",
            "api:project-dashboard",
            "api:project-themes",
        )
    },
    "api:schema": everyone(200, 405),
    "api:docs": everyone(200, 405),
    # An organisation's API tokens are its admins'. An empty POST makes no token (the form's
    # errors); revoking one is a confirmation page.
    "api:token-list": access(sees=SEES_ORGANISATION, may=MANAGES_ORGANISATION, post=405),
    "api:token-create": access(sees=SEES_ORGANISATION, may=MANAGES_ORGANISATION, post=200),
    "api:token-revoke": access(sees=SEES_ORGANISATION, may=MANAGES_ORGANISATION, post=DONE),
    # Reports have the readers of the dashboard they are asked for from. The matrix's empty
    # POST asks for nothing valid (400); a failed report can be tried again.
    **{
        f"reports:{scope}{page}": row
        for scope, readers, may in (
            ("project-", SEES_PROJECT, PROJECT_MANAGERS | {"manager"}),
            ("organisation-", SEES_ORGANISATION, SEES_ORGANISATION),
        )
        for page, row in (
            ("reports", access(sees=readers, may=may, post=400)),
            ("report-status", access(sees=readers, may=may, post=405)),
            ("report-download", access(sees=readers, may=may, post=405)),
            ("report-retry", access(sees=readers, may=may, get=405, post=DONE)),
        )
    },
}

# The project's state is the matrix's third axis; EXPECTED is written for an active project.
# Every URL is tried in every state, so a page not named below is shown to answer the same.
STATES = ("draft", "active", "closed")
# Contributing needs an active project (contributions.rules: can_contribute, project_is_active):
# in a draft or closed one, whoever may act when it is active is refused.
ACTIVE_ONLY = {
    "contributions:contribution-create",
    "contributions:contribution-add-for",
    "contributions:contribution-edit",
    "contributions:contribution-withdraw",
    "contributions:support",
    "conversation:comment-create",
    "conversation:comment-reply",
    "conversation:comment-edit",
    "conversation:comment-withdraw",
    "rounds:round-create",
    "rounds:round-vote",
    "live:board-join",
    "live:board-add-for",
}
# Planning needs a project that is not closed (projects.predicates.project_is_open): members,
# invitations, sessions and replies, service changes, opening a ladder rating. What follows a
# project's close (follow-ups, closing sessions, "you said, we did", moderation) goes on.
OPEN_ONLY = {
    "participants:invite",
    "participants:invite-many",
    "participants:add-managed",
    "participants:membership-edit",
    "participants:membership-withdraw",
    "participants:invitation-resend",
    "participants:invitation-revoke",
    "workshops:session-create",
    "workshops:session-edit",
    "workshops:session-cancel",
    "workshops:session-reply",
    "changes:change-create",
    "changes:change-edit",
    "changes:change-status",
    "changes:evidence-add",
    "reflection:ladder-open",
}
# Opening a live board outside an active project comes back to the session with nothing done.
ACTIVE_ONLY_QUIETLY = {"live:board-open"}
REFUSED_ALREADY = {(LOGIN, LOGIN), (403, 403), (404, 404)}


def expected(name, state):
    """EXPECTED[name] for a project in the given state."""
    refused = (name in ACTIVE_ONLY and state != "active") or (
        name in OPEN_ONLY and state == "closed"
    )
    table = {}
    for role, row in EXPECTED[name].items():
        if row not in REFUSED_ALREADY:
            if refused:
                row = (403, 403)
            elif name in ACTIVE_ONLY_QUIETLY and state != "active" and row[1] == DONE:
                row = (row[0], REDIRECT)
        # A draft is its team's alone: the organisation's managers do not know it exists
        # (projects.predicates.is_project_manager).
        if state == "draft" and role == "manager" and "project_pk" in OUR_URLS[name]["kwargs"]:
            row = (404, 404)
        table[role] = row
    return table


# Which object a URL keyword names, when it is not the default for that keyword.
KWARG_OBJECTS = {
    **{
        (f"reports:{scope}-report-{page}", "generated_report_pk"): f"{prefix}{scope}_report"
        for scope in ("project", "organisation")
        for page, prefix in (("status", ""), ("download", ""), ("retry", "failed_"))
    },
    ("privacy:member-data-download", "membership_pk"): "managed_membership",
    ("learning:organisation-theme-decide", "theme_pk"): "organisation_theme",
    ("learning:organisation-theme-merge", "theme_pk"): "organisation_theme",
    ("privacy:member-account-delete", "membership_pk"): "managed_membership",
    ("participants:member-access-needs", "membership_pk"): "managed_membership",
    ("participants:member-contact", "membership_pk"): "managed_membership",
    ("workshops:session-reply-for", "membership_pk"): "managed_membership",
    ("conversation:contribution-restore", "contribution_pk"): "hidden_contribution",
    ("conversation:comment-restore", "comment_pk"): "hidden_comment",
    ("contributions:touchpoints-at-step", "step"): "journey_step",
    ("contributions:touchpoints-at-step", "group"): "staff_group",
    ("live:board-open", "session_pk"): "boardless_session",
    **{
        (f"api:{noun}-{page}", "pk"): attribute
        for noun, attribute in (
            ("organisation", "organisation"),
            ("project", "project"),
            ("session", "session"),
            ("change", "change"),
            ("you-said-we-did", "change"),
            ("cmo-record", "cmo"),
        )
        for page in ("detail", "dashboard", "themes")
    },
    **{
        (name, "session_pk"): "live_session"
        for name in (
            "live:board-screen",
            "live:board-items",
            "live:board-close",
            "live:board-add-for",
        )
    },
    **{
        (name, "session_pk"): "held_session"
        for name in (
            "closing:session-close",
            "closing:walk-in-add",
            "closing:walk-in-invite",
            "closing:session-photos",
            "closing:photo-file",
            "closing:photo-delete",
        )
    },
}
DEFAULT_KWARG_OBJECTS = {
    **{
        (f"reports:{scope}-report-{page}", "generated_report_pk"): f"{prefix}{scope}_report"
        for scope in ("project", "organisation")
        for page, prefix in (("status", ""), ("download", ""), ("retry", "failed_"))
    },
    "organisation_pk": "organisation",
    "project_pk": "project",
    "membership_pk": "membership",
    "invitation_pk": "invitation",
    "role_pk": "manager_role",
    "message_pk": "failed_message",
    "token": "token",
    "session_pk": "session",
    "walk_in_pk": "walk_in",
    "photo_pk": "photo",
    "recognition_pk": "recognition",
    "expense_pk": "expense",
    "contribution_pk": "contribution",
    "comment_pk": "comment",
    "report_pk": "report",
    "tag_pk": "tag",
    "round_pk": "open_round",
    "code": "live_code",
    "notification_pk": "notification",
    "rating_pk": "open_rating",
    "change_pk": "change",
    "follow_up_pk": "follow_up",
    "entry_pk": "reflection_entry",
    "item_pk": "catalogue_item",
    "cmo_pk": "cmo",
    "link_pk": "cmo_link",
    "theme_pk": "theme",
    "digest": "logo_digest",
    "endpoint_pk": "webhook_endpoint",
    "delivery_pk": "failed_delivery",
    "background": "look_background",
    "text": "look_text",
    "token_pk": "api_token",
}
CONTAINERS = {"organisation_pk", "project_pk"}


def _walk(resolver, namespaces=(), origins=(), kwargs=()):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            urlconf = getattr(entry.urlconf_name, "__name__", entry.urlconf_name)
            yield from _walk(
                entry,
                namespaces + ((entry.namespace,) if entry.namespace else ()),
                origins + ((urlconf,) if isinstance(urlconf, str) else ()),
                # An include's own keywords (allauth's openid_connect/<provider_id>/...).
                kwargs + tuple(entry.pattern.regex.groupindex),
            )
        else:
            name = ":".join(namespaces + (entry.name,)) if entry.name else None
            yield {
                "name": name,
                "route": str(entry.pattern),
                "kwargs": list(kwargs) + list(entry.pattern.regex.groupindex),
                "group": _group(namespaces, origins),
            }


def _group(namespaces, origins):
    if "admin" in namespaces:
        return "admin"
    if any(origin.startswith("allauth") for origin in origins):
        return "allauth"
    return "ours"


URLS = list(_walk(get_resolver()))
OUR_URLS = {
    url["name"] or f"<unnamed {url['route']}>": url for url in URLS if url["group"] == "ours"
}


class Scene:
    """The objects one side's URLs point at: "a" is the world's project, "b" the other one."""

    def __init__(self, world, side):
        self.world = world
        self.side = side
        if side == "a":
            self.organisation, self.project = world.organisation, world.project
            self.acting = world.users["facilitator"]
        else:
            self.organisation, self.project = world.other_organisation, world.other_project
            self.acting = world.users["superuser"]

    @cached_property
    def membership(self):
        person = "service_user" if self.side == "a" else "outsider"
        return Membership.objects.get(project=self.project, user=self.world.users[person])

    @cached_property
    def managed_membership(self):
        return participant_services.participant_add_managed(
            project=self.project,
            full_name=f"Pat Managed {self.side}",
            display_name="Pat",
            constituency=Constituency.SERVICE_USER,
            contact={"channel": "phone_call", "phone": "0113 496 0000"},
            consent_method=Consent.Method.PAPER,
            added_by=self.acting,
        )

    @cached_property
    def invitation(self):
        return participant_services.participant_invite(
            project=self.project,
            email=f"invitee-{self.side}@example.org",
            constituency=Constituency.CARER,
            invited_by=self.acting,
        )

    @cached_property
    def token(self):
        message = OutboxMessage.objects.get(to=self.invitation.email)
        return re.search(r"/invitations/([^/\s]+)/", message.body_text).group(1)

    @cached_property
    def manager_role(self):
        person = "manager" if self.side == "a" else "other_manager"
        return OrganisationRole.objects.get(
            organisation=self.organisation, user=self.world.users[person]
        )

    @cached_property
    def session(self):
        return WorkshopSessionFactory(project=self.project, audience="everyone")

    @cached_property
    def held_session(self):
        start = timezone.now() - timedelta(days=2)
        return WorkshopSessionFactory(
            project=self.project, status="held", starts_at=start, ends_at=start + timedelta(hours=2)
        )

    @cached_property
    def recognition(self):
        attendance = Attendance.objects.create(
            session=self.held_session, membership=self.membership
        )
        return Recognition.objects.create(attendance=attendance, hours=2, amount=40)

    @cached_property
    def expense(self):
        return ExpenseClaim.objects.create(
            recognition=self.recognition,
            kind=ExpenseClaim.Kind.TRAVEL,
            amount=6,
            receipt=ContentFile(b"%PDF-1.4\n%%EOF\n", name="receipt.pdf"),
            receipt_status=ImageStatus.READY,
        )

    @cached_property
    def walk_in(self):
        return WalkIn.objects.create(
            session=self.held_session,
            name="Robin",
            constituency=Constituency.CARER,
            email=f"walk-in-{self.side}@example.org",
        )

    @cached_property
    def photo(self):
        buffer = io.BytesIO()
        Image.new("RGB", (8, 8), "white").save(buffer, "JPEG")
        return SessionPhoto.objects.create(
            session=self.held_session,
            caption="Flipchart",
            image=ContentFile(buffer.getvalue(), name="flipchart.jpg"),
            image_status=ImageStatus.READY,
        )

    @cached_property
    def contribution(self):
        return ContributionFactory(project=self.project, author=self.membership)

    @cached_property
    def hidden_contribution(self):
        return ContributionFactory(
            project=self.project,
            author=self.membership,
            hidden_at=timezone.now(),
            hidden_reason="Names a member of staff",
        )

    def _comment(self, **fields):
        return Comment.objects.create(
            contribution=self.contribution,
            author=self.membership,
            constituency=self.membership.constituency,
            body="The pharmacy shuts at five.",
            **fields,
        )

    @cached_property
    def comment(self):
        return self._comment()

    @cached_property
    def hidden_comment(self):
        return self._comment(hidden_at=timezone.now(), hidden_reason="Off topic")

    @cached_property
    def report(self):
        return Report.objects.create(
            contribution=self.contribution, reporter=self.membership.user, reason="other"
        )

    # The touchpoints behind the staff curve at a step of the journey.
    staff_group = "staff"

    @cached_property
    def journey_step(self):
        return JourneyStep.objects.create(project=self.project, name="Waiting", order=1)

    @cached_property
    def tag(self):
        return Tag.objects.create(project=self.project, name="medicines")

    @cached_property
    def open_round(self):
        prioritisation_round = PrioritisationRound.objects.create(
            project=self.project, title="What first?", opened_by=self.acting
        )
        prioritisation_round.ideas.set([self.contribution])
        return prioritisation_round

    def _running_session(self):
        start = timezone.now() - timedelta(minutes=30)
        return WorkshopSessionFactory(
            project=self.project,
            status="in_progress",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
        )

    @cached_property
    def live_session(self):
        session = self._running_session()
        LiveBoard.objects.create(session=session, code=f"KQW{self.side.upper()}23")
        return session

    @cached_property
    def boardless_session(self):
        return self._running_session()

    @cached_property
    def live_code(self):
        return self.live_session.live_board.code

    @cached_property
    def notification(self):
        return Notification.objects.create(
            user=self.membership.user,
            project=self.project,
            kind=Notification.Kind.STATUS,
            message="Your idea is under consideration.",
        )

    @cached_property
    def change(self):
        return ServiceChangeFactory(project=self.project)

    @cached_property
    def follow_up(self):
        return FollowUpCheck.objects.create(
            change=self.change, months=3, due_on=timezone.localdate()
        )

    @cached_property
    def open_rating(self):
        return LadderRating.objects.create(project=self.project, opened_by=self.acting)

    @cached_property
    def reflection_entry(self):
        return ReflectiveLogEntry.objects.create(
            session=self.session, author=self.acting, tensions="Staff spoke first."
        )

    @cached_property
    def catalogue_item(self):
        return CatalogueItem.objects.filter(organisation=self.organisation, lens="mechanism")[0]

    @cached_property
    def cmo(self):
        return Evidence.objects.create(
            change=self.change, kind="cmo", context="C", mechanism="M", outcome="O"
        )

    @cached_property
    def theme(self):
        run = ThemeRun.objects.create(project=self.project, status="done")
        return Theme.objects.create(
            run=run, project=self.project, name="Medicines", suggested_name="Medicines"
        )

    @cached_property
    def other_theme(self):
        """A second suggested theme of the same run, for merging one into the other."""
        return Theme.objects.create(
            run=self.theme.run, project=self.project, name="Waiting", suggested_name="Waiting"
        )

    @cached_property
    def accepted_theme(self):
        """An accepted theme of the project, to seed a prioritisation round."""
        return Theme.objects.create(
            run=self.theme.run,
            project=self.project,
            name="Getting home",
            suggested_name="Getting home",
            status=Theme.Status.ACCEPTED,
        )

    @cached_property
    def organisation_theme(self):
        run = ThemeRun.objects.create(organisation=self.organisation, status="done")
        return Theme.objects.create(
            run=run, organisation=self.organisation, name="Transport", suggested_name="Transport"
        )

    @cached_property
    def cmo_link(self):
        return CmoLink.objects.create(
            cmo=self.cmo, item=self.catalogue_item, stance="supports", confidence="high"
        )

    @cached_property
    def api_token(self):
        token, _secret = api_services.token_create(
            organisation=self.organisation,
            name=f"Power BI {self.side}",
            scopes=["projects"],
            expires_at=timezone.now() + timedelta(days=30),
            created_by=None,
        )
        return token

    def _report(self, *, project, status):
        report = GeneratedReport.objects.create(
            organisation=self.organisation,
            project=project,
            kind=GeneratedReport.Kind.CHANGES,  # figures a manager may see
            file_format=GeneratedReport.Format.CSV,
            request_key=f"{self.side}-{project is not None}-{status}",
            status=status,
            filename="changes.csv",
        )
        if status == GeneratedReport.Status.DONE:
            report.file.save("changes.csv", ContentFile(b"Reference\r\n"))
        return report

    @cached_property
    def project_report(self):
        return self._report(project=self.project, status=GeneratedReport.Status.DONE)

    @cached_property
    def organisation_report(self):
        return self._report(project=None, status=GeneratedReport.Status.DONE)

    @cached_property
    def failed_project_report(self):
        return self._report(project=self.project, status=GeneratedReport.Status.FAILED)

    @cached_property
    def failed_organisation_report(self):
        return self._report(project=None, status=GeneratedReport.Status.FAILED)

    @cached_property
    def logo_digest(self):
        out = io.BytesIO()
        Image.new("RGB", (40, 20), "navy").save(out, format="PNG")
        project_services.organisation_update(organisation=self.organisation, logo=out.getvalue())
        return self.organisation.logo.name.removeprefix("logos/").removesuffix(".png")

    look_background, look_text = "0b3d2e", "fdf6e3"

    @cached_property
    def webhook_endpoint(self):
        endpoint, _secret = webhook_endpoint_create(
            organisation=self.organisation,
            url=f"https://hooks.example.org/{self.side}",
            events=["change.moved"],
        )
        return endpoint

    @cached_property
    def failed_delivery(self):
        message = OutboxMessage.objects.create(
            kind=OutboxMessage.Kind.JOB,
            job="webhooks.services.webhook_deliver",
            status=OutboxMessage.Status.FAILED,
        )
        return WebhookDelivery.objects.create(
            endpoint=self.webhook_endpoint,
            event="change.moved",
            status=WebhookDelivery.Status.FAILED,
            response_code=410,
            message=message,
        )

    @cached_property
    def failed_message(self):
        return OutboxMessage.objects.create(
            project=self.project,
            to="someone@example.org",
            subject="Workshop on Tuesday",
            status=OutboxMessage.Status.FAILED,
            last_error="Connection refused",
        )


def build_url(name, scenes, **attributes):
    """Reverse a URL, taking each keyword's object from scenes[keyword] (or scenes[None]).

    Which of the scene's objects a keyword names can be chosen: membership_pk="membership".
    """
    kwargs = {}
    for kwarg in OUR_URLS[name]["kwargs"]:
        attribute = attributes.get(kwarg) or KWARG_OBJECTS.get(
            (name, kwarg), DEFAULT_KWARG_OBJECTS.get(kwarg)
        )
        if attribute is None:
            pytest.fail(f"teach {__name__} how to build '{kwarg}' for {name}")
        value = getattr(scenes.get(kwarg, scenes[None]), attribute)
        kwargs[kwarg] = value if isinstance(value, str) else value.pk
    return reverse(name, kwargs=kwargs)


def _snapshot_sql(vendor):
    """One query that returns, for each table of SNAPSHOT_MODELS, a text that changes when any
    of its rows does (PostgreSQL: a digest of the rows; SQLite: the rows themselves)."""
    # Only our models' own table and column names go into the SQL, quoted (hence the noqa).
    quote = connection.ops.quote_name
    parts = []
    for model in SNAPSHOT_MODELS:
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        columns = [quote(field.column) for field in model._meta.local_concrete_fields]
        if vendor == "postgresql":
            digest = f"md5(string_agg(ROW({', '.join(columns)})::text, '|' ORDER BY {pk}))"
            parts.append(f"(SELECT {digest} FROM {table})")  # noqa: S608
        else:
            row = " || ',' || ".join(f"quote({column})" for column in columns)
            rows = f"SELECT {row} AS r FROM {table} ORDER BY {pk}"  # noqa: S608
            parts.append(f"(SELECT group_concat(r, '|') FROM ({rows}))")  # noqa: S608
    return "SELECT " + ", ".join(parts)


def snapshot():
    """Every row of our models except the audit log, by model: one query where the database
    can say it in SQL, one per model elsewhere."""
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        return {
            model._meta.label: list(model._base_manager.order_by("pk").values_list())
            for model in SNAPSHOT_MODELS
        }
    if vendor not in _SNAPSHOT_SQL:
        _SNAPSHOT_SQL[vendor] = _snapshot_sql(vendor)
    with connection.cursor() as cursor:
        cursor.execute(_SNAPSHOT_SQL[vendor])
        row = cursor.fetchone()
    return dict(zip([model._meta.label for model in SNAPSHOT_MODELS], row, strict=True))


_SNAPSHOT_SQL = {}
SNAPSHOT_MODELS = [
    model
    for model in apps.get_models()
    if model._meta.app_label in SNAPSHOT_APPS and model is not AuditEntry and not model._meta.proxy
]


def changed(before, after):
    """Name the models whose rows differ."""
    return ", ".join(label for label in before if before[label] != after[label])


def client_for(user):
    """A client that checks CSRF and holds a CSRF cookie, signed in as the user (or not).

    A crash comes back as a 500 in the list of wrong answers, not as an exception that hides
    the other roles' answers; its traceback is in the captured log.
    """
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    request = RequestFactory().get("/")
    client.csrf_token = get_token(request)
    client.cookies[settings.CSRF_COOKIE_NAME] = request.META["CSRF_COOKIE"]
    if user is not None:
        client.force_login(user)
    return client


def wrong_answer(response, expected):
    """Describe the response if it is not what was expected."""
    got = response.status_code
    location = response.headers.get("Location", "")
    if expected == LOGIN:
        ok = got == 302 and location.startswith(LOGIN_URL)
    elif expected in (DONE, REDIRECT):
        ok = got == 302 and not location.startswith(LOGIN_URL)
    elif isinstance(expected, frozenset):
        ok = got in expected
    else:
        ok = got == expected
    return None if ok else f"expected {expected}, got {got} {location}".rstrip()


def try_as(client, url, before, expected_get, expected_post):
    """GET then POST the URL; return what went wrong. Only a POST that is DONE changes data."""
    problems = []
    if wrong := wrong_answer(client.get(url), expected_get):
        problems.append(f"GET {wrong}")
    if changes := changed(before, snapshot()):
        problems.append(f"GET changed data ({changes})")
    if wrong := wrong_answer(
        client.post(url, {"csrfmiddlewaretoken": client.csrf_token}), expected_post
    ):
        problems.append(f"POST {wrong}")
    changes = changed(before, snapshot())
    if expected_post == DONE and not changes:
        problems.append("POST answered 302 but changed nothing")
    if expected_post != DONE and changes:
        problems.append(f"POST was refused but changed data ({changes})")
    return problems


def try_each(world, url, expectations):
    """Try the URL as each role in turn, rolling the database back after each one.

    Everyone signs in first, so the rows are the same before each role's turn: one snapshot
    serves them all.
    """
    clients = {role: client_for(world.users[role]) for role in expectations}
    before = snapshot()
    problems = []
    for role, (expected_get, expected_post) in expectations.items():
        with transaction.atomic():
            problems += [
                f"{role}: {problem}"
                for problem in try_as(clients[role], url, before, expected_get, expected_post)
            ]
            transaction.set_rollback(True)
    return problems


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world of tests/conftest.py, built once for this module in a transaction that is
    rolled back at its end; each test runs in a savepoint inside it (the db fixture), so what
    a test makes (a scene's objects, a project's state) is gone before the next one."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield make_world()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _each_test_rolled_back(db):
    pass


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _no_two_factor_gate():
    # The two-factor gate redirects before any permission is asked; it has its own tests.
    with override_settings(CODESIGN_REQUIRE_MFA=False):
        yield


def in_state(world, state):
    """Put the world's project in the state, for the rest of the test (its savepoint)."""
    Project.objects.filter(pk=world.project.pk).update(status=state)


def test_every_url_is_in_the_matrix():
    unnamed = sorted(name for name in OUR_URLS if name.startswith("<unnamed"))
    assert not unnamed, "name these URLs and add them to EXPECTED: " + ", ".join(unnamed)
    missing = sorted(set(OUR_URLS) - set(EXPECTED))
    stale = sorted(set(EXPECTED) - set(OUR_URLS))
    assert not missing, "add " + ", ".join(missing) + " to EXPECTED in " + __name__
    assert not stale, "remove " + ", ".join(stale) + " from EXPECTED: no such URL"
    for name, table in EXPECTED.items():
        assert set(table) == set(ROLES), f"EXPECTED[{name!r}] must give every role"


def test_third_party_urls_are_walked():
    groups = {url["group"] for url in URLS}
    assert {"admin", "allauth", "ours"} <= groups
    assert "account_login" in {url["name"] for url in URLS if url["group"] == "allauth"}


@pytest.mark.parametrize("name", sorted(OUR_URLS))
@pytest.mark.parametrize("state", STATES)
def test_permission_matrix(world, state, name):
    if name not in EXPECTED:
        pytest.fail(f"add {name} to EXPECTED in {__name__}")
    # The scene's objects are made while the project is active, as they would have been.
    url = build_url(name, {None: Scene(world, "a")})
    in_state(world, state)
    problems = try_each(world, url, expected(name, state))
    assert not problems, f"{name} {url} ({state} project)\n" + "\n".join(problems)


CROSS_ROLES = ("facilitator", "org_admin", "manager")


@pytest.mark.parametrize(
    "name", sorted(name for name, url in OUR_URLS.items() if CONTAINERS & set(url["kwargs"]))
)
def test_other_organisations_objects_are_not_found(world, name):
    """Project A's people get 404 for project B's objects, also when the ids are mixed."""
    if name not in EXPECTED:
        pytest.fail(f"add {name} to EXPECTED in {__name__}")
    own, other = Scene(world, "a"), Scene(world, "b")
    problems = []
    urls = {"other": build_url(name, {None: other})}
    if set(OUR_URLS[name]["kwargs"]) - CONTAINERS:
        urls["mixed"] = build_url(name, {None: other, **dict.fromkeys(CONTAINERS, own)})
    for mode, url in urls.items():
        expectations = {}
        for role in CROSS_ROLES:
            if mode == "other":
                expectations[role] = (404, 404)
            elif EXPECTED[name][role][0] == 200:
                # Their own project or organisation, somebody else's object in it. (Where they
                # are refused on their own, the matrix has already checked the refusal.)
                # A page that refuses POST may say so (405) before or after finding the object.
                expectations[role] = tuple(
                    404
                    if status in (200, DONE, REDIRECT)
                    else frozenset({404, 405})
                    if status == 405
                    else status
                    for status in EXPECTED[name][role]
                )
        problems += [f"{mode} {url} {problem}" for problem in try_each(world, url, expectations)]
    assert not problems, name + "\n" + "\n".join(problems)


def test_posts_carry_a_valid_csrf_token(world):
    """The matrix's POSTs get past CSRF because of their token, not because it is off."""
    client = client_for(world.users["facilitator"])
    url = reverse("projects:project-edit", args=[world.project.pk])
    assert client.post(url).status_code == 403
    assert client.post(url, {"csrfmiddlewaretoken": "x" * 32}).status_code == 403
    assert client.post(url, {"csrfmiddlewaretoken": client.csrf_token}).status_code == 200


def test_admin_is_for_staff_only(world):
    problems = []
    for role in ROLES:
        client = client_for(world.users[role])
        for url in URLS:
            if url["group"] != "admin" or url["kwargs"] or url["name"] is None:
                continue
            path = reverse(url["name"])
            response = client.get(path)
            location = response.headers.get("Location", "")
            if url["name"] in ("admin:login", "admin:logout"):
                ok = response.status_code < 500
            elif role != "superuser":
                ok = response.status_code == 302 and location.startswith(ADMIN_LOGIN_URL)
            elif url["name"] == "admin:index":
                ok = response.status_code == 200
            else:
                ok = response.status_code < 500 and not location.startswith(ADMIN_LOGIN_URL)
            if not ok:
                problems.append(f"{role}: GET {path} got {response.status_code} {location}")
    assert not problems, "\n".join(problems)


def test_account_pages_answer_every_role(world):
    problems = []
    for role in ROLES:
        client = client_for(world.users[role])
        for url in URLS:
            # Unnamed: allauth's old socialaccount addresses, which redirect to the new ones.
            if url["group"] == "allauth" and not url["kwargs"] and url["name"]:
                path = reverse(url["name"])
                if (status := client.get(path).status_code) >= 500:
                    problems.append(f"{role}: GET {path} got {status}")
    assert not problems, "\n".join(problems)


def test_nobody_acts_for_a_member_who_speaks_for_themselves(world):
    """Only people managed by facilitators have their access needs recorded by someone else."""
    scenes = {None: Scene(world, "a")}
    url = build_url("participants:member-access-needs", scenes, membership_pk="membership")
    problems = try_each(world, url, {role: (403, 403) for role in PROJECT_MANAGERS})
    assert not problems, f"{url}\n" + "\n".join(problems)


def test_an_invited_person_reaches_consent_and_their_access_needs(world):
    """Between accepting the emailed link and agreeing, the rules let them do both."""
    scene = Scene(world, "a")
    client = client_for(None)
    accept = reverse("participants:invitation-accept", args=[scene.token])
    consent = reverse("participants:consent", args=[world.project.pk])
    response = client.post(accept, {"csrfmiddlewaretoken": client.csrf_token})
    assert (response.status_code, response.headers.get("Location")) == (302, consent)
    for name in ("participants:consent", "participants:access-needs"):
        response = client.get(reverse(name, args=[world.project.pk]))
        assert response.status_code == 200, f"GET {name} as the invited person"
