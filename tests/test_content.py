"""The project content version (codesign.content): raised, once committed, by every write
that changes what a project's pages show; left alone by a write rolled back, and by writes to
other projects; never lowered by saving a project loaded before it was raised."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from changes import services as change_services
from changes.models import FollowUpCheck, ServiceChange
from codesign import content
from contributions import services as contribution_services
from contributions.conversation import services as conversation_services
from contributions.models import Contribution
from participants import services as participant_services
from participants.models import AccessNeeds, Channel, Constituency, Membership
from privacy import services as privacy_services
from projects.models import Project
from sessions import services as session_services
from sessions.closing import services as closing_services
from sessions.models import Attendance, Recognition, Reply
from tests.factories import (
    ContributionFactory,
    MembershipFactory,
    ProjectFactory,
    ServiceChangeFactory,
    UserFactory,
    WorkshopSessionFactory,
)


def version(project) -> int:
    return Project.objects.values_list("content_version", flat=True).get(pk=project.pk)


@pytest.fixture
def scene(db):
    """A project with a service user and a staff member, an idea, a held session with the
    service user there and paid, and a change from the idea with a follow-up due."""
    project = ProjectFactory()
    facilitator = UserFactory()
    su = MembershipFactory(project=project, constituency=Constituency.SERVICE_USER)
    staff = MembershipFactory(project=project, constituency=Constituency.STAFF)
    idea = ContributionFactory(project=project, author=su, kind=Contribution.Kind.IDEA)
    start = timezone.now() - timedelta(days=2)
    session = WorkshopSessionFactory(
        project=project, status="held", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    attendance = Attendance.objects.create(session=session, membership=su)
    recognition = Recognition.objects.create(attendance=attendance, hours=2, amount=30)
    change = ServiceChangeFactory(project=project, status=ServiceChange.Status.PROPOSED)
    check = FollowUpCheck.objects.create(change=change, months=3, due_on=timezone.localdate())
    # Made here, not in the changes below: their own writes would raise the version themselves.
    comment = conversation_services.comment_add(contribution=idea, author=staff, body="Yes")
    planned = WorkshopSessionFactory(project=project)
    running = WorkshopSessionFactory(project=project, status="in_progress")
    return {
        "comment": comment,
        "planned": planned,
        "running": running,
        "project": project,
        "facilitator": facilitator,
        "su": su,
        "staff": staff,
        "idea": idea,
        "session": session,
        "recognition": recognition,
        "change": change,
        "check": check,
    }


def _add_idea(s):
    contribution_services.contribution_add(
        project=s["project"], author=s["staff"], kind="idea", title="Quieter mornings"
    )


def _withdraw_idea(s):
    contribution_services.contribution_withdraw(contribution=s["idea"])


def _comment(s):
    conversation_services.comment_add(contribution=s["idea"], author=s["staff"], body="Yes")


def _withdraw_comment(s):
    conversation_services.comment_withdraw(comment=s["comment"])


def _support(s):
    contribution_services.support_toggle(contribution=s["idea"], membership=s["staff"])


def _link_idea_to_change(s):
    s["change"].contributions.add(s["idea"])


def _change_status(s):
    change_services.change_set_status(
        change=s["change"],
        status=ServiceChange.Status.AGREED,
        progress=None,
        note="",
        changed_by=None,
    )


def _follow_up(s):
    change_services.follow_up_record(
        check=s["check"], outcome=FollowUpCheck.Outcome.STUCK, note="", recorded_by=None
    )


def _reply(s):
    session_services.session_reply(
        session=s["planned"], membership=s["staff"], answer=Reply.Answer.GOING, replied_by=None
    )


def _close_session(s):
    closing_services.session_close(
        session=s["running"],
        attended_membership_ids=[s["staff"].pk],
        record_notes="",
        outputs="",
        closed_by=s["facilitator"],
    )


def _start_session(s):
    session_services.session_start(session=s["planned"])


def _agenda(s):
    item = s["planned"].agenda.create(title="Welcome", order=1)
    item.title = "Welcome and tea"
    item.save()


def _payment(s):
    closing_services.recognition_update(
        recognition=s["recognition"],
        changed_by=s["facilitator"],
        payment_status="paid",
        paid_on=timezone.localdate(),
        payment_reference="BACS 1042",
    )


def _expense(s):
    closing_services.expense_claim_add(
        recognition=s["recognition"],
        kind="travel",
        amount=Decimal("4.50"),
        claimed_by=s["facilitator"],
    )


def _role(s):
    participant_services.membership_update(
        membership=s["staff"], changed_by=s["facilitator"], role=Membership.Role.OBSERVER
    )


def _join(s):
    MembershipFactory(project=s["project"], constituency=Constituency.CARER)


def _withdraw_consent(s):
    participant_services.membership_withdraw(membership=s["su"], withdrawn_by=s["facilitator"])


def _delete_account(s):
    privacy_services.account_delete(person=s["su"].user, deleted_by=s["su"].user)


def _access_needs(s):
    AccessNeeds.objects.create(membership=s["staff"], step_free_access=True)


def _contact_preference(s):
    participant_services.contact_preferences_save(
        person=s["staff"].user,
        channel=Channel.TEXT,
        mobile="07400 123456",
        changed_by=s["staff"].user,
    )


def _email_address(s):
    person = s["staff"].user
    person.email = "new-address@example.org"
    person.save()


def _tag(s):
    contribution_services.contribution_set_tags(
        contribution=s["idea"],
        tags=[contribution_services.tag_add(project=s["project"], name="Food")],
    )


def _rename_stage(s):
    stage = s["project"].stages.first()
    stage.name = "Leaving the ward"
    stage.save()


def _rename_journey_step(s):
    step = s["project"].journey_steps.create(name="Waiting", order=1)
    step.name = "Waiting to be seen"
    step.save()


def _rename_project(s):
    s["project"].title = "Renamed"
    s["project"].save()


CHANGES = {
    "an idea added": _add_idea,
    "an idea withdrawn": _withdraw_idea,
    "a comment": _comment,
    "a comment withdrawn": _withdraw_comment,
    "a support": _support,
    "an idea linked to a change": _link_idea_to_change,
    "a change's status": _change_status,
    "a follow-up recorded": _follow_up,
    "a reply to a session": _reply,
    "a session closed with attendance": _close_session,
    "a session started": _start_session,
    # Shown on a session's page, kept whole for its audience.
    "an agenda item": _agenda,
    "a payment's status": _payment,
    "an expense claimed": _expense,
    "a member's role": _role,
    "someone joining": _join,
    "consent withdrawn": _withdraw_consent,
    "an account deleted": _delete_account,
    "the project renamed": _rename_project,
    # Counted on a session's page for its facilitators.
    "access needs": _access_needs,
    # Counted in the dashboards' reach.
    "a contact preference": _contact_preference,
    "an email address": _email_address,
    # Shown on the board, counted by no dashboard.
    "a contribution tagged": _tag,
    "a stage renamed": _rename_stage,
    # Offered by the forms that add contributions (kept under the version).
    "a journey step renamed": _rename_journey_step,
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_every_write_that_changes_a_page_raises_the_version_once_committed(
    scene, change, django_capture_on_commit_callbacks
):
    before = version(scene["project"])
    with django_capture_on_commit_callbacks() as callbacks:
        change(scene)
        # Not before the commit: a request reading the old data keeps it under the old version.
        assert version(scene["project"]) == before
    assert callbacks, "the change asks for the version to be raised"
    for callback in callbacks:
        callback()
    assert version(scene["project"]) > before


def test_the_models_that_change_a_projects_pages_are_declared():
    declared = {model._meta.label for model in content._projects_of}
    assert declared == {
        "projects.Project",
        "projects.Stage",
        "projects.JourneyStep",
        "participants.Membership",
        "participants.AccessNeeds",
        "participants.ContactPreferences",
        "accounts.User",
        "workshops.WorkshopSession",
        "workshops.AgendaItem",
        "workshops.Reply",
        "workshops.Attendance",
        "workshops.Recognition",
        "workshops.ExpenseClaim",
        "contributions.Contribution",
        "contributions.Tag",
        "contributions.Comment",
        "contributions.Support",
        "changes.ServiceChange",
        "changes.FollowUpCheck",
    }


def test_a_sign_in_raises_no_version(scene, django_capture_on_commit_callbacks):
    """Only what pages show of an account raises its projects' versions: signing in writes
    its last sign-in alone."""
    with django_capture_on_commit_callbacks() as callbacks:
        person = scene["staff"].user
        person.last_login = timezone.now()
        person.save(update_fields=["last_login"])
    assert not callbacks


def test_a_change_in_one_project_leaves_the_others_alone(scene, django_capture_on_commit_callbacks):
    other = ProjectFactory(organisation=scene["project"].organisation)
    before = version(other)
    with django_capture_on_commit_callbacks(execute=True):
        _add_idea(scene)
    assert version(other) == before


@pytest.mark.django_db(transaction=True)
def test_a_write_rolled_back_leaves_the_version_alone(scene):
    before = version(scene["project"])
    with pytest.raises(RuntimeError), transaction.atomic():
        _add_idea(scene)
        raise RuntimeError("the request failed")
    assert version(scene["project"]) == before
    _add_idea(scene)  # committed at once, in autocommit
    assert version(scene["project"]) == before + 1


@pytest.mark.django_db(transaction=True)
def test_saving_a_project_loaded_before_a_raise_does_not_lower_its_version():
    project = ProjectFactory()
    loaded = Project.objects.get(pk=project.pk)
    content.project_content_changed([project.pk])
    content.project_content_changed([project.pk])
    raised = version(project)
    loaded.title = "Renamed"
    loaded.save()  # raises it once more, after the commit
    assert version(project) == raised + 1
    assert Project.objects.get(pk=project.pk).title == "Renamed"


@pytest.mark.django_db(transaction=True)
def test_only_a_connection_in_autocommit_may_keep():
    assert content.may_keep()
    with transaction.atomic():
        # Its writes are raised only once it commits: what it reads no version names yet.
        assert not content.may_keep()
