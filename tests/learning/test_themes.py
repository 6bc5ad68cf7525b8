"""Themes in what people said: masked, suggested offline and deterministically, decided by
people, seeding a round and cited in CMO records."""

import re
import socket

import pytest
from django.urls import reverse

from contributions.models import PrioritisationRound
from learning.models import CmoLink, Theme, ThemeRun
from learning.themes import analysis, services, tasks
from learning.themes.masking import mask_personal_data, nhs_number_is_valid
from outbox.models import OutboxMessage
from participants.models import Constituency
from tests.factories import ContributionFactory, MembershipFactory

from .helpers import cmo_record
from .theme_texts import TEXTS

# Valid NHS numbers (Modulus 11), from the NHS's published test ranges and worked examples.
VALID_NHS_NUMBERS = ["9434765919", "4010232137", "9999999999", "4505577104"]


def _with_check_digit(first_nine: str) -> str | None:
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return None if check == 10 else first_nine + str(check)


def test_nhs_numbers_are_checked_by_modulus_11():
    for number in VALID_NHS_NUMBERS:
        assert nhs_number_is_valid(number), number
    assert not nhs_number_is_valid("9434765918")  # the last digit is wrong
    assert not nhs_number_is_valid("943476591")
    # A check digit that works out at 10 makes no valid number, whatever the last digit.
    assert _with_check_digit("000000006") is None
    assert not any(nhs_number_is_valid(f"000000006{last}") for last in range(10))
    for nine in ("123456789", "401023213", "000000001", "987654321"):
        number = _with_check_digit(nine)
        if number:
            assert nhs_number_is_valid(number)
            wrong = number[:9] + str((int(number[9]) + 1) % 10)
            assert not nhs_number_is_valid(wrong)


@pytest.mark.parametrize("number", VALID_NHS_NUMBERS)
@pytest.mark.parametrize("written", ["{a}{b}{c}", "{a} {b} {c}", "{a}-{b}-{c}"])
def test_valid_nhs_numbers_are_masked_however_written(number, written):
    shown = written.format(a=number[:3], b=number[3:6], c=number[6:])
    masked = mask_personal_data(f"My NHS number is {shown}, please check it.")
    assert masked == "My NHS number is [NHS number], please check it."


def test_phone_numbers_emails_and_postcodes_are_masked():
    text = (
        "Call 07700 900123 or +44 117 496 0000, or 0117 496 0123; "
        "write to jo.williams@example.org at 12 Mill Lane, RV1 2AB or SW1A 1AA."
    )
    masked = mask_personal_data(text)
    assert masked.count("[phone number]") == 3
    assert "[email]" in masked and masked.count("[postcode]") == 2
    assert not re.search(r"\d{4}", masked) and "@" not in masked and "RV1" not in masked
    assert "Mill Lane" in masked  # words are kept


def test_themes_on_a_fixed_set_are_deterministic():
    first = analysis.suggest_themes(TEXTS)
    again = analysis.suggest_themes(dict(reversed(list(TEXTS.items()))))
    assert first == again
    assert [(s.terms[:3], s.members) for s in first] == [
        (["pharmacy", "medicines", "tablets"], [1, 2, 3, 4]),
        (["transport", "ambulance", "came"], [5, 6, 7, 8]),
        (["night", "home", "night home"], [9, 10, 11, 12]),
    ]


def test_personal_data_never_reaches_the_analysis(monkeypatch):
    seen = []
    original = analysis.TfidfVectorizer.fit_transform

    def spy(self, documents, *args, **kwargs):
        seen.extend(documents)
        return original(self, documents, *args, **kwargs)

    monkeypatch.setattr(analysis.TfidfVectorizer, "fit_transform", spy)
    analysis.suggest_themes({**TEXTS, 13: "My NHS number is 943 476 5919, call 07700 900123."})
    assert seen and not any(re.search(r"\d{3}", document) for document in seen)
    assert not any("@" in document for document in seen)


@pytest.fixture
def themed_project(world):
    """The world's project with the fixed set as its contributions, by 4 people per group."""
    project = world.project
    groups = [Constituency.SERVICE_USER, Constituency.CARER, Constituency.STAFF]
    authors = [MembershipFactory(project=project, constituency=groups[n % 3]) for n in range(12)]
    for (_number, text), author in zip(sorted(TEXTS.items()), authors, strict=True):
        title, _dot, body = text.partition(". ")
        ContributionFactory(
            project=project, author=author, title=title[:150], body=body, kind="idea"
        )
    return world


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"a network connection was attempted: {args[1:]}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.mark.django_db
def test_the_worker_suggests_themes_with_sockets_blocked(themed_project, client_for, no_network):
    project = themed_project.project
    facilitator = themed_project.users["facilitator"]
    client = client_for(facilitator)
    suggest = reverse("learning:theme-suggest", args=[project.pk])
    assert client.post(suggest).status_code == 302
    assert client.post(suggest).status_code == 302  # asked twice: one run waits
    run = ThemeRun.objects.get(project=project)
    job = OutboxMessage.objects.get(job=services.BUILD_JOB)
    assert job.payload == {"run_id": run.pk}
    tasks.theme_run_build_job(**job.payload)
    tasks.theme_run_build_job(**job.payload)  # redelivered: nothing more
    run.refresh_from_db()
    assert run.status == ThemeRun.Status.DONE and run.contribution_count == 12
    themes = list(run.themes.order_by("position"))
    assert [theme.name for theme in themes] == [
        "pharmacy, medicines, tablets",
        "transport, ambulance, came",
        "night, home, night home",
    ]
    assert [theme.contributions.count() for theme in themes] == [4, 4, 4]


