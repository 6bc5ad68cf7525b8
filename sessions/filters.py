import django_filters
from django.utils.translation import gettext_lazy as _

from codesign.filters import FilterSet

from .models import Reply


class ReplyFilter(FilterSet):
    """A session's replies by answer."""

    answer = django_filters.ChoiceFilter(label=_("Answer"), choices=Reply.Answer.choices)
