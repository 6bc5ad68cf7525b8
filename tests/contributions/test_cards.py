"""A card on the board, drawn in Python (``contributions.cards``): what it says to whom, every
text people wrote escaped, and its words in the reader's language."""

import re

import pytest
from django.utils import translation

from contributions import cards
from contributions.conversation import services as conversation_services
from tests.factories import ContributionFactory

from .conftest import member

PAYLOAD = '<script>alert("x")</script>'


def card(world, c, role, *, can_support=False) -> str:
    c.support_count, c.comment_count = 3, 1
    c.tag_names = tuple(c.tags.order_by("name").values_list("name", flat=True))
    return str(cards.Page(world.users[role], world.project.pk).card(c, can_support=can_support))


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_an_idea_shows_its_kind_status_author_date_stage_tags_and_tallies(world, idea):
    html = card(world, idea, "staff", can_support=True)
    assert html.startswith(f'<li id="contribution-{idea.pk}" class="mb-3">')
    assert f'<a href="{idea.get_absolute_url()}">Pack medicines early</a>' in html
    shown = text(html)
    for words in (
        "Idea",
        "Status: New",
        "Before the ward round",
        "Stage: Going home",
        "Medicines",
        "3 supports",
        "1 comment",
        idea.created_at.strftime("%Y"),
    ):
        assert words in shown
    assert "Yours" not in shown
    assert f'formaction="/projects/{world.project.pk}/contributions/{idea.pk}/support/"' in html
    assert f'<time datetime="{idea.created_at.astimezone().isoformat()[:10]}' in html


def test_the_author_sees_yours_and_nobody_gets_a_button_they_may_not_use(world, idea):
    assert "Yours" in text(card(world, idea, "service_user"))
    assert "<button" not in card(world, idea, "staff", can_support=False)


def test_a_touchpoint_says_how_it_felt_in_words(world):
    touchpoint = ContributionFactory(
        project=world.project,
        author=member(world, "carer"),
        kind="touchpoint",
        emotion="worried",
        title="Waiting for the letter",
    )
    html = card(world, touchpoint, "staff")
    assert '<span aria-hidden="true">😟</span> Felt: Worried' in html
    assert "support" not in text(html).lower()


def test_a_long_body_is_cut_and_its_lines_kept(world):
    c = ContributionFactory(
        project=world.project, author=member(world, "carer"), body="First line\n" + "a" * 400
    )
    html = card(world, c, "staff")
    assert "First line<br>" in html
    assert "a" * 268 + "…" in html and "a" * 270 not in html


def test_a_hidden_card_tells_its_author_why_and_nobody_else_anything(world, idea):
    conversation_services.moderation_hide(
        target=idea, reason="Names a patient", moderator=world.users["facilitator"]
    )
    idea.refresh_from_db()
    to_author = text(card(world, idea, "service_user"))
    assert "Your “Pack medicines early” is hidden from the board." in to_author
    assert "Reason: Names a patient" in to_author
    to_others = text(card(world, idea, "staff"))
    assert "What it said is not shown." in to_others
    assert "Pack medicines" not in to_others and "Names a patient" not in to_others


def test_every_text_people_wrote_is_escaped(world, idea):
    idea.title = idea.body = PAYLOAD
    idea.save()
    idea.stage.name = PAYLOAD
    idea.stage.save()
    idea.tags.update(name=PAYLOAD)
    author = idea.author
    author.display_name = PAYLOAD
    author.save()
    html = card(world, idea, "staff", can_support=True)
    assert "<script>" not in html
    assert html.count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;") >= 5
    conversation_services.moderation_hide(
        target=idea, reason=PAYLOAD, moderator=world.users["facilitator"]
    )
    idea.refresh_from_db()
    hidden = card(world, idea, "service_user")
    assert "<script>" not in hidden and hidden.count("&lt;script&gt;") == 2


@pytest.mark.parametrize("language", ["cy"])
def test_a_card_is_in_the_readers_language(world, idea, language):
    with translation.override(language):
        shown = text(card(world, idea, "staff", can_support=True))
    assert "Status: New" not in shown and "Stage:" not in shown
    assert "Pack medicines early" in shown


def test_an_address_is_put_together_right_whatever_the_project_number():
    from django.urls import reverse

    from codesign.links import PLACEHOLDER, Links

    project = int(PLACEHOLDER + "0")  # holds the placeholder's digits
    assert Links("contributions:support", project)(7) == reverse(
        "contributions:support", args=[project, 7]
    )


@pytest.mark.parametrize("language", ["en-gb", "cy"])
def test_a_cards_day_is_written_as_the_date_filter_writes_it(language):
    from datetime import date

    from django.template.defaultfilters import date as date_filter

    with translation.override(language):
        for month in range(1, 13):
            moment = date(2026, month, 4 if month % 2 else 28)
            assert cards.day_written(moment, language) == date_filter(moment, "j M Y")
    assert cards.day_written(date(987, 1, 1), language).endswith(" 0987")


