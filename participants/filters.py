import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from codesign.filters import FilterSet

from .models import Constituency, Membership


class MembershipFilter(FilterSet):
    q = django_filters.CharFilter(
        label=_("Name or email"), method="search", max_length=100, widget=forms.SearchInput
    )
    constituency = django_filters.ChoiceFilter(
        label=_("Constituency"), choices=Constituency.choices
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Membership.Status.choices)

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(display_name__icontains=value)
            | Q(user__email__icontains=value)
            | Q(user__full_name__icontains=value)
        )
