"""Comments and replies: who may post, one level of replies, notifications, anonymity."""

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from contributions.conversation.services import comment_add, comment_update, comment_withdraw
from contributions.models import Comment
from notifications.models import Notification
from participants.models import Membership
from tests.factories import ContributionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def member(world, role):
    return Membership.objects.get(project=world.project, user=world.users[role])


@pytest.fixture
def contribution(world):
    return ContributionFactory(
        project=world.project, author=member(world, "staff"), title="Leaflets before discharge"
    )


def create_url(contribution):
    return reverse("conversation:comment-create", args=[contribution.project_id, contribution.pk])


def comment_path(name, comment):
    return reverse(f"conversation:{name}", args=[comment.contribution.project_id, comment.pk])


def render_thread(contribution, user):
    """The thread as the contribution page includes it, for one viewer."""
    request = RequestFactory().get("/")
    request.user = user
    return Template('{% include "contributions/conversation/partials/thread.html" %}').render(
        Context({"contribution": contribution, "request": request, "user": user})
    )


@pytest.mark.parametrize(
    "role, expected",
    [
        ("anonymous", 302),
        ("outsider", 404),
        ("manager", 404),
        ("other_manager", 404),
        ("service_user", 200),
        ("carer", 200),
        ("staff", 200),
        ("facilitator", 200),
        ("observer", 403),
        ("org_admin", 403),
        ("superuser", 403),
    ],
)
def test_who_may_comment(world, client_for, contribution, role, expected):
    response = client_for(world.users[role]).get(create_url(contribution))
    assert response.status_code == expected


def test_nobody_comments_on_a_closed_project_or_a_hidden_or_withdrawn_contribution(
    world, contribution
):
    user = world.users["service_user"]
    assert user.has_perm("contributions.comment", contribution)
    contribution.hidden_at = contribution.created_at
    assert not user.has_perm("contributions.comment", contribution)
    with pytest.raises(ValidationError):
        comment_add(contribution=contribution, author=member(world, "service_user"), body="Hi")
    contribution.hidden_at = None
    contribution.withdrawn_at = contribution.created_at
    assert not user.has_perm("contributions.comment", contribution)
    contribution.withdrawn_at = None
    world.project.status = "closed"
    world.project.save()
    contribution.refresh_from_db()
    assert not user.has_perm("contributions.comment", contribution)
    with pytest.raises(ValidationError):
        comment_add(contribution=contribution, author=member(world, "service_user"), body="Hi")


def test_posting_without_javascript_goes_back_to_the_conversation(world, client_for, contribution):
    client = client_for(world.users["service_user"])
    response = client.post(create_url(contribution), {"body": "Yes, and\nin large print."})
    assert response.status_code == 302
    assert response.url == contribution.get_absolute_url() + "#comments"
    comment = Comment.objects.get()
    assert comment.body == "Yes, and\nin large print."
    assert comment.author == member(world, "service_user")
    assert comment.constituency == "service_user"


