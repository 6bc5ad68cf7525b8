"""A contribution's comments drawn in Python (``contributions.conversation.drawing``): every
text people wrote escaped, each reply form with ids of its own and the request's form token,
the viewer's own actions only, and the words in the reader's language."""

import re

import pytest
from django.utils import translation

from contributions.conversation.services import comment_add, moderation_hide
from tests.factories import ContributionFactory

from .test_conversation import HTMX, create_url, member, render_thread

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("x")</script>'


@pytest.fixture
def contribution(world):
    return ContributionFactory(project=world.project, author=member(world, "staff"))


def test_every_text_people_wrote_is_escaped(world, contribution):
    carer = member(world, "carer")
    carer.display_name = PAYLOAD
    carer.save()
    comment = comment_add(contribution=contribution, author=carer, body=PAYLOAD)
    comment_add(contribution=contribution, author=carer, body=PAYLOAD, parent=comment)
    moderation_hide(target=comment, reason=PAYLOAD, moderator=world.users["facilitator"])
    html = render_thread(contribution, world.users["facilitator"])
    assert "<script>" not in html
    # Twice the name, twice the words, and the reason the comment was hidden.
    assert html.count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;") == 5


def test_each_reply_form_has_ids_of_its_own_and_the_requests_token(world, client_for, contribution):
    first = comment_add(contribution=contribution, author=member(world, "carer"), body="One")
    second = comment_add(contribution=contribution, author=member(world, "staff"), body="Two")
    client = client_for(world.users["service_user"])
    response = client.post(create_url(contribution), {"body": "Three"}, **HTMX)
    html = response.content.decode()
    for comment in (first, second):
        assert f'id="id_reply_{comment.pk}_body"' in html
        assert f'for="id_reply_{comment.pk}_body"' in html
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    # Two reply forms, the new comment's and the form to add one; a masked token each.
    assert len(tokens) == 4 and all(re.fullmatch(r"[A-Za-z0-9]{64}", t) for t in tokens)


def test_the_viewer_sees_only_what_they_may_do(world, contribution):
    comment_add(contribution=contribution, author=member(world, "carer"), body="Mine")
    as_author = render_thread(contribution, world.users["carer"])
    assert ">Edit</a>" in as_author and ">Withdraw</a>" in as_author and " · you" in as_author
    assert ">Hide</a>" not in as_author
    as_other = render_thread(contribution, world.users["staff"])
    assert ">Report</a>" in as_other and ">Edit</a>" not in as_other
    as_facilitator = render_thread(contribution, world.users["facilitator"])
    assert ">Hide</a>" in as_facilitator and ">Remove words</a>" in as_facilitator


def test_the_thread_is_in_the_readers_language(world, contribution):
    comment_add(contribution=contribution, author=member(world, "carer"), body="Diolch")
    with translation.override("cy"):
        html = render_thread(contribution, world.users["staff"])
    assert "1 comment<" not in html and "Post reply" not in html and "Diolch" in html


def test_fresh_reply_forms_are_drawn_once_for_the_thread(world, contribution, monkeypatch):
    from contributions.conversation import drawing

    for body in ("One", "Two", "Three"):
        comment_add(contribution=contribution, author=member(world, "carer"), body=body)
    drawn_fields = []
    real = drawing.fields
    monkeypatch.setattr(drawing, "fields", lambda form: drawn_fields.append(form) or real(form))
    html = render_thread(contribution, world.users["staff"])
    assert len(drawn_fields) == 2  # one reply form, and the form to add a comment
    assert html.count('name="body"') == 4
    for pk in contribution.comments.values_list("pk", flat=True):
        assert f'id="id_reply_{pk}_body"' in html


@pytest.mark.parametrize("language", ["en-gb", "cy"])
def test_a_comments_moment_is_written_as_the_date_filter_writes_it(language):
    import datetime

    from django.template.defaultfilters import date as date_filter

    from contributions.conversation.drawing import written_at

    with translation.override(language):
        for month in range(1, 13):
            moment = datetime.datetime(2026, month, 4 + month, month + 7, 5 * month % 60)
            assert written_at(moment, language) == date_filter(moment, "j M Y, H:i")


def test_a_threads_words_are_read_from_the_catalogue_once_per_language(monkeypatch):
    from contributions.conversation import drawing

    drawing.words.cache_clear()
    with translation.override("cy"):
        welsh = drawing.words("cy")
        assert drawing.words("cy") is welsh
        assert welsh["post_comment"] == "Postio&#x27;r sylw"  # escaped, as drawn
    assert drawing.words("en-gb")["post_comment"] == "Post comment"
