"""Reads of contributions that depend on who is looking."""

import re

from django.db import connection
from django.db.models import BooleanField, Count, Exists, Expression, OuterRef, Q

from codesign.memo import Memo
from participants.models import Membership
from sessions.models import WorkshopSession

from . import card_rows
from .models import Contribution, Support, Tag

SORTS = {"newest": ("-created_at", "-pk"), "supported": ("-support_count", "-created_at", "-pk")}


# Each project's board as the ORM builds it (``board``): built once a process, copied for each
# request. Built each time, it took 0.15-0.35 ms of every board worked out, whose pages are
# mostly read through queries of their own (the whole board's, a search's).
_BOARDS = Memo(kept=500)


def board(project):
    """The board of ``project`` (or of the project with that id), newest first, as lean rows to
    filter, sort and page: each kept with its support and comment counts, so no page counts
    anything (contributions/filters.py has the filters and the other order; ``cards`` loads
    what a page shows). A fresh copy of the query each time, never read (``_BOARDS``)."""
    project_id = getattr(project, "pk", project)
    built = _BOARDS.made(
        project_id,
        lambda: (
            Contribution.objects.filter(project_id=project_id).visible().order_by(*SORTS["newest"])
        ),
    )
    return built.all()


def board_page(project, sort: str, *, offset, limit, from_end=False, membership=None) -> list:
    """The cards of a page of the whole board in the order ``sort`` (``SORTS``): its rows
    ``offset`` to ``offset + limit``, counted from the end when ``from_end`` (the page's rows
    read in the reverse order: a page nearer the end skips the rows after it), shown in the
    order's own direction; in one query (``card_rows.page``)."""
    order = SORTS[sort]

    def ids(project):
        rows = board(project).order_by(*order)
        return (rows.reverse() if from_end else rows).values_list("pk", flat=True)

    return card_rows.page(
        ("board", sort, from_end),
        ids,
        project,
        offset=offset,
        limit=limit,
        order=order,
        membership=membership,
    )


def found_page(ids, project, sort: str, *, offset, limit, membership=None) -> tuple:
    """The cards of the rows ``offset`` to ``offset + limit`` of ``ids`` (the ids of what a
    search found, in the order ``sort``), shown in that order, and how many it found in all
    (None past its end), in one query (``card_rows.gathered_page``)."""
    return card_rows.gathered_page(
        ids, project, offset=offset, limit=limit, order=SORTS[sort], membership=membership
    )


def cards(project, *, membership=None):
    """Contributions as the board's cards show them: with their authors and whether the
    viewer supports each, in one query (``name_tags`` adds the tags; the page has the
    project's stages already, and gives each its own)."""
    rows = Contribution.objects.filter(project=project).select_related("author")
    if membership is not None:
        rows = rows.annotate(
            supported=Exists(
                Support.objects.filter(
                    project=project, membership=membership, contribution=OuterRef("pk")
                )
            )
        )
    return rows


def standings(project, membership, ids) -> dict:
    """How each of these contributions' tallies stand for the member: their counts, and
    whether they support it (``tallies.Standing``), in one query (``card_rows``)."""
    return card_rows.standings(project, ids, membership=membership)


def board_cards(project, ids, *, membership=None) -> list:
    """The cards of these contributions, in the order of ``ids`` (a page of the board), read
    as ``cards`` reads them in a query written once (``card_rows``)."""
    return card_rows.cards(project, ids, membership=membership)


# Shorter words are found inside words (by the trigram indexes); longer ones begin words.
SHORT_WORD = 3


def search(queryset, text: str, *, project_id: int):
    """The contributions of the project ``project_id`` (``queryset``: some of them) that a
    search may find (``searchable``: neither withdrawn nor hidden) whose title or text hold
    every word of ``text``.

    On PostgreSQL, a word of four letters or more is a word of the text, or the start of one
    (``appoint`` finds "appointment"), through the full-text index of the project's words (of
    searchable contributions alone); a shorter one, or text with no letters, is found anywhere
    in the title or the text through the trigram indexes. Elsewhere (SQLite) every word is
    found anywhere, as a substring.
    """
    queryset = searchable(queryset)
    words, long_words = _words(text)
    if long_words:
        query = words_query(project_id, long_words)
        queryset = queryset.filter(ProjectWordsMatch(project_id, query))
    return queryset.filter(*(_anywhere(word) for word in words if word not in long_words))


def found(project, text: str):
    """The board's contributions (``board``) whose title or text hold every word of ``text``
    (``search``), hidden ones left out (a hidden text is not shown, so it must not be found by
    what it says either), newest first.

    Where the project's words find them (PostgreSQL, a word of four letters or more), they
    are gathered from those words alone, which are the project's: asked for the project's rows
    as well, PostgreSQL gathered its 20,000 from their index to intersect them with the
    words' 1,900 (1 ms of a 3 ms search among 200,000)."""
    rows = Contribution.objects.all()
    if not _words(text)[1]:
        rows = rows.filter(project=project)
    return search(rows, text, project_id=project.pk).order_by(*SORTS["newest"])


def searchable(queryset):
    """What a search may find of ``queryset``: contributions not withdrawn, nor hidden (the
    index of the project's words holds these alone: contributions/migrations/0019)."""
    return queryset.visible().filter(hidden_at__isnull=True)


