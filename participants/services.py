"""Enrolling people in projects: invitations, consent, access needs, withdrawal."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import AuditEntry
from audit.services import audit_record
from codesign.content import project_content_changed
from codesign.languages import known, person_languages
from codesign.permissions import forget_roles
from notifications.models import Notification
from notifications.services import notify
from outbox.services import outbox_email, outbox_text, text_render

from . import registry
from .bulk import parse_invite_line
from .models import (
    AccessNeeds,
    Channel,
    Consent,
    ConsentStatement,
    ContactPreferences,
    Invitation,
    Membership,
    hash_token,
)
from .validation import display_phone, normalise_mobile

User = get_user_model()


def _default_display_name(full_name: str, email: str) -> str:
    """A first name if there is a name, else the first part of the email address."""
    if full_name.split():
        return full_name.split()[0][:80]
    return email.split("@")[0][:80] or _("Participant")


def _send_invitation(*, invitation: Invitation, token: str) -> None:
    """Email the link, or text it to someone invited by their mobile number."""
    membership = invitation.membership
    context = {
        "invitation": invitation,
        "membership": membership,
        "accept_url": settings.CODESIGN_SITE_URL
        + reverse("participants:invitation-accept", args=[token]),
        "expires_at": invitation.expires_at,
    }
    # In the invitee's language, if it is known (codesign.languages).
    languages = person_languages(membership.user, membership.project.organisation)
    if invitation.mobile:
        outbox_text(
            phone=invitation.mobile,
            body=text_render(
                template="invitation",
                context=context,
                project=membership.project,
                languages=languages,
            ),
            project=membership.project,
            recipient=membership.user,
            about={"invitation": invitation.pk},
        )
        return
    outbox_email(
        to=invitation.email,
        template="invitation",
        context=context,
        project=membership.project,
        languages=languages,
    )


def _new_invitation(
    *, membership: Membership, email: str, invited_by, mobile: str = ""
) -> Invitation:
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        membership=membership,
        email=email,
        mobile=mobile,
        token_hash=hash_token(token),
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    _send_invitation(invitation=invitation, token=token)
    return invitation


def _invitee(*, email: str, mobile: str, full_name: str, invited_by):
    """The person an email address or mobile number belongs to, made (unusable until they
    accept) if there is none; a name given fills a missing one."""
    if email:
        user = User.objects.filter(email__iexact=email).first()
    else:
        known = ContactPreferences.objects.filter(mobile=mobile).select_related("person").first()
        user = known.person if known else None
    if user is None:
        user = User.objects.create_user(email=email or None, full_name=full_name, is_active=False)
        if mobile:
            contact_preferences_save(
                person=user, channel=Channel.TEXT, mobile=mobile, changed_by=invited_by
            )
    elif full_name and not user.full_name:
        user.full_name = full_name
        user.save(update_fields=["full_name"])
    return user


@transaction.atomic
def participant_invite(
    *,
    project,
    email: str = "",
    mobile: str = "",
    constituency: str,
    role: str = Membership.Role.PARTICIPANT,
    full_name: str = "",
    display_name: str = "",
    language: str = "",
    invited_by,
) -> Invitation:
    """Invite a person to a project by email, or by a text message to their mobile, in
    ``language`` unless they chose their own."""
    email = User.objects.normalize_email(email.strip()).lower()
    if not email:
        try:
            mobile = normalise_mobile(mobile)
        except ValidationError as error:
            raise ValidationError({"mobile": error.messages}) from None
    user = _invitee(email=email, mobile=mobile, full_name=full_name.strip(), invited_by=invited_by)
    if language and not user.language and known(language):
        User.objects.filter(pk=user.pk).update(language=language)
        user.language = language
    membership = Membership.objects.filter(project=project, user=user).first()
    if membership is not None and membership.status != Membership.Status.WITHDRAWN:
        raise ValidationError(
            {
                "email" if email else "mobile": _("%(who)s is already in this project.")
                % {"who": email or display_phone(mobile)}
            }
        )
    if membership is None:
        membership = Membership(project=project, user=user)
    membership.role = role
    membership.constituency = constituency
    membership.display_name = (
        display_name.strip()
        or membership.display_name
        or _default_display_name(user.full_name, email)
    )
    membership.status = Membership.Status.INVITED
    membership.withdrawn_at = None
    membership.full_clean()
    membership.save()
    invitation = _new_invitation(
        membership=membership,
        email=email,
        mobile=mobile if not email else "",
        invited_by=invited_by,
    )
    audit_record(
        action=AuditEntry.Action.INVITATION_SENT,
        actor=invited_by,
        project=project,
        target=membership,
        details={"role": role, "constituency": constituency, "by": "email" if email else "text"},
    )
    forget_roles(user)
    return invitation


@dataclass
class BulkInviteResult:
    invited: list[Invitation]
    errors: list[tuple[int, str, str]]  # line number, the line, what is wrong


def participants_invite_many(*, project, lines: str, invited_by) -> BulkInviteResult:
    """Invite one person per line; a bad line gets its own error and the rest go through."""
    result = BulkInviteResult(invited=[], errors=[])
    seen: set[str] = set()
    for number, raw in enumerate(lines.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        try:
            person = parse_invite_line(line)
            if person.address in seen:
                raise ValidationError(
                    _("This person is on an earlier line already. Remove this line.")
                )
            seen.add(person.address)
            with transaction.atomic():
                result.invited.append(
                    participant_invite(
                        project=project,
                        email=person.email,
                        mobile=person.mobile,
                        full_name=person.full_name,
                        constituency=person.constituency,
                        role=person.role,
                        language=person.language,
                        invited_by=invited_by,
                    )
                )
        except ValidationError as error:
            result.errors.append((number, line, " ".join(error.messages)))
    return result


@transaction.atomic
def invitation_resend(*, invitation: Invitation, resent_by) -> Invitation:
    """Replace an invitation with a fresh link (the old one stops working) and send it again."""
    if invitation.accepted_at or invitation.membership.status != Membership.Status.INVITED:
        raise ValidationError(_("This invitation has already been accepted."))
    Invitation.objects.filter(pk=invitation.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    fresh = _new_invitation(
        membership=invitation.membership,
        email=invitation.email,
        mobile=invitation.mobile,
        invited_by=resent_by,
    )
    audit_record(
        action=AuditEntry.Action.INVITATION_RESENT,
        actor=resent_by,
        project=invitation.membership.project,
        target=invitation.membership,
    )
    return fresh


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, revoked_by) -> None:
    """Cancel an invitation that has not been accepted; the person is no longer invited."""
    if invitation.accepted_at:
        raise ValidationError(_("This invitation has already been accepted."))
    now = timezone.now()
    membership = invitation.membership
    membership.invitations.filter(revoked_at__isnull=True, accepted_at__isnull=True).update(
        revoked_at=now
    )
    if membership.status == Membership.Status.INVITED:
        membership.status = Membership.Status.WITHDRAWN
        membership.withdrawn_at = now
        membership.save(update_fields=["status", "withdrawn_at"])
    audit_record(
        action=AuditEntry.Action.INVITATION_REVOKED,
        actor=revoked_by,
        project=membership.project,
        target=membership,
    )


def invitation_for_token(token: str) -> Invitation | None:
    """Find the invitation a link's token belongs to."""
    return (
        Invitation.objects.select_related("membership__project__organisation", "membership__user")
        .filter(token_hash=hash_token(token))
        .first()
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership:
    """Accept an invitation as the invited person; consent comes next."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    membership = invitation.membership
    if membership.user_id != user.pk:
        raise ValidationError(_("This invitation is for someone else."))
    if not invitation.is_usable:
        raise ValidationError(_("This invitation can no longer be used."))
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    from allauth.account.models import EmailAddress

    if invitation.email:
        EmailAddress.objects.update_or_create(
            user=user,
            email__iexact=invitation.email,
            defaults={"email": invitation.email, "verified": True, "primary": True},
        )
    audit_record(
        action=AuditEntry.Action.INVITATION_ACCEPTED,
        actor=user,
        project=membership.project,
        target=membership,
    )
    forget_roles(user)
    return membership


def invitation_signs_in_directly(invitation: Invitation) -> bool:
    """A person who has never used their account is signed in by accepting the emailed link.

    Anyone who already has a working account signs in the normal way first, so the link
    never bypasses their password, sign-in code or two-factor authentication.
    """
    user = invitation.membership.user
    return user.last_login is None and not user.has_usable_password()


# A consent statement's texts: English, Welsh and their easy-read versions (codesign.bilingual).
STATEMENT_TEXTS = ("text", "text_cy", "text_easy_read", "text_easy_read_cy")


@transaction.atomic
def consent_statement_publish(*, project, text: str, **translations: str) -> ConsentStatement:
    """Publish a new version of a project's consent statement, with its Welsh and easy-read
    texts; a change to any of them is a new version, since people agree to what they read."""
    texts = {name: "" for name in STATEMENT_TEXTS} | translations | {"text": text}
    latest = project.consent_statements.order_by("-version").first()
    if latest is not None and all(getattr(latest, name) == texts[name] for name in texts):
        return latest
    statement = ConsentStatement(
        project=project, version=(latest.version + 1) if latest else 1, **texts
    )
    statement.full_clean()
    statement.save()
    if latest is not None:
        _ask_to_agree_again(statement)
    return statement


def _ask_to_agree_again(statement: ConsentStatement) -> None:
    """Tell everyone taking part who agreed to an earlier version that the statement changed:
    under the bell and by email, whatever their email choices."""
    agreed_before = (
        Membership.objects.filter(project=statement.project, status=Membership.Status.ACTIVE)
        .filter(
            consents__withdrawn_at__isnull=True, consents__statement__version__lt=statement.version
        )
        .select_related("user")
        .distinct()
    )
    notify(
        users=[membership.user for membership in agreed_before],
        kind=Notification.Kind.CONSENT,
        project=statement.project,
        message=gettext_lazy(
            "The consent statement of “%(title)s” has changed (now version %(version)d). Please "
            "read it and agree again to keep taking part."
        ),
        params={"title": statement.project.title, "version": statement.version},
        url=reverse("participants:consent", args=[statement.project_id]),
    )


def current_consent(membership: Membership) -> Consent | None:
    return membership.consents.filter(withdrawn_at__isnull=True).select_related("statement").first()


@transaction.atomic
def consent_give(
    *, membership: Membership, method: str = Consent.Method.ONLINE, recorded_by
) -> Consent:
    """Record consent to the project's current statement; the membership becomes active."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    statement = membership.project.consent_statements.order_by("-version").first()
    existing = current_consent(membership)
    if existing is not None and existing.statement_id == statement.pk:
        return existing
    if existing is not None:
        existing.withdrawn_at = timezone.now()
        existing.save(update_fields=["withdrawn_at"])
    consent = Consent(
        membership=membership, statement=statement, method=method, recorded_by=recorded_by
    )
    consent.full_clean()
    consent.save()
    if membership.status != Membership.Status.ACTIVE:
        membership.status = Membership.Status.ACTIVE
        membership.joined_at = membership.joined_at or timezone.now()
        membership.withdrawn_at = None
        membership.save(update_fields=["status", "joined_at", "withdrawn_at"])
    audit_record(
        action=AuditEntry.Action.CONSENT_GIVEN,
        actor=recorded_by,
        project=membership.project,
        target=membership,
        details={"version": statement.version, "method": method},
    )
    forget_roles(membership.user)
    return consent


def _remove_for_project(*, membership: Membership, now) -> None:
    """Remove what a person gave a project that leaving takes back: access needs (with what
    they told facilitators in session replies), invitations (they hold the address) and
    experiences (their stories); ideas, comments and supports stay, shown as a former
    participant's."""
    AccessNeeds.objects.filter(membership=membership).delete()
    Invitation.objects.filter(membership=membership).delete()
    registry.leaving_take_back(membership=membership, now=now)
    project_content_changed([membership.project_id])


@transaction.atomic
def membership_withdraw(*, membership: Membership, withdrawn_by, reason: str = "") -> Membership:
    """Withdraw a person from a project; their consent is withdrawn with it, and their access
    needs, invitations and experiences are removed from the project."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status == Membership.Status.WITHDRAWN:
        return membership
    now = timezone.now()
    consent = current_consent(membership)
    if consent is not None:
        consent.withdrawn_at = now
        consent.save(update_fields=["withdrawn_at"])
        audit_record(
            action=AuditEntry.Action.CONSENT_WITHDRAWN,
            actor=withdrawn_by,
            project=membership.project,
            target=membership,
        )
    _remove_for_project(membership=membership, now=now)
    membership.status = Membership.Status.WITHDRAWN
    membership.withdrawn_at = now
    membership.save(update_fields=["status", "withdrawn_at"])
    audit_record(
        action=AuditEntry.Action.MEMBER_WITHDRAWN,
        actor=withdrawn_by,
        project=membership.project,
        target=membership,
        details={"by_self": withdrawn_by == membership.user, "reason": reason[:200]},
    )
    forget_roles(membership.user)
    return membership


@transaction.atomic
def membership_update(*, membership: Membership, changed_by, **fields) -> Membership:
    """Change a member's role, constituency, display name or job title."""
    before = {"role": membership.role, "constituency": membership.constituency}
    for name, value in fields.items():
        setattr(membership, name, value)
    membership.full_clean()
    membership.save()
    after = {"role": membership.role, "constituency": membership.constituency}
    if before != after:
        audit_record(
            action=AuditEntry.Action.MEMBER_CHANGED,
            actor=changed_by,
            project=membership.project,
            target=membership,
            details={"from": before, "to": after},
        )
    forget_roles(membership.user)
    return membership


@transaction.atomic
def participant_add_managed(
    *,
    project,
    full_name: str,
    display_name: str,
    constituency: str,
    contact: dict,
    consent_method: str,
    added_by,
    language: str = "",
) -> Membership:
    """Add a person without email, managed by facilitators, with how to reach them, their
    language (if known) and the consent they gave offline."""
    user = User.objects.create_user(
        email=None,
        full_name=full_name,
        is_active=False,
        language=language if known(language) else "",
    )
    contact_preferences_save(person=user, changed_by=added_by, project=project, **contact)
    membership = Membership(
        project=project,
        user=user,
        role=Membership.Role.PARTICIPANT,
        constituency=constituency,
        display_name=display_name,
        managed_by_facilitator=True,
        status=Membership.Status.INVITED,
    )
    membership.full_clean()
    membership.save()
    audit_record(
        action=AuditEntry.Action.MEMBER_ADDED,
        actor=added_by,
        project=project,
        target=membership,
        details={"constituency": constituency},
    )
    consent_give(membership=membership, method=consent_method, recorded_by=added_by)
    membership.refresh_from_db()
    return membership


@transaction.atomic
def access_needs_save(*, membership: Membership, form) -> AccessNeeds:
    """Save a person's access needs; a new need that takes arranging close to a session the
    person is coming to alerts the facilitators."""
    before = AccessNeeds.objects.filter(membership=membership).first()
    needs = form.save(commit=False)
    needs.membership = membership
    needs.full_clean()
    needs.save()
    registry.access_needs_saved(membership=membership, before=before, after=needs)
    return needs


CONTACT_FIELDS = ("channel", "mobile", "phone", "address_lines", "postcode")


@transaction.atomic
def contact_preferences_save(
    *,
    person,
    channel: str,
    mobile: str = "",
    phone: str = "",
    address_lines: str = "",
    postcode: str = "",
    changed_by,
    project=None,
) -> ContactPreferences:
    """Set how a person is reached: their channel, numbers (stored in E.164) and address.

    A change is audited with the names of the fields that changed, never their values; a
    facilitator's change for someone they manage is logged in that project.
    """
    preferences = ContactPreferences.objects.filter(person=person).first() or ContactPreferences(
        person=person
    )
    before = {name: getattr(preferences, name) for name in CONTACT_FIELDS}
    created = preferences.pk is None
    preferences.channel = channel
    preferences.mobile = mobile
    preferences.phone = phone
    preferences.address_lines = address_lines
    preferences.postcode = postcode
    preferences.updated_by = changed_by
    preferences.full_clean()
    preferences.save()
    changed = [name for name in CONTACT_FIELDS if getattr(preferences, name) != before[name]]
    if created or changed:
        audit_record(
            action=AuditEntry.Action.CONTACT_CHANGED,
            actor=changed_by,
            project=project,
            target=preferences,
            details={"channel": preferences.channel, "changed": changed, "person": person.pk},
        )
    return preferences
