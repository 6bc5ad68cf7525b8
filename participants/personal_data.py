"""What memberships, invitations, consent and access needs hold of a person (see
codesign/personal_data.py)."""

from django.utils.translation import gettext_lazy

from codesign import personal_data
from codesign.personal_data import PSEUDONYM, Section, when

from .models import (
    AccessNeeds,
    Consent,
    ConsentStatement,
    ContactPreferences,
    Invitation,
    Membership,
)


def _membership(m: Membership) -> dict:
    return {
        "project": m.project.title,
        "role": m.role,
        "constituency": m.constituency,
        "display_name": m.display_name,
        "job_title": m.job_title,
        "status": m.status,
        "managed_by_facilitator": m.managed_by_facilitator,
        "joined_at": when(m.joined_at),
        "withdrawn_at": when(m.withdrawn_at),
    }


def _consent(c: Consent) -> dict:
    return {
        "project": c.membership.project.title,
        "statement_version": c.statement.version,
        "statement": c.statement.text,
        "method": c.method,
        "given_at": when(c.given_at),
        "withdrawn_at": when(c.withdrawn_at),
    }


def _access_needs(n: AccessNeeds) -> dict:
    return {
        "project": n.membership.project.title,
        "bsl_interpreter": n.bsl_interpreter,
        "other_interpreter": n.other_interpreter,
        "easy_read": n.easy_read,
        "large_print": n.large_print,
        "hearing_loop": n.hearing_loop,
        "step_free_access": n.step_free_access,
        "carer_attending": n.carer_attending,
        "dietary": n.dietary,
        "other": n.other,
        "updated_at": when(n.updated_at),
    }


def _contact_preferences(p: ContactPreferences) -> dict:
    return {
        "channel": p.channel,
        "mobile": p.mobile,
        "phone": p.phone,
        "address_lines": p.address_lines.splitlines(),
        "postcode": p.postcode,
        "updated_at": when(p.updated_at),
    }


personal_data.holds_none(ConsentStatement)
personal_data.register(
    Membership,
    person="user",
    download=Section(
        "memberships",
        about="the projects you take part in: role, constituency, display name, job title",
        row=_membership,
        related=("project",),
    ),
    # Kept, so their ideas, comments and supports count in their constituency.
    erase=personal_data.redact({"display_name": PSEUDONYM, "job_title": ""}),
)
personal_data.register(
    Consent,
    person="membership__user",
    download=Section(
        "consents",
        about="the consent statements you agreed to, how and when, and any you withdrew",
        row=_consent,
        related=("membership__project", "statement"),
    ),
    erase=personal_data.keep("the project must be able to show what was agreed, and when"),
    also_names=("recorded_by",),
)
personal_data.register(
    AccessNeeds,
    person="membership__user",
    download=Section(
        "access_needs",
        about="what you told each project you need in order to take part",
        row=_access_needs,
        related=("membership__project",),
    ),
    erase=personal_data.delete(),
    retain=(
        personal_data.Retention(
            kind="access_needs",
            label=gettext_lazy("Access needs of closed projects"),
            period=personal_data.months("RETENTION_MONTHS"),
            then=personal_data.delete(),
            **personal_data.after_close("membership__project"),
        ),
    ),
)
personal_data.register(
    Invitation,
    person="membership__user",
    erase=personal_data.delete(),
    retain=(
        personal_data.Retention(
            kind="invitations",
            label=gettext_lazy("Invitations of closed projects"),
            period=personal_data.months("RETENTION_MONTHS"),
            then=personal_data.delete(),
            **personal_data.after_close("membership__project"),
        ),
    ),
    also_names=("invited_by",),
)
personal_data.register(
    ContactPreferences,
    person="person",
    download=Section(
        "account.contact_preferences",
        about="how you asked to be contacted, and your mobile, phone number and postal address",
        row=_contact_preferences,
        collect=lambda rows: rows[0] if rows else {},
    ),
    erase=personal_data.delete(),
    also_names=("updated_by",),
)
