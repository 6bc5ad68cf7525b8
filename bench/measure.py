"""Timing one page against the bare view, in four states, with its queries counted.

Each request to a page is paired with a request to the bare view by the same signed-in person,
made just before it (and before the state is set up: another person's write, or emptying the
cache, whose after-effects in this process the page alone bears): the ratio of the two is taken
pair by pair, so it compares them at the same moment of a machine whose speed varies (a shared
virtual machine's neighbours, a busy CI).

The states of a page:
- ``kept``: the same person asks again and nothing has changed (what is kept is used);
- ``after_write``: another person has just supported an idea (``Writer``: a real support
  through the service, committed), the board's most frequent write;
- ``after_comment``: another person has just commented on an idea (``Writer`` of
  ``("comment",)``), a write that changes what the board's cards show beyond supports;
- ``nothing_kept``: the cache is emptied before each request.
"""

import statistics
import time
from contextlib import contextmanager

STATES = ("kept", "after_write", "after_comment", "nothing_kept")
STATE_LABELS = {
    "kept": "kept",
    "after_write": "after a support",
    "after_comment": "after a comment",
    "nothing_kept": "nothing kept",
}


class QueryCounter:
    """Count the queries run on a connection, cheaply enough to leave on while timing."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        # Savepoints appear only when a caller (such as a test) already holds a transaction.
        if not sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
            self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def counting_queries():
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        yield counter


class NotOk(Exception):
    pass


def timed_get(client, url: str):
    """One request over HTTPS (as production answers): (milliseconds, queries, response)."""
    with counting_queries() as counter:
        start = time.perf_counter()
        response = client.get(url, secure=True)
        elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise NotOk(f"GET {url} answered {response.status_code}; the benchmark needs 200.")
    return elapsed * 1000, counter.count, response


def measure_page(
    client, url: str, *, bare_url: str, requests: int, warmup: int, before_each=None
) -> dict:
    """Median time of ``url``, its ratio to the bare view beside it, and its queries.

    The bare view is asked first; then ``before_each`` runs, untimed (another person's write,
    or emptying the cache); then the page: whatever the write or the emptying leaves behind in
    this process (garbage to collect, cold caches) is borne by the page, not by the bare view
    it is compared with."""
    pairs, queries, bare_queries = [], [], []
    response = None
    for index in range(warmup + requests):
        bare_ms, bare_count, _bare = timed_get(client, bare_url)
        if before_each is not None:
            before_each()
        ms, count, response = timed_get(client, url)
        if index >= warmup:
            pairs.append((bare_ms, ms))
            queries.append(count)
            bare_queries.append(bare_count)
    return summarise(url, pairs, queries, bare_queries, len(response.content))


def summarise(url, pairs, queries, bare_queries, size) -> dict:
    times = [ms for _bare, ms in pairs]
    bares = [bare for bare, _ms in pairs]
    return {
        "url": url,
        "requests": len(pairs),
        "median_ms": round(statistics.median(times), 2),
        "min_ms": round(min(times), 2),
        "max_ms": round(max(times), 2),
        "bare_median_ms": round(statistics.median(bares), 2),
        # Pair by pair: each request against the bare one just before it.
        "ratio_to_bare": round(statistics.median(ms / bare for bare, ms in pairs), 2),
        # The session is saved now and then (its last-seen time, once a minute): the usual
        # count, and the most any request ran.
        "queries": statistics.median_low(queries),
        "queries_max": max(queries),
        "bare_queries": statistics.median_low(bare_queries),
        "bytes": size,
        "pairs_ms": [[round(bare, 2), round(ms, 2)] for bare, ms in pairs],
    }


class Writer:
    """Another person's real write, before the next request: a participant of the project who
    is not the one measuring supports an idea, or takes the support back, through the service
    (``support_toggle``), in autocommit, so the project's content version is raised at once.

    ``ideas``: the ideas to write on (the page's own contribution, or the project's first
    ones); ``people``: the project's active participants, less whoever is measured;
    ``kinds``: what each write is, in turn: a support (``support_toggle``) or a comment
    (``comment_add``)."""

    def __init__(self, project, *, ideas, people, kinds=("support",)):
        if not ideas or not people:
            raise ValueError("A write needs an idea and a person other than the one measured.")
        self.project = project
        self.kinds = tuple(kinds)
        self.ideas = list(ideas)
        self.people = list(people)
        self.writes = 0
        self.writers: set[int] = set()

    def __call__(self):
        from contributions.services import support_toggle

        membership = self.people[self.writes % len(self.people)]
        idea = self.ideas[self.writes % len(self.ideas)]
        if self.kinds[self.writes % len(self.kinds)] == "comment":
            comment_add()(contribution=idea, author=membership, body="Same here, on the ward.")
        else:
            support_toggle(contribution=idea, membership=membership)
        self.writes += 1
        self.writers.add(membership.user_id)


def comment_add():
    """The service that adds a comment: in the conversation's subpackage, or, in the code from
    before this round (``bench/before.py`` measures it), in ``conversation_services``."""
    try:
        from contributions.conversation.services import comment_add
    except ImportError:
        from contributions.conversation_services import comment_add
    return comment_add


def writer_for(
    project, *, excluded_users, ideas=None, people=20, kinds=("support",), not_on=()
) -> Writer:
    """A writer among the project's active participants, other than ``excluded_users``, on
    ``ideas`` or the project's first ideas but those in ``not_on``."""
    from contributions.models import Contribution
    from participants.models import Membership

    members = (
        Membership.objects.filter(
            project=project, role=Membership.Role.PARTICIPANT, status=Membership.Status.ACTIVE
        )
        .exclude(user__in=[user.pk for user in excluded_users])
        .select_related("project")
        .order_by("pk")[:people]
    )
    if ideas is None:
        ideas = (
            Contribution.objects.filter(
                project=project,
                kind=Contribution.Kind.IDEA,
                hidden_at__isnull=True,
                withdrawn_at__isnull=True,
            )
            .exclude(pk__in=[idea.pk for idea in not_on])
            .select_related("project")
            .order_by("pk")[:10]
        )
    return Writer(project, ideas=list(ideas), people=list(members), kinds=kinds)
