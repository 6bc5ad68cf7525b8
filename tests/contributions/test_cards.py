"""Board cards kept in the cache (contributions/cards.py) never show what has since changed,
and what is kept for one person is never shown as another's."""

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from codesign import release
from contributions import cards
from contributions.forms import QuickContributionForm
from contributions.models import Comment, Contribution, Tag
from participants.models import Membership
from tests.factories import ContributionFactory

from .conftest import member

pytestmark = pytest.mark.django_db


def board(client, world):
    return client.get(reverse("contributions:board", args=[world.project.pk])).content.decode()


def card_of(html, contribution):
    start = html.index(f'<li id="contribution-{contribution.pk}"')
    return html[start : html.index("</article>", start)]


def rename_stage(idea, world):
    idea.stage.name = "Leaving hospital"
    idea.stage.save()


def rename_tag(idea, world):
    Tag.objects.filter(name="Medicines").update(name="Pharmacy")


def add_tag(idea, world):
    idea.tags.add(Tag.objects.create(project=world.project, name="Transport"))


def comment(idea, world):
    Comment.objects.create(
        contribution=idea, author=member(world, "staff"), constituency="staff", body="Yes"
    )


def author_leaves(idea, world):
    Membership.objects.filter(pk=idea.author_id).update(status=Membership.Status.WITHDRAWN)


def author_renamed(idea, world):
    Membership.objects.filter(pk=idea.author_id).update(display_name="Sam Carter")


def edit(**fields):
    def change(idea, world):
        Contribution.objects.filter(pk=idea.pk).update(**fields)

    return change


@pytest.mark.parametrize(
    "change, shown, gone",
    [
        (edit(title="Pack medicines the day before"), "Pack medicines the day before", None),
        (edit(body="After the ward round"), "After the ward round", "Before the ward round"),
        (edit(status="taken_forward"), "Status: Taken forward", "Status: New"),
        (edit(kind="touchpoint", emotion="worried"), "Felt: Worried", "Status: New"),
        (edit(is_anonymous=True), "Anonymous participant", "Service User"),
        (rename_stage, "Stage: Leaving hospital", "Stage: Going home"),
        (rename_tag, "Pharmacy", "Medicines"),
        (add_tag, "Transport", None),
        (comment, "1 comment", "0 comments"),
        (author_leaves, "Former participant", "Service User"),
        (author_renamed, "Sam Carter", "Service User"),
    ],
)
def test_a_kept_card_shows_each_change_to_what_it_shows(world, client, idea, change, shown, gone):
    client.force_login(world.users["staff"])
    before = card_of(board(client, world), idea)
    assert shown not in before
    change(idea, world)
    after = card_of(board(client, world), idea)
    assert shown in after
    if gone:
        assert gone not in after


def test_a_card_kept_for_its_author_is_not_shown_as_anyone_elses(world, client, idea):
    client.force_login(world.users["service_user"])
    assert ">Yours<" in card_of(board(client, world), idea)
    client.force_login(world.users["staff"])
    assert ">Yours<" not in card_of(board(client, world), idea)


def test_a_kept_card_shows_each_person_their_own_support(world, client, idea):
    support = reverse("contributions:support", args=[world.project.pk, idea.pk])
    client.force_login(world.users["staff"])
    assert "0 supports" in card_of(board(client, world), idea)
    client.post(support, {"support": "1"})
    card = card_of(board(client, world), idea)
    assert "1 support · including yours" in card and 'aria-pressed="true"' in card
    client.force_login(world.users["carer"])
    card = card_of(board(client, world), idea)
    assert "1 support" in card and "including yours" not in card
    assert 'aria-pressed="false"' in card
    # An observer may not support: the same card, kept for them, has no button.
    client.force_login(world.users["observer"])
    card = card_of(board(client, world), idea)
    assert "1 support" in card and "support-button" not in card


def test_kept_cards_hold_no_form_token(world, client, idea):
    client.force_login(world.users["staff"])
    html = board(client, world)
    assert "csrfmiddlewaretoken" not in card_of(html, idea)
    tokens = html.count('name="csrfmiddlewaretoken"')
    ContributionFactory.create_batch(3, project=world.project, author=member(world, "carer"))
    # The page's forms each hold one (the support buttons share one): not one per idea.
    assert board(client, world).count('name="csrfmiddlewaretoken"') == tokens


