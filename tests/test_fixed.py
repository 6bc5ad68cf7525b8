"""``{% fixed %}`` (codesign/templatetags/layout.py): HTML the same for everyone in a language,
but for the values it names, drawn once a process; it sees nothing else of the page's context,
so no one's name, token or data can be drawn into it and shown to someone else."""

import re

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import translation

from codesign.templatetags.layout import FixedNode

TEMPLATE = (
    "{% load i18n layout %}"
    "{% fixed tab=tab %}[{{ tab }}|{{ secret }}|{{ user.email }}|{% csrf_token %}|"
    "{% translate 'Privacy' %}|{% url 'help' %}]{% endfixed %}"
)


@pytest.fixture(autouse=True)
def nothing_drawn():
    FixedNode.drawn.clear()
    yield
    FixedNode.drawn.clear()


@pytest.fixture
def drawings(monkeypatch):
    """How many times a fixed part was drawn rather than taken as drawn."""
    made = []
    render = FixedNode.render

    def counted(self, context):
        before = len(FixedNode.drawn)
        html = render(self, context)
        if len(FixedNode.drawn) != before:
            made.append(html)
        return html

    monkeypatch.setattr(FixedNode, "render", counted)
    return made


def test_a_fixed_part_sees_only_the_values_it_names_and_is_drawn_once_for_each(drawings):
    template = engines["django"].from_string(TEMPLATE)
    page = {"tab": "ideas", "secret": "Edna's phone", "csrf_token": "token-of-one-person"}
    first = template.render(page)
    assert first == f"[ideas||||Privacy|{reverse('help')}]"
    # Another person's request, the same values named: the same HTML, not drawn again.
    assert template.render({**page, "secret": "another", "csrf_token": "another"}) == first
    assert len(drawings) == 1
    # Another value named is drawn for itself.
    assert template.render({**page, "tab": "changes"}).startswith("[changes|")
    assert len(drawings) == 2


def test_a_fixed_part_is_drawn_for_each_language():
    template = engines["django"].from_string(TEMPLATE)
    with translation.override("en-gb"):
        english = template.render({"tab": "a"})
    with translation.override("cy"):
        welsh = template.render({"tab": "a"})
    assert "|Privacy|" in english
    assert "|Preifatrwydd|" in welsh


def test_a_template_changed_while_running_is_drawn_afresh():
    old = engines["django"].from_string("{% load layout %}{% fixed %}old{% endfixed %}")
    new = engines["django"].from_string("{% load layout %}{% fixed %}new{% endfixed %}")
    assert old.render({}) == "old"
    assert new.render({}) == "new"
    assert old.render({}) == "old"


def test_the_parts_drawn_are_bounded(monkeypatch):
    monkeypatch.setattr(FixedNode, "KEPT", 3)
    template = engines["django"].from_string(TEMPLATE)
    for tab in range(10):
        assert template.render({"tab": tab}).startswith(f"[{tab}|")
        assert len(FixedNode.drawn) <= 3


@pytest.mark.parametrize("role", ["facilitator", "service_user"])
@pytest.mark.parametrize("page", ["board", "session", "session held"])
def test_a_page_drawn_from_fixed_parts_is_the_page_drawn_afresh(world, client_for, role, page):
    from tests.factories import WorkshopSessionFactory

    session = WorkshopSessionFactory(
        project=world.project, status="held" if page == "session held" else "scheduled"
    )
    url = (
        reverse("contributions:board", args=[world.project.pk])
        if page == "board"
        else reverse("workshops:session-detail", args=[world.project.pk, session.pk])
    )
    client = client_for(world.users[role])
    first = client.get(url).content.decode()
    assert FixedNode.drawn  # the layout's parts are drawn once...
    again = client.get(url).content.decode()
    FixedNode.drawn.clear()
    afresh = client.get(url).content.decode()
    # ...and the page is the same either way (but for the request's tokens, and the seconds
    # left before the idle sign-out, which a second passing between the requests moves).
    strip = re.compile(
        r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"|value="[0-9a-f-]{36}"'
        r'|data-remaining="\d+"'
    )
    assert strip.sub("", again) == strip.sub("", afresh) == strip.sub("", first)
    assert "My calendar" in afresh and reverse("privacy:notice") in afresh


def test_only_a_superuser_sees_the_superuser_links(world, client_for, django_user_model):
    admin = django_user_model.objects.create_superuser(email="root@example.test", password="x")
    url = reverse("home")
    plain = client_for(world.users["facilitator"]).get(url).content.decode()
    superuser = client_for(admin).get(url).content.decode()
    plain_again = client_for(world.users["facilitator"]).get(url).content.decode()
    audit = reverse("audit:entry-list")
    assert audit in superuser
    assert audit not in plain and audit not in plain_again


def test_a_boards_fixed_heading_shows_each_person_only_the_links_they_may_follow(world, client_for):
    url = reverse("contributions:board", args=[world.project.pk])
    tags = reverse("contributions:tag-list", args=[world.project.pk])
    for _round in range(2):  # drawn, then taken as drawn
        facilitator = client_for(world.users["facilitator"]).get(url).content.decode()
        member = client_for(world.users["service_user"]).get(url).content.decode()
        assert tags in facilitator and "Add for someone" in facilitator
        assert tags not in member and "Add for someone" not in member


def test_a_fixed_address_is_the_view_s_address_reversed_once_for_each_language(monkeypatch):
    """``{% fixed_url name %}``: ``{% url name %}`` for a view whose address takes no values,
    reversed once a process for each language (and site address), escaped as ``url`` is."""
    from codesign.templatetags import layout

    layout._FIXED_URLS.clear()
    reversed_ = []
    monkeypatch.setattr(layout, "reverse", lambda name: reversed_.append(name) or reverse(name))
    page = engines["django"].from_string(
        "{% load layout %}<a href=\"{% fixed_url 'help' %}\">{% fixed_url 'home' %}</a>"
    )
    expected = f'<a href="{reverse("help")}">{reverse("home")}</a>'
    for language in ("en-gb", "en-gb", "cy", "cy"):
        with translation.override(language):
            assert page.render({}) == expected
    assert reversed_ == ["help", "home", "help", "home"]
    layout._FIXED_URLS.clear()
