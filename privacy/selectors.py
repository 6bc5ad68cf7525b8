"""One person's own data, gathered for them to download, in a fixed number of queries."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator

from contributions.models import Comment, Contribution, Dot, Support
from notifications.models import EmailPreference, Notification
from participants.models import AccessNeeds, Consent, Membership
from sessions.models import Attendance, CalendarFeed, ExpenseClaim, Recognition, Reply


def _when(value) -> str:
    return value.isoformat() if value else ""


def personal_data(user) -> dict[str, list[dict] | dict]:
    """Everything Codesign holds about the person, section by section.

    Only the person's own rows are read, and of related rows only what names the context
    (a project's or session's title, a contribution's number), never another person.
    """
    memberships = list(
        Membership.objects.filter(user=user).select_related("project").order_by("pk")
    )
    return {
        "account": {
            "email": user.email or "",
            "full_name": user.full_name,
            "phone": user.phone,
            "postal_address": user.postal_address,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
            "email_addresses": [
                {"email": e.email, "verified": e.verified, "primary": e.primary}
                for e in EmailAddress.objects.filter(user=user).order_by("pk")
            ],
            "two_factor_methods": sorted(
                {a.type for a in Authenticator.objects.filter(user=user).only("type")}
            ),
            "calendar_feeds": [
                {"created_at": _when(f.created_at), "revoked_at": _when(f.revoked_at)}
                for f in CalendarFeed.objects.filter(user=user).order_by("pk")
            ],
            "email_preferences": [
                {"category": p.category, "enabled": p.enabled}
                for p in EmailPreference.objects.filter(user=user).order_by("category")
            ],
        },
        "memberships": [
            {
                "project": m.project.title,
                "role": m.role,
                "constituency": m.constituency,
                "display_name": m.display_name,
                "job_title": m.job_title,
                "status": m.status,
                "managed_by_facilitator": m.managed_by_facilitator,
                "joined_at": _when(m.joined_at),
                "withdrawn_at": _when(m.withdrawn_at),
            }
            for m in memberships
        ],
        "consents": [
            {
                "project": c.membership.project.title,
                "statement_version": c.statement.version,
                "statement": c.statement.text,
                "method": c.method,
                "given_at": _when(c.given_at),
                "withdrawn_at": _when(c.withdrawn_at),
            }
            for c in Consent.objects.filter(membership__user=user)
            .select_related("membership__project", "statement")
            .order_by("pk")
        ],
        "access_needs": [
            {
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
                "preferred_contact": n.preferred_contact,
                "updated_at": _when(n.updated_at),
            }
            for n in AccessNeeds.objects.filter(membership__user=user)
            .select_related("membership__project")
            .order_by("pk")
        ],
        # Anonymous ones included: they are the person's own, even if nobody else knows.
        "contributions": [
            {
                "id": c.pk,
                "project": c.project.title,
                "kind": c.kind,
                "title": c.title,
                "body": c.body,
                "stage": c.stage.name if c.stage_id else "",
                "emotion": c.emotion,
                "anonymous": c.is_anonymous,
                "status": c.status,
                "status_note": c.status_note,
                "created_at": _when(c.created_at),
                "hidden_at": _when(c.hidden_at),
                "withdrawn_at": _when(c.withdrawn_at),
            }
            for c in Contribution.objects.filter(author__user=user)
            .select_related("project", "stage")
            .order_by("pk")
        ],
        "comments": [
            {
                "id": c.pk,
                "project": c.contribution.project.title,
                "on_contribution": c.contribution_id,
                "reply_to": c.parent_id or "",
                "anonymous": c.is_anonymous,
                "body": c.body,
                "created_at": _when(c.created_at),
                "hidden_at": _when(c.hidden_at),
                "withdrawn_at": _when(c.withdrawn_at),
            }
            for c in Comment.objects.filter(author__user=user)
            .select_related("contribution__project")
            .order_by("pk")
        ],
        "supports": [
            {
                "project": s.contribution.project.title,
                "contribution": s.contribution_id,
                "created_at": _when(s.created_at),
            }
            for s in Support.objects.filter(membership__user=user)
            .select_related("contribution__project")
            .order_by("pk")
        ],
        "dots": [
            {
                "project": d.round.project.title,
                "round": d.round.title,
                "contribution": d.idea_id,
                "count": d.count,
            }
            for d in Dot.objects.filter(membership__user=user)
            .select_related("round__project")
            .order_by("pk")
        ],
        "session_replies": [
            {
                "project": r.session.project.title,
                "session": r.session.title,
                "starts_at": _when(r.session.starts_at),
                "answer": r.answer,
                "reason": r.reason,
                "session_needs": r.session_needs,
                "updated_at": _when(r.updated_at),
            }
            for r in Reply.objects.filter(membership__user=user)
            .select_related("session__project")
            .order_by("pk")
        ],
        "attendance": [
            {
                "project": a.session.project.title,
                "session": a.session.title,
                "starts_at": _when(a.session.starts_at),
                "recorded_at": _when(a.recorded_at),
            }
            for a in Attendance.objects.filter(membership__user=user)
            .select_related("session__project")
            .order_by("pk")
        ],
        "payments": [
            {
                "project": r.attendance.session.project.title,
                "session": r.attendance.session.title,
                "hours": str(r.hours),
                "amount": str(r.amount),
                "payment_status": r.payment_status,
                "paid_on": _when(r.paid_on),
                "payment_reference": r.payment_reference,
                "benefits_advice_offered": r.benefits_advice_offered,
            }
            for r in Recognition.objects.filter(attendance__membership__user=user)
            .select_related("attendance__session__project")
            .order_by("pk")
        ],
        "expenses": [
            {
                "project": e.recognition.attendance.session.project.title,
                "session": e.recognition.attendance.session.title,
                "kind": e.kind,
                "amount": str(e.amount),
                "description": e.description,
                "status": e.status,
                "receipt_attached": bool(e.receipt),
                "created_at": _when(e.created_at),
            }
            for e in ExpenseClaim.objects.filter(recognition__attendance__membership__user=user)
            .select_related("recognition__attendance__session__project")
            .order_by("pk")
        ],
        "notifications": [
            {
                "project": n.project.title if n.project_id else "",
                "kind": n.kind,
                "message": n.message,
                "url": n.url,
                "created_at": _when(n.created_at),
                "read_at": _when(n.read_at),
            }
            for n in Notification.objects.filter(user=user).select_related("project").order_by("pk")
        ],
    }