@pytest.mark.django_db
def test_people_accept_rename_merge_and_reject(themed_project, client_for):
    project = themed_project.project
    services.theme_run_build(
        run_id=services.theme_run_request(project=project, requested_by=None).pk
    )
    medicines, transport, nights = Theme.objects.filter(project=project).order_by("position")
    client = client_for(themed_project.users["facilitator"])
    decide = reverse("learning:theme-decide", args=[project.pk, medicines.pk])
    response = client.post(decide, {"decision": "accept", "name": "Waiting for medicines"})
    assert response.status_code == 302
    merge = reverse("learning:theme-merge", args=[project.pk, nights.pk])
    assert client.post(merge, {"into": medicines.pk}).status_code == 302
    reject = reverse("learning:theme-decide", args=[project.pk, transport.pk])
    assert client.post(reject, {"decision": "reject"}).status_code == 302
    medicines.refresh_from_db()
    nights.refresh_from_db()
    assert (medicines.status, medicines.name) == ("accepted", "Waiting for medicines")
    assert medicines.contributions.count() == 8
    assert nights.status == "merged" and nights.merged_into == medicines
    page = client.get(reverse("learning:theme-list", args=[project.pk])).content.decode()
    assert "People decided" in page and "nothing people wrote was sent anywhere else" in page
    assert "merged into “Waiting for medicines”" in page
    assert "Waiting all day for my tablets" in page  # facilitators read what was said


@pytest.mark.django_db
def test_an_accepted_theme_seeds_a_round_and_is_cited_in_a_cmo_record(themed_project, client_for):
    project = themed_project.project
    services.theme_run_build(
        run_id=services.theme_run_request(project=project, requested_by=None).pk
    )
    medicines, transport, _nights = Theme.objects.filter(project=project).order_by("position")
    facilitator = themed_project.users["facilitator"]
    client = client_for(facilitator)
    services.theme_accept(theme=medicines, name="Waiting for medicines", decided_by=facilitator)
    url = reverse("learning:theme-round", args=[project.pk])
    response = client.post(url, {"themes": [transport.pk], "title": "T", "dots_per_person": 3})
    assert response.status_code == 200  # only accepted themes
    data = {"themes": [medicines.pk], "title": "Medicines first?", "dots_per_person": 3}
    assert client.post(url, data).status_code == 302
    opened = PrioritisationRound.objects.get(project=project)
    assert opened.ideas.count() == 4
    cmo = cmo_record(project)
    link_url = reverse("learning:cmo-link-add", args=[project.pk, cmo.pk])
    cite = {"evidence": f"theme:{medicines.pk}", "stance": "supports", "confidence": "high"}
    assert client.post(link_url, cite).status_code == 302
    assert CmoLink.objects.get(cmo=cmo).theme == medicines
    refused = {**cite, "evidence": f"theme:{transport.pk}"}
    assert client.post(link_url, refused).status_code == 200  # not accepted: not offered


@pytest.mark.django_db
def test_managers_see_themes_as_counts_and_groups_only(themed_project, client_for):
    project = themed_project.project
    services.theme_run_build(
        run_id=services.theme_run_request(project=project, requested_by=None).pk
    )
    page = client_for(themed_project.users["manager"]).get(
        reverse("learning:theme-list", args=[project.pk])
    )
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.content.decode()))
    assert "Waiting all day for my tablets" not in text
    assert "4 contributions" in text
    # 4 people a theme (about 3 service users and carers, 1 staff): under 5, nothing shown.
    assert "Service users and carers 3" not in text and "Staff 1" not in text
    assert "Everyone 4 Service users and carers fewer than 5 Staff fewer than 5" in text


@pytest.mark.django_db
def test_the_themes_page_query_count_does_not_grow(themed_project, client_for, count_queries):
    project = themed_project.project
    client = client_for(themed_project.users["facilitator"])
    url = reverse("learning:theme-list", args=[project.pk])
    services.theme_run_build(
        run_id=services.theme_run_request(project=project, requested_by=None).pk
    )
    few = count_queries(lambda: client.get(url))
    for text in list(TEXTS.values()) * 3:
        ContributionFactory(project=project, title=text[:60], body=text)
    services.theme_run_build(
        run_id=services.theme_run_request(project=project, requested_by=None).pk
    )
    for theme in Theme.objects.filter(project=project, status="suggested")[:2]:
        services.theme_accept(theme=theme, name="", decided_by=None)
    many = count_queries(lambda: client.get(url))
    assert few == many


def test_with_nothing_to_choose_the_round_and_merge_pages_say_so(themed_project, client_for):
    """No accepted theme: no round to open; one theme only: nothing to merge it into."""
    project = themed_project.project
    services.theme_run_build(
        run_id=services.theme_run_request(project=project, requested_by=None).pk
    )
    first, *others = Theme.objects.filter(project=project).order_by("position")
    Theme.objects.filter(pk__in=[theme.pk for theme in others]).delete()
    client = client_for(themed_project.users["facilitator"])
    round_page = client.get(reverse("learning:theme-round", args=[project.pk])).content.decode()
    assert "No theme is accepted yet." in round_page and 'name="themes"' not in round_page
    merge = reverse("learning:theme-merge", args=[project.pk, first.pk])
    merge_page = client.get(merge).content.decode()
    assert "There is no other theme to merge this one into." in merge_page
    assert 'name="into"' not in merge_page
