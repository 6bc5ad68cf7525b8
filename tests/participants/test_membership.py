import pytest
from django.urls import reverse

from participants.contact import contact_for
from participants.models import AccessNeeds, Channel, Membership
from participants.services import membership_update, membership_withdraw
from tests.factories import AccessNeedsFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def members_url(world):
    return reverse("participants:membership-list", args=[world.project.pk])


def test_participants_see_display_names_only(world, client):
    staff = Membership.objects.get(user=world.users["staff"])
    staff.job_title = "Ward sister"
    staff.save()
    client.force_login(world.users["service_user"])
    html = client.get(members_url(world)).content.decode()
    assert "Staff" in html
    assert "staff@example.org" not in html
    assert "Ward sister" not in html
    assert "Service user" not in html  # constituency is not shown to fellow participants


def test_job_titles_show_when_the_project_allows(world, client):
    world.project.hide_job_titles = False
    world.project.save()
    staff = Membership.objects.get(user=world.users["staff"])
    staff.job_title = "Ward sister"
    staff.save()
    client.force_login(world.users["carer"])
    assert "Ward sister" in client.get(members_url(world)).content.decode()


def test_facilitators_see_emails_and_constituency_and_can_filter(world, client):
    client.force_login(world.users["facilitator"])
    html = client.get(members_url(world)).content.decode()
    assert "carer@example.org" in html and "Carer" in html
    html = client.get(members_url(world), {"constituency": "carer"}).content.decode()
    assert "carer@example.org" in html
    assert "staff@example.org" not in html
    html = client.get(members_url(world), {"status": "withdrawn"}).content.decode()
    assert "Nobody matches these filters." in html


def test_managers_see_counts_not_names(world, client):
    client.force_login(world.users["manager"])
    assert client.get(members_url(world)).status_code == 403
    html = client.get(world.project.get_absolute_url()).content.decode()
    assert "Who is taking part" in html
    assert "Service User" not in html  # display names
    assert "service_user@example.org" not in html


def test_access_needs_are_seen_by_the_person_and_facilitators_only(world, client):
    membership = Membership.objects.get(user=world.users["service_user"])
    AccessNeedsFactory(membership=membership, bsl_interpreter=True)
    detail = reverse("participants:membership-detail", args=[world.project.pk, membership.pk])
    client.force_login(world.users["facilitator"])
    assert "British Sign Language interpreter" in client.get(detail).content.decode()
    for role in ("staff", "manager", "observer"):
        client.force_login(world.users[role])
        assert client.get(detail).status_code == 403
    client.force_login(world.users["outsider"])
    assert client.get(detail).status_code == 404
    client.force_login(world.users["service_user"])
    own = client.get(reverse("participants:access-needs", args=[world.project.pk]))
    assert own.context["form"].initial["bsl_interpreter"] is True


def add_managed(world, client, **overrides):
    client.force_login(world.users["facilitator"])
    data = {
        "full_name": "Edna Brooks",
        "display_name": "Edna",
        "constituency": "service_user",
        "channel": "letter",
        "address_lines": "Edna Brooks\n12 Mill Lane\nRiverside",
        "postcode": "rv12ab",
        "consent_method": "paper",
        "consent_confirmed": "on",
        **overrides,
    }
    return client.post(reverse("participants:add-managed", args=[world.project.pk]), data)


def test_managed_participant_is_added_with_offline_consent(world, client):
    response = add_managed(world, client)
    assert response.status_code == 302
    membership = Membership.objects.get(display_name="Edna")
    assert membership.managed_by_facilitator
    assert membership.status == Membership.Status.ACTIVE
    assert membership.user.email is None and not membership.user.is_active
    consent = membership.consents.get()
    assert consent.method == "paper"
    assert consent.recorded_by == world.users["facilitator"]
    # The facilitator records their access needs for them.
    response = client.post(response.url, {"hearing_loop": "on"})
    assert response.status_code == 302
    assert AccessNeeds.objects.get(membership=membership).hearing_loop
    contact = contact_for(membership.user)
    assert contact.channel == Channel.LETTER
    assert contact.address_lines == ("Edna Brooks", "12 Mill Lane", "Riverside", "RV1 2AB")


