"""Reads about sessions that depend on who is looking."""

from collections import Counter
from dataclasses import dataclass
from functools import partial

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils.translation import gettext as _

from codesign import rows
from codesign.disclosure import Disclosure, disclose
from outbox.models import OutboxMessage
from participants.models import AccessNeeds, Membership

from .language import HeldIn, LanguageWanted, welsh_prompt_percent
from .models import Reply, WorkshopSession


def session_audience(session, *, exclude_not_going: bool = False):
    """Active members (participants and facilitators) the session is for: people who accepted
    their invitation and consented; someone still invited hears of nothing until they join."""
    memberships = Membership.objects.filter(session.audience_memberships()).select_related("user")
    if exclude_not_going:
        memberships = memberships.exclude(
            session_replies__session=session, session_replies__answer=Reply.Answer.NOT_GOING
        )
    return memberships


def managed_without_reply(session) -> list:
    """The people of the session's audience (its one rule, ``audience_memberships``) a
    facilitator acts for by phone or post who have not replied, while the session is still to
    come: found through the partial index of managed members (``membership_managed``), not by
    reading every member of the project; the ORM writes the query once a process for each
    audience (``rows.compiled``: building it took a millisecond of a session's page)."""
    return managed_without_reply_read(session).run()


def managed_without_reply_read(session) -> rows.Read:
    """``managed_without_reply`` as a read, to run with the page's others."""
    if session.status != session.Status.SCHEDULED:
        return rows.known([])
    return rows.compiled_read(
        ("managed-without-reply", session.audience),
        Membership,
        partial(_managed_without_reply, audience=session.audience),
        project=session.project_id,
        session=session.pk,
    )


def _managed_without_reply(*, audience, project, session):
    audience_of = WorkshopSession(pk=session, project_id=project, audience=audience)
    return (
        Membership.objects.filter(audience_of.audience_memberships(), managed_by_facilitator=True)
        .filter(~Exists(Reply.objects.filter(session_id=session, membership_id=OuterRef("pk"))))
        .order_by("display_name", "pk")
    )


def _column(q, alias: str, model, name: str) -> str:
    return f"{q(alias)}.{q(model._meta.get_field(name).column)}"


def sessions_for_project(project, membership=None, *, manage: bool):
    """A project's sessions as a person sees them: facilitators all, members their audience's."""
    sessions = project.workshop_sessions.select_related("stage").annotate(
        going=Count("replies", filter=Q(replies__answer=Reply.Answer.GOING)),
        waiting=Count("replies", filter=Q(replies__answer=Reply.Answer.WAITLIST)),
    )
    if not manage and membership is not None and membership.role != Membership.Role.FACILITATOR:
        sessions = sessions.for_constituency(membership.constituency)
    if membership is not None:
        sessions = sessions.prefetch_related(
            Prefetch(
                "replies",
                queryset=Reply.objects.filter(membership=membership),
                to_attr="my_replies",
            )
        )
    return sessions


def replies_for_facilitator(session):
    """A session's replies as its replies page lists them: by answer, then name."""
    return session.replies.select_related("membership").order_by(
        "answer", "waitlisted_at", "membership__display_name"
    )


# Those who are coming, or may come: their needs are counted for the room.
COMING = (Reply.Answer.GOING, Reply.Answer.MAYBE)


@dataclass(frozen=True)
class ReplyCounts:
    """A session's replies counted (``reply_counts``): how many gave each answer; of those
    who may come, how many asked for Welsh and for English; of those coming, how many asked
    for something extra."""

    answers: dict[str, int]
    welsh: int
    english: int
    extra: int

    @property
    def total(self) -> int:
        return sum(self.answers.values())


def reply_counts(session) -> ReplyCounts:
    """The session's replies counted by the database, in one query of a few rows (how many
    gave each answer, with each language asked for, asking for something extra or not), added
    up here (a facilitator's session page shows these, not the replies: they have a page of
    their own). Written here rather than built by the ORM, whose aggregate took 2 ms to put
    together for a 0.2 ms query."""
    return reply_counts_read(session).run()


def reply_counts_read(session) -> rows.Read:
    """``reply_counts`` as a read, to run with the page's others."""
    connection, sql = rows.written("reply-counts", Reply, _reply_counts_sql)
    return rows.Read(connection, sql, {"session": session.pk}, _counted)


def _reply_counts_sql(connection, q) -> str:
    # Only names the database backend quotes, and a placeholder: no value is written in.
    return (
        f"SELECT {q('answer')}, {q('language_wanted')},"  # noqa: S608
        f" CASE WHEN {q('session_needs')} = '' THEN 0 ELSE 1 END, COUNT(*)"
        f" FROM {q(Reply._meta.db_table)} WHERE {q('session_id')} = %(session)s"
        " GROUP BY 1, 2, 3"
    )


def _counted(found) -> ReplyCounts:
    answers = dict.fromkeys(Reply.Answer.values, 0)
    welsh = english = extra = 0
    for answer, language, asks_extra, n in found:
        answers[answer] = answers.get(answer, 0) + n
        if answer != Reply.Answer.NOT_GOING:
            welsh += n if language == LanguageWanted.WELSH else 0
            english += n if language == LanguageWanted.ENGLISH else 0
        if answer in COMING and asks_extra:
            extra += n
    return ReplyCounts(answers=answers, welsh=welsh, english=english, extra=extra)


