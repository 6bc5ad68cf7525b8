"""Whole pages kept for the person (codesign/kept_pages.py), on the board: served again without
rendering while nothing they show changes, each time with the request's own form token, and
never past the rules, to anyone else, or once anything on them has changed.

The tests commit their writes and the requests run in autocommit, as in production: nothing is
kept inside a transaction (codesign.content.may_keep).
"""

import re

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from codesign import kept_pages
from contributions import services as contribution_services
from contributions import tallies
from contributions.conversation import drawing
from contributions.conversation import services as conversation_services
from notifications import services as notification_services
from participants import services as participant_services
from projects.models import Organisation
from tests.factories import ContributionFactory

from .conftest import member

pytestmark = pytest.mark.django_db(transaction=True)

# A kept board page: the session and its user, and the project with the person's membership,
# roles and unread notifications (one query: codesign/access.py).
KEPT_QUERIES = 3
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY = re.compile(r'name="submission_key" value="([^"]+)"')


def board_url(world, query=""):
    return reverse("contributions:board", args=[world.project.pk]) + query


def board(client, world, query="", **headers):
    response = client.get(board_url(world, query), headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def signed_in(world, name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users[name])
    return client


def without_tokens(html):
    """The page less what each request puts in: its form token, the add form's one-time key
    and the idle seconds left."""
    html = KEY.sub("", re.sub(r'data-remaining="\d+"', "", html))
    return TOKEN.sub("", re.sub(r'"X-CSRFToken": "[^"]+"', "", html))


def test_a_page_asked_again_is_served_whole_with_this_requests_token(world, idea, rendered):
    client = signed_in(world, "carer")
    first = board(client, world)
    assert "contributions/board.html" in rendered
    rendered.clear()
    second = board(client, world)
    assert rendered == []  # nothing rendered: the page as kept
    assert without_tokens(second) == without_tokens(first)
    assert "Pack medicines early" in second
    # No stand-in is ever served; the form token and the idle seconds are put in.
    assert kept_pages.mark("csrf") not in second and kept_pages.mark("idle") not in second
    assert kept_pages.mark("submission_key") not in second
    # The add form's one-time key is the page's own each time it is served.
    assert KEY.search(second).group(1) != KEY.search(first).group(1)
    assert re.search(r'data-remaining="\d+"', second)
    # The token of the kept page works: supporting from it is accepted.
    token = TOKEN.search(second).group(1)
    response = client.post(
        reverse("contributions:support", args=[world.project.pk, idea.pk]),
        {"csrfmiddlewaretoken": token, "support": "1"},
    )
    assert response.status_code in (200, 302)
    assert idea.supports.filter(membership=member(world, "carer")).exists()


def test_what_is_kept_holds_no_token(world, idea, monkeypatch):
    kept = {}
    real = kept_pages.content.keep_many
    monkeypatch.setattr(
        kept_pages.content,
        "keep_many",
        lambda values, seconds: kept.update(values) or real(values, seconds),
    )
    client = signed_in(world, "carer")
    served = board(client, world)
    [(versions, page)] = [value for key, value in kept.items() if key.startswith("kept-page:")]
    world.project.refresh_from_db()
    # The versions its tallies are drawn at.
    project = world.project
    assert versions == (project.content_version, project.supports_version, project.comments_version)
    token = TOKEN.search(served).group(1)
    assert token not in page
    assert kept_pages.mark("csrf") in page


def test_a_board_worked_out_keeps_its_page_and_results_in_one_round_trip(world, idea, monkeypatch):
    from django.core.cache import cache

    writes, inside = [], []
    real_set, real_many = cache.set, cache.set_many

    def set_one(*args, **kwargs):
        if not inside:  # LocMemCache's set_many sets each key
            writes.append("set")
        return real_set(*args, **kwargs)

    def set_many(*args, **kwargs):
        writes.append("set_many")
        inside.append(True)
        try:
            return real_many(*args, **kwargs)
        finally:
            inside.pop()

    monkeypatch.setattr(cache, "set", set_one)
    monkeypatch.setattr(cache, "set_many", set_many)
    board(signed_in(world, "carer"), world)
    assert writes == ["set_many"]
    # Both are there: the page for the person, the results for everyone with their roles.
    kept = [key for key in cache._cache if "kept-page" in key or "board-results" in key]
    assert len(kept) == 2


def test_a_write_on_the_board_is_shown_on_the_next_view(world, idea, rendered):
    client = signed_in(world, "carer")
    assert "Pack medicines the day before" not in board(client, world)
    contribution_services.contribution_update(
        contribution=idea, title="Pack medicines the day before"
    )
    rendered.clear()
    assert "Pack medicines the day before" in board(client, world)
    assert "contributions/board.html" in rendered


def test_supports_and_comments_are_drawn_into_the_kept_page(
    world, idea, rendered, django_assert_num_queries
):
    """A support changes only supports: the kept page is served with each support drawn as it
    stands (one query), for the supporter pressed and "including yours", and kept so; a comment
    only the comment counts."""
    carer, staff = signed_in(world, "carer"), signed_in(world, "staff")
    before = {"carer": board(carer, world), "staff": board(staff, world)}
    contribution_services.support_toggle(contribution=idea, membership=member(world, "carer"))
    rendered.clear()
    with django_assert_num_queries(KEPT_QUERIES + 1):
        carer_sees = board(carer, world)
    with django_assert_num_queries(KEPT_QUERIES + 1):
        staff_sees = board(staff, world)
    assert rendered == []
    assert "1 support · including yours" in carer_sees and 'aria-pressed="true"' in carer_sees
    assert "1 support<" in staff_sees and "including yours" not in staff_sees
    assert 'aria-pressed="false"' in staff_sees
    for name, html in (("carer", carer_sees), ("staff", staff_sees)):
        assert "0 supports" in before[name] and "0 supports" not in html
    # Drawn once: kept with the version it was drawn at.
    with django_assert_num_queries(KEPT_QUERIES):
        assert without_tokens(board(carer, world)) == without_tokens(carer_sees)
    # Taken back: drawn again.
    contribution_services.support_toggle(contribution=idea, membership=member(world, "carer"))
    again = board(carer, world)
    assert "0 supports" in again and "including yours" not in again
    assert rendered == []
    # A comment: its count drawn too.
    conversation_services.comment_add(contribution=idea, author=member(world, "staff"), body="Yes")
    rendered.clear()  # the email telling the idea's author
    with django_assert_num_queries(KEPT_QUERIES + 1):
        html = board(staff, world)
    assert "1 comment<" in html and "0 comments" not in html
    assert rendered == []


def test_only_the_tallies_that_changed_are_drawn_again(world, idea, monkeypatch):
    """Each mark says what its tally was drawn with: after one support and one comment, the
    kept board draws those two again and leaves every other card's as it was drawn."""
    for title in ("Later buses", "A quiet room", "Parking refunds"):
        ContributionFactory(
            project=world.project, author=member(world, "staff"), kind="idea", title=title
        )
    carer = signed_in(world, "carer")
    first = board(carer, world)
    assert first.count("<!--support:") == 4 and first.count("<!--comments:") == 4
    drawn = []
    for name in ("support_html", "comments_marked"):
        real = getattr(tallies, name)
        monkeypatch.setattr(
            tallies, name, lambda *a, real=real, name=name, **k: drawn.append(name) or real(*a, **k)
        )
    contribution_services.support_toggle(contribution=idea, membership=member(world, "staff"))
    conversation_services.comment_add(contribution=idea, author=member(world, "staff"), body="Yes")
    html = board(carer, world)
    assert sorted(drawn) == ["comments_marked", "support_html"]
    assert "1 support<" in html and "1 comment<" in html

    def marks(page):
        return {(m.group(1), m.group(2)): m.group(0) for m in tallies.MARK.finditer(page)}

    before, after = marks(first), marks(html)
    changed = {key for key in after if after[key] != before[key]}
    assert changed == {("support", str(idea.pk)), ("comments", str(idea.pk))}


def test_ordered_by_supports_a_support_works_the_page_out_afresh(world, idea, rendered):
    other = ContributionFactory(
        project=world.project, author=member(world, "staff"), kind="idea", title="Later buses"
    )
    client = signed_in(world, "carer")
    first = board(client, world, "?sort=supported")
    assert first.index("Later buses") < first.index("Pack medicines early")  # the newer first
    contribution_services.support_toggle(contribution=idea, membership=member(world, "staff"))
    rendered.clear()
    after = board(client, world, "?sort=supported")
    assert "contributions/board.html" in rendered
    assert after.index("Pack medicines early") < after.index("Later buses")
    assert other.pk


def test_each_person_has_their_own_page(world, idea):
    contribution_services.support_toggle(contribution=idea, membership=member(world, "carer"))
    carer, staff = signed_in(world, "carer"), signed_in(world, "staff")
    assert "including yours" in board(carer, world)
    assert "including yours" in board(carer, world)
    assert "including yours" not in board(staff, world)
    assert ">Yours<" in board(signed_in(world, "service_user"), world)
    assert ">Yours<" not in board(staff, world)


def test_someone_removed_from_the_project_is_refused_though_a_page_was_kept(world, idea):
    client = signed_in(world, "carer")
    board(client, world)
    participant_services.membership_withdraw(
        membership=member(world, "carer"), withdrawn_by=world.users["facilitator"]
    )
    assert client.get(board_url(world)).status_code in (403, 404)


def test_a_new_notification_shows_on_the_bell_of_the_next_view(world, idea):
    client = signed_in(world, "carer")
    before = board(client, world)
    notification_services.notify(
        users=[world.users["carer"]], kind="comment", project=world.project, message="Hello"
    )
    after = board(client, world)
    assert after != before
    assert "Notifications, 1 unread" not in before
    assert "Notifications, 1 unread" in after


def test_a_page_with_a_message_waiting_is_rendered_and_not_kept(world, idea, rendered):
    client = signed_in(world, "carer")
    board(client, world)
    token = TOKEN.search(board(client, world)).group(1)
    client.post(
        reverse("contributions:contribution-create", args=[world.project.pk]),
        {
            "csrfmiddlewaretoken": token,
            "kind": "idea",
            "title": "Quieter nights on the ward",
            "body": "Dim the lights at ten",
            "next": board_url(world),
        },
    )
    rendered.clear()
    with_message = board(client, world)
    assert "contributions/board.html" in rendered
    assert "Quieter nights on the ward" in with_message
    assert 'class="alert' in with_message.split('id="messages"')[1][:600]
    # The message is shown once: the next view has none, and is kept as it is.
    rendered.clear()
    again = board(client, world)
    assert 'class="alert' not in again.split('id="messages"')[1][:600]
    assert "contributions/board.html" in rendered
    rendered.clear()
    board(client, world)
    assert rendered == []


def test_htmx_requests_and_other_views_are_worked_out(world, idea, rendered):
    client = signed_in(world, "carer")
    board(client, world, "?kind=idea")
    rendered.clear()
    board(client, world, "?kind=idea", HX_Request="true")
    assert rendered  # a partial, rendered afresh
    rendered.clear()
    board(client, world, "?kind=experience")
    assert "contributions/board.html" in rendered  # another filter: another page


def test_a_change_of_the_organisations_look_is_shown_at_once(world, idea, rendered):
    client = signed_in(world, "carer")
    board(client, world)
    Organisation.objects.filter(pk=world.project.organisation_id).update(name="Riverside NHS")
    rendered.clear()
    board(client, world)
    assert "contributions/board.html" in rendered


def test_inside_a_transaction_nothing_is_kept(world, idea, rendered):
    client = signed_in(world, "carer")
    with transaction.atomic():
        board(client, world)
        rendered.clear()
        board(client, world)
        assert "contributions/board.html" in rendered


# The touchpoint map: the page kept whole as the board is, and what it shows kept under the
# journey's figures, so a write that leaves them as they are does not draw them again.

BODY = "contributions/journey/partials/map_body.html"


def touchpoint_map(client, world):
    response = client.get(reverse("contributions:touchpoint-map", args=[world.project.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_maps_figures_are_drawn_again_only_when_they_change(world, idea, rendered):
    from tests.contributions.test_journey_map import journey, touchpoint

    [waiting] = journey(world.project, "Waiting")
    touchpoint(world, "carer", waiting, "upset")
    client = signed_in(world, "carer")
    assert "1 touchpoint so far." in touchpoint_map(client, world)
    assert BODY in rendered
    rendered.clear()
    touchpoint_map(client, world)
    assert rendered == []  # the page as kept
    # A support changes nothing the map shows: the page stays kept.
    contribution_services.support_toggle(contribution=idea, membership=member(world, "staff"))
    assert "1 touchpoint so far." in touchpoint_map(client, world)
    assert rendered == []
    # A comment changes nothing the map shows either.
    conversation_services.comment_add(contribution=idea, author=member(world, "staff"), body="Yes")
    rendered.clear()  # the email telling the idea's author
    touchpoint_map(client, world)
    assert rendered == []
    # An idea changes the project's pages, not the map's figures.
    contribution_services.contribution_add(
        project=world.project, author=member(world, "staff"), kind="idea", title="Quieter nights"
    )
    assert "1 touchpoint so far." in touchpoint_map(client, world)
    assert "contributions/journey/map.html" in rendered and BODY not in rendered
    rendered.clear()
    touchpoint(world, "staff", waiting, "happy")
    assert "2 touchpoints so far." in touchpoint_map(client, world)
    assert BODY in rendered


# A contribution's comments: drawn again on a kept page only when they change (the thread's
# version), with each request's own form token.

COMMENTS = "a contribution's comments, drawn"


@pytest.fixture
def rendered(rendered, monkeypatch):
    """The templates rendered, and each time a contribution's comments were drawn (in Python,
    ``contributions.conversation.drawing``)."""
    real = drawing.thread_html
    monkeypatch.setattr(
        drawing, "thread_html", lambda thread: rendered.append(COMMENTS) or real(thread)
    )
    return rendered


def contribution_page(client, idea):
    response = client.get(idea.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_the_comments_are_drawn_again_only_when_they_change(world, idea, rendered):
    from contributions.conversation import services as conversation_services

    comment = conversation_services.comment_add(
        contribution=idea, author=member(world, "staff"), body="Yes, the day before"
    )
    client = signed_in(world, "carer")
    first = contribution_page(client, idea)
    assert COMMENTS in rendered and "Yes, the day before" in first
    # A comment on another idea: neither the page nor its comments are drawn again.
    other = ContributionFactory(project=world.project, author=member(world, "staff"), kind="idea")
    contribution_page(client, idea)
    conversation_services.comment_add(contribution=other, author=member(world, "carer"), body="No")
    rendered.clear()
    again = contribution_page(client, idea)
    assert rendered == []
    assert "Yes, the day before" in again
    # The reply form's token is this request's: a reply posted from it is taken.
    token = TOKEN.findall(again)[-1]
    response = client.post(
        reverse("conversation:comment-reply", args=[world.project.pk, comment.pk]),
        {"csrfmiddlewaretoken": token, "body": "And a bag for them"},
    )
    assert response.status_code in (200, 302)
    rendered.clear()
    assert "And a bag for them" in contribution_page(client, idea)
    assert COMMENTS in rendered
    # Its author sees their own controls on it; another person does not.
    edit = reverse("conversation:comment-edit", args=[world.project.pk, comment.pk])
    assert edit in contribution_page(signed_in(world, "staff"), idea)
    assert edit not in contribution_page(client, idea)


def test_a_kept_contribution_reads_its_comments_only_once_one_of_them_changes(world, idea):
    """Each contribution carries its thread's version: a comment elsewhere in the project
    moves the project's comments version, but the page does not read this thread again; a
    comment written, edited, hidden, withdrawn or deleted here moves it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from contributions.conversation import services as conversation_services

    comment = conversation_services.comment_add(
        contribution=idea, author=member(world, "staff"), body="Yes, the day before"
    )
    other = ContributionFactory(project=world.project, author=member(world, "staff"), kind="idea")
    client = signed_in(world, "carer")
    contribution_page(client, idea)

    def served(expect_read: bool) -> str:
        with CaptureQueriesContext(connection) as queries:
            html = contribution_page(client, idea)
        read = any('FROM "contributions_comment"' in q["sql"] for q in queries.captured_queries)
        assert read == expect_read
        return html

    served(expect_read=False)
    conversation_services.comment_add(contribution=other, author=member(world, "carer"), body="No")
    assert "Yes, the day before" in served(expect_read=False)
    conversation_services.comment_update(comment=comment, body="Yes, two days before")
    assert "Yes, two days before" in served(expect_read=True)
    served(expect_read=False)
    conversation_services.moderation_hide(
        target=comment, reason="Off topic", moderator=world.users["facilitator"]
    )
    assert "Hidden by a facilitator." in served(expect_read=True)
    conversation_services.moderation_restore(target=comment, moderator=world.users["facilitator"])
    assert "Yes, two days before" in served(expect_read=True)
    reply = conversation_services.comment_add(
        contribution=idea, author=member(world, "carer"), body="And a bag", parent=comment
    )
    assert "And a bag" in served(expect_read=True)
    conversation_services.comment_withdraw(comment=reply)
    assert "And a bag" not in served(expect_read=True)
    reply.delete()
    served(expect_read=True)
    served(expect_read=False)


def test_a_page_that_says_something_as_it_is_drawn_is_sent_whole_and_not_kept(
    world, idea, rendered, monkeypatch
):
    from django.contrib import messages as flash

    from contributions.board import BoardView

    drawn = BoardView.get_context_data

    def saying(self, **kwargs):
        flash.info(self.request, "Welcome back")
        return drawn(self, **kwargs)

    monkeypatch.setattr(BoardView, "get_context_data", saying)
    client = signed_in(world, "carer")
    html = board(client, world)
    assert "Welcome back" in html
    assert kept_pages.mark("csrf") not in html and kept_pages.mark("idle") not in html
    assert TOKEN.search(html)
    monkeypatch.setattr(BoardView, "get_context_data", drawn)
    rendered.clear()
    board(client, world)
    assert "contributions/board.html" in rendered  # nothing was kept


# The contribution page: kept whole for the person, as the board is, and shown afresh once
# anything on it changes: what is behind it, what it led to, who wrote it.


def test_a_contribution_page_is_kept_until_what_it_shows_changes(world, idea, rendered):
    from changes.models import ServiceChange
    from tests.factories import ContributionFactory

    story = ContributionFactory(
        project=world.project, author=member(world, "staff"), kind="experience", title="Lost bag"
    )
    client = signed_in(world, "carer")
    first = contribution_page(client, idea)
    assert "contributions/contribution_detail.html" in rendered and "Lost bag" not in first
    rendered.clear()
    again = contribution_page(client, idea)
    assert rendered == []
    assert without_tokens(again) == without_tokens(first)
    assert kept_pages.mark("csrf") not in again and TOKEN.search(again)
    # A story linked behind the idea (a link, not a save of either row).
    idea.sources.add(story)
    assert "Lost bag" in contribution_page(client, idea)
    # A service change made from it.
    change = ServiceChange.objects.create(project=world.project, title="Medicines by noon")
    change.contributions.add(idea)
    assert "Medicines by noon" in contribution_page(client, idea)
    # Its author's name, as the project shows it.
    author = member(world, "service_user")
    author.display_name = "Sam from Ward 7"
    author.save()
    assert "Sam from Ward 7" in contribution_page(client, idea)
    # Another person has their own page: the author sees their own controls.
    edit = reverse("contributions:contribution-edit", args=[world.project.pk, idea.pk])
    assert edit in contribution_page(signed_in(world, "service_user"), idea)
    assert edit not in contribution_page(client, idea)


def test_a_contribution_page_draws_its_support_and_comments_as_they_stand(
    world, idea, rendered, django_assert_num_queries
):
    """The contribution's page is kept while only supports and comments change: its support
    drawn from the contribution its rule reads anyway, its comments drawn in (kept apart under
    what they show) once they have changed."""
    client = signed_in(world, "carer")
    url = idea.get_absolute_url()
    assert "0 supports" in client.get(url).content.decode()
    contribution_services.support_toggle(contribution=idea, membership=member(world, "carer"))
    world.project.refresh_from_db()
    assert world.project.supports_version == 1
    rendered.clear()
    # The kept page's queries and the contribution's: its comments are not read again.
    with django_assert_num_queries(KEPT_QUERIES + 1):
        html = client.get(url).content.decode()
    assert rendered == []
    assert "1 support · including yours" in html and 'aria-pressed="true"' in html
    other = signed_in(world, "staff").get(url).content.decode()
    assert "1 support<" in other and 'aria-pressed="false"' in other
    # A comment on it: the page is kept, its comments are drawn in it as they stand.
    conversation_services.comment_add(
        contribution=idea, author=member(world, "staff"), body="Yes, and a map"
    )
    rendered.clear()
    html = client.get(url).content.decode()
    assert "contributions/contribution_detail.html" not in rendered
    assert COMMENTS in rendered
    assert "Yes, and a map" in html and "1 support · including yours" in html
    assert html.count("<!--thread:") == 1 and kept_pages.mark("csrf") not in html
    rendered.clear()
    assert without_tokens(client.get(url).content.decode()) == without_tokens(html)
    assert rendered == []  # kept as drawn, with the comment in it


def test_text_people_write_cannot_make_a_mark(world, idea):
    """What people write is escaped before the marks are looked for: a title that spells one
    is shown as written and never drawn over."""
    spelled = f"<!--support:{idea.pk}:1-->Pack<!--/support-->"
    ContributionFactory(
        project=world.project, author=member(world, "staff"), kind="idea", title=spelled
    )
    html = board(signed_in(world, "carer"), world)
    assert "&lt;!--support:" in html
    assert html.count(f"<!--support:{idea.pk}:") == 1  # the idea's own support only


def test_a_comment_cannot_make_a_thread_mark(world, idea):
    """A comment that spells the marks its thread is drawn between is shown as written: the
    kept page's comments are drawn in once, where the page put them."""
    client = signed_in(world, "carer")
    contribution_page(client, idea)
    spelled = f"<!--/thread--><!--thread:{idea.pk}-->Forged<!--/thread-->"
    conversation_services.comment_add(
        contribution=idea, author=member(world, "staff"), body=spelled
    )
    html = contribution_page(client, idea)
    assert "&lt;!--thread:" in html and html.count("<!--thread:") == 1
    assert html.count("Forged") == 1


def test_a_kept_page_is_drawn_again_when_the_persons_own_row_changes(world, idea, rendered):
    from django.urls import reverse

    client = signed_in(world, "facilitator")
    audit = reverse("audit:entry-list")
    assert audit not in board(client, world)
    rendered.clear()
    assert audit not in board(client, world)
    assert "contributions/board.html" not in rendered  # kept
    # Their own row is part of what the page is kept under (request.user is a lazy object,
    # whose own attributes are not the row's: its row is read through it).
    user = world.users["facilitator"]
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    assert audit in board(client, world)
    assert "contributions/board.html" in rendered


def test_a_kept_pages_key_holds_the_persons_row_behind_the_lazy_user(world):
    from django.test import RequestFactory
    from django.utils.functional import SimpleLazyObject

    user = world.users["facilitator"]

    def key_for(person):
        request = RequestFactory().get(board_url(world))
        request.user = SimpleLazyObject(lambda: person)
        request.session = {}
        return kept_pages.key(request, world.project)

    before = key_for(user)
    assert kept_pages.row(SimpleLazyObject(lambda: user)) == kept_pages.row(user)
    user.full_name = "Someone else"
    assert key_for(user) != before


def test_two_pages_of_one_kept_board_each_add_what_is_sent_from_them(world, rendered):
    """A kept board served twice (two tabs, two devices) carries a one-time key of its own
    each time: what is added from the second is not taken for a second sending of what was
    added from the first (which returned the first's contribution, and lost the second)."""
    client = signed_in(world, "carer")
    pages = [board(client, world), board(client, world)]
    assert "contributions/board.html" in rendered  # the first worked out, the second kept
    create = reverse("contributions:contribution-create", args=[world.project.pk])
    for page, title in zip(pages, ("Bring the letters", "A quiet room"), strict=True):
        response = client.post(
            create,
            {
                "csrfmiddlewaretoken": TOKEN.search(page).group(1),
                "submission_key": KEY.search(page).group(1),
                "kind": "idea",
                "title": title,
                "next": board_url(world),
            },
        )
        assert response.status_code == 302
    titles = set(world.project.contributions.values_list("title", flat=True))
    assert {"Bring the letters", "A quiet room"} <= titles


def test_the_add_form_is_drawn_once_a_process_for_what_it_shows(world, rendered, monkeypatch):
    """Worked out afresh, the board drew its add form each time (a tenth of its time): it is
    drawn once a process for the project's steps, whether it takes anonymous posts, and the
    language, with stand-ins for the token and the key, put in when served."""
    from django.core.cache import cache

    from contributions import board as board_view

    monkeypatch.setattr(board_view, "_ADD_FORMS", board_view.Memo(kept=10))
    client = signed_in(world, "carer")
    first = board(client, world)
    cache.clear()
    rendered.clear()
    second = board(client, world)
    assert "contributions/board.html" in rendered  # worked out again...
    assert "contributions/partials/add_form.html" not in rendered  # ...but not its add form
    assert without_tokens(second) == without_tokens(first)
    assert KEY.search(second).group(1) != KEY.search(first).group(1)
    anonymous = world.project.allow_anonymous
    assert TOKEN.search(second) and ('name="is_anonymous"' in second) is anonymous
    cache.clear()
    world.project.allow_anonymous = not anonymous
    world.project.save(update_fields=["allow_anonymous"])
    rendered.clear()
    third = board(client, world)
    assert "contributions/partials/add_form.html" in rendered
    assert ('name="is_anonymous"' in third) is not anonymous
    cache.clear()
    rendered.clear()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    with translation.override(translation.get_language()):  # the request leaves Welsh on
        welsh = board(client, world)
    assert "contributions/partials/add_form.html" in rendered
    assert welsh != third


def test_a_pages_stand_ins_follow_the_secret_key(settings):
    """Worked out once a process, the stand-ins still come from the key in force: no text
    anyone writes can fake one, and a new key makes new ones."""
    from codesign.kept_pages import mark

    first = mark("csrf")
    assert first == mark("csrf") and first != mark("idle")
    assert first.startswith("kept") and len(first) == 28
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert mark("csrf") != first
