"""The board (filters, sorting, inline adding, hidden items, query count) and the touchpoint map."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from contributions import selectors
from contributions.conversation.services import comment_add, comment_withdraw
from contributions.models import Comment, Contribution, Support, Tag
from contributions.services import contribution_counts_refresh, support_toggle
from participants.models import Constituency, Membership
from tests.factories import ContributionFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def member(world, role):
    return Membership.objects.get(project=world.project, user=world.users[role])


def board_url(world, query=""):
    return reverse("contributions:board", args=[world.project.pk]) + query


def map_url(world):
    return reverse("contributions:touchpoint-map", args=[world.project.pk])


def add(world, role="service_user", **fields):
    return ContributionFactory(project=world.project, author=member(world, role), **fields)


def titles(response):
    return re.findall(r'id="contribution-\d+-title">\s*<a href="[^"]+">([^<]+)</a>', response)


@pytest.mark.parametrize(
    "role, expected",
    [
        ("outsider", 404),
        ("other_manager", 404),
        ("manager", 403),
        ("observer", 200),
        ("service_user", 200),
        ("facilitator", 200),
        ("org_admin", 200),
        ("superuser", 200),
    ],
)
def test_the_board_is_for_the_projects_own_people(world, client, role, expected):
    client.force_login(world.users[role])
    assert client.get(board_url(world)).status_code == expected
    assert client.get(map_url(world)).status_code == expected


def test_observers_read_the_board_without_a_form_to_add(world, client):
    add(world, title="Call before discharge")
    client.force_login(world.users["observer"])
    html = client.get(board_url(world)).content.decode()
    assert "Call before discharge" in html
    assert 'id="board-add"' not in html and "support-button" not in html


def test_empty_board_invites_the_first_contribution(world, client):
    client.force_login(world.users["service_user"])
    html = client.get(board_url(world)).content.decode()
    assert "Nothing on the board yet. Be the first" in html
    html = client.get(board_url(world, "?kind=idea&q=zzz")).content.decode()
    assert "Nothing matches these filters." in html


def test_each_card_shows_kind_author_stage_tags_and_counts(world, client):
    stage, _other = stages(world, "Going home", "Follow-up")
    idea = add(world, title="Pack medicines early", body="One\ntwo", stage=stage)
    idea.tags.add(Tag.objects.create(project=world.project, name="Medicines"))
    comment_add(contribution=idea, author=member(world, "staff"), body="Yes")
    comment_withdraw(
        comment=comment_add(contribution=idea, author=member(world, "staff"), body="Withdrawn")
    )
    support_toggle(contribution=idea, membership=member(world, "carer"), support=True)
    add(world, role="facilitator", kind="touchpoint", emotion="frustrated", title="Waiting")
    client.force_login(world.users["carer"])
    html = client.get(board_url(world)).content.decode()
    assert "Service User" in html  # the author's display name
    assert "One<br>two" in html
    assert "Stage: Going home" in html and "Medicines" in html
    assert "1 comment" in html and "1 support" in html and "including yours" in html
    assert 'aria-pressed="true"' in html
    assert "Felt: Frustrated" in html


def test_filters_search_and_sort(world, client):
    (stage, _other) = stages(world, "Admission", "Discharge")
    tag = Tag.objects.create(project=world.project, name="Transport")
    old = add(world, title="Old idea", status="taken_forward", status_note="Done")
    old.created_at = timezone.now() - timedelta(days=3)
    old.save()
    new = add(world, title="New idea")
    experience = add(
        world, kind="experience", title="Long wait", body="Ambulance late", stage=stage
    )
    experience.tags.add(tag)
    for role in ("staff", "carer"):
        support_toggle(contribution=old, membership=member(world, role), support=True)
    client.force_login(world.users["staff"])

    def shown(query):
        return titles(client.get(board_url(world, query)).content.decode())

    assert shown("") == ["Long wait", "New idea", "Old idea"]
    assert shown("?sort=supported")[0] == "Old idea"
    assert shown("?kind=experience") == ["Long wait"]
    assert shown(f"?stage={stage.pk}") == ["Long wait"]
    assert shown(f"?tag={tag.pk}") == ["Long wait"]
    assert shown("?status=taken_forward") == ["Old idea"]
    assert shown("?q=ambulance") == ["Long wait"]
    assert shown("?kind=nonsense&stage=999999&sort=nonsense") == [
        "Long wait",
        "New idea",
        "Old idea",
    ]
    assert new.pk and shown("?q=") == shown("")


def test_twenty_to_a_page_and_the_filters_carry_over(world, client):
    for n in range(23):
        add(world, title=f"Idea number {n}")
    client.force_login(world.users["staff"])
    page_one = client.get(board_url(world, "?kind=idea&sort=supported")).content.decode()
    assert len(titles(page_one)) == 20
    assert "23 contributions" in page_one
    assert "?kind=idea&amp;sort=supported&amp;page=2" in page_one
    page_two = client.get(board_url(world, "?kind=idea&sort=supported&page=2")).content.decode()
    assert len(titles(page_two)) == 3


def test_a_page_counts_the_whole_board_once_without_carrying_every_row(world, client):
    """The count beside a page's ids is a subquery worked out once, not a window over every
    row of the board (which PostgreSQL carries, all of them, to the page's twenty)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(45):
        add(world, title=f"Idea number {n}")
    Contribution.objects.filter(title="Idea number 3").update(withdrawn_at=timezone.now())
    client.force_login(world.users["staff"])
    for query, shown in (("", 20), ("?page=2", 20), ("?page=3", 4), ("?kind=idea&page=3", 4)):
        with CaptureQueriesContext(connection) as run:
            html = client.get(board_url(world, query)).content.decode()
        assert "44 contributions" in html
        assert "Page " in html and " of 3" in html
        assert len(titles(html)) == shown
        assert not [q["sql"] for q in run.captured_queries if " OVER " in q["sql"]]


def test_a_page_nearer_the_end_is_read_from_the_end_and_is_the_same_page(world):
    """With the board's length known (kept on the project), a page past the middle is read
    in the reverse order from the end, skipping the rows after it (a small offset) rather
    than every row before it: the same ids in the same order as reading from the start, in
    both orders the board offers, ties on supports included."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from codesign.filters import IdsFirstPaginator
    from contributions.selectors import SORTS, board

    for n in range(47):
        add(world, title=f"Idea number {n}", support_count=n % 4)
    for order in SORTS.values():
        rows = board(world.project).order_by(*order)
        for number in (1, 2, 3):
            read = IdsFirstPaginator(rows, 20, load=list, count=47)
            with CaptureQueriesContext(connection) as run:
                page = read.get_page(number)
            assert (
                list(page.object_list)
                == list(rows.values_list("pk", flat=True))[(number - 1) * 20 : number * 20]
            )
            assert len(run.captured_queries) == 1
            skipped = re.search(r"OFFSET (\d+)", run.captured_queries[0]["sql"])
            offset = int(skipped.group(1)) if skipped else 0
            assert offset <= 7, run.captured_queries  # never the 20 or 40 before the page
            assert page.paginator.num_pages == 3


# Committed writes and requests in autocommit, as in production: the board's size is read.
@pytest.mark.django_db(transaction=True)
def test_the_whole_board_reads_a_pages_ids_and_cards_in_one_query(world, client):
    """Unfiltered, in either order, from either end, a page of the board is one query for its
    ids and cards (``selectors.board_page``), and the same page as the filtered board's
    (which reads its ids, then its cards)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from contributions.board_size import board_sizes_refresh

    for n in range(45):
        add(world, title=f"Idea number {n}", support_count=n % 4)
    board_sizes_refresh(project_ids=[world.project.pk])
    client.force_login(world.users["staff"])
    for query in ("", "?page=2", "?page=3", "?sort=supported", "?sort=supported&page=3"):
        with CaptureQueriesContext(connection) as run:
            html = client.get(board_url(world, query)).content.decode()
        contributions = [
            q["sql"] for q in run.captured_queries if "contributions_contribution" in q["sql"]
        ]
        assert len(contributions) == 1, contributions
        assert " LIMIT " in contributions[0] and '"r0"' in contributions[0]
        filtered = client.get(board_url(world, f"{query}&kind=idea" if query else "?kind=idea"))
        assert titles(html) == titles(filtered.content.decode())
        assert len(titles(html)) == (5 if "page=3" in query else 20)


def test_a_search_reads_its_pages_matches_count_and_cards_in_one_query(world, client):
    """A search's page is one query: its matches gathered, counted and cut to the page, with
    their cards (``selectors.found_page``); the pages, their count and their order are those
    of the matches the ORM finds; a page past the end shows the last."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(45):
        add(world, title=f"Waiting idea {n}" if n % 5 else f"Idea {n}", support_count=n % 4)
    client.force_login(world.users["staff"])
    for sort in ("newest", "supported"):
        found = selectors.found(world.project, "waiting").order_by(*selectors.SORTS[sort])
        expected = list(found.values_list("title", flat=True))
        assert len(expected) == 36
        shown = []
        for page in (1, 2):
            with CaptureQueriesContext(connection) as run:
                html = client.get(board_url(world, f"?q=waiting&sort={sort}&page={page}"))
            contributions = [
                q["sql"] for q in run.captured_queries if "contributions_contribution" in q["sql"]
            ]
            assert len(contributions) == 1, contributions
            assert "COUNT(*)" in contributions[0] and '"r0"' in contributions[0]
            shown += titles(html.content.decode())
            assert f"Page {page} of 2" in html.content.decode()
        assert shown == expected
        for page in ("9", "0", "99999999999"):  # past the end, or no page: the last
            past = client.get(board_url(world, f"?q=waiting&sort={sort}&page={page}"))
            assert titles(past.content.decode()) == expected[20:]
        first = client.get(board_url(world, f"?q=waiting&sort={sort}&page=first"))
        assert titles(first.content.decode()) == expected[:20]
    nothing = client.get(board_url(world, "?q=nowhere&page=3")).content.decode()
    assert titles(nothing) == [] and "Page 1 of 1" not in nothing


def test_a_search_alone_is_read_without_building_the_filters_query(world, client, monkeypatch):
    """Searched (and sorted) alone, the board's page is read through the search's own query
    (``selectors.search_page``, on PostgreSQL; ``found_page`` elsewhere, or for a short
    word): the filters' query is built only when another filter is used with it."""
    from django.db import connection

    from contributions.filters import BoardFilter

    for n in range(5):
        add(world, title=f"Waiting idea {n}", kind="idea" if n % 2 else "experience")
    built = []
    filter_queryset = BoardFilter.filter_queryset
    monkeypatch.setattr(
        BoardFilter,
        "filter_queryset",
        lambda self, queryset: built.append(1) or filter_queryset(self, queryset),
    )
    client.force_login(world.users["staff"])
    for query, count, filtered in (
        ("?q=waiting", 5, False),
        ("?q=waiting&sort=supported&page=1", 5, False),
        ("?q=waiting&kind=idea", 2, True),
    ):
        built.clear()
        html = client.get(board_url(world, query)).content.decode()
        assert len(titles(html)) == count
        assert bool(built) is (filtered or connection.vendor != "postgresql"), query


def test_hidden_contributions_show_only_that_they_were_hidden(world, client):
    hidden = add(
        world,
        title="Named the nurse",
        body="Secret words",
        hidden_at=timezone.now(),
        hidden_reason="It named a member of staff.",
    )
    client.force_login(world.users["staff"])
    html = client.get(board_url(world)).content.decode()
    assert "Hidden by a facilitator" in html
    assert "Named the nurse" not in html and "Secret words" not in html
    assert "It named a member of staff." not in html
    assert "Named the nurse" not in client.get(hidden.get_absolute_url()).content.decode()
    assert (
        "Hidden by a facilitator" not in client.get(board_url(world, "?q=secret")).content.decode()
    )
    client.force_login(world.users["service_user"])
    html = client.get(board_url(world)).content.decode()
    assert "Hidden by a facilitator" in html and "It named a member of staff." in html
    assert "Secret words" not in html


def test_inline_add_with_htmx_swaps_in_the_new_card_and_a_fresh_form(world, client):
    client.force_login(world.users["carer"])
    create = reverse("contributions:contribution-create", args=[world.project.pk])
    html = client.get(board_url(world)).content.decode()
    assert f'hx-post="{create}"' in html and 'hx-target="#board-add"' in html
    response = client.post(
        create,
        {"kind": "idea", "title": "A quiet room for families", "next": board_url(world)},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    contribution = Contribution.objects.get()
    assert "<html" not in html
    assert html.count('id="board-add"') == 1
    assert 'hx-swap-oob="afterbegin:#board-list"' in html
    assert f'id="contribution-{contribution.pk}"' in html and "A quiet room for families" in html
    assert 'hx-swap-oob="innerHTML:#messages"' in html
    assert 'name="title" value="A quiet room' not in html  # the form is empty again


def test_inline_add_with_htmx_returns_the_form_with_its_errors(world, client):
    client.force_login(world.users["carer"])
    create = reverse("contributions:contribution-create", args=[world.project.pk])
    response = client.post(
        create, {"kind": "touchpoint", "title": "No emotion"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert re.search(r'id="error_\d+_id_emotion"', html)
    assert 'value="No emotion"' in html
    assert not Contribution.objects.exists()


def test_inline_add_without_javascript_goes_back_to_the_board(world, client):
    client.force_login(world.users["carer"])
    create = reverse("contributions:contribution-create", args=[world.project.pk])
    response = client.post(create, {"kind": "experience", "title": "x", "next": board_url(world)})
    assert response["Location"] == board_url(world)
    response = client.post(create, {"kind": "experience", "title": "", "next": board_url(world)})
    assert response.status_code == 200
    assert "<html" in response.content.decode() and re.search(
        r'id="error_\d+_id_title"', response.content.decode()
    )


def fill_board(world, n):
    """n contributions, each with an author of its own, two tags, comments and supports."""
    tags = [Tag.objects.get_or_create(project=world.project, name=f"Tag {i}")[0] for i in range(3)]
    stage = world.project.stages.create(name=f"Stage for {n}", order=9)
    supporters = [member(world, role) for role in ("staff", "carer")]
    for i in range(n):
        author = MembershipFactory(
            project=world.project,
            constituency=Constituency.STAFF if i % 2 else Constituency.SERVICE_USER,
        )
        contribution = ContributionFactory(
            project=world.project,
            author=author,
            kind=["idea", "experience", "touchpoint"][i % 3],
            emotion="worried" if i % 3 == 2 else "",
            stage=stage if i % 2 else None,
            is_anonymous=i % 5 == 0,
            added_by=world.users["facilitator"] if i % 7 == 0 else None,
            hidden_at=timezone.now() if i % 11 == 0 else None,
        )
        contribution.tags.add(*tags[: 1 + i % 3])
        Comment.objects.bulk_create(
            Comment(
                contribution=contribution,
                project=world.project,
                author=s,
                constituency=s.constituency,
                body="Yes",
            )
            for s in supporters
        )
        if contribution.kind == "idea":
            Support.objects.bulk_create(
                Support(
                    contribution=contribution,
                    project=world.project,
                    membership=s,
                    constituency=s.constituency,
                )
                for s in supporters
            )
    # Written in bulk, past the services that keep each contribution's counts.
    contribution_counts_refresh(contributions=Contribution.objects.filter(project=world.project))


@pytest.mark.parametrize("role", ["staff", "facilitator"])
def test_board_queries_do_not_grow_with_the_board(world, client, count_queries, role):
    client.force_login(world.users[role])
    fill_board(world, 5)
    small = count_queries(lambda: client.get(board_url(world)))
    small_sorted = count_queries(lambda: client.get(board_url(world, "?sort=supported&kind=idea")))
    fill_board(world, 195)
    assert Contribution.objects.count() == 200
    assert count_queries(lambda: client.get(board_url(world))) == small
    assert (
        count_queries(lambda: client.get(board_url(world, "?sort=supported&kind=idea")))
        == small_sorted
    )


# Committed writes, and requests in autocommit, as in production: pages are kept.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ["staff", "facilitator"])
def test_a_kept_board_page_queries_do_not_grow_either(world, client, count_queries, role):
    client.force_login(world.users[role])
    fill_board(world, 5)
    client.get(board_url(world))
    small = count_queries(lambda: client.get(board_url(world)))
    fill_board(world, 195)
    worked_out = count_queries(lambda: client.get(board_url(world)))
    kept = count_queries(lambda: client.get(board_url(world)))
    assert kept == small < worked_out
    # The session and its user, and the project (with its content version, the person's
    # membership, roles and unread notifications in the same query): the page is kept whole
    # (codesign/kept_pages.py).
    assert kept == 3


# The touchpoint map


def stages(world, *names):
    """The project's two stages, renamed."""
    found = list(world.project.stages.order_by("order"))
    for stage, name in zip(found, names, strict=True):
        stage.name = name
        stage.save()
    return found


def test_a_touchpoint_opens_the_experiences_behind_it(world, client):
    stage, other_stage = stages(world, "Discharge", "Admission")
    touchpoint = add(world, kind="touchpoint", emotion="upset", title="Told to wait", stage=stage)
    cited = add(world, "staff", kind="experience", title="Pharmacy backlog", stage=other_stage)
    same_stage = add(world, "carer", kind="experience", title="Waited all day", stage=stage)
    add(world, kind="experience", title="Unrelated", stage=other_stage)
    idea = add(world, "staff", title="Prescribe the day before")
    idea.sources.add(touchpoint, cited)
    client.force_login(world.users["carer"])
    html = client.get(touchpoint.get_absolute_url()).content.decode()
    behind = html[html.index("Experiences behind this touchpoint") : html.index("What it led to")]
    together = behind[behind.index("Cited with it") : behind.index("At the same stage")]
    assert cited.title in together and same_stage.title not in together
    assert same_stage.title in behind[behind.index("At the same stage") :]
    assert "Unrelated" not in html
    assert "Prescribe the day before" in html[html.index("What it led to") :]
    idea_html = client.get(idea.get_absolute_url()).content.decode()
    assert "Told to wait" in idea_html and "Pharmacy backlog" in idea_html


def test_the_detail_page_includes_the_conversation_once_it_exists(
    world, client, settings, tmp_path
):
    contribution = add(world)
    client.force_login(world.users["staff"])
    folder = tmp_path / "contributions" / "conversation" / "partials"
    folder.mkdir(parents=True)
    (folder / "thread.html").write_text(
        '<section id="thread-marker">{{ contribution.pk }}</section>'
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    html = client.get(contribution.get_absolute_url()).content.decode()
    assert f'<section id="thread-marker">{contribution.pk}</section>' in html


def last_page(world) -> int:
    return -(-Contribution.objects.filter(project=world.project).visible().count() // 20)


@pytest.mark.parametrize("role", ["service_user", "facilitator"])
def test_first_and_last_pages_and_searches_cost_the_same_few_queries_at_two_sizes(
    world, client, count_queries, role
):
    """Worked out (nothing kept): the last page loads only its own cards, a search reads
    the indexes, and each costs what it costs on a small board."""
    client.force_login(world.users[role])

    def costs():
        return [
            count_queries(lambda query=query: client.get(board_url(world, query)))
            for query in (
                "",
                f"?page={last_page(world)}",
                "?sort=supported",
                f"?sort=supported&page={last_page(world)}",
                "?q=reminder+day",
                "?q=idea&page=2",
                "?q=GP",
            )
        ]

    fill_board(world, 25)
    small = costs()
    fill_board(world, 175)
    assert last_page(world) >= 9
    assert costs() == small
    assert max(small) <= 12


def test_the_kept_counts_follow_supports_and_comments(world):
    idea = add(world, title="Pack medicines early")
    for role in ("carer", "staff"):
        support_toggle(contribution=idea, membership=member(world, role), support=True)
    support_toggle(contribution=idea, membership=member(world, "staff"), support=True)
    support_toggle(contribution=idea, membership=member(world, "carer"), support=False)
    first = comment_add(contribution=idea, author=member(world, "staff"), body="Yes")
    comment_add(contribution=idea, author=member(world, "carer"), body="Me too", parent=first)
    comment_withdraw(comment=first)
    comment_withdraw(comment=first)
    idea.refresh_from_db()
    assert (idea.support_count, idea.comment_count) == (1, 1)
    Contribution.objects.filter(pk=idea.pk).update(support_count=9, comment_count=9)
    contribution_counts_refresh(contributions=Contribution.objects.filter(pk=idea.pk))
    idea.refresh_from_db()
    assert (idea.support_count, idea.comment_count) == (1, 1)


def test_the_board_s_query_is_built_once_a_process_and_each_request_has_its_own_copy(
    world, monkeypatch
):
    """``selectors.board``: the ORM builds each project's board once a process; each caller
    gets a fresh copy, never read, whose filters and reading are its own."""
    from contributions.models import ContributionQuerySet

    selectors._BOARDS.clear()
    built = []
    real = ContributionQuerySet.visible
    monkeypatch.setattr(ContributionQuerySet, "visible", lambda rows: built.append(1) or real(rows))
    older = ContributionFactory(project=world.project, created_at=timezone.now() - timedelta(1))
    newer = ContributionFactory(project=world.project)
    ContributionFactory(project=world.project, withdrawn_at=timezone.now())
    ContributionFactory(project=world.other_project)
    first, second = selectors.board(world.project), selectors.board(world.project)
    assert len(built) == 1
    assert first is not second and str(first.query) == str(second.query)
    assert list(first) == [newer, older]
    assert second._result_cache is None
    assert list(second.filter(pk=older.pk)) == [older]
    assert list(selectors.board(world.project)) == [newer, older]
    assert list(selectors.board(world.other_project).values_list("project", flat=True)) == [
        world.other_project.pk
    ]
    assert len(built) == 2