def combined_access_needs(
    session, counts: ReplyCounts | None = None, needs: list | None = None
) -> list[tuple[str, int]]:
    """What those coming need, counted: [("step-free access", 2), ("BSL interpreter", 1)].

    ``counts``: the session's ``reply_counts``, and ``needs``, what ``needs_of_those_coming``
    reads, when the page has them. The needs of those coming are read in a query written once
    a process (``codesign.rows``)."""
    counter: Counter = Counter()
    for item in needs if needs is not None else needs_of_those_coming_read(session).run():
        counter.update(item.summary())
    extra = (counts or reply_counts(session)).extra
    if extra:
        counter[str(_("Something extra for this session (see replies)"))] += extra
    return sorted(counter.items(), key=lambda pair: (-pair[1], pair[0]))


def needs_of_those_coming_read(session) -> rows.Read:
    """The access needs of everyone going to the session, or who may go, in a query written
    once a process, as a read to run with the page's others."""
    connection, (sql, needs) = rows.written("needs-of-those-coming", AccessNeeds, _needs_sql)
    params = {"session": session.pk, "going": COMING[0], "maybe": COMING[1]}
    return rows.loaded_read(connection, sql, params, needs)


def _needs_sql(connection, q) -> tuple:
    needs = rows.table(AccessNeeds, "n", 0, connection)
    # Only names the database backend quotes, and placeholders: no value is written in.
    sql = (
        f"SELECT {', '.join(rows.columns(needs, q))}"  # noqa: S608
        f" FROM {q(AccessNeeds._meta.db_table)} {q('n')}"
        f" INNER JOIN {q(Reply._meta.db_table)} {q('r')}"
        f" ON {q('r')}.{q('membership_id')} = {q('n')}.{q('membership_id')}"
        f" WHERE {q('r')}.{q('session_id')} = %(session)s"
        f" AND {q('r')}.{q('answer')} IN (%(going)s, %(maybe)s)"
    )
    return sql, needs


def session_register(session):
    """Who is expected in the room, for the printed sign-in sheet: going first, then maybe."""
    return (
        session.replies.filter(answer__in=[Reply.Answer.GOING, Reply.Answer.MAYBE])
        .select_related("membership")
        .order_by("answer", "membership__display_name")
    )


def session_messages(session, limit: int = 200) -> list:
    """The emails, texts and letters sent about a session, newest first, with what became of
    each (for its facilitators): in a query written once a process (``codesign.rows``; their
    page asks it on every request, kept or not, and the ORM took 1 to 2 ms to put it together
    and have it planned), found through the index of each project's messages by the session
    their payload names (``outbox_session``)."""
    return session_messages_read(session, limit).run()


def session_messages_read(session, limit: int = 200) -> rows.Read:
    """``session_messages`` as a read, to run with the page's others."""
    connection, (sql, message, related) = rows.written(
        "session-messages", OutboxMessage, _messages_sql
    )
    postgresql = connection.vendor == "postgresql"
    params = {
        "project": session.project_id,
        # As the payload holds it: a JSON number.
        "session": str(session.pk) if postgresql else session.pk,
        "job": OutboxMessage.Kind.JOB,
        "limit": limit,
    }
    return rows.loaded_read(connection, sql, params, message, related)


# What the page never shows of a message (its HTML, attachments and headers: the largest).
MESSAGE_UNREAD = ("body_html", "attachments", "headers")


def _messages_sql(connection, q) -> tuple:
    message, related, joins = rows.joined(
        OutboxMessage, ("recipient",), connection, "o", leave_out=MESSAGE_UNREAD
    )
    column = partial(_column, q, "o", OutboxMessage)
    # The payload's session as the index ``outbox_session`` names it (a constant key, written
    # in as the index writes it, so the database can use it).
    if connection.vendor == "postgresql":
        session = f"({column('payload')} -> 'session') = %(session)s::jsonb"
    else:
        session = f"JSON_EXTRACT({column('payload')}, '$.\"session\"') = %(session)s"
    selected = [c for t in (message, *(t for _name, t in related)) for c in rows.columns(t, q)]
    # Only names the database backend quotes, and placeholders: no value is written in.
    sql = (
        f"SELECT {', '.join(selected)} FROM {q(OutboxMessage._meta.db_table)} {q('o')}{joins}"  # noqa: S608
        f" WHERE {column('project')} = %(project)s AND {session}"
        f" AND {column('kind')} <> %(job)s"
        f" ORDER BY {column('created_at')} DESC, {column('id')} DESC LIMIT %(limit)s"
    )
    return sql, message, related


@dataclass(frozen=True)
class LanguageAsked:
    """How many of those coming (or who may come) asked for Welsh, and for English."""

    welsh: int
    english: int
    disclosure: Disclosure
    prompt_percent: int
    held_in: str

    @property
    def answered(self) -> int:
        return self.welsh + self.english

    @property
    def welsh_percent(self) -> int:
        return round(100 * self.welsh / self.answered) if self.answered else 0

    @property
    def welsh_shown(self) -> bool:
        """Whether the figures may be shown: a few people asking for one language would be
        known to the facilitator by elimination (codesign.disclosure)."""
        return self.disclosure.all_shown

    @property
    def prompt(self) -> bool:
        """Enough asked for Welsh, and the session is planned in English alone."""
        return (
            self.held_in == HeldIn.ENGLISH
            and self.welsh > 0
            and 100 * self.welsh >= self.prompt_percent * self.answered
        )


def language_asked(session, counts: ReplyCounts | None = None) -> LanguageAsked:
    """Which language the people who may come asked for the session in, counted in one query
    (none with ``counts``, the session's ``reply_counts``, when the page has them)."""
    counted = counts or reply_counts(session)
    languages = {"welsh": counted.welsh, "english": counted.english}
    return LanguageAsked(
        welsh=counted.welsh,
        english=counted.english,
        disclosure=disclose(languages, threshold=session.project.group_threshold),
        prompt_percent=welsh_prompt_percent(),
        held_in=session.held_in,
    )
