"""The board's results kept under the project's content version (contributions/results.py):
kept while nothing the board shows changes, worked out afresh after every write that does, and
never one person's shown to another.

The tests commit their writes and the requests run in autocommit, as in production: nothing is
kept inside a transaction (codesign.content.may_keep).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from contributions import results
from contributions import services as contribution_services
from contributions.conversation import services as conversation_services
from contributions.models import Contribution, Tag
from participants import services as participant_services
from projects import services as project_services
from tests.factories import ContributionFactory

from .conftest import member

pytestmark = pytest.mark.django_db(transaction=True)

# A kept board page: the session and its user, and the project with the person's membership,
# roles and unread notifications (one query: codesign/access.py).
KEPT_QUERIES = 3


def results_of(html):
    return html[html.index('<form method="get"') : html.index("</section>")]


def board(client, world, query=""):
    url = reverse("contributions:board", args=[world.project.pk]) + query
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def staff_client(client, world, idea):
    client.force_login(world.users["staff"])
    return client


def test_a_second_view_is_kept_and_the_same(staff_client, world, django_assert_num_queries):
    first = board(staff_client, world)
    with django_assert_num_queries(KEPT_QUERIES):
        second = board(staff_client, world)
    assert results_of(second) == results_of(first)
    assert "Pack medicines early" in second
    # The page's own forms stay live, each with its token: the language switcher, signing out,
    # adding, supporting.
    assert second.count("csrfmiddlewaretoken") == first.count("csrfmiddlewaretoken") == 4


def test_what_is_kept_holds_no_form_token(staff_client, world, monkeypatch):
    kept = {}
    real = cache.set

    def keep(key, value, timeout=None, version=None):
        kept[key] = value
        real(key, value, timeout, version)

    monkeypatch.setattr(cache, "set", keep)
    board(staff_client, world)
    # No card on the page is theirs: kept for everyone with their roles.
    [shared] = [v for k, v in kept.items() if k.startswith("board-results-shared:")]
    html = shared.html
    assert "Pack medicines early" in html
    assert "csrf" not in html


def tag(idea, world):
    contribution_services.contribution_set_tags(
        contribution=idea, tags=[Tag.objects.create(project=world.project, name="Transport")]
    )


def rename_tag(idea, world):
    medicines = Tag.objects.get(project=world.project, name="Medicines")
    medicines.name = "Pharmacy"
    medicines.save()


def delete_tag(idea, world):
    contribution_services.tag_delete(tag=Tag.objects.get(project=world.project, name="Medicines"))


def rename_stage(idea, world):
    idea.stage.name = "Leaving hospital"
    idea.stage.save()


def add_idea(idea, world):
    contribution_services.contribution_add(
        project=world.project, author=member(world, "carer"), kind="idea", title="Quieter nights"
    )


def edit(idea, world):
    contribution_services.contribution_update(
        contribution=idea, title="Pack medicines the day before"
    )


def set_status(idea, world):
    contribution_services.contribution_set_status(
        contribution=idea, status="taken_forward", note="", changed_by=world.users["facilitator"]
    )


def withdraw(idea, world):
    contribution_services.contribution_withdraw(contribution=idea)


def hide(idea, world):
    conversation_services.moderation_hide(
        target=idea, reason="Names a nurse", moderator=world.users["facilitator"]
    )


def comment(idea, world):
    conversation_services.comment_add(contribution=idea, author=member(world, "carer"), body="Yes")


def support(idea, world):
    contribution_services.support_toggle(contribution=idea, membership=member(world, "carer"))


def rename_author(idea, world):
    participant_services.membership_update(
        membership=idea.author, changed_by=world.users["facilitator"], display_name="Sam Carter"
    )


def author_withdraws(idea, world):
    participant_services.membership_withdraw(
        membership=idea.author, withdrawn_by=world.users["facilitator"]
    )


def close_project(idea, world):
    project_services.project_set_status(
        project=world.project, status="closed", actor=world.users["facilitator"]
    )


WRITES = {
    "a contribution tagged": (tag, "Transport", None),
    "a tag renamed": (rename_tag, "Pharmacy", "Medicines"),
    "a tag deleted": (delete_tag, None, "Medicines"),
    "a stage renamed": (rename_stage, "Stage: Leaving hospital", "Stage: Going home"),
    "an idea added": (add_idea, "Quieter nights", None),
    "an idea edited": (edit, "Pack medicines the day before", None),
    "an idea's status": (set_status, "Status: Taken forward", "Status: New"),
    "an idea withdrawn": (withdraw, "0 contributions", "Pack medicines early"),
    "an idea hidden": (hide, "Hidden by a facilitator", "Pack medicines early"),
    "a comment": (comment, "1 comment", "0 comments"),
    "a support": (support, "1 support", "0 supports"),
    "the author renamed": (rename_author, "Sam Carter", "Service User"),
    "the author leaving": (author_withdraws, "Former participant", "Service User"),
    "the project closed": (close_project, None, 'form="support-form"'),
}


@pytest.mark.parametrize("write, shown, gone", WRITES.values(), ids=WRITES.keys())
def test_every_write_the_board_shows_is_shown_on_the_next_view(
    staff_client, world, idea, django_assert_num_queries, write, shown, gone
):
    before = board(staff_client, world)
    with django_assert_num_queries(KEPT_QUERIES):
        assert results_of(board(staff_client, world)) == results_of(before)
    write(idea, world)
    after = board(staff_client, world)
    if shown:
        assert shown not in before
        assert shown in after
    if gone:
        assert gone in before
        assert gone not in after


def test_inside_a_transaction_the_results_are_worked_out_and_not_kept(
    staff_client, world, idea, monkeypatch, django_assert_num_queries
):
    board(staff_client, world)
    asked = []
    for name in ("get", "set"):
        real = getattr(cache, name)
        monkeypatch.setattr(
            cache, name, lambda *a, real=real, **k: asked.append(a) or real(*a, **k)
        )
    with transaction.atomic():
        add_idea(idea, world)  # its commit, which raises the content version, has not happened
        assert "Quieter nights" in board(staff_client, world)
        assert "Quieter nights" in board(staff_client, world, "?kind=idea")
    assert not [a for a in asked if str(a[0]).startswith("board-results:")]
    monkeypatch.undo()
    assert "Quieter nights" in board(staff_client, world)  # worked out afresh, and kept
    with django_assert_num_queries(KEPT_QUERIES):
        assert "Quieter nights" in board(staff_client, world)


def test_a_write_rolled_back_leaves_the_page_kept(
    staff_client, world, idea, django_assert_num_queries
):
    board(staff_client, world)
    with pytest.raises(RuntimeError), transaction.atomic():
        add_idea(idea, world)
        raise RuntimeError("the request failed")
    with django_assert_num_queries(KEPT_QUERIES):
        assert "Quieter nights" not in board(staff_client, world)


def test_each_person_has_their_own_results(client, world, idea, django_assert_num_queries):
    contribution_services.support_toggle(contribution=idea, membership=member(world, "carer"))
    client.force_login(world.users["carer"])
    assert "including yours" in board(client, world)
    with django_assert_num_queries(KEPT_QUERIES):
        assert "including yours" in board(client, world)
    client.force_login(world.users["staff"])
    staff_sees = board(client, world)
    assert "1 support" in staff_sees
    assert "including yours" not in staff_sees
    client.force_login(world.users["service_user"])
    assert ">Yours<" in board(client, world)
    client.force_login(world.users["staff"])
    assert ">Yours<" not in board(client, world)


def test_people_with_the_same_roles_share_results_worked_out_once(
    client, world, idea, results_rendered, django_assert_num_queries
):
    """A page with no card of theirs: worked out for the first participant, put together for
    the next from what was kept for both (one query more: the ideas they support; the
    journey steps their add form offers are remembered in the process from the first's
    page), then kept for them; the author of a card on it has their own."""
    contribution_services.support_toggle(contribution=idea, membership=member(world, "carer"))
    client.force_login(world.users["staff"])
    staff_sees = board(client, world)
    assert "1 support" in staff_sees and "including yours" not in staff_sees
    client.force_login(world.users["carer"])
    with django_assert_num_queries(KEPT_QUERIES + 1):
        carer_sees = board(client, world)
    assert "including yours" in carer_sees and 'aria-pressed="true"' in carer_sees
    assert len(results_rendered) == 1
    with django_assert_num_queries(KEPT_QUERIES):
        assert results_of(board(client, world)) == results_of(carer_sees)
    client.force_login(world.users["service_user"])
    author_sees = board(client, world)
    assert ">Yours<" in author_sees and "including yours" not in author_sees
    assert len(results_rendered) == 2
    # The same page as a facilitator: other roles, other results.
    client.force_login(world.users["facilitator"])
    board(client, world)
    assert len(results_rendered) == 3


def test_a_shared_page_puts_each_persons_support_back(client, world, idea):
    """Results kept for everyone with the person's roles show each their own support, on
    the button (pressed or not) and beside the count."""
    client.force_login(world.users["staff"])
    board(client, world)  # kept for participants, with nobody's support
    contribution_services.support_toggle(contribution=idea, membership=member(world, "carer"))
    for role, pressed in (("carer", "true"), ("staff", "false"), ("carer", "true")):
        client.force_login(world.users[role])
        html = board(client, world)
        assert f'aria-pressed="{pressed}"' in html
        assert ("including yours" in html) == (pressed == "true")
        assert "1 support" in html


def test_filters_and_pages_are_kept_apart(staff_client, world, idea, django_assert_num_queries):
    ContributionFactory(
        project=world.project, author=member(world, "staff"), kind="experience", title="Ward phone"
    )
    everything = board(staff_client, world)
    ideas = board(staff_client, world, "?kind=idea")
    found = board(staff_client, world, "?q=phone")
    assert "Ward phone" in everything and "Pack medicines early" in everything
    assert "Ward phone" not in ideas and "Pack medicines early" in ideas
    assert "Ward phone" in found and "Pack medicines early" not in found
    with django_assert_num_queries(KEPT_QUERIES):
        assert results_of(board(staff_client, world, "?q=phone")) == results_of(found)


@pytest.fixture
def results_rendered(monkeypatch):
    """Each time the board's results are rendered (for one person, or for everyone with
    their roles)."""
    calls = []
    real = results.render_to_string
    monkeypatch.setattr(
        results,
        "render_to_string",
        lambda name, *a: (name == results.TEMPLATE and calls.append(name)) or real(name, *a),
    )
    return calls


def test_a_new_release_works_the_results_out_afresh(
    staff_client, world, settings, results_rendered
):
    board(staff_client, world)
    calls = results_rendered
    calls.clear()
    board(staff_client, world)
    assert calls == []
    settings.RELEASE = "next-release"
    board(staff_client, world)
    assert len(calls) == 1


def test_a_bulk_update_without_its_call_is_not_shown_until_the_content_changes(staff_client, world):
    """What keeping costs: a write that neither sends a signal nor says the content changed
    (``project_content_changed``) is not shown; every service's bulk update says it."""
    board(staff_client, world)
    Contribution.objects.filter(title="Pack medicines early").update(title="Changed unseen")
    assert "Changed unseen" not in board(staff_client, world)
    world.project.save()
    assert "Changed unseen" in board(staff_client, world)


