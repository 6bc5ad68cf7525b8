import django_filters
from django.utils.translation import gettext_lazy as _

from codesign.filters import FilterSet

from .models import OutboxMessage


class MessageFilter(FilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=[c for c in OutboxMessage.Kind.choices if c[0] != "job"]
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=OutboxMessage.Status.choices)
