"""Contact preferences: numbers in E.164, addresses a letter can carry, a channel that has what
it needs, who may set them, and ``contact_for`` as other apps read it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEntry
from codesign import personal_data
from participants.contact import contact_for, contacts_for
from participants.models import Channel, ContactPreferences, Membership
from participants.services import contact_preferences_save, participant_add_managed
from participants.validation import (
    normalise_address_lines,
    normalise_mobile,
    normalise_phone,
    normalise_postcode,
)
from privacy.services import account_delete

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("written", "e164"),
    [
        ("07400 123456", "+447400123456"),
        ("+44 7400 123456", "+447400123456"),
        ("(07400) 123-456", "+447400123456"),
        ("0044 7400 123456", "+447400123456"),
    ],
)
def test_mobiles_are_kept_in_e164(written, e164):
    assert normalise_mobile(written) == e164


@pytest.mark.parametrize(
    ("written", "code", "says"),
    [
        ("not a number", "not_a_number", "Enter a phone number using digits"),
        ("07400 12345", "invalid", "not a phone number in use"),
        ("12345", "too_short", "too short"),
        ("07400 123456789", "too_long", "too long"),
        ("0113 496 0000", "not_mobile", "landline"),
        ("020 7946 0000", "not_mobile", "Enter a mobile number"),
    ],
)
def test_bad_and_landline_numbers_cannot_take_texts(written, code, says):
    with pytest.raises(ValidationError) as caught:
        normalise_mobile(written)
    assert caught.value.code == code
    assert says in caught.value.messages[0]


def test_a_landline_can_be_called():
    assert normalise_phone("0113 496 0000") == "+441134960000"
    with pytest.raises(ValidationError):
        normalise_phone("0113 496")


def test_postcodes_are_checked_and_written_the_royal_mail_way():
    assert normalise_postcode(" rv1  2ab ") == "RV1 2AB"
    assert normalise_postcode("sw1a1aa") == "SW1A 1AA"
    for wrong in ("RV1", "12345", "RV1 2A", "ABC 123"):
        with pytest.raises(ValidationError, match="UK postcode"):
            normalise_postcode(wrong)


def test_addresses_fit_a_windowed_envelope():
    assert normalise_address_lines(" Edna Brooks \n\n12 Mill Lane\nRiverside ") == (
        "Edna Brooks\n12 Mill Lane\nRiverside"
    )
    with pytest.raises(ValidationError, match="at least 2 lines"):
        normalise_address_lines("12 Mill Lane")
    with pytest.raises(ValidationError, match="at most 6 lines"):
        normalise_address_lines("\n".join(f"Line {n}" for n in range(7)))
    with pytest.raises(ValidationError, match="Line 2 has 36 characters"):
        normalise_address_lines("Edna Brooks\n" + "x" * 36)
    assert normalise_address_lines("Edna Brooks\n" + "x" * 35)


def save(person, **fields):
    return contact_preferences_save(person=person, changed_by=person, **fields)


def test_the_channel_must_have_what_it_needs(world):
    person = world.users["carer"]
    with pytest.raises(ValidationError) as caught:
        save(person, channel=Channel.TEXT)
    assert caught.value.message_dict == {"mobile": ["Text messages need a mobile number."]}
    with pytest.raises(ValidationError) as caught:
        save(person, channel=Channel.TEXT, mobile="0113 496 0000")
    assert "landline" in caught.value.message_dict["mobile"][0]
    with pytest.raises(ValidationError) as caught:
        save(person, channel=Channel.LETTER)
    assert "address_lines" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        save(person, channel=Channel.LETTER, address_lines="Jo\n1 Mill Lane\nRiverside")
    assert caught.value.message_dict == {
        "postcode": ["Give both the address and its postcode, or neither."]
    }
    with pytest.raises(ValidationError) as caught:
        save(person, channel=Channel.PHONE_CALL)
    assert caught.value.message_dict == {"phone": ["A phone call needs a number to call."]}
    assert not ContactPreferences.objects.exists()
    saved = save(person, channel=Channel.TEXT, mobile="07400 123456")
    assert saved.mobile == "+447400123456"
    assert save(person, channel=Channel.IN_PERSON).channel == Channel.IN_PERSON
    assert ContactPreferences.objects.get().person == person


def test_email_is_only_for_people_with_an_email_address(world):
    managed = participant_add_managed(
        project=world.project,
        full_name="Pat Managed",
        display_name="Pat",
        constituency="service_user",
        contact={"channel": Channel.PHONE_CALL, "phone": "0113 496 0000"},
        consent_method="paper",
        added_by=world.users["facilitator"],
    )
    with pytest.raises(ValidationError) as caught:
        save(managed.user, channel=Channel.EMAIL)
    assert "no email address" in caught.value.message_dict["channel"][0]


def test_contact_for_answers_for_everyone(world, django_assert_num_queries):
    carer, staff = world.users["carer"], world.users["staff"]
    save(
        carer,
        channel=Channel.LETTER,
        mobile="07400 123456",
        address_lines="Jo Carer\n1 Mill Lane\nRiverside",
        postcode="rv1 2ab",
    )
    contact = contact_for(carer)
    assert contact.channel == Channel.LETTER
    assert contact.email == "carer@example.org"
    assert contact.mobile == "+447400123456"
    assert contact.mobile_display == "07400 123456"
    assert contact.address_lines == ("Jo Carer", "1 Mill Lane", "Riverside", "RV1 2AB")
    assert not contact.told_by_facilitator
    # Nothing set: email for someone with an address, a phone call for someone without.
    assert contact_for(staff).channel == Channel.EMAIL
    staff.email = None
    assert contact_for(staff).channel == Channel.PHONE_CALL
    assert contact_for(staff).told_by_facilitator
    # A deleted account is reached by nothing.
    staff.deleted_at = carer.date_joined
    assert contact_for(staff).channel is None
    people = [world.users[name] for name in ("service_user", "carer", "facilitator")]
    with django_assert_num_queries(1):
        contacts = contacts_for(people)
    assert contacts[carer.pk].channel == Channel.LETTER
    assert contacts[world.users["service_user"].pk].channel == Channel.EMAIL


def own_url():
    return reverse("participants:contact-preferences")


def test_people_set_their_own_contact_preferences(world, client):
    client.force_login(world.users["carer"])
    page = client.get(own_url())
    assert page.status_code == 200
    assert page.context["form"].initial["channel"] == Channel.EMAIL
    response = client.post(own_url(), {"channel": "text", "mobile": "0113 496 0000"})
    assert response.status_code == 200
    assert "landline" in response.context["form"].errors["mobile"][0]
    assert not ContactPreferences.objects.exists()
    response = client.post(own_url(), {"channel": "text", "mobile": "07400 123456"})
    assert response.status_code == 302
    assert contact_for(world.users["carer"]).mobile == "+447400123456"
    assert client.get(own_url()).context["form"].initial["mobile"] == "+447400123456"


def test_facilitators_set_contact_preferences_of_people_they_manage_only(world, client):
    managed = participant_add_managed(
        project=world.project,
        full_name="Pat Managed",
        display_name="Pat",
        constituency="service_user",
        contact={"channel": Channel.IN_PERSON},
        consent_method="paper",
        added_by=world.users["facilitator"],
    )
    client.force_login(world.users["facilitator"])
    url = reverse("participants:member-contact", args=[world.project.pk, managed.pk])
    page = client.get(url)
    assert "email" not in [value for value, _ in page.context["form"].fields["channel"].choices]
    response = client.post(url, {"channel": "phone_call", "phone": "0113 496 0000"})
    assert response.status_code == 302
    contact = contact_for(managed.user)
    assert (contact.channel, contact.number_to_call) == (Channel.PHONE_CALL, "0113 496 0000")
    detail = client.get(managed.get_absolute_url()).content.decode()
    assert "Phone call from a facilitator" in detail and "0113 496 0000" in detail
    # Someone who manages their own account sets their own.
    own = Membership.objects.get(project=world.project, user=world.users["service_user"])
    url = reverse("participants:member-contact", args=[world.project.pk, own.pk])
    assert client.post(url, {"channel": "in_person"}).status_code == 403
    assert not ContactPreferences.objects.filter(person=own.user).exists()
    # Both the facilitator's setting and their change are in the project's log; the refused
    # change is not.
    logged = AuditEntry.objects.filter(action=AuditEntry.Action.CONTACT_CHANGED)
    assert [(e.actor, e.project, e.details["changed"]) for e in logged.order_by("id")] == [
        (world.users["facilitator"], world.project, ["channel"]),
        (world.users["facilitator"], world.project, ["channel", "phone"]),
    ]


def test_contact_changes_are_audited_by_field_name_never_by_value(world, client):
    client.force_login(world.users["carer"])
    client.post(own_url(), {"channel": "text", "mobile": "07400 123456"})
    client.post(own_url(), {"channel": "text", "mobile": "07400 123456"})
    client.post(own_url(), {"channel": "text", "mobile": "07400 654321"})
    entries = list(
        AuditEntry.objects.filter(action=AuditEntry.Action.CONTACT_CHANGED).order_by("id")
    )
    # Saving the same again is no change, so nothing is logged for it.
    assert [(e.actor, e.project, e.details["changed"]) for e in entries] == [
        (world.users["carer"], None, ["channel", "mobile"]),
        (world.users["carer"], None, ["mobile"]),
    ]
    assert all(e.details["person"] == world.users["carer"].pk for e in entries)
    assert "7400" not in str([e.details for e in entries])


def test_contact_preferences_are_in_the_download_and_erased_with_the_account(world):
    person = world.users["carer"]
    save(person, channel=Channel.TEXT, mobile="07400 123456")
    declaration = personal_data.site.declaration(ContactPreferences)
    assert declaration.section(person)["mobile"] == "+447400123456"
    account_delete(person=person, deleted_by=person)
    assert not ContactPreferences.objects.filter(person=person).exists()