def test_managed_participant_needs_a_way_to_reach_them_and_their_consent(world, client):
    response = add_managed(world, client, address_lines="", postcode="")
    assert response.context["form"].errors["address_lines"] == [
        "Letters need a postal address and postcode."
    ]
    response = add_managed(world, client, consent_confirmed="")
    assert response.status_code == 200 and "consent_confirmed" in response.context["form"].errors
    assert not Membership.objects.filter(display_name="Edna").exists()


def test_facilitators_cannot_edit_access_needs_of_people_who_manage_their_own(world, client):
    membership = Membership.objects.get(user=world.users["service_user"])
    client.force_login(world.users["facilitator"])
    url = reverse("participants:member-access-needs", args=[world.project.pk, membership.pk])
    assert client.post(url, {"hearing_loop": "on"}).status_code == 403
    assert not AccessNeeds.objects.filter(membership=membership).exists()


def test_withdrawing_consent_withdraws_the_membership(world, client):
    membership = Membership.objects.get(user=world.users["carer"])
    from participants.services import consent_give

    consent_give(membership=membership, recorded_by=world.users["carer"])
    client.force_login(world.users["carer"])
    response = client.post(reverse("participants:consent-withdraw", args=[world.project.pk]), {})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == Membership.Status.WITHDRAWN
    assert membership.consents.get().withdrawn_at is not None
    assert client.get(world.project.get_absolute_url()).status_code == 404


def test_role_and_constituency_changes_are_audited(world):
    membership = Membership.objects.get(user=world.users["staff"])
    membership_update(
        membership=membership, changed_by=world.users["facilitator"], constituency="carer"
    )
    from audit.models import AuditEntry

    entry = AuditEntry.objects.get(action="member.changed")
    assert entry.details == {
        "from": {"role": "participant", "constituency": "staff"},
        "to": {"role": "participant", "constituency": "carer"},
    }


def test_withdrawn_person_loses_access(world, client):
    membership = Membership.objects.get(user=world.users["staff"])
    membership_withdraw(membership=membership, withdrawn_by=world.users["facilitator"])
    client.force_login(world.users["staff"])
    assert client.get(world.project.get_absolute_url()).status_code == 404


def test_participant_list_queries_do_not_grow(world, client, count_queries):
    def add_members(n):
        for _ in range(n):
            membership = MembershipFactory(project=world.project, constituency="carer")
            AccessNeedsFactory(membership=membership)

    for role in ("facilitator", "service_user"):
        client.force_login(world.users[role])
        add_members(2)
        small = count_queries(lambda: client.get(members_url(world)))
        add_members(48)
        large = count_queries(lambda: client.get(members_url(world)))
        assert small == large, (role, small, large)


def test_participants_change_their_own_display_name(world, client):
    """The invitation says they can: so they can, and only their own."""
    url = reverse("participants:own-display-name", args=[world.project.pk])
    client.force_login(world.users["carer"])
    assert client.get(url).status_code == 200
    assert client.post(url, {"display_name": ""}).status_code == 200
    response = client.post(url, {"display_name": "Jo B"})
    assert response.status_code == 302
    carer = Membership.objects.get(project=world.project, user=world.users["carer"])
    assert carer.display_name == "Jo B"
    assert "Jo B" in client.get(world.project.get_absolute_url()).content.decode()
    others = Membership.objects.exclude(pk=carer.pk).values_list("display_name", flat=True)
    assert "Jo B" not in others
    client.force_login(world.users["outsider"])
    assert client.post(url, {"display_name": "Intruder"}).status_code == 404
    assert not Membership.objects.filter(display_name="Intruder").exists()


def test_access_needs_are_summed_up_in_the_readers_language(world):
    from django.utils import translation

    needs = AccessNeedsFactory(
        membership=MembershipFactory(project=world.project),
        other_interpreter="Polish",
        dietary="No nuts",
    )
    with translation.override("cy"):
        summary = needs.summary()
    assert "Cyfieithydd: Polish" in summary and "Deietegol: No nuts" in summary
