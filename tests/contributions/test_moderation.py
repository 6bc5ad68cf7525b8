"""Reports, safeguarding alerts, and facilitators hiding, restoring and redacting."""

import json

import pytest
from django.db import transaction
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from audit.models import AuditEntry
from contributions.conversation.services import (
    comment_add,
    moderation_hide,
    moderation_redact,
    report_add,
)
from contributions.models import Comment, Contribution, Report
from notifications.models import Notification
from outbox.models import OutboxMessage
from participants.models import Membership
from tests.factories import ContributionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

DISCLOSURE = "my neighbour Jo Bloggs at 4 Elm Road"
TEXT = f"The ward was fine but {DISCLOSURE} is not safe at home.\nPlease help."
MARKER = "[removed by a facilitator]"


def member(world, role):
    return Membership.objects.get(project=world.project, user=world.users[role])


@pytest.fixture
def contribution(world):
    return ContributionFactory(
        project=world.project,
        author=member(world, "service_user"),
        title="Going home alone",
        body=TEXT,
    )


@pytest.fixture
def comment(world, contribution):
    return comment_add(contribution=contribution, author=member(world, "carer"), body=TEXT)


def url(name, obj, **kwargs):
    project_pk = obj.project.pk if hasattr(obj, "project") else obj.contribution.project_id
    return reverse(f"conversation:{name}", args=[project_pk, obj.pk], **kwargs)


def render_thread(contribution, user):
    request = RequestFactory().get("/")
    request.user = user
    return Template(
        '{% include "contributions/conversation/partials/thread.html" %}'
        "{% load conversation %}{% contribution_moderation contribution %}"
    ).render(Context({"contribution": contribution, "request": request, "user": user}))


def safeguarding_emails():
    return OutboxMessage.objects.filter(subject__startswith="Safeguarding concern")


def moderation_entries():
    return list(AuditEntry.objects.filter(action=AuditEntry.Action.MODERATION).order_by("pk"))


ROLES_SEEING_BOARD = {"service_user", "carer", "staff", "observer", "facilitator", "org_admin"}
MODERATORS = {"facilitator", "org_admin", "superuser"}


@pytest.mark.parametrize(
    "role",
    [
        "outsider",
        "service_user",
        "carer",
        "staff",
        "observer",
        "facilitator",
        "org_admin",
        "manager",
        "other_manager",
        "superuser",
    ],
)
def test_who_may_report_and_moderate(world, client_for, contribution, comment, role):
    client = client_for(world.users[role])
    sees_board = role in ROLES_SEEING_BOARD | {"superuser"}
    report = report_add(target=comment, reporter=world.users["staff"], reason="offensive")
    for name, target in [("contribution-report", contribution), ("comment-report", comment)]:
        assert client.get(url(name, target)).status_code == (200 if sees_board else 404)
    for name in ("hide", "restore", "redact"):
        for target, kind in [(contribution, "contribution"), (comment, "comment")]:
            expected = 200 if role in MODERATORS else 403 if sees_board else 404
            assert client.get(url(f"{kind}-{name}", target)).status_code == expected
    queue = reverse("conversation:moderation-queue", args=[world.project.pk])
    sees_project = sees_board or role == "manager"
    expected = 200 if role in MODERATORS else 403 if sees_project else 404
    assert client.get(queue).status_code == expected
    # Reports, and who made them, are known to the facilitators only.
    resolve = reverse("conversation:report-resolve", args=[world.project.pk, report.pk])
    assert client.get(resolve).status_code == (200 if role in MODERATORS else 404)
    signposting = reverse("conversation:safeguarding", args=[world.project.pk])
    expected = 200 if sees_board else 403 if sees_project else 404
    assert client.get(signposting).status_code == expected


def test_a_refused_moderation_changes_nothing(world, client_for, contribution):
    client = client_for(world.users["staff"])
    response = client.post(url("contribution-hide", contribution), {"reason": "No"})
    assert response.status_code == 403
    response = client.post(url("contribution-redact", contribution), {"passage": DISCLOSURE})
    assert response.status_code == 403
    contribution.refresh_from_db()
    assert contribution.hidden_at is None
    assert contribution.body == TEXT
    assert not moderation_entries()


def test_reporting_a_comment_is_audited_without_its_words(world, client_for, comment):
    client = client_for(world.users["observer"])
    response = client.post(
        url("comment-report", comment), {"reason": "personal", "details": "It names Jo Bloggs"}
    )
    assert response.url == f"{comment.contribution.get_absolute_url()}#comment-{comment.pk}"
    report = Report.objects.get()
    assert (report.comment, report.reporter, report.reason) == (
        comment,
        world.users["observer"],
        "personal",
    )
    (entry,) = AuditEntry.objects.filter(action=AuditEntry.Action.REPORT)
    assert (entry.actor, entry.target_type, entry.target_id) == (
        world.users["observer"],
        "contributions.comment",
        str(comment.pk),
    )
    assert entry.details == {"report": report.pk, "reason": "personal"}
    # Not a safeguarding concern: nobody is emailed.
    assert not safeguarding_emails().exists()