def test_a_kept_card_shows_its_date_in_the_organisations_time_zone(world, client, idea):
    # 23:30 in London on 1 March is 2 March in Auckland.
    created = datetime(2026, 3, 1, 23, 30, tzinfo=ZoneInfo("Europe/London"))
    Contribution.objects.filter(pk=idea.pk).update(created_at=created)
    client.force_login(world.users["staff"])
    assert "1 Mar 2026" in card_of(board(client, world), idea)
    world.organisation.time_zone = "Pacific/Auckland"
    world.organisation.save()
    assert "2 Mar 2026" in card_of(board(client, world), idea)


def test_cards_are_rendered_once_and_then_read_from_the_cache(world, client, idea, monkeypatch):
    client.force_login(world.users["staff"])
    board(client, world)
    rendered = []
    monkeypatch.setattr(
        cards, "render_to_string", lambda *args, **kwargs: rendered.append(args) or "RENDERED-AGAIN"
    )
    assert "RENDERED-AGAIN" not in board(client, world)
    assert rendered == []
    # A new release of the code renders every card afresh.
    monkeypatch.setattr(release, "fingerprint", lambda: "next-release")
    assert "RENDERED-AGAIN" in card_of(board(client, world), idea)
    assert len(rendered) == 1


def test_a_hidden_card_is_never_kept_or_shown_from_the_cache(world, client, idea):
    client.force_login(world.users["staff"])
    assert "Pack medicines early" in board(client, world)
    Contribution.objects.filter(pk=idea.pk).update(
        hidden_at=timezone.now(), hidden_reason="Names a patient"
    )
    card = card_of(board(client, world), idea)
    assert "Pack medicines early" not in card and "What it said is not shown." in card
    client.force_login(world.users["service_user"])
    card = card_of(board(client, world), idea)
    assert "is hidden from the board" in card and "Names a patient" in card


def test_the_empty_add_form_kept_for_one_project_follows_its_anonymity_setting(world, client):
    client.force_login(world.users["service_user"])
    world.project.allow_anonymous = True
    world.project.save()
    assert "Post anonymously" in board(client, world)
    world.project.allow_anonymous = False
    world.project.save()
    html = board(client, world)
    assert "Post anonymously" not in html
    assert 'name="title"' in html and 'name="submission_key"' in html


def test_the_empty_add_form_is_kept_until_the_next_release(world, client, monkeypatch):
    client.force_login(world.users["service_user"])
    assert "A few words that sum it up." in board(client, world)
    title = QuickContributionForm.base_fields["title"]
    monkeypatch.setattr(title, "help_text", "Say it in a line.")
    # Kept: the fields rendered before are shown, though the form has changed.
    assert "A few words that sum it up." in board(client, world)
    # A release no other test has rendered under (the cache outlives a test).
    next_release = uuid.uuid4().hex
    monkeypatch.setattr(release, "fingerprint", lambda: next_release)
    html = board(client, world)
    assert "Say it in a line." in html and "A few words that sum it up." not in html


def test_the_release_fingerprint_changes_with_any_template_or_code(tmp_path, settings):
    settings.BASE_DIR = tmp_path
    (tmp_path / "app" / "templates").mkdir(parents=True)
    template = tmp_path / "app" / "templates" / "card.html"
    template.write_text("<p>{{ card.title }}</p>")
    (tmp_path / "app" / "views.py").write_text("X = 1\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_it.py").write_text("")
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.MEDIA_ROOT.mkdir()

    def fingerprint():
        release.fingerprint.cache_clear()
        return release.fingerprint()

    try:
        first = fingerprint()
        assert fingerprint() == first
        (tmp_path / "tests" / "test_it.py").write_text("assert True\n")  # tests: not shipped
        (settings.MEDIA_ROOT / "upload.html").write_text("<p>a file someone sent</p>")
        assert fingerprint() == first
        template.write_text("<h3>{{ card.title }}</h3>")
        second = fingerprint()
        assert second != first
        (tmp_path / "app" / "views.py").write_text("X = 2\n")
        assert fingerprint() not in (first, second)
    finally:
        release.fingerprint.cache_clear()
