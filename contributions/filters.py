import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from codesign.filters import FilterSet

from .models import Contribution
from .selectors import SORTS, found


class BoardFilter(FilterSet):
    """The board's filters and order. The stages and tags to choose from are the project's,
    which the board has loaded already: choosing one asks the database nothing more."""

    q = django_filters.CharFilter(
        label=_("Search"), method="search", max_length=100, widget=forms.SearchInput
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Contribution.Kind.choices)
    stage = django_filters.ChoiceFilter(label=_("Stage"), field_name="stage_id")
    tag = django_filters.ChoiceFilter(label=_("Tag"), field_name="tags")
    status = django_filters.ChoiceFilter(
        label=_("Status of ideas"),
        choices=Contribution.Status.choices,
        empty_label=_("Any"),
        method="status_of_ideas",
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=[("newest", _("Newest first")), ("supported", _("Most supported first"))],
        empty_label=None,
        method="sort_by",
    )

    def __init__(self, *args, stages=(), tags=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["stage"].extra["choices"] = [(str(s.pk), s.name) for s in stages]
        if tags:
            self.filters["tag"].extra["choices"] = [(str(t.pk), t.name) for t in tags]
        else:
            del self.filters["tag"]

    def filter_queryset(self, queryset):
        # A search starts from what it finds (``selectors.found``: the project's words, where
        # they find it), not from every row of the board; the other filters narrow it.
        if self.form.cleaned_data.get("q"):
            queryset = found(self.project, self.form.cleaned_data["q"])
        return super().filter_queryset(queryset)

    def search(self, queryset, name, value):
        return queryset  # what ``filter_queryset`` started from holds only what was found

    def status_of_ideas(self, queryset, name, value):
        return queryset.filter(kind=Contribution.Kind.IDEA, status=value)

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*SORTS[value])
