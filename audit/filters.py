import django_filters
from django.utils.translation import gettext_lazy as _

from codesign.filters import FilterSet

from .models import AuditEntry


class AuditEntryFilter(FilterSet):
    action = django_filters.ChoiceFilter(label=_("Action"), choices=AuditEntry.Action.choices)