def test_a_report_needs_a_reason(world, client_for, contribution):
    response = client_for(world.users["carer"]).post(url("contribution-report", contribution), {})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert not Report.objects.exists()


def test_a_safeguarding_concern_emails_the_facilitators_at_once(world, contribution):
    second = MembershipFactory(
        project=world.project,
        role=Membership.Role.FACILITATOR,
        user=UserFactory(email="second.facilitator@example.org"),
    )
    MembershipFactory(
        project=world.project,
        role=Membership.Role.FACILITATOR,
        status=Membership.Status.WITHDRAWN,
        user=UserFactory(email="former.facilitator@example.org"),
    )
    with transaction.atomic():
        report = report_add(
            target=contribution,
            reporter=world.users["carer"],
            reason=Report.Reason.SAFEGUARDING,
            details="I think she said she is hurt",
        )
        # In the same transaction as the report: it cannot be lost if the worker is down.
        messages = list(safeguarding_emails().order_by("to"))
    assert [m.to for m in messages] == sorted(["facilitator@example.org", second.user.email])
    queue = reverse("conversation:moderation-queue", args=[world.project.pk])
    for message in messages:
        assert message.status == OutboxMessage.Status.PENDING
        assert queue in message.body_text
        assert queue in message.body_html
        for words in (DISCLOSURE, report.details, contribution.title, "Carer"):
            assert words not in message.body_text + message.body_html + message.subject
        # Once per report and person, known by id: retention purges the address, and the
        # key must not keep it.
        assert "@" not in message.dedupe_key
    assert {m.dedupe_key for m in messages} == {
        f"safeguarding-alert:{report.pk}:{user.pk}"
        for user in (world.users["facilitator"], second.user)
    }


def test_a_safeguarding_email_is_not_written_if_the_report_is_not(world, contribution):
    with pytest.raises(RuntimeError), transaction.atomic():
        report_add(target=contribution, reporter=world.users["carer"], reason="safeguarding")
        raise RuntimeError
    assert not safeguarding_emails().exists()


def test_without_facilitators_the_organisation_admins_are_alerted(world, contribution):
    Membership.objects.filter(role=Membership.Role.FACILITATOR).update(
        status=Membership.Status.WITHDRAWN
    )
    report_add(target=contribution, reporter=world.users["carer"], reason="safeguarding")
    assert [m.to for m in safeguarding_emails()] == ["org_admin@example.org"]


