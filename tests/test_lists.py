"""Lists, one way (codesign/filters.py): a filter value a list cannot use is named beside its
field and left out, never a server error or a silent surprise; paging forgives."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

from audit.models import AuditEntry
from changes.models import ServiceChange
from outbox.models import OutboxMessage

from .factories import ContributionFactory, ServiceChangeFactory

pytestmark = pytest.mark.django_db

# (page, who reads it, a filter with a value that exists)
LISTS = {
    "audit:entry-list": ("superuser", "action", AuditEntry.Action.INVITATION_SENT),
    "outbox:message-list": ("facilitator", "status", OutboxMessage.Status.SENT),
    "changes:change-list": ("staff", "status", ServiceChange.Status.AGREED),
    "participants:membership-list": ("facilitator", "constituency", "carer"),
    "closing:payment-list": ("facilitator", "status", "paid"),
    "contributions:board": ("staff", "kind", "idea"),
}


def list_url(world, name):
    return reverse(name) if name.startswith("audit:") else reverse(name, args=[world.project.pk])


@pytest.mark.parametrize("name", sorted(LISTS))
def test_a_value_the_filter_cannot_use_is_named_beside_its_field(world, client, name):
    reader, parameter, _ = LISTS[name]
    client.force_login(world.users[reader])
    response = client.get(list_url(world, name), {parameter: "no-such-value"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Some of these filters could not be used" in html
    assert f'id="filter-{parameter}"' in html and 'aria-invalid="true"' in html
    assert f'aria-describedby="filter-{parameter}_error"' in html
    assert "Select a valid choice" in html
    assert response.context["filter_query"] == ""


@pytest.mark.parametrize("name", sorted(LISTS))
def test_a_value_it_can_use_is_kept_in_the_paging_links(world, client, name):
    reader, parameter, value = LISTS[name]
    client.force_login(world.users[reader])
    response = client.get(list_url(world, name), {parameter: value, "page": "x"})
    assert response.status_code == 200
    assert "could not be used" not in response.content.decode()
    assert response.context["filter_query"] == f"{parameter}={value}"
    assert response.context["page_obj"].number == 1


def test_filters_left_out_still_let_the_others_filter(world, client):
    ServiceChangeFactory(project=world.project, title="Agreed one", status="agreed")
    ServiceChangeFactory(project=world.project, title="Proposed one", status="proposed")
    client.force_login(world.users["facilitator"])
    url = list_url(world, "participants:membership-list")
    response = client.get(url, {"constituency": "carer", "status": "nonsense"})
    html = response.content.decode()
    assert "carer@example.org" in html and "staff@example.org" not in html
    assert "Status: Select a valid choice" in html
    assert response.context["filter_query"] == "constituency=carer"


def test_a_page_past_the_end_shows_the_last_one(world, client):
    for number in range(23):
        ServiceChangeFactory(project=world.project, title=f"Change {number}")
    client.force_login(world.users["staff"])
    response = client.get(list_url(world, "changes:change-list"), {"page": "99"})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 2


def test_search_text_too_long_or_with_a_nul_is_refused_not_searched(world, client):
    client.force_login(world.users["facilitator"])
    url = list_url(world, "participants:membership-list")
    for value in ("x" * 101, "car\x00er"):
        response = client.get(url, {"q": value})
        assert response.status_code == 200
        assert response.context["filter"].errors["q"]
        assert "carer@example.org" in response.content.decode()


def test_a_download_refuses_filters_it_cannot_use_and_says_which(world, client):
    client.force_login(world.users["facilitator"])
    url = reverse("closing:payment-csv", args=[world.project.pk])
    response = client.get(url, {"status": "<b>paid</b>", "session": "99999999999999999999"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "could not be used: Payment status, Session" in text and "<b>" not in text
    assert client.get(url, {"status": "paid"}).status_code == 200


@pytest.mark.parametrize("name", sorted(LISTS))
def test_a_filters_selects_write_their_options_without_templates(world, client, name, rendered):
    """Each option through two templates was most of the time a list's filters took."""
    reader, parameter, value = LISTS[name]
    client.force_login(world.users[reader])
    html = client.get(list_url(world, name), {parameter: value}).content.decode()
    assert f'<option value="{value}" selected>' in html
    assert not [t for t in rendered if t and t.startswith("django/forms/widgets/select")]


class _Stage:
    def __init__(self, pk, name):
        self.pk, self.name = pk, name


DISCOVER = (_Stage(1, "Discover"),)


def _board_form(data, stages=DISCOVER):
    from django.http import QueryDict

    from contributions.filters import BoardFilter
    from contributions.models import Contribution

    filters = BoardFilter(QueryDict(data), queryset=Contribution.objects.none(), stages=stages)
    filters.is_valid()  # as the board asks before it draws them
    return filters.html("Filter contributions")


@pytest.fixture
def forms_drawn(monkeypatch):
    """Each filter form drawn through its template, with the process's drawn forms emptied."""
    from codesign import filters

    drawn = []
    monkeypatch.setattr(filters, "_DRAWN_FORMS", {}, raising=False)

    def render_to_string(name, context):
        drawn.append(context["filter"].data.urlencode())
        return real(name, context)

    real = filters.render_to_string
    monkeypatch.setattr(filters, "render_to_string", render_to_string)
    return drawn


