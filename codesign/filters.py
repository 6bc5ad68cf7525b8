"""Lists, one way: a FilterSet (django-filter) reads a list's query string, ``ListView`` pages
what it lets through, and ``templates/includes/filter_form.html`` and ``pagination.html`` show
both.

A value a filter cannot use (a status that does not exist, a session of another project, an id
past the database's range, text too long to search for) leaves that filter out, and the form
says which and why beside its field: never a server error, and never a filter silently
ignored.
"""

import django_filters
from django import forms
from django.utils.functional import SimpleLazyObject, cached_property, lazy
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django_filters.conf import settings as filter_settings
from django_filters.views import FilterMixin


class FilterForm(forms.Form):
    """The form behind every FilterSet: ids the pages have always used ("filter-status") and
    Bootstrap's classes."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "filter-%s")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class FilterSet(django_filters.FilterSet):
    """A list's filters, within a ``project`` when the list is one project's (its choices,
    such as its sessions, come from it). A choice filter offers "All" first, as every list
    always has."""

    class Meta:
        form = FilterForm

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        for filter_ in self.filters.values():
            if (
                isinstance(filter_, django_filters.ChoiceFilter)
                and filter_.extra.get("empty_label", filter_settings.EMPTY_CHOICE_LABEL)
                == filter_settings.EMPTY_CHOICE_LABEL
            ):
                filter_.extra["empty_label"] = _("All")

    @property
    def used(self) -> dict[str, str]:
        """The filters in use that could be used, as typed: for paging links and downloads."""
        if not self.is_bound:
            return {}
        return {
            name: self.data[name]
            for name in self.form.cleaned_data
            if self.data.get(name) not in (None, "")
        }

    def query_string(self) -> str:
        return urlencode(self.used)


class PagedListMixin:
    """``ListView`` paging, forgiving as the pages always have been: a page that is no number
    shows the first, one past the end the last (an old link still lands somewhere)."""

    paginate_by = 25

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(
            queryset,
            page_size,
            orphans=self.get_paginate_orphans(),
            allow_empty_first_page=self.get_allow_empty(),
        )
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()


class FilteredListMixin(FilterMixin, PagedListMixin):
    """``ListView`` of what the view's ``filterset_class`` lets through.

    The view gives the unfiltered list (``get_unfiltered_queryset``: the selector, with what
    the page reads of each row); the template gets ``filter`` and ``filter_query`` (the valid
    filters, for the pagination include).
    """

    def get_unfiltered_queryset(self):
        raise NotImplementedError

    def get_filterset_kwargs(self, filterset_class):
        return {
            "data": self.request.GET or None,
            "request": self.request,
            "queryset": self.get_unfiltered_queryset(),
            "project": getattr(self, "project", None),
        }

    @cached_property
    def filterset(self):
        return self.get_filterset(self.get_filterset_class())

    def get_queryset(self):
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        # Worked out when shown: a page that keeps its rendered list (the board) never is.
        kwargs.setdefault("filter", SimpleLazyObject(lambda: self.filterset))
        kwargs.setdefault("filter_query", lazy(lambda: self.filterset.query_string(), str)())
        return super().get_context_data(**kwargs)
