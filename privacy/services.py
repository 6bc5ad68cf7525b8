"""People's data rights: a download of their data, and deleting their account."""

import csv
import io
import json
import secrets
import zipfile

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from audit.services import audit_record
from codesign.exports import csv_cell
from codesign.permissions import forget_roles
from contributions.models import Contribution
from notifications.models import DigestSent, EmailPreference, Notification
from outbox.models import OutboxMessage
from participants.models import AccessNeeds, Invitation, Membership
from participants.services import membership_withdraw
from projects.models import OrganisationRole
from sessions.models import CalendarFeed, Reply, WalkIn

from .selectors import personal_data

User = get_user_model()

README = """Your data from Codesign

data.json holds everything below in one file. Each CSV file holds one part of it:
memberships (the projects you take part in), consents, access needs, contributions
(your experiences, touchpoints and ideas, including any you posted anonymously), comments,
supports, dots (prioritisation votes), session replies, attendance, payments, expenses and
notifications. account.json holds your account: name, email, phone, address, and your
email and calendar settings. Secret tokens and passwords are never included.

Contributions, comments and supports refer to other contributions by number only, so
nobody else's personal data is in this download.
"""


def _csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if rows:
        writer.writerow([csv_cell(name) for name in rows[0]])
        for row in rows:
            writer.writerow([csv_cell(value) for value in row.values()])
    return buffer.getvalue()


def personal_data_zip(*, person, requested_by, path: str = "") -> bytes:
    """Return one person's data as a zip of JSON and CSV, and audit the download."""
    data = personal_data(person)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README)
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False))
        archive.writestr("account.json", json.dumps(data["account"], indent=2, ensure_ascii=False))
        for section, rows in data.items():
            if section != "account":
                archive.writestr(f"{section}.csv", _csv(rows))
    audit_record(
        action=AuditEntry.Action.DATA_EXPORTED,
        actor=requested_by,
        target=person,
        details={"by_self": requested_by.pk == person.pk},
        path=path,
    )
    return buffer.getvalue()


def _pseudonym() -> str:
    return _("Former participant %(id)s") % {"id": secrets.token_hex(4)}


@transaction.atomic
def account_delete(*, person, deleted_by, path: str = ""):
    """Delete a person's account: remove what identifies them and what they told us about
    themselves, withdraw them from every project, and keep a pseudonymous row that payment
    records, audit entries and their ideas, comments and supports (with constituency) point to.
    Sign-in stops at once and every session of theirs ends (the password hash they were
    signed in with no longer exists)."""
    person = User.objects.select_for_update().get(pk=person.pk)
    if person.deleted_at is not None:
        return person
    for membership in Membership.objects.filter(user=person).exclude(
        status=Membership.Status.WITHDRAWN
    ):
        membership_withdraw(membership=membership, withdrawn_by=deleted_by)
    pseudonym = _pseudonym()
    memberships = Membership.objects.filter(user=person)
    AccessNeeds.objects.filter(membership__in=memberships).delete()
    Invitation.objects.filter(membership__in=memberships).delete()
    Contribution.objects.filter(author__in=memberships, kind=Contribution.Kind.EXPERIENCE).delete()
    Reply.objects.filter(membership__in=memberships).update(reason="", session_needs="")
    WalkIn.objects.filter(invited_membership__in=memberships).update(name=pseudonym, email="")
    memberships.update(display_name=pseudonym[:80], job_title="")
    if person.email:
        OutboxMessage.objects.filter(to__iexact=person.email).delete()
    for model in (
        EmailAddress,
        Authenticator,
        CalendarFeed,
        Notification,
        EmailPreference,
        DigestSent,
        OrganisationRole,
    ):
        model.objects.filter(user=person).delete()
    person.email = None
    person.full_name = ""
    person.phone = ""
    person.postal_address = ""
    person.pseudonym = pseudonym
    person.deleted_at = timezone.now()
    person.is_active = False
    person.is_staff = False
    person.is_superuser = False
    person.set_unusable_password()
    # The user model's clean() turns a NULL email into "", which two deleted accounts
    # cannot share; the fields are checked without it.
    person.clean_fields(exclude=["email"])
    person.save()
    audit_record(
        action=AuditEntry.Action.ACCOUNT_DELETED,
        actor=deleted_by,
        target=person,
        details={"by_self": deleted_by.pk == person.pk},
        path=path,
    )
    forget_roles(person)
    return person