def test_the_reporter_of_a_safeguarding_concern_sees_the_signposting(world, client_for, comment):
    world.organisation.safeguarding_text = "Call the Trust safeguarding team on 01632 960123."
    world.organisation.save()
    client = client_for(world.users["staff"])
    response = client.post(
        url("comment-report", comment), {"reason": "safeguarding", "details": ""}, follow=True
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse(
        "conversation:safeguarding", args=[world.project.pk]
    )
    assert "Call the Trust safeguarding team on 01632 960123." in html
    assert "facilitators have been emailed" in html
    assert safeguarding_emails().filter(to="facilitator@example.org").exists()


def test_without_signposting_text_a_sensible_default_is_shown(world, client_for):
    world.organisation.safeguarding_text = ""
    world.organisation.save()
    response = client_for(world.users["carer"]).get(
        reverse("conversation:safeguarding", args=[world.project.pk])
    )
    assert "contact Riverside Trust's safeguarding team" in response.content.decode()


def test_the_queue_lists_open_reports_newest_first_with_links(world, client_for, comment):
    contribution = comment.contribution
    older = report_add(target=contribution, reporter=world.users["staff"], reason="offensive")
    newer = report_add(target=comment, reporter=world.users["carer"], reason="safeguarding")
    done = report_add(target=comment, reporter=world.users["staff"], reason="other")
    done.resolved_at = done.created_at
    done.save()
    response = client_for(world.users["facilitator"]).get(
        reverse("conversation:moderation-queue", args=[world.project.pk])
    )
    assert list(response.context["reports"]) == [newer, older]
    html = response.content.decode()
    assert f"{contribution.get_absolute_url()}#comment-{comment.pk}" in html
    assert reverse("conversation:report-resolve", args=[world.project.pk, newer.pk]) in html
    assert url("comment-hide", comment) + "?from=queue" in html
    assert url("contribution-redact", contribution) + "?from=queue" in html
    assert reverse("conversation:report-resolve", args=[world.project.pk, done.pk]) not in html


def test_the_queue_costs_the_same_queries_for_2_and_20_reports(
    world, client_for, contribution, count_queries
):
    client = client_for(world.users["facilitator"])
    queue = reverse("conversation:moderation-queue", args=[world.project.pk])

    def add(n):
        for i in range(n):
            comment = comment_add(
                contribution=contribution, author=member(world, "carer"), body=f"c{i}"
            )
            moderation_hide(target=comment, reason="x", moderator=world.users["facilitator"])
            report_add(target=comment, reporter=world.users["staff"], reason="other")
            report_add(target=contribution, reporter=world.users["carer"], reason="personal")

    add(1)
    few = count_queries(lambda: client.get(queue))
    add(10)
    assert count_queries(lambda: client.get(queue)) == few


def test_hiding_shows_the_author_the_reason_and_everyone_else_only_that_it_is_hidden(
    world, client_for, contribution, comment
):
    client = client_for(world.users["facilitator"])
    response = client.post(url("comment-hide", comment), {"reason": "It names a neighbour"})
    assert response.url == f"{contribution.get_absolute_url()}#comment-{comment.pk}"
    response = client.post(url("contribution-hide", contribution), {"reason": "Names someone"})
    assert response.url == contribution.get_absolute_url()
    comment.refresh_from_db()
    contribution.refresh_from_db()
    assert comment.hidden_at and comment.hidden_reason == "It names a neighbour"
    assert contribution.hidden_at and contribution.hidden_reason == "Names someone"

    for role in ("staff", "observer"):
        page = client_for(world.users[role]).get(contribution.get_absolute_url())
        html = page.content.decode() + render_thread(contribution, world.users[role])
        assert "Hidden by a facilitator" in html
        assert "Jo Bloggs" not in html
        assert "It names a neighbour" not in html
        assert "Names someone" not in html
    author = render_thread(contribution, world.users["carer"])
    assert "It names a neighbour" in author
    assert "Jo Bloggs" in author
    facilitator = render_thread(contribution, world.users["facilitator"])
    assert "It names a neighbour" in facilitator
    assert url("comment-restore", comment) in facilitator
    assert url("contribution-restore", contribution) in facilitator
    page = client_for(world.users["service_user"]).get(contribution.get_absolute_url())
    assert "Names someone" in page.content.decode()
    assert "Jo Bloggs" in page.content.decode()

    entries = moderation_entries()
    assert [(e.actor, e.target_type, e.details["action"]) for e in entries] == [
        (world.users["facilitator"], "contributions.comment", "hide"),
        (world.users["facilitator"], "contributions.contribution", "hide"),
    ]
    assert [e.target_id for e in entries] == [str(comment.pk), str(contribution.pk)]


def test_hiding_needs_a_reason(world, client_for, comment):
    response = client_for(world.users["facilitator"]).post(
        url("comment-hide", comment), {"reason": ""}
    )
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    comment.refresh_from_db()
    assert comment.hidden_at is None


def test_restoring_shows_it_again_and_twice_does_nothing(world, client_for, comment):
    moderation_hide(target=comment, reason="Checking", moderator=world.users["facilitator"])
    client = client_for(world.users["org_admin"])
    assert "Checking" in client.get(url("comment-restore", comment)).content.decode()
    response = client.post(url("comment-restore", comment), {"from": "queue"})
    assert response.url == reverse("conversation:moderation-queue", args=[comment.project.pk])
    comment.refresh_from_db()
    assert (comment.hidden_at, comment.hidden_reason) == (None, "")
    assert TEXT.splitlines()[0] in render_thread(comment.contribution, world.users["staff"])
    client.post(url("comment-restore", comment))
    assert [(e.actor, e.details["action"]) for e in moderation_entries()] == [
        (world.users["facilitator"], "hide"),
        (world.users["org_admin"], "restore"),
    ]


def test_redacting_a_comment_removes_the_words_everywhere_and_keeps_the_rest(
    world, client_for, comment
):
    report = report_add(
        target=comment,
        reporter=world.users["staff"],
        reason="personal",
        details=f"It says {DISCLOSURE}.",
    )
    client = client_for(world.users["facilitator"])
    response = client.post(url("comment-redact", comment), {"passage": DISCLOSURE})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == (f"The ward was fine but {MARKER} is not safe at home.\nPlease help.")
    report.refresh_from_db()
    assert report.details == f"It says {MARKER}."
    assert not Comment.objects.filter(body__contains="Jo Bloggs").exists()
    assert not Report.objects.filter(details__contains="Jo Bloggs").exists()
    html = render_thread(comment.contribution, world.users["staff"])
    assert "Jo Bloggs" not in html
    assert "is not safe at home.<br>Please help." in html
    queue = client.get(reverse("conversation:moderation-queue", args=[world.project.pk]))
    assert "is not safe at home." in queue.content.decode()
    assert "Jo Bloggs" not in queue.content.decode()
    (entry,) = moderation_entries()
    assert entry.details == {
        "action": "redact",
        "kind": "comment",
        "fields": ["body"],
        "length": len(DISCLOSURE),
        "occurrences": 1,
    }
    assert "Jo Bloggs" not in json.dumps(entry.details) + entry.path


def test_redacting_a_contribution_covers_its_title_body_and_notifications(
    world, client_for, contribution
):
    contribution.title = "Going home to Jo Bloggs"
    contribution.save()
    comment_add(contribution=contribution, author=member(world, "carer"), body="Same for me")
    assert Notification.objects.filter(message__contains="Jo Bloggs").exists()
    moderation_redact(target=contribution, passage="Jo Bloggs", moderator=world.users["org_admin"])
    contribution.refresh_from_db()
    assert contribution.title == f"Going home to {MARKER}"
    assert contribution.body == TEXT.replace("Jo Bloggs", MARKER)
    assert not Contribution.objects.filter(title__contains="Jo Bloggs").exists()
    assert not Contribution.objects.filter(body__contains="Jo Bloggs").exists()
    assert not Notification.objects.filter(message__contains="Jo Bloggs").exists()
    (entry,) = moderation_entries()
    assert entry.actor == world.users["org_admin"]
    assert entry.details["fields"] == ["title", "body"]
    assert entry.details["occurrences"] == 2
    assert "Jo Bloggs" not in json.dumps(entry.details)
    html = client_for(world.users["staff"]).get(url("contribution-report", contribution))
    assert "Jo Bloggs" not in html.content.decode()


def test_a_passage_not_in_the_text_is_an_error_next_to_the_field(world, client_for, comment):
    response = client_for(world.users["facilitator"]).post(
        url("comment-redact", comment), {"passage": "Jo Blogs"}
    )
    assert response.status_code == 200
    assert "These exact words are not in the text" in response.context["form"].errors["passage"][0]
    html = response.content.decode()
    assert 'id="id_passage"' in html and "is-invalid" in html
    comment.refresh_from_db()
    assert comment.body == TEXT
    assert not moderation_entries()


def test_redacting_matches_across_the_line_breaks_a_browser_sends(world, comment):
    moderation_redact(
        target=comment, passage="at home.\r\nPlease", moderator=world.users["facilitator"]
    )
    comment.refresh_from_db()
    assert comment.body.endswith(f"is not safe {MARKER} help.")


def test_resolving_a_report(world, client_for, comment):
    report = report_add(target=comment, reporter=world.users["staff"], reason="offensive")
    client = client_for(world.users["facilitator"])
    resolve = reverse("conversation:report-resolve", args=[world.project.pk, report.pk])
    assert client.get(resolve).status_code == 200
    response = client.post(resolve)
    assert response.url == reverse("conversation:moderation-queue", args=[world.project.pk])
    report.refresh_from_db()
    assert report.resolved_at is not None
    client.post(resolve)
    (entry,) = moderation_entries()
    assert (entry.actor, entry.target_type, entry.target_id) == (
        world.users["facilitator"],
        "contributions.comment",
        str(comment.pk),
    )
    assert entry.details == {"action": "resolve_report", "kind": "comment", "report": report.pk}


def test_a_report_from_another_project_is_not_found(world, client_for):
    other = ContributionFactory(project=world.other_project)
    report = report_add(target=other, reporter=world.users["outsider"], reason="other")
    response = client_for(world.users["facilitator"]).get(
        reverse("conversation:report-resolve", args=[world.project.pk, report.pk])
    )
    assert response.status_code == 404


def test_every_moderation_action_is_audited(world, contribution, comment, client_for):
    client = client_for(world.users["facilitator"])
    report = report_add(target=contribution, reporter=world.users["staff"], reason="personal")
    client.post(url("contribution-hide", contribution), {"reason": "Names someone"})
    client.post(url("contribution-restore", contribution))
    client.post(url("contribution-redact", contribution), {"passage": "Jo Bloggs"})
    client.post(url("comment-hide", comment), {"reason": "Names someone"})
    client.post(url("comment-restore", comment))
    client.post(url("comment-redact", comment), {"passage": "4 Elm Road"})
    client.post(reverse("conversation:report-resolve", args=[world.project.pk, report.pk]))
    entries = moderation_entries()
    assert [(e.details["kind"], e.details["action"]) for e in entries] == [
        ("contribution", "hide"),
        ("contribution", "restore"),
        ("contribution", "redact"),
        ("comment", "hide"),
        ("comment", "restore"),
        ("comment", "redact"),
        ("contribution", "resolve_report"),
    ]
    assert {e.actor for e in entries} == {world.users["facilitator"]}
    assert {e.project for e in entries} == {world.project}
    logged = json.dumps([e.details for e in AuditEntry.objects.all()])
    assert "Jo Bloggs" not in logged
    assert "Elm Road" not in logged
