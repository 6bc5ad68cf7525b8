import django_filters
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from codesign.filters import FilterSet

from ..models import Recognition, WorkshopSession
from . import selectors


class SessionChoiceField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, session):
        day = formats.date_format(timezone.localtime(session.starts_at), "j M Y")
        return f"{session.title} ({day})"


class SessionFilter(django_filters.ModelChoiceFilter):
    field_class = SessionChoiceField


class PaymentFilter(FilterSet):
    """The project's payments by status and by held session."""

    status = django_filters.ChoiceFilter(
        label=_("Payment status"),
        field_name="payment_status",
        choices=Recognition.PaymentStatus.choices,
    )
    session = SessionFilter(
        label=_("Session"),
        field_name="attendance__session",
        queryset=WorkshopSession.objects.none(),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["session"].queryset = selectors.held_sessions(self.project)
