"""The page layout's tags: ``{% breadcrumbs %}`` wraps the trail a page fills in base.html's
``breadcrumbs`` block, and writes nothing on a page without one; ``error_anchor`` gives the
error summary's links their targets; ``{% fields %}`` renders a form's fields, and
``{% fields_with %}`` a form's fields as a template of their own lays them out."""

from functools import cache

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, as_crispy_form
from django import template
from django.forms import CheckboxSelectMultiple, RadioSelect
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from codesign.forms import fresh_fields_html
from codesign.memo import Memo

register = template.Library()


class BreadcrumbsNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        items = self.nodelist.render(context).strip()
        if not items:
            return ""
        # Rendered by the template engine, which escaped what it had to.
        return format_html(
            '<nav aria-label="{}">\n  <ol class="breadcrumb">\n{}\n  </ol>\n</nav>',
            _("Breadcrumb"),
            mark_safe(items),  # noqa: S308
        )


@register.tag
def breadcrumbs(parser, token):
    """{% breadcrumbs %}<li class="breadcrumb-item">…</li>…{% endbreadcrumbs %}"""
    nodelist = parser.parse(("endbreadcrumbs",))
    parser.delete_first_token()
    return BreadcrumbsNode(nodelist)


@register.filter
def error_anchor(bound_field) -> str:
    """The id of the control an error summary's link to this field leads to (a group of
    radios or checkboxes: its first)."""
    if isinstance(bound_field.field.widget, RadioSelect | CheckboxSelectMultiple):
        return f"{bound_field.auto_id}_0"
    return bound_field.id_for_label or bound_field.auto_id


@register.simple_tag
def fields(form, *names):
    """The fields ``names`` of ``form`` that it has, in that order, as crispy renders each; with
    no names, the whole form as ``|crispy`` renders it. A fresh form's once a process
    (``codesign.forms.fresh_fields_html``)."""
    if not names:
        return fresh_fields_html(form, tuple(form.fields), _crispy_form)
    present = tuple(name for name in names if name in form.fields)
    return fresh_fields_html(form, present, _crispy_fields)


def _crispy_fields(form, names) -> str:
    return mark_safe("".join(as_crispy_field(form[name]) for name in names))  # noqa: S308


def _crispy_form(form, names) -> str:
    return as_crispy_form(form)


@register.simple_tag
def fields_with(form, template_name):
    """The fields of ``form`` as ``template_name`` draws them (given the form as ``form``; no
    request, so no token: the form's tag and its token stay in the page). A fresh form's once
    a process, as ``{% fields %}``."""
    return fresh_fields_html(form, tuple(form.fields), _drawn_with(template_name))


@cache
def _drawn_with(template_name):
    """One function per template, so that ``fresh_fields_html`` keeps each template's HTML
    apart."""

    def draw(form, names):
        return render_to_string(template_name, {"form": form})

    return draw


class FixedNode(template.Node):
    """``{% fixed name=value … %}…{% endfixed %}``: HTML that is the same for everyone who
    reads the page in one language, but for the values named: drawn once a process for each
    language and each set of those values, with nothing else in its context (no person, no
    request, no form token), so what is drawn once can hold nothing of anyone's. A page's
    chrome (its head's links, the menus, the footer) is a few dozen tags of the template
    language, about a millisecond on every page drawn; drawn once, it is a lookup.

    The drawings are held with the node they belong to (a template changed while the process
    runs is a new node, drawn afresh), and bounded as the filter forms are."""

    drawn: dict = {}
    KEPT = 2000

    def __init__(self, nodelist, values):
        self.nodelist = nodelist
        self.values = values

    def render(self, context):
        values = {name: value.resolve(context) for name, value in self.values.items()}
        key = (
            id(self),
            translation.get_language(),
            get_urlconf(),
            get_script_prefix(),
            tuple(values.items()),
        )
        entry = self.drawn.get(key)
        if entry is not None and entry[0] is self:
            return entry[1]
        html = self.nodelist.render(context.new(values))
        if len(self.drawn) >= self.KEPT:
            self.drawn.clear()
        self.drawn[key] = (self, html)
        return html


# Addresses of views that take no values (``fixed_url``), by name, as ``Memo.drawn`` keys them.
_FIXED_URLS = Memo(kept=FixedNode.KEPT)


@register.simple_tag
def fixed_url(name: str) -> str:
    """``{% url name %}`` for a view whose address takes no values, in the page's parts that
    are not the same for everyone (the sign-out form, the language switcher, the menu's link
    to the current page): reversed once a process for each language and site address, as
    ``fixed`` draws, where ``reverse`` costs some forty microseconds each time (five on every
    page drawn)."""
    return _FIXED_URLS.drawn((name,), lambda: reverse(name))


@register.tag
def fixed(parser, token):
    """{% fixed %}…{% endfixed %}, or {% fixed superuser=user.is_superuser %}…: see FixedNode.
    The values named must be what a dictionary's key may be (numbers, text, true or false)."""
    bits = token.split_contents()[1:]
    values = template.base.token_kwargs(bits, parser, support_legacy=False)
    if bits:
        raise template.TemplateSyntaxError("{% fixed %} takes only name=value pairs.")
    nodelist = parser.parse(("endfixed",))
    parser.delete_first_token()
    return FixedNode(nodelist, values)
