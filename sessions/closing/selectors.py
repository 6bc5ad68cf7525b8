"""Reads for closing sessions and for involvement payments."""

from dataclasses import dataclass

from django.db.models import Count, DecimalField, Exists, OuterRef, Prefetch, Q, Sum, Value
from django.db.models.functions import Coalesce

from participants.models import Constituency, Membership

from ..models import (
    Attendance,
    ExpenseClaim,
    OrganisationPaymentTerms,
    PaymentPolicy,
    Recognition,
    Reply,
    WalkIn,
    WorkshopSession,
)
from ..selectors import session_audience

MONEY = DecimalField(max_digits=10, decimal_places=2)


def attendance_choices(session: WorkshopSession):
    """Who can be ticked as attending: active members the session is for, and anyone already
    recorded (someone who has since withdrawn, or a walk-in invited afterwards)."""
    audience = session_audience(session).values("pk")
    recorded = Attendance.objects.filter(session=session).values("membership_id")
    return (
        Membership.objects.filter(Q(pk__in=audience) | Q(pk__in=recorded))
        .annotate(
            attended=Exists(Attendance.objects.filter(session=session, membership=OuterRef("pk"))),
            replied_going=Exists(
                Reply.objects.filter(
                    session=session, membership=OuterRef("pk"), answer=Reply.Answer.GOING
                )
            ),
        )
        .order_by("display_name", "pk")
    )


@dataclass(frozen=True)
class ConstituencyCount:
    constituency: str
    label: str
    members: int
    walk_ins: int

    @property
    def total(self) -> int:
        return self.members + self.walk_ins


def attendance_by_constituency(session: WorkshopSession) -> list[ConstituencyCount]:
    """How many came, per constituency: members recorded as attending, plus walk-ins.

    A walk-in who has since been invited and recorded as attending is counted once.
    """
    members = dict(
        Attendance.objects.filter(session=session)
        .values_list("membership__constituency")
        .annotate(n=Count("pk"))
        .order_by()
    )
    walk_ins = dict(
        WalkIn.objects.filter(session=session)
        .exclude(
            invited_membership__attendances__session=session,
        )
        .values_list("constituency")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        ConstituencyCount(value, str(label), members.get(value, 0), walk_ins.get(value, 0))
        for value, label in Constituency.choices
    ]


def payment_policy_defaults(project) -> dict:
    """The fields of a new policy: the organisation's terms (if it has set them) and wording."""
    terms = OrganisationPaymentTerms.objects.filter(organisation_id=project.organisation_id).first()
    return {**(terms.terms() if terms else {}), "notes": project.organisation.payment_policy}


def organisation_payment_terms(organisation) -> OrganisationPaymentTerms:
    """The organisation's terms, or (unsaved) the defaults it would start with."""
    return OrganisationPaymentTerms.objects.filter(
        organisation=organisation
    ).first() or OrganisationPaymentTerms(organisation=organisation)


def payment_policy_of(project) -> PaymentPolicy:
    """The project's policy, or (unsaved) the one it would start with."""
    policy = PaymentPolicy.objects.filter(project=project).first()
    return policy or PaymentPolicy(project=project, **payment_policy_defaults(project))


def for_finance(recognitions):
    """Recognition records with what finance reads of each: the session and its project, the
    person, and the expenses claimed and approved (approved or already paid)."""
    return recognitions.select_related(
        "attendance__session__project", "attendance__membership__user"
    ).annotate(
        expenses_claimed=Coalesce(Sum("expenses__amount"), Value(0), output_field=MONEY),
        expenses_approved=Coalesce(
            Sum(
                "expenses__amount",
                filter=Q(
                    expenses__status__in=[
                        ExpenseClaim.Status.APPROVED,
                        ExpenseClaim.Status.PAID,
                    ]
                ),
            ),
            Value(0),
            output_field=MONEY,
        ),
    )


def recognitions_for_project(project):
    """A project's recognition records, newest session first, as finance reads them."""
    return for_finance(
        Recognition.objects.filter(attendance__session__project=project).order_by(
            "-attendance__session__starts_at", "attendance__membership__display_name", "pk"
        )
    )


def held_sessions(project):
    """Sessions of the project that were held, newest first (for filtering payments)."""
    return project.workshop_sessions.filter(status=WorkshopSession.Status.HELD).order_by(
        "-starts_at", "pk"
    )


def own_recognitions(user, project):
    """The person's own recognition records in a project, with their expense claims."""
    return (
        Recognition.objects.filter(
            attendance__session__project=project, attendance__membership__user=user
        )
        .select_related("attendance__session")
        .prefetch_related(Prefetch("expenses", queryset=ExpenseClaim.objects.order_by("pk")))
        .order_by("-attendance__session__starts_at", "pk")
    )