def test_a_filter_form_is_drawn_once_a_process_for_all_it_shows(forms_drawn):
    """The board worked out afresh drew its filters every time: most of its time."""
    first = _board_form("kind=idea&q=carer")
    cache.clear()  # kept by the process, not the cache: a board worked out afresh draws none
    assert _board_form("kind=idea&q=carer") == first
    assert forms_drawn == ["kind=idea&q=carer"]
    assert 'value="carer"' in first and '<option value="idea" selected>' in first

    # Another value, another stage to choose, another language: drawn for what it shows.
    assert '<option value="experience" selected>' in _board_form("kind=experience&q=carer")
    assert "Define" in _board_form("kind=idea&q=carer", stages=[_Stage(1, "Define")])
    with translation.override("cy"):
        welsh = _board_form("kind=idea&q=carer")
    assert welsh != first and len(forms_drawn) == 4
    # A value no filter can use is named beside its field, as each time.
    assert "Select a valid choice" in _board_form("kind=nonsense")


def test_a_long_value_is_drawn_each_time_and_the_forms_kept_are_bounded(forms_drawn, monkeypatch):
    from codesign import filters

    long_text = "word " * (filters.KEPT_VALUE_LENGTH // 5 + 1)
    for _time in range(2):
        _board_form(urlencode({"q": long_text}))
    assert len(forms_drawn) == 2 and not filters._DRAWN_FORMS

    monkeypatch.setattr(filters, "DRAWN_FORMS_KEPT", 3)
    for page in range(5):
        _board_form(f"q=word{page}")
    assert len(filters._DRAWN_FORMS) <= 3


def test_each_filterset_has_filters_of_its_own_and_filters_through_itself(world):
    """The filters a filterset is made with are copied for it without deep-copying each
    (``codesign.filters._Filters``): choices set on one filterset's filter are not another's
    or the class's, each makes a form field of its own, and a filter filtering through a
    method of the filterset calls the one it belongs to."""
    from contributions.filters import BoardFilter
    from contributions.models import Contribution

    rows = Contribution.objects.filter(project=world.project)
    stage = world.project.stages.order_by("order").first()
    one = BoardFilter({"q": "wait"}, queryset=rows, project=world.project, stages=[stage])
    two = BoardFilter(None, queryset=rows, project=world.project, stages=[])
    assert one.filters["stage"].extra["choices"] == [(str(stage.pk), stage.name)]
    assert two.filters["stage"].extra["choices"] == []
    assert "choices" not in BoardFilter.base_filters["stage"].extra
    # What no filterset changes is shared, not copied again for each.
    kinds = BoardFilter.base_filters["kind"].extra["choices"]
    assert one.filters["kind"].extra["choices"] is kinds is two.filters["kind"].extra["choices"]
    assert one.filters["stage"] is not two.filters["stage"]
    assert one.filters["stage"].field is not two.filters["stage"].field
    assert list(one.form.fields["stage"].choices)[1:] == [(str(stage.pk), stage.name)]
    assert list(two.form.fields["stage"].choices)[1:] == []
    for filterset in (one, two):
        assert all(f.parent is filterset for f in filterset.filters.values())
        assert filterset.filters["q"].filter.f is filterset.filters["q"]
    ContributionFactory(project=world.project, title="A long wait at the desk")
    ContributionFactory(project=world.project, title="Kind staff")
    assert [c.title for c in one.qs] == ["A long wait at the desk"]
    assert two.qs.count() == 2


def test_a_filtersets_form_class_is_made_once_for_what_its_fields_are_made_from(world):
    """django-filter made a form class and a field for each filter for every filterset (a
    third of a bound board's filters): it is made once a process for the choices and labels
    it is made from (``FilterSet.get_form_class``), and each form still has fields of its own,
    whose choices name them, in the language of the request."""
    from django.http import QueryDict

    from contributions.filters import BoardFilter
    from contributions.models import Contribution
    from participants.filters import MembershipFilter

    def made(data="kind=idea", stages=DISCOVER, **kwargs):
        return BoardFilter(
            QueryDict(data), queryset=Contribution.objects.none(), stages=stages, **kwargs
        )

    one, two = made(), made("kind=experience")
    assert type(one.form) is type(two.form)
    other = made(stages=[_Stage(2, "Define")])
    assert type(other.form) is not type(one.form)
    assert list(other.form.fields["stage"].choices)[1:] == [("2", "Define")]
    assert list(one.form.fields["stage"].choices)[1:] == [("1", "Discover")]
    # Fields, widgets and their attributes are each form's own; choices name their own field.
    for name in ("kind", "stage", "q"):
        assert one.form.fields[name] is not two.form.fields[name]
        assert one.form.fields[name].widget is not two.form.fields[name].widget
    one.form.fields["kind"].widget.attrs["data-x"] = "1"
    assert "data-x" not in two.form.fields["kind"].widget.attrs
    assert one.form.fields["kind"]._choices.field is one.form.fields["kind"]
    assert one.is_valid() and two.is_valid()
    assert (one.form.cleaned_data["kind"], two.form.cleaned_data["kind"]) == ("idea", "experience")
    with translation.override("cy"):
        welsh = made()
        welsh_empty = str(list(welsh.form.fields["kind"].choices)[0][1])
    assert type(welsh.form) is not type(one.form)
    assert welsh_empty == "Y cyfan" != str(list(one.form.fields["kind"].choices)[0][1])
    # A filter choosing from a queryset makes its form class each time.
    members = MembershipFilter(QueryDict(""), queryset=world.project.memberships.all())
    again = MembershipFilter(QueryDict(""), queryset=world.project.memberships.all())
    chooses = any("queryset" in f.extra for f in members.filters.values())
    assert (type(members.form) is type(again.form)) is not chooses
