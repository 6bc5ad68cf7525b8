import django_filters
from django.utils.translation import gettext_lazy as _

from codesign.filters import FilterSet

from .models import ServiceChange

OVERDUE = "overdue"


class ChangeFilter(FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[
            *ServiceChange.Status.choices,
            (OVERDUE, _("Overdue (past target, not implemented)")),
        ],
        method="filter_status",
    )

    def filter_status(self, queryset, name, value):
        return queryset.overdue() if value == OVERDUE else queryset.filter(status=value)