def test_a_kept_page_shows_its_dates_in_the_organisations_time_zone(staff_client, world, idea):
    # 23:30 in London on 1 March is 2 March in Auckland.
    created = datetime(2026, 3, 1, 23, 30, tzinfo=ZoneInfo("Europe/London"))
    Contribution.objects.filter(pk=idea.pk).update(created_at=created)
    world.project.save()  # the bulk update above says nothing of the change
    assert "1 Mar 2026" in board(staff_client, world)
    world.organisation.time_zone = "Pacific/Auckland"
    world.organisation.save()
    assert "2 Mar 2026" in board(staff_client, world)


def test_a_hidden_card_is_kept_for_its_author_apart_from_everyone_else(client, world, idea):
    conversation_services.moderation_hide(
        target=idea, reason="Names a patient", moderator=world.users["facilitator"]
    )
    for _ in range(2):  # worked out, then kept
        client.force_login(world.users["staff"])
        html = board(client, world)
        assert "Pack medicines early" not in html and "What it said is not shown." in html
        client.force_login(world.users["service_user"])
        html = board(client, world)
        assert "is hidden from the board" in html and "Names a patient" in html


def test_the_filter_form_is_drawn_again_only_when_what_it_shows_changes(
    staff_client, world, idea, rendered
):
    board(staff_client, world, "?kind=idea")
    assert rendered.count("includes/filter_form.html") == 1
    rendered.clear()
    contribution_services.support_toggle(contribution=idea, membership=member(world, "carer"))
    assert "1 support" in board(staff_client, world, "?kind=idea")
    assert "includes/filter_form.html" not in rendered
    rename_tag(idea, world)  # a choice of the form
    html = board(staff_client, world, "?kind=idea")
    assert rendered.count("includes/filter_form.html") == 1
    assert '<option value="' in html and ">Pharmacy</option>" in html
    assert ">Medicines</option>" not in html
    # Another value asked for: another form (the kind chosen is selected in it).
    rendered.clear()
    assert 'value="touchpoint" selected' in board(staff_client, world, "?kind=touchpoint")
    assert rendered.count("includes/filter_form.html") == 1
