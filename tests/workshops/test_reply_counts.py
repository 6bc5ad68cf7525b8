"""A session's replies counted in one query written once a process (sessions/selectors.py
``reply_counts``, ``combined_access_needs``): the same figures as counting the replies one by
one, for every mix of answer, language and extra need; on SQLite and on PostgreSQL (CI)."""

import itertools
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participants.models import AccessNeeds
from sessions import selectors
from sessions.language import LanguageWanted
from sessions.models import Reply
from tests.factories import AccessNeedsFactory, ReplyFactory, WorkshopSessionFactory

pytestmark = pytest.mark.django_db


def counted_one_by_one(session):
    replies = list(Reply.objects.filter(session=session))
    may_come = [r for r in replies if r.answer != Reply.Answer.NOT_GOING]
    return (
        {value: sum(r.answer == value for r in replies) for value in Reply.Answer.values},
        sum(r.language_wanted == LanguageWanted.WELSH for r in may_come),
        sum(r.language_wanted == LanguageWanted.ENGLISH for r in may_come),
        sum(r.answer in selectors.COMING and r.session_needs != "" for r in replies),
    )


def test_every_mix_of_answer_language_and_need_is_counted_as_one_by_one(world):
    session = WorkshopSessionFactory(project=world.project)
    WorkshopSessionFactory(project=world.project)  # another session's replies count not
    mixes = itertools.product(
        Reply.Answer.values, ["", *LanguageWanted.values], ["", "A quiet room"]
    )
    for answer, language, needs in mixes:
        reply = ReplyFactory(
            session=session, answer=answer, language_wanted=language, session_needs=needs
        )
        if needs:
            AccessNeedsFactory(membership=reply.membership, bsl_interpreter=True)
    with CaptureQueriesContext(connection) as queries:
        counts = selectors.reply_counts(session)
    assert len(queries.captured_queries) == 1
    assert (counts.answers, counts.welsh, counts.english, counts.extra) == counted_one_by_one(
        session
    )
    assert counts.total == Reply.objects.filter(session=session).count()
    coming = AccessNeeds.objects.filter(
        membership__session_replies__session=session,
        membership__session_replies__answer__in=selectors.COMING,
    )
    expected = Counter(need for item in coming for need in item.summary())
    assert expected and counts.extra
    needs = dict(selectors.combined_access_needs(session, counts))
    assert needs.pop("Something extra for this session (see replies)") == counts.extra
    assert needs == expected
    assert selectors.reply_counts(WorkshopSessionFactory(project=world.project)).total == 0
