import django_filters
from django.utils.translation import gettext_lazy as _

from codesign.filters import FilterSet

from .models import OutboxMessage


class MessageFilter(FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=OutboxMessage.Status.choices)
