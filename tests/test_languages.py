"""The language switcher, each person's language, and messages written in it."""

import re

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from accounts.models import User
from codesign.languages import (
    address_languages,
    drop_empty_fallbacks,
    message_languages,
    person_languages,
)
from notifications.models import Notification
from notifications.services import notify
from outbox.models import OutboxMessage
from participants.services import participant_add_managed, participant_invite

from .factories import UserFactory

COOKIE = settings.LANGUAGE_COOKIE_NAME


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def switch(client, language, next_url="/"):
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


def test_every_page_offers_the_other_language_in_its_own_words(world):
    for user in (None, world.users["service_user"]):
        client = Client()
        if user:
            client.force_login(user)
        page = client.get("/").content.decode()
        assert 'action="/i18n/setlang/"' in page
        assert 'lang="cy"' in page and ">Cymraeg</button>" in page
        switch(client, "cy")
        page = client.get("/").content.decode()
        assert ">English</button>" in page and ">Cymraeg</button>" not in page


def test_the_choice_is_kept_in_a_cookie_when_signed_out(db):
    client = Client()
    response = switch(client, "cy", "/accounts/login/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert client.cookies[COOKIE].value == "cy"
    assert html_lang(client.get("/accounts/login/")) == "cy"
    switch(client, "en-gb")
    assert html_lang(client.get("/accounts/login/")) == "en-gb"


def test_a_signed_in_person_keeps_their_choice_on_their_account(world):
    person = world.users["carer"]
    client = Client()
    client.force_login(person)
    switch(client, "cy")
    person.refresh_from_db()
    assert person.language == "cy"
    # On another device (no cookie), the pages open in the language on their account.
    other = Client()
    other.force_login(person)
    response = other.get("/")
    assert html_lang(response) == "cy"
    assert response.cookies[COOKIE].value == "cy"


def test_a_language_chosen_before_signing_in_is_saved_when_they_sign_in(db):
    person = UserFactory(email="sign.in@example.org", password="a long pass phrase 12")
    client = Client()
    switch(client, "cy")
    response = client.post(
        reverse("account_login"),
        {"login": "sign.in@example.org", "password": "a long pass phrase 12"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.language == "cy"


def test_an_unknown_language_is_not_saved(world):
    person = world.users["staff"]
    client = Client()
    client.force_login(person)
    switch(client, "xx")
    person.refresh_from_db()
    assert person.language == ""
    assert client.get(reverse("set_language")).status_code == 405


def test_the_languages_of_a_message(world):
    organisation = world.organisation
    assert message_languages("cy", organisation) == ("cy",)
    assert message_languages("", organisation) == ("en-gb",)
    organisation.bilingual_messages = True
    assert message_languages("en-gb", organisation) == ("en-gb",)
    assert message_languages("", organisation) == ("cy", "en-gb")
    assert person_languages(None, None) == ("en-gb",)
    person = world.users["carer"]
    User.objects.filter(pk=person.pk).update(language="cy")
    assert address_languages(person.email.upper(), None) == ("cy",)
    assert address_languages("nobody@example.org", organisation) == ("cy", "en-gb")


def test_an_invitation_records_the_language_unless_the_person_chose_one(world):
    invitation = participant_invite(
        project=world.project,
        email="newcomer@example.org",
        constituency="service_user",
        language="cy",
        invited_by=world.users["facilitator"],
    )
    assert User.objects.get(email=invitation.email).language == "cy"
    chooser = UserFactory(email="chooser@example.org", language="en-gb")
    participant_invite(
        project=world.project,
        email=chooser.email,
        constituency="carer",
        language="cy",
        invited_by=world.users["facilitator"],
    )
    chooser.refresh_from_db()
    assert chooser.language == "en-gb"


def test_bilingual_messages_put_welsh_first_for_people_whose_language_is_not_known(world):
    world.organisation.bilingual_messages = True
    world.organisation.save()
    known = world.users["staff"]
    User.objects.filter(pk=known.pk).update(language="en-gb")
    known.refresh_from_db()
    unknown = world.users["carer"]
    with_message = {"message": "Your idea “%(title)s” is now: %(status)s."}
    notify(
        users=[known, unknown],
        kind=Notification.Kind.STATUS,
        project=world.project,
        message=with_message["message"],
        params={"title": "Signs", "status": "Agreed"},
        url="/",
    )
    by_address = {m.to: m for m in OutboxMessage.objects.all()}
    single, bilingual = by_address[known.email], by_address[unknown.email]
    assert " / " not in single.subject and '<html lang="en-gb">' in single.body_html
    assert '<html lang="cy">' in bilingual.body_html
    assert bilingual.body_html.index('<div lang="cy">') < bilingual.body_html.index(
        '<div lang="en-gb">'
    )
    assert bilingual.body_text.count("Signs") == 2
    bell = Notification.objects.get(user=unknown)
    assert bell.message.count("Signs") == 2 and " / " in bell.message
    assert Notification.objects.get(user=known).message.count("Signs") == 1


def test_the_organisation_setting_is_on_its_settings_form(world):
    client = Client()
    client.force_login(world.users["org_admin"])
    page = client.get(reverse("projects:organisation-edit", args=[world.organisation.pk]))
    assert 'name="bilingual_messages"' in page.content.decode()


def test_someone_without_email_is_added_with_their_language(world):
    membership = participant_add_managed(
        project=world.project,
        full_name="Edna Brooks",
        display_name="Edna",
        constituency="service_user",
        language="cy",
        contact={"channel": "phone_call", "phone": "0113 496 0000"},
        consent_method="paper",
        added_by=world.users["facilitator"],
    )
    assert membership.user.language == "cy"
    client = Client()
    client.force_login(world.users["facilitator"])
    page = client.get(reverse("participants:add-managed", args=[world.project.pk]))
    assert 'name="language"' in page.content.decode()


def test_no_empty_catalogue_is_walked_behind_the_sites():
    """Packages' header-only ``en`` catalogues are unlinked, once, at start-up (every English
    message the site's catalogue lacks walked them); what translates still does."""
    trans_real._translations = {}  # as a fresh process loads them
    drop_empty_fallbacks()
    for language, _name in settings.LANGUAGES:
        behind = trans_real.translation(language)._fallback
        while behind is not None:
            assert set(behind._catalog.keys()) - {""}, f"an empty catalogue behind {language}"
            behind = behind._fallback
    with translation.override("cy"):
        assert translation.gettext("Sign in") == "Mewngofnodi"
        assert translation.gettext("This field is required.") != "This field is required."
        assert translation.gettext("A sentence no catalogue holds") == (
            "A sentence no catalogue holds"
        )
    with translation.override("en-gb"):
        assert translation.gettext("Sign in") == "Sign in"