@pytest.mark.parametrize("language", ["en-gb", "cy"])
def test_the_tallies_words_are_the_catalogues_for_each_count(language):
    from django.utils import formats
    from django.utils.translation import gettext, ngettext

    from contributions import tallies

    with translation.override(language):
        for count in (0, 1, 2, 3, 1234):
            n = {"n": formats.localize(count)}
            said = tallies.said(count)
            assert said["supports"] == ngettext("%(n)s support", "%(n)s supports", count) % n
            assert said["comments"] == ngettext("%(n)s comment", "%(n)s comments", count) % n
            assert said["support"] == gettext("Support")
            assert said["yours"] == " · " + gettext("including yours")


def test_a_page_of_cards_asks_the_catalogue_for_its_tallies_once_per_count(world, monkeypatch):
    from contributions import tallies

    tallies._said.cache_clear()
    asked = []
    real = tallies.ngettext
    monkeypatch.setattr(tallies, "ngettext", lambda *a: asked.append(a) or real(*a))
    ideas = [ContributionFactory(project=world.project, kind="idea") for _ in range(6)]
    page = cards.Page(world.users["staff"], world.project.pk)
    for c in ideas:
        c.support_count, c.comment_count, c.tag_names = 2, 2, ()
        page.card(c, can_support=True)
    assert len(asked) == 2  # "2 supports" and "2 comments", once each


def test_a_page_of_cards_asks_the_language_and_time_zone_once(world, monkeypatch):
    """The reader's language and time zone are the request's, a lookup of a few microseconds
    each that a card made five times: a page asks once, for all its cards."""
    from django.utils import timezone

    from codesign.templatetags import choices
    from contributions import tallies

    asked = []

    def counted(module, name):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a: asked.append(name) or real(*a))

    counted(translation, "get_language")
    counted(timezone, "get_current_timezone")
    ideas = [ContributionFactory(project=world.project, kind="idea") for _ in range(3)]
    touchpoint = ContributionFactory(project=world.project, kind="touchpoint", emotion="upset")
    page = cards.Page(world.users["staff"], world.project.pk)
    assert sorted(asked) == ["get_current_timezone", "get_language"]
    for c in [*ideas, touchpoint]:
        c.support_count, c.comment_count, c.tag_names = 2, 2, ()
        page.card(c, can_support=True)
    assert sorted(asked) == ["get_current_timezone", "get_language"]
    # Each part drawn alone asks the reader's language itself, as before.
    with translation.override("cy"):
        assert str(cards.kind_badge(ideas[0])) != str(cards.kind_badge(ideas[0], "en-gb"))
        assert tallies.said(2) == tallies.said(2, "cy") != tallies.said(2, "en-gb")
        assert choices.choice(touchpoint, "emotion") == choices.label(touchpoint, "emotion", "cy")


def test_a_page_asks_the_support_rule_once_for_each_kind_of_card_it_tells_apart(world, monkeypatch):
    """Whether the reader may support a card is the rules' answer (``may_support``), asked
    once a page for each combination of what the rule reads of a card
    (``rules.support_reads``): the same answer, card by card, as asking for each, whoever
    wrote it, whatever its state, for every role."""
    from django.utils import timezone

    from accounts.models import User

    carer = member(world, "carer")
    made = [
        ContributionFactory(project=world.project, kind="idea"),
        ContributionFactory(project=world.project, kind="idea", author=carer),
        ContributionFactory(project=world.project, kind="idea", status="in_progress"),
        ContributionFactory(project=world.project, kind="idea", hidden_at=timezone.now()),
        ContributionFactory(project=world.project, kind="idea", withdrawn_at=timezone.now()),
        ContributionFactory(project=world.project, kind="experience"),
        ContributionFactory(project=world.project, kind="touchpoint", emotion="upset"),
        ContributionFactory(project=world.other_project, kind="idea"),
    ]
    asked = []
    real = User.has_perm
    monkeypatch.setattr(
        User, "has_perm", lambda self, perm, obj=None: asked.append(perm) or real(self, perm, obj)
    )
    for role, user in world.users.items():
        if user is None:
            continue
        page = cards.Page(user, world.project.pk)
        answers = [page.may_support(c) for c in made]
        assert len(asked) == 3, role  # ideas here, one withdrawn, and one elsewhere
        assert answers == [cards.may_support(user, c) for c in made], role
        asked.clear()
    page = cards.Page(world.users["carer"], world.project.pk)
    assert [page.may_support(c) for c in made] == [True] * 4 + [False] * 4
