import pytest
from django.urls import reverse

from audit.models import AuditEntry
from audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_the_audit_log_is_append_only(world):
    entry = audit_record(action="consent.given", actor=world.users["carer"], project=world.project)
    entry.details = {"changed": True}
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.update(action="x")
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().details == {}


def test_only_superusers_read_the_audit_log_and_nobody_edits_it_in_the_admin(world, client):
    audit_record(action="consent.given", actor=world.users["carer"], project=world.project)
    client.force_login(world.users["org_admin"])
    assert client.get(reverse("audit:entry-list")).status_code == 403
    client.force_login(world.users["superuser"])
    page = client.get(reverse("audit:entry-list"))
    assert "Consent given" in page.content.decode()
    entry = AuditEntry.objects.get(action="consent.given")
    change = reverse("admin:audit_auditentry_change", args=[entry.pk])
    client.post(change, {"action": "tampered"})
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.action == "consent.given"
    client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"})
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_permission_denials_on_object_urls_are_audited(world, client):
    client.force_login(world.users["outsider"])
    assert client.get(world.project.get_absolute_url()).status_code == 404
    client.force_login(world.users["staff"])
    assert client.get(reverse("projects:project-edit", args=[world.project.pk])).status_code == 403
    denials = AuditEntry.objects.filter(action="permission.denied").order_by("id")
    assert [(e.actor.email, e.details["outcome"]) for e in denials] == [
        ("outsider@example.org", "hidden"),
        ("staff@example.org", "forbidden"),
    ]


def test_the_admin_cannot_reveal_an_anonymous_author_through_a_membership_delete_page(
    world, client
):
    from participants.models import Membership
    from tests.factories import ContributionFactory

    membership = Membership.objects.get(user=world.users["carer"])
    ContributionFactory(
        project=world.project, author=membership, is_anonymous=True, title="Scared to ask"
    )
    client.force_login(world.users["superuser"])
    response = client.get(reverse("admin:participants_membership_delete", args=[membership.pk]))
    assert response.status_code == 403
    assert "Scared to ask" not in response.content.decode()


def test_a_burst_of_refusals_is_one_entry_with_its_count(world, client, settings, time_machine):
    settings.AUDIT_REFUSAL_BURST_SECONDS = 600
    time_machine.move_to("2030-01-15 10:00:00+00:00", tick=False)
    client.force_login(world.users["staff"])
    edit = reverse("projects:project-edit", args=[world.project.pk])
    for _ in range(5):
        assert client.get(edit).status_code == 403
    (entry,) = AuditEntry.objects.filter(action="permission.denied")
    assert entry.burst.count == 5
    # After a quiet spell longer than the window, a new burst starts.
    time_machine.move_to("2030-01-15 10:11:00+00:00", tick=False)
    assert client.get(edit).status_code == 403
    assert AuditEntry.objects.filter(action="permission.denied").count() == 2
    client.force_login(world.users["superuser"])
    page = client.get(reverse("audit:entry-list")).content.decode()
    assert "(5 times, the last at 15 Jan 2030 10:00:00)" in page


def test_organisation_admins_read_their_organisations_log_and_download_it(world, client_for):
    from audit.services import audit_record
    from tests.factories import UserFactory

    audit_record(action="consent.given", actor=world.users["carer"], project=world.project)
    audit_record(action="consent.given", project=world.other_project, details={"x": "=1+1"})
    client_for(UserFactory()).get(world.project.get_absolute_url())  # a refusal: not theirs
    url = reverse("audit:organisation-entry-list", args=[world.organisation.pk])
    admin = client_for(world.users["org_admin"])
    page = admin.get(url).content.decode()
    assert "carer@example.org" in page and "Repairs" not in page
    assert "Permission denied" not in page.split("<tbody>", 1)[1]
    assert (
        'href="/audit/organisations/'
        in admin.get(
            reverse("projects:organisation-detail", args=[world.organisation.pk])
        ).content.decode()
    )
    csv_text = b"".join(
        admin.get(
            reverse("audit:organisation-entry-csv", args=[world.organisation.pk]),
            {"action": "consent.given"},
        ).streaming_content
    ).decode()
    assert csv_text.count("Consent given") == 1 and "Repairs" not in csv_text
    # Managers and facilitators do not; another organisation's admin may not know it exists.
    assert client_for(world.users["manager"]).get(url).status_code == 403
    assert client_for(world.users["facilitator"]).get(url).status_code in (403, 404)


def test_the_organisations_log_costs_the_same_queries_at_two_sizes(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from audit.services import audit_record

    admin = client_for(world.users["org_admin"])
    url = reverse("audit:organisation-entry-list", args=[world.organisation.pk])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert admin.get(url).status_code == 200
        return len(captured)

    audit_record(action="consent.given", actor=world.users["carer"], project=world.project)
    few = queries()
    for _ in range(30):
        audit_record(action="consent.given", actor=world.users["staff"], project=world.project)
    assert queries() == few


def test_the_organisations_csv_says_how_many_times_a_counted_entry_happened(world, client_for):
    import csv
    import io

    from api.services import token_call_record
    from audit.services import audit_record
    from tests.api.helpers import make_token

    token, _secret = make_token(world.organisation)
    for _ in range(3):
        token_call_record(token=token, path="/api/v1/projects/")
    audit_record(action="consent.given", actor=world.users["carer"], project=world.project)
    admin = client_for(world.users["org_admin"])
    url = reverse("audit:organisation-entry-csv", args=[world.organisation.pk])
    rows = list(csv.reader(io.StringIO(b"".join(admin.get(url).streaming_content).decode())))
    header, body = rows[0], rows[1:]
    assert header[-2:] == ["Times", "Last time"]
    calls = next(row for row in body if row[2] == "API calls with a token")
    consent = next(row for row in body if row[2] == "Consent given")
    assert calls[-2] == "3" and calls[-1]
    assert consent[-2:] == ["1", ""]
