"""Involvement payments as finance reads them: one header and one row per recognition record,
for the project's download and for the reports (CSV and XLSX) alike."""

from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import money


def payee_name(membership) -> str:
    """The name a payment is made out to, never blank: the person's full name; else, for a
    deleted account, the pseudonym it keeps; else their display name, their email, or the
    membership's number."""
    user = membership.user
    return (
        user.full_name
        or user.pseudonym
        or membership.display_name
        or user.email
        or _("Participant %(number)s") % {"number": membership.pk}
    )


def payments(recognitions, *, tz, with_names: bool, chunk_size: int = 500):
    """The header and the rows of ``recognitions`` (read by ``selectors.for_finance``), dated
    in ``tz``. Only ``with_names`` (facilitators) do the rows name the person and the payment
    reference; the named columns come last, so an export without names is the same less them.
    """
    header = [
        _("Session"),
        _("Project"),
        _("Date"),
        _("Constituency"),
        _("Hours"),
        _("Amount (£)"),
        _("Payment status"),
        _("Paid on"),
        _("Expenses claimed (£)"),
        _("Expenses approved (£)"),
        _("Benefits advice offered"),
    ]
    if with_names:
        header += [_("Display name"), _("Full name"), _("Payment reference")]
    yes, no = _("Yes"), _("No")

    def rows():
        for r in recognitions.iterator(chunk_size=chunk_size):
            session, membership = r.attendance.session, r.attendance.membership
            cells = [
                session.title,
                session.project.title,
                timezone.localtime(session.starts_at, tz).date().isoformat(),
                membership.get_constituency_display(),
                r.hours,
                r.amount,
                r.get_payment_status_display(),
                r.paid_on.isoformat() if r.paid_on else "",
                money(r.expenses_claimed),
                money(r.expenses_approved),
                yes if r.benefits_advice_offered else no,
            ]
            if with_names:
                cells += [membership.display_name, payee_name(membership), r.payment_reference]
            yield cells

    return header, rows()
