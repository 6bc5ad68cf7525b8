"""People's data rights: a download of their data, and deleting their account."""

import csv
import io
import json
import secrets
import zipfile
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from audit.services import audit_record
from codesign.exports import csv_cell
from codesign.permissions import forget_roles
from codesign.personal_data import site
from participants.models import Membership
from participants.services import membership_withdraw

from .selectors import personal_data, sections_about

User = get_user_model()

README = """Your data from Codesign

data.json holds everything below in one file; each other file holds one part of it.

{files}

Secret tokens and passwords are never included. Contributions, comments and supports refer
to other contributions by number only, so nobody else's personal data is in this download.
"""


def _readme(data: dict) -> str:
    """Each file of the download and what it holds, with the parts of the account under it."""
    parts: dict[str, list[str]] = defaultdict(list)
    files = []
    for name, about in sections_about():
        parent, _dot, part = name.rpartition(".")
        if parent:
            parts[parent].append(f"  {part}: {about}")
        else:
            files.append((name, about))
    lines = []
    for name, about in files:
        extension = "json" if isinstance(data[name], dict) else "csv"
        lines += [f"{name}.{extension}: {about}", *parts[name]]
    return README.format(files="\n".join(lines))


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
        archive.writestr("README.txt", _readme(data))
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False))
        for section, value in data.items():
            if isinstance(value, dict):
                archive.writestr(f"{section}.json", json.dumps(value, indent=2, ensure_ascii=False))
            else:
                archive.writestr(f"{section}.csv", _csv(value))
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


def _erase(person, *, pseudonym: str) -> None:
    """Erase the person's rows as each app declares: deleted, redacted or kept. The account
    row goes last; until then it is as the person left it."""
    declarations = sorted(site.declarations(), key=lambda d: d.model is User)
    for declaration in declarations:
        declaration.erase.apply(declaration.rows(person), pseudonym=pseudonym)


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
    _erase(person, pseudonym=pseudonym)
    person.refresh_from_db()
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