def test_posting_inline_returns_the_thread_with_the_new_comment(world, client_for, contribution):
    client = client_for(world.users["carer"])
    response = client.post(create_url(contribution), {"body": "Line one\nLine two"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="comments"' in html
    assert "Line one<br>Line two" in html
    comment = Comment.objects.get()
    assert f'id="comment-{comment.pk}"' in html
    assert 'hx-swap-oob="innerHTML"' in html
    assert "Your comment is posted." in html


def test_an_empty_inline_comment_comes_back_with_its_error_and_saves_nothing(
    world, client_for, contribution
):
    response = client_for(world.users["carer"]).post(create_url(contribution), {"body": ""}, **HTMX)
    assert response.status_code == 200
    assert 'id="comments"' in response.content.decode()
    assert "Enter your comment" in response.content.decode()
    assert not Comment.objects.exists()


def test_text_is_escaped_and_keeps_its_line_breaks(world, client_for, contribution):
    payload = '<script>window.pwned=1</script>\n"><img src=x onerror=alert(1)>'
    comment_add(contribution=contribution, author=member(world, "carer"), body=payload)
    html = render_thread(contribution, world.users["facilitator"])
    assert "<script>window.pwned" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;<br>&quot;&gt;&lt;img" in html


def test_a_reply_to_a_reply_joins_the_thread_of_the_comment_above(world, contribution):
    top = comment_add(contribution=contribution, author=member(world, "carer"), body="Top")
    reply = comment_add(
        contribution=contribution, author=member(world, "service_user"), body="Re", parent=top
    )
    again = comment_add(
        contribution=contribution, author=member(world, "facilitator"), body="Re re", parent=reply
    )
    assert reply.parent == top
    assert again.parent == top
    invalid = Comment(
        contribution=contribution,
        parent=reply,
        author=member(world, "carer"),
        constituency="carer",
        body="Too deep",
    )
    with pytest.raises(ValidationError):
        invalid.full_clean()


def test_replying_inline_and_without_javascript(world, client_for, contribution):
    top = comment_add(contribution=contribution, author=member(world, "carer"), body="Top")
    reply = comment_add(
        contribution=contribution, author=member(world, "staff"), body="Re", parent=top
    )
    client = client_for(world.users["service_user"])
    assert client.get(comment_path("comment-reply", top)).status_code == 200
    response = client.post(comment_path("comment-reply", reply), {"body": "Agreed"})
    assert response.url == contribution.get_absolute_url() + "#comments"
    response = client.post(comment_path("comment-reply", top), {"body": ""}, **HTMX)
    html = response.content.decode()
    # The reply form with the error is the one under the top comment, open.
    assert f'id="id_reply_{top.pk}_body"' in html
    assert "Enter your reply" in html
    assert [c.body for c in top.replies.order_by("pk")] == ["Re", "Agreed"]


def test_nobody_replies_to_a_hidden_or_withdrawn_comment(world, contribution):
    top = comment_add(contribution=contribution, author=member(world, "carer"), body="Top")
    top.hidden_at = top.created_at
    top.save()
    with pytest.raises(ValidationError):
        comment_add(contribution=contribution, author=member(world, "staff"), body="Re", parent=top)


def test_the_contribution_author_is_told_of_a_comment_and_nobody_of_their_own(world, contribution):
    comment_add(contribution=contribution, author=member(world, "carer"), body="Good idea")
    (notification,) = Notification.objects.all()
    assert notification.user == world.users["staff"]
    assert notification.kind == Notification.Kind.COMMENT
    assert (
        notification.message == "Carer commented on your contribution “Leaflets before discharge”."
    )
    assert notification.url.startswith(contribution.get_absolute_url() + "#comment-")
    Notification.objects.all().delete()
    comment_add(contribution=contribution, author=member(world, "staff"), body="Thanks")
    assert not Notification.objects.exists()


def test_the_comment_author_is_told_of_a_reply_and_nobody_of_their_own(world, contribution):
    top = comment_add(contribution=contribution, author=member(world, "carer"), body="Top")
    Notification.objects.all().delete()
    comment_add(contribution=contribution, author=member(world, "carer"), body="PS", parent=top)
    # The contribution's author hears of it; the commenter does not hear of their own reply.
    assert [(n.user, n.kind) for n in Notification.objects.all()] == [
        (world.users["staff"], Notification.Kind.COMMENT)
    ]
    Notification.objects.all().delete()
    comment_add(
        contribution=contribution, author=member(world, "service_user"), body="Re", parent=top
    )
    told = {(n.user, n.kind) for n in Notification.objects.all()}
    assert told == {
        (world.users["carer"], Notification.Kind.REPLY),
        (world.users["staff"], Notification.Kind.COMMENT),
    }
    reply = Notification.objects.get(kind=Notification.Kind.REPLY)
    assert reply.message == "Service User replied to your comment on “Leaflets before discharge”."


def test_a_reply_to_a_reply_tells_both_comment_authors(world, contribution):
    top = comment_add(contribution=contribution, author=member(world, "carer"), body="Top")
    reply = comment_add(
        contribution=contribution, author=member(world, "service_user"), body="Re", parent=top
    )
    Notification.objects.all().delete()
    comment_add(contribution=contribution, author=member(world, "staff"), body="Re", parent=reply)
    assert {n.user for n in Notification.objects.filter(kind=Notification.Kind.REPLY)} == {
        world.users["carer"],
        world.users["service_user"],
    }


@pytest.fixture
def hidden_author(world):
    """A participant with distinctive ids, to look for in the HTML."""
    world.project.allow_anonymous = True
    world.project.save()
    user = UserFactory(pk=987_654, email="robin.private@example.org", full_name="Robin Private")
    return MembershipFactory(
        pk=876_543, project=world.project, user=user, display_name="Robin Quietly"
    )


def assert_author_not_in(html, membership):
    for secret in (
        membership.display_name,
        membership.user.full_name,
        membership.user.email,
        str(membership.pk),
        str(membership.user.pk),
    ):
        assert secret not in html, secret


def test_an_anonymous_comment_reveals_its_author_nowhere(
    world, client_for, contribution, hidden_author
):
    client = client_for(hidden_author.user)
    response = client.post(
        create_url(contribution), {"body": "It felt rushed.", "is_anonymous": "on"}, **HTMX
    )
    assert response.status_code == 200
    comment = Comment.objects.get()
    assert comment.is_anonymous
    assert comment.constituency == hidden_author.constituency
    notification = Notification.objects.get(user=world.users["staff"])
    assert notification.message.startswith("Anonymous participant commented")
    assert_author_not_in(notification.message, hidden_author)
    # The author still sees their own controls, and nobody else is told who they are.
    own = render_thread(contribution, hidden_author.user)
    assert comment_path("comment-edit", comment) in own
    for role in ("facilitator", "staff", "carer", "org_admin", "superuser"):
        html = render_thread(contribution, world.users[role])
        assert "Anonymous participant" in html
        assert "It felt rushed." in html
        assert_author_not_in(html, hidden_author)
    reply = comment_add(
        contribution=contribution, author=member(world, "carer"), body="Same", parent=comment
    )
    assert Notification.objects.filter(user=hidden_author.user, kind="reply").exists()
    client_for(world.users["carer"]).post(
        comment_path("comment-report", comment), {"reason": "personal", "details": ""}
    )
    facilitator = client_for(world.users["facilitator"])
    for url in (
        comment_path("comment-report", comment),
        comment_path("comment-hide", comment),
        comment_path("comment-redact", comment),
        comment_path("comment-reply", reply),
        reverse("conversation:moderation-queue", args=[world.project.pk]),
    ):
        response = facilitator.get(url)
        assert response.status_code == 200, url
        assert_author_not_in(response.content.decode(), hidden_author)


def test_anonymous_comments_only_where_the_project_allows_them(world, client_for, contribution):
    client = client_for(world.users["carer"])
    assert "is_anonymous" not in client.get(create_url(contribution)).content.decode()
    client.post(create_url(contribution), {"body": "Named", "is_anonymous": "on"})
    assert not Comment.objects.get().is_anonymous
    with pytest.raises(ValidationError):
        comment_add(
            contribution=contribution, author=member(world, "carer"), body="x", is_anonymous=True
        )


def test_only_the_author_edits_or_withdraws_their_comment(world, client_for, contribution):
    comment = comment_add(contribution=contribution, author=member(world, "carer"), body="Frist")
    for role in ("service_user", "facilitator", "superuser"):
        client = client_for(world.users[role])
        assert client.get(comment_path("comment-edit", comment)).status_code == 403
        assert client.post(comment_path("comment-withdraw", comment)).status_code == 403
    client = client_for(world.users["carer"])
    response = client.post(comment_path("comment-edit", comment), {"body": "First"})
    assert response.url == f"{contribution.get_absolute_url()}#comment-{comment.pk}"
    comment.refresh_from_db()
    assert comment.body == "First"
    assert client.get(comment_path("comment-withdraw", comment)).status_code == 200
    response = client.post(comment_path("comment-withdraw", comment))
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.withdrawn_at is not None
    # Gone: not shown, and its pages are not found.
    assert "First" not in render_thread(contribution, world.users["facilitator"])
    assert client.get(comment_path("comment-edit", comment)).status_code == 404


def test_a_withdrawn_comment_keeps_its_replies(world, contribution):
    top = comment_add(contribution=contribution, author=member(world, "carer"), body="Top words")
    comment_add(
        contribution=contribution, author=member(world, "staff"), body="A reply", parent=top
    )
    comment_withdraw(comment=top)
    html = render_thread(contribution, world.users["service_user"])
    assert "Top words" not in html
    assert "withdrawn by its author" in html
    assert "A reply" in html
    with pytest.raises(ValidationError):
        comment_update(comment=top, body="Back")


def test_the_thread_costs_the_same_queries_for_2_and_20_comments(
    world, client_for, contribution, count_queries
):
    client = client_for(world.users["facilitator"])

    def add(n):
        for i in range(n):
            top = comment_add(
                contribution=contribution, author=member(world, "carer"), body=f"c{i}"
            )
            comment_add(
                contribution=contribution, author=member(world, "staff"), body="r", parent=top
            )

    def thread():
        return client.post(create_url(contribution), {"body": ""}, **HTMX)

    add(2)
    few = count_queries(thread)
    add(18)
    assert count_queries(thread) == few
