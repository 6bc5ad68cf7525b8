"""The account, sign-in, code, reauthentication, password and two-step pages speak in
Codesign's own words and layout, not the sign-in library's."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.urls import reverse

from tests.factories import PASSWORD

LIBRARY_WORDS = (
    "Email Addresses",
    "Request Code",
    "Confirm Access",
    "Please reauthenticate",
    "Recipient",
    "Make Primary",
    "Re-send Verification",
    "Authenticator App",
    "Activate",
    "Password Reset",
    "Reset My Password",
    "Forgot Password",
    "Sign In<",
    "Enter Sign-In Code",
    "This field is required.",
    "Sign Out",
    "Sign Up Closed",
    "Set Password",
    "Account Inactive",
)


def _check(html: str) -> None:
    for words in LIBRARY_WORDS:
        assert words not in html, words
    # One wording for the way to a new password, wherever it is offered.
    links = re.findall(r'href="/accounts/password/reset/"[^>]*>([^<]*)<', html)
    assert set(links) <= {"Forgotten your password?"}, links


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    ["account_login", "account_request_login_code", "account_reset_password"],
)
def test_the_signed_out_pages(client, world, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    _check(response.content.decode())
    _check(client.post(reverse(name), {}).content.decode())


@pytest.mark.django_db
def test_the_code_pages_after_asking_for_a_code(client, world):
    response = client.post(reverse("account_request_login_code"), {"email": "carer@example.org"})
    page = client.get(response.url).content.decode()
    assert "We have emailed a code to <strong>carer@example.org</strong>" in page
    _check(page)
    _check(client.post(reverse("account_confirm_login_code"), {"code": ""}).content.decode())
    client.get(reverse("account_login"))
    response = client.post(reverse("account_reset_password"), {"email": "carer@example.org"})
    page = client.get(response.url).content.decode()
    assert "Type in your password reset code" in page
    _check(page)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "account_email",
        "account_change_password",
        "account_reauthenticate",
        "mfa_index",
        "mfa_activate_totp",
    ],
)
def test_the_signed_in_pages(client, world, name):
    client.force_login(world.users["facilitator"])
    if name == "mfa_activate_totp":
        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.get(reverse(name))
    assert response.status_code == 200
    _check(response.content.decode())
    _check(client.post(reverse(name), {}).content.decode())


@pytest.mark.django_db
def test_the_account_page_says_who_and_what(client, world):
    carer = world.users["carer"]
    EmailAddress.objects.update_or_create(
        user=carer, email=carer.email, defaults={"primary": True, "verified": True}
    )
    client.force_login(carer)
    page = client.get(reverse("account_email")).content.decode()
    assert "<h1>Your account</h1>" in page
    assert "carer@example.org" in page
    assert "Main address" in page
    assert reverse("mfa_index") in page


@pytest.mark.django_db
def test_the_sign_in_name_is_labelled_in_plain_words(client, world):
    page = client.get(reverse("account_login")).content.decode()
    assert re.search(r"<label[^>]*for=\"id_login\"[^>]*>\s*Email or mobile number", page)
    response = client.post(reverse("account_login"), {"login": "", "password": ""})
    assert "Enter email or mobile number" in response.content.decode()


@pytest.mark.django_db
def test_the_backup_code_pages(client, world):
    user = world.users["facilitator"]
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    codes = RecoveryCodes.activate(user)
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    index = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert "<h1>Your backup codes</h1>" in index
    assert f"<li>{codes.get_unused_codes()[0]}</li>" in index
    _check(index)
    generate = client.get(reverse("mfa_generate_recovery_codes")).content.decode()
    assert "Your old codes stop working." in generate
    _check(generate)


@pytest.mark.django_db
def test_the_sign_out_and_joining_pages(client, world):
    closed = client.get(reverse("account_signup")).content.decode()
    assert "<h1>Joining Codesign</h1>" in closed
    _check(closed)
    client.force_login(world.users["carer"])
    page = client.get(reverse("account_logout")).content.decode()
    assert "Do you want to sign out of Codesign?" in page
    _check(page)


@pytest.mark.django_db
def test_the_closed_account_page(client):
    page = client.get(reverse("account_inactive")).content.decode()
    assert "<h1>You cannot sign in with this account</h1>" in page
    _check(page)


@pytest.mark.django_db
def test_someone_who_signs_in_by_code_chooses_a_password(client, world):
    carer = world.users["carer"]
    carer.set_unusable_password()
    carer.save()
    client.force_login(carer)
    page = client.get(reverse("account_set_password")).content.decode()
    assert "<h1>Choose a password</h1>" in page
    _check(page)
    _check(client.post(reverse("account_set_password"), {}).content.decode())