def search_page(project, text: str, sort: str, *, offset, limit, membership=None):
    """``found_page`` for the board searched for ``text`` alone (in the order ``sort``), when
    the project's words find every word of it (PostgreSQL, words of four letters or more):
    its query compiled once a process for the order, the project and the words its values
    (``card_rows.compiled_page``); None for a search the ORM must build each time. Built and
    compiled each time, the query cost a search 0.7 ms."""
    words, long_words = _words(text)
    if not long_words or len(long_words) != len(words):
        return None

    def build(project, query):
        rows = searchable(Contribution.objects.all()).filter(ProjectWordsMatch(project, query))
        return rows.order_by(*SORTS[sort]).values_list("pk", flat=True)

    return card_rows.compiled_page(
        ("search", sort),
        build,
        project,
        values={"query": words_query(project.pk, long_words)},
        offset=offset,
        limit=limit,
        order=SORTS[sort],
        membership=membership,
    )


def words_query(project_id: int, words) -> str:
    """The query of the project's words (``ProjectWordsMatch``) that each of ``words`` (letters
    and digits only, from ``_words``: nothing in them to quote) begins one of."""
    return " & ".join(f"'{int(project_id)}.{word}':*" for word in words)


def _words(text: str) -> tuple[list[str], list[str]]:
    """The words of ``text`` a search looks for (ten at most), and those of them the project's
    words find (PostgreSQL only: four letters or more)."""
    words = re.findall(r"[^\W_]+", text)[:10] or [text.strip()]
    if connection.vendor != "postgresql":
        return words, []
    return words, [word for word in words if len(word) > SHORT_WORD and word.isalnum()]


class ProjectWordsMatch(Expression):
    """Whether a contribution holds a word beginning with each word of ``query`` (as
    ``words_query`` writes it) in its project's words (the stored ``project_words``,
    PostgreSQL only: each word of the title and the text marked with the project,
    ``1.carer``; contributions/migrations/0015), on the table of the query it is asked in.
    The column is the database's alone: Django neither reads nor writes it.

    The words are made lower case by the database, as it made the words stored (``simple``),
    and each is a prefix of the project's words alone: the index gathers no other project's.
    The project is asked of each row found as well, in a form no index serves (``+ 0``): what
    the words found is checked, and PostgreSQL is not led to gather the project's every row
    from their index to intersect them with the words' (``found``).
    """

    conditional = True
    output_field = BooleanField()

    def __init__(self, project_id: int, query: str):
        super().__init__()
        self.project_id = project_id
        self.query = query  # as ``words_query`` writes it

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        project = f"{table}.{connection.ops.quote_name('project_id')}"
        return (
            f"({table}.project_words @@ lower(%s)::tsquery AND {project} + 0 = %s)",
            [self.query, self.project_id],
        )


def _anywhere(word: str) -> Q:
    return Q(title__icontains=word) | Q(body__icontains=word)


def name_tags(contributions) -> list:
    """Set `tag_names` on each contribution (its tags' names, in alphabetical order), in one
    query for them all that loads no tag rows (``card_rows.tag_names``)."""
    names = card_rows.tag_names([c.pk for c in contributions])
    for contribution in contributions:
        contribution.tag_names = names.get(contribution.pk, ())
    return contributions


def sessions_to_choose(project, membership):
    """The sessions a person may name: those they could see (their audience's)."""
    sessions = project.workshop_sessions.exclude(status=WorkshopSession.Status.CANCELLED)
    if membership is not None and membership.role != Membership.Role.FACILITATOR:
        sessions = sessions.for_constituency(membership.constituency)
    return sessions


def tags_in_use(project):
    """The project's tags, each with how many contributions carry it."""
    return Tag.objects.filter(project=project).annotate(used=Count("contributions"))


def _behind_and_led_to(contribution, sides=None) -> dict:
    """What is behind a contribution (its sources) and what it led to (the ideas that cite
    it), neither withdrawn, newest first: both sides of its links in one query
    (``card_rows.linked``, or ``sides`` as it reads them, when the page has them)."""
    if sides is None:
        sides = card_rows.linked(contribution)
    newest_first = [f.lstrip("-") for f in Contribution._meta.ordering]
    return {
        side: sorted(
            (c for c in found if c.withdrawn_at is None),
            key=lambda c: tuple(getattr(c, name) for name in newest_first),
            reverse=True,
        )
        for side, found in sides.items()
    }


def contribution_links(contribution, sides=None) -> dict:
    """What is behind a contribution and what it led to (``sides``: both sides of its links,
    as ``card_rows.linked`` reads them, when the page has them); for a touchpoint, the
    experiences cited by the same ideas, then the other experiences at the same stage."""
    visible = Contribution.objects.visible().select_related("stage")
    links = _behind_and_led_to(contribution, sides)
    if contribution.kind == Contribution.Kind.TOUCHPOINT:
        experiences = visible.filter(
            project_id=contribution.project_id, kind=Contribution.Kind.EXPERIENCE
        )
        cited_together = list(
            experiences.filter(
                led_to__sources=contribution, led_to__withdrawn_at__isnull=True
            ).distinct()
        )
        same_stage = []
        if contribution.stage_id:
            same_stage = list(
                experiences.filter(stage_id=contribution.stage_id).exclude(
                    pk__in=[e.pk for e in cited_together]
                )
            )
        links.update(cited_together=cited_together, same_stage=same_stage)
    return links
