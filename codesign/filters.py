"""Lists, one way: a FilterSet (django-filter) reads a list's query string, ``ListView`` pages
what it lets through, and ``templates/includes/filter_form.html`` and ``pagination.html`` show
both.

A value a filter cannot use (a status that does not exist, a session of another project, an id
past the database's range, text too long to search for) leaves that filter out, and the form
says which and why beside its field: never a server error, and never a filter silently
ignored.
"""

import copy

import django_filters
from django import forms
from django.core.paginator import Paginator
from django.db.models import Func, QuerySet, Subquery
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import SimpleLazyObject, cached_property, lazy
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django_filters.conf import settings as filter_settings
from django_filters.views import FilterMixin

from . import release
from .forms import LongSelect
from .memo import Memo


class FilterForm(forms.Form):
    """The form behind every FilterSet: ids the pages have always used ("filter-status") and
    Bootstrap's classes. Its selects write their options themselves (``LongSelect``: the same
    HTML, without two templates an option, most of the time a list's filters took to draw)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "filter-%s")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if type(field.widget) is forms.Select:
                field.widget = LongSelect(attrs=field.widget.attrs, choices=field.widget.choices)
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class _Filters(dict):
    """A filterset class's filters, copied for each filterset made from it (django-filter
    deep-copies them: their labels, choices and options, about two hundred copies for the
    board's six filters, on every list worked out): each filter copied with its own ``extra``
    (a filterset sets its choices there), without a form field made from it and calling its
    ``method`` on the filterset it is copied for, the rest shared, as no filterset changes
    it."""

    def __deepcopy__(self, memo):
        copied = {}
        for name, filter_ in self.items():
            own = copy.copy(filter_)
            own.extra = dict(filter_.extra)
            own.__dict__.pop("_field", None)
            if own.method is not None:
                own.method = own.method  # its filtering through the new filterset's method
            copied[name] = own
        return copied


class FilterSet(django_filters.FilterSet):
    """A list's filters, within a ``project`` when the list is one project's (its choices,
    such as its sessions, come from it). A choice filter offers "All" first, as every list
    always has."""

    class Meta:
        form = FilterForm

    @classmethod
    def get_filters(cls):
        return _Filters(super().get_filters())

    def get_form_class(self):
        """The form class of these filters, made once a process for what its fields are made
        from (django-filter makes a class, and a field for each filter, for every filterset:
        a third of a bound board's filters); each form still has fields of its own
        (``_Fields``). Filters that choose from a queryset make theirs each time."""
        base = type(self).base_filters
        try:
            key = (
                type(self),
                tuple((name, _made_from(f, base.get(name))) for name, f in self.filters.items()),
            )
        except TypeError:  # something a filter is made from that cannot name a class
            return self._made_form_class()
        return _FORM_CLASSES.made(key, self._made_form_class)

    def _made_form_class(self):
        form_class = super().get_form_class()
        form_class.base_fields = _Fields(form_class.base_fields)
        return form_class

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

    @cached_property
    def used(self) -> dict[str, str]:
        """The filters in use that could be used, as typed: for paging links and downloads
        (worked out once a filterset: a board asks about ten times)."""
        if not self.is_bound:
            return {}
        self.errors  # noqa: B018 (the form checked once, as the filters ask it)
        return {
            name: self.data[name]
            for name in self.form.cleaned_data
            if self.data.get(name) not in (None, "")
        }

    def query_string(self) -> str:
        return urlencode(self.used)

    def html(self, label: str) -> str:
        """The form as ``includes/filter_form.html`` draws it with ``label``, drawn once a
        process for everything it shows (the filters, their choices, the values asked for, the
        language, the release: the key holds them all, so what is kept is never out of date).
        Drawing it was the largest part of a board worked out afresh. A filter choosing from a
        queryset is drawn each time (its choices are not known before it is drawn), and so is
        a form asked for with a value longer than any filter reads (no one's long text is held
        in the process beyond their request)."""
        context = {"filter": self, "filter_query": self.query_string(), "label": label}
        values = tuple((name, self.data.get(name)) for name in self.filters) if self.data else ()
        if any("queryset" in filter_.extra for filter_ in self.filters.values()) or any(
            len(str(value)) > KEPT_VALUE_LENGTH for _name, value in values if value
        ):
            return render_to_string(FORM_TEMPLATE, context)
        key = (
            type(self),
            str(label),
            translation.get_language(),
            release.current(),
            values,
            tuple(
                (name, _plain_choices(filter_.extra.get("choices")))
                for name, filter_ in self.filters.items()
            ),
        )
        html = _DRAWN_FORMS.get(key)
        if html is None:
            html = render_to_string(FORM_TEMPLATE, context)
            if len(_DRAWN_FORMS) >= DRAWN_FORMS_KEPT:
                _DRAWN_FORMS.clear()
            _DRAWN_FORMS[key] = html
        return html


# Form classes of filtersets (``FilterSet.get_form_class``), by what their fields are made
# from; bounded per process, as each project's choices make new ones.
_FORM_CLASSES = Memo(kept=500)


def _made_from(filter_, base) -> tuple:
    """What a filter's form field is made from (django-filter's ``Filter.field``) beyond the
    class's own filter ``base`` (a filterset sets choices), as a key; a TypeError for a filter
    whose field is made from a queryset, or from anything else that cannot be a key."""
    if isinstance(filter_, django_filters.filters.QuerySetRequestMixin) or base is None:
        raise TypeError("chooses from a queryset, or is not the class's")
    key = tuple(
        (name, tuple(value) if isinstance(value, list) else value)
        for name, value in filter_.extra.items()
        if value is not base.extra.get(name)
    )
    hash(key)
    return key


class _Fields(dict):
    """A form class's fields, copied for each form made from it as Django copies them, but
    for their choices, which each copy shares (Django deep-copies every choice and its label
    for every form; no form changes them in place)."""

    def __deepcopy__(self, memo):
        copied = {}
        for name, field in self.items():
            choices = getattr(field, "_choices", None)
            if choices is None:
                copied[name] = copy.deepcopy(field, memo)
                continue
            own = forms.Field.__deepcopy__(field, memo)
            if hasattr(choices, "field"):  # django-filter's choices, which name their field
                choices = copy.copy(choices)
                choices.field = own
            own._choices = choices
            copied[name] = own
        return copied


# Filter forms as drawn (``FilterSet.html``), by everything they show; bounded per process, as
# each project's choices and each search make new ones.
_DRAWN_FORMS: dict[tuple, str] = {}
DRAWN_FORMS_KEPT = 500
KEPT_VALUE_LENGTH = 200


FORM_TEMPLATE = "includes/filter_form.html"


def _plain_choices(choices) -> tuple:
    """Choices as text (labels are often lazy translations)."""
    if callable(choices):
        choices = choices()
    return tuple((str(value), str(label)) for value, label in choices or ())


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


class IdsFirstPaginator(Paginator):
    """Pages a list by its ids alone, then loads the rows of the page asked for with
    ``load(ids)`` (which returns them in that order): the database works out what a row shows
    (joins, annotations) for the page's rows only, never for the rows a deep page skips.

    A page that has rows reads its ids and the count of the whole list in one query (the count
    a subquery the database works out once: a window count over the list would carry every
    row of it to the page's twenty, 7 ms rather than 2 for a list of 20,000); only a page past
    the end asks for the count on its own. With ``gather`` (a search, whose matches are few
    and found through an index that gives them in no order), ``gather(offset, limit)`` reads
    the page's rows and the count of the whole list (None for a page past its end) together,
    gathering the list whole, in order, before it cuts the page (with a limit, PostgreSQL
    would rather walk the list in order and test every row); the list given is then not read
    at all. With a ``count`` (the list's length, kept), the page's ids alone are read; and
    with ``read`` too, a function reading the rows of a page, ``read(offset, limit,
    from_end)`` (as ``page`` describes), it reads them, ids and rows together.
    """

    def __init__(
        self, object_list, per_page, *, load, gather=None, count=None, read=None, **kwargs
    ):
        super().__init__(object_list.values_list("pk", flat=True), per_page, **kwargs)
        self.rows = object_list
        self.load = load
        self.read = read
        self.gather = gather
        self.counted_before = count
        if count is not None:
            self.count = count  # kept for the list (the board's ``board_size``): not counted

    def get_page(self, number):
        # A number past any list (more digits than rows) is left to Paginator, which counts
        # and shows the last page, rather than asked of the database as an offset.
        text = str(number or 1)
        if self.gather is not None:
            if not (text.isascii() and text.isdigit()):
                return self._gathered(1)  # no number: the first page, as Paginator shows
            return self._gathered(int(text) if len(text) < 10 else 0)
        if (
            isinstance(self.object_list, QuerySet)
            and self.orphans == 0
            and "count" not in self.__dict__
            and text.isascii()
            and text.isdigit()
            and len(text) < 10
        ):
            number = int(text)
            bottom = (number - 1) * self.per_page
            if bottom >= 0:
                total = self.rows.order_by().annotate(n=Func("pk", function="COUNT")).values("n")
                counted = self.rows.annotate(total=Subquery(total)).values_list("pk", "total")
                found = list(counted[bottom : bottom + self.per_page])
                if found:
                    self.count = found[0][1]
                    return self._get_page([pk for pk, _total in found], number, self)
        return super().get_page(number)

    def _gathered(self, number: int):
        """The page ``number`` read by ``gather``, or (past the end, or no page: 0) the last,
        once ``gather`` has said how many there are (a page of one, from the start)."""
        found, total = (
            self.gather((number - 1) * self.per_page, self.per_page) if number > 0 else ([], None)
        )
        if not found:
            total = self.gather(0, 1)[1] or 0
            self.count = total
            number = self.num_pages
            found = self.gather((number - 1) * self.per_page, self.per_page)[0] if total else []
        self.count = total
        return super()._get_page(found, number, self)

    def page(self, number):
        """The page ``number``; with the list's length kept (``count`` given), a page nearer
        the end is read from the end, in the list's reverse order: the database skips the
        rows after it rather than every row before it (the last page of 20,000: 2.2 ms to
        0.1); ``read(offset, limit, from_end)`` is then told where the page's rows start, from
        the start of the list or (``from_end``) from its end."""
        if self.gather is not None:
            return self._gathered(int(number))
        if self.counted_before is None or not isinstance(self.object_list, QuerySet):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        from_end = self.count - top < bottom
        if self.read is not None:
            offset = self.count - top if from_end else bottom
            return super()._get_page(self.read(offset, top - bottom, from_end), number, self)
        if not from_end:
            return super().page(number)
        ids = self.object_list.reverse()[self.count - top : self.count - bottom]
        return self._get_page(list(ids)[::-1], number, self)

    def _get_page(self, object_list, number, paginator):
        return super()._get_page(self.load(list(object_list)), number, paginator)


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
