"""Every user-facing form, posted through its page by someone who may use it, with generated
input: unicode, control characters, NUL bytes, very long text, numbers and dates out of range.

Whatever is sent, the answer is never a server error; a form that refuses its input shows the
page again with the error marked, and nothing is saved.
"""

import importlib
import pkgutil
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.forms import BaseForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_permission_matrix import snapshot
from tests.workshops.test_uploads import png_claiming

from .support import (
    ACCOUNT_PAGES,
    ERROR_MARKERS,
    FORM_PAGES,
    NOT_DRIVEN_HERE,
    PAYLOADS,
    dotted,
    forms_in,
    has_errors,
    has_visible_errors,
    html_form,
    shows,
)

EXAMPLES = 25

ODD_VALUES = [
    "",
    " ",
    "\x00",
    "\t\r\n",
    "0",
    "-1",
    "-0",
    "1e309",
    "NaN",
    "-inf",
    "99999999999999999999999999",
    "-99999999999999999999",
    "0.000000001",
    "1,5",
    "١٢٣",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2026-02-30",
    "2026-13-45T25:61",
    "1970-01-01T00:00",
    "31/12/99999",
    "true",
    "None",
    "null",
    "[]",
    "%s%n%x",
    "../../../etc/passwd",
    "a" * 70_000,
    "é" * 5_000,
    "\U0001f600" * 300,
    *PAYLOADS,
]

text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)
value = st.one_of(
    st.sampled_from(ODD_VALUES),
    text,
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.datetimes().map(lambda d: d.isoformat(timespec="minutes")),
)


def field_value(draw, form, name):
    """A value for one field: sometimes one of its own options, mostly something odd."""
    options = [option for option in form.options(name) if option is not None]
    if form.kind(name) == "file":
        content = draw(st.sampled_from(FILE_CONTENTS))
        filename = draw(st.sampled_from(["x.jpg", "../../x.pdf", "a\x00b.png", "é" * 200 + ".pdf"]))
        return SimpleUploadedFile(filename, content)
    if options and draw(st.booleans()):
        return draw(st.lists(st.sampled_from(options), max_size=3))
    return draw(st.lists(value, min_size=1, max_size=2))


# Files that are not what they say: small PNGs whose headers claim 1.6 gigapixels and 56
# megapixels (refused from the header, never decoded), and one without its pixels (stored for
# the worker, which marks it unreadable).
FILE_CONTENTS = [
    b"",
    b"\x00" * 10,
    b"%PDF-1.4\n%%EOF\n",
    b"GIF89a;" * 3,
    png_claiming(40_000, 40_000),
    png_claiming(7_000, 8_000),
    png_claiming(64, 64),
]


EXAMPLE_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


CASES = [
    pytest.param(form_path, page, id=f"{form_path.rsplit('.', 1)[1]}@{page.url_name}")
    for form_path, pages in FORM_PAGES.items()
    for page in pages
] + [pytest.param(None, page, id=f"allauth@{page.url_name}") for page in ACCOUNT_PAGES]


@pytest.mark.parametrize(("form_path", "page"), CASES)
def test_generated_input_never_breaks_a_form(world, form_path, page):
    client, url, action = page.open(world)
    shown = client.get(url)
    assert shown.status_code == 200
    assert form_path is None or shows(shown, form_path), f"{url} does not show a {form_path}"
    form = html_form(shown.content.decode(), action, page.method)
    names = sorted(form.names() - {"csrfmiddlewaretoken"})
    before = snapshot()

    @EXAMPLE_SETTINGS
    @given(st.data())
    def check(data):
        sent = form.baseline()
        for name in data.draw(st.lists(st.sampled_from(names), min_size=1, unique=True)):
            sent[name] = field_value(data.draw, form, name)
        with transaction.atomic():
            send = client.get if page.method == "get" else client.post
            response = send(action, sent)
            assert response.status_code < 500
            refused = [f for f in forms_in(response) if has_errors(f)]
            reported = page.reports_back and response.status_code == 200 and not refused
            if page.method == "get" or response.status_code != 302 and not reported:
                assert snapshot() == before, f"answered {response.status_code} but saved"
            if any(has_visible_errors(f) for f in refused):
                html = response.content.decode()
                assert any(marker in html for marker in ERROR_MARKERS), "errors not shown"
            elif page.method == "post" and response.status_code == 200 and not refused:
                assert page.reports_back, "answered a POST with 200, no error and nothing saved"
            transaction.set_rollback(True)

    check()


def project_form_classes():
    """Every form class defined in one of the project's own apps."""
    root = Path(django_settings.BASE_DIR).resolve()
    own = [c for c in apps.get_app_configs() if Path(c.path).resolve().parent == root]
    for config in own:
        for module in pkgutil.walk_packages([config.path], f"{config.name}."):
            if not any(part in module.name for part in (".migrations", ".management")):
                importlib.import_module(module.name)
    prefixes = tuple(f"{config.name}." for config in own)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return {dotted(c) for c in subclasses(BaseForm) if c.__module__.startswith(prefixes)}


def test_every_form_is_driven_with_generated_input():
    found = project_form_classes()
    missing = sorted(found - set(FORM_PAGES) - set(NOT_DRIVEN_HERE))
    stale = sorted((set(FORM_PAGES) | set(NOT_DRIVEN_HERE)) - found)
    assert not missing, "add these forms and their pages to FORM_PAGES: " + ", ".join(missing)
    assert not stale, "remove these from FORM_PAGES (no such form): " + ", ".join(stale)
