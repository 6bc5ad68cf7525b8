"""Staff sign in through their organisation's provider, end to end against a real OpenID
Connect provider on loopback (conftest.py): the happy path, each refusal (no session, a clear
reason, an audit entry), and two-factor satisfied by the provider's ``amr`` or not."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from audit.models import AuditEntry
from privacy.selectors import personal_data
from privacy.services import account_delete
from projects.models import OrganisationRole
from tests.factories import MembershipFactory, OrganisationRoleFactory, UserFactory

from .conftest import callback_uri, configure, sign_in

pytestmark = pytest.mark.django_db

STAFF = "sam.staff@riverside.example"


@pytest.fixture
def staff(world):
    user = UserFactory(email=STAFF)
    OrganisationRoleFactory(
        organisation=world.organisation, user=user, role=OrganisationRole.Role.MANAGER
    )
    return user


@pytest.fixture
def sso(world, oidc_provider):
    return configure(world.organisation, oidc_provider)


def behave(provider, sso, **mode):
    mode.setdefault("email", STAFF)
    mode.setdefault("email_verified", True)
    provider.behave(redirect_uri=callback_uri(sso), **mode)


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def refusals(organisation):
    return list(
        AuditEntry.objects.filter(
            action=AuditEntry.Action.SSO_REFUSED, organisation=organisation
        ).values_list("details__reason", flat=True)
    )


def test_staff_sign_in_through_their_provider(client, oidc_provider, sso, staff, world):
    behave(oidc_provider, sso)
    response = sign_in(client, oidc_provider, STAFF)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert signed_in_as(client) == str(staff.pk)
    link = SocialAccount.objects.get(user=staff)
    assert link.provider == sso.provider_id
    assert link.extra_data["id_token"]["email"] == STAFF
    # Signed in again later: the link is found by the provider's subject.
    client.logout()
    assert sign_in(client, oidc_provider, STAFF).status_code == 302
    assert signed_in_as(client) == str(staff.pk)
    assert SocialAccount.objects.count() == 1
    assert refusals(world.organisation) == []


@pytest.mark.parametrize(
    "mode, reason, words",
    [
        ({"issuer": "http://127.0.0.1:1/someone-else"}, "issuer", "different issuer"),
        ({"audience": "another-application"}, "audience", "issued for another application"),
        ({"expired": True}, "expired", "had expired"),
    ],
)
def test_a_token_codesign_cannot_accept_is_refused(
    client, oidc_provider, sso, staff, world, mode, reason, words
):
    behave(oidc_provider, sso, **mode)
    response = sign_in(client, oidc_provider, STAFF)
    assert response.status_code == 403
    page = response.content.decode()
    assert words in page and "You are not signed in." in page
    assert signed_in_as(client) is None
    assert not SocialAccount.objects.exists()
    assert refusals(world.organisation) == [reason]
    # Home is the signed-out page: nothing of the attempt lingers in the session.
    assert client.get(reverse("home")).context["user"].is_anonymous


def test_an_address_in_no_organisations_domain_is_not_sent_anywhere(client, sso):
    response = client.post(reverse("sso:start"), {"email": "someone@elsewhere.example"})
    assert response.status_code == 200
    assert "No organisation here signs in addresses like this one" in response.content.decode()
    assert signed_in_as(client) is None


def test_a_switched_off_organisation_sends_nobody(client, oidc_provider, world, staff):
    configure(world.organisation, oidc_provider, enabled=False)
    response = client.post(reverse("sso:start"), {"email": STAFF})
    assert response.status_code == 200 and "No organisation here" in response.content.decode()


def test_the_provider_cannot_vouch_for_an_address_outside_the_domains(
    client, oidc_provider, sso, world
):
    # The person typed an address in the domain; the provider says they are someone else.
    UserFactory(email="victim@other.example")
    behave(oidc_provider, sso, email="victim@other.example")
    response = sign_in(client, oidc_provider, STAFF)
    assert response.status_code == 403 and signed_in_as(client) is None
    assert refusals(world.organisation) == ["domain"]


@pytest.mark.parametrize("said", [False, None])
def test_an_unverified_address_is_refused(client, oidc_provider, sso, staff, world, said):
    behave(oidc_provider, sso, email_verified=said)
    response = sign_in(client, oidc_provider, STAFF)
    assert response.status_code == 403 and signed_in_as(client) is None
    assert "did not confirm that your email address is verified" in response.content.decode()
    assert refusals(world.organisation) == ["unverified"]


def test_an_organisation_may_trust_its_providers_addresses(client, oidc_provider, staff, world):
    sso = configure(world.organisation, oidc_provider, email_always_verified=True)
    behave(oidc_provider, sso, email_verified=None)
    assert sign_in(client, oidc_provider, STAFF).status_code == 302
    assert signed_in_as(client) == str(staff.pk)


def test_nobody_gets_an_account_by_signing_in(client, oidc_provider, sso, world):
    behave(oidc_provider, sso)
    response = sign_in(client, oidc_provider, STAFF)
    assert response.status_code == 403 and signed_in_as(client) is None
    assert "Codesign admin to add you; then sign in here again" in response.content.decode()
    assert refusals(world.organisation) == ["no_account"]


def test_an_account_of_another_organisation_too_is_not_taken_over(
    client, oidc_provider, sso, staff, world
):
    MembershipFactory(project=world.other_project, user=staff)
    behave(oidc_provider, sso)
    response = sign_in(client, oidc_provider, STAFF)
    assert response.status_code == 403 and signed_in_as(client) is None
    assert refusals(world.organisation) == ["elsewhere"]


def test_a_participant_of_the_organisations_project_signs_in(client, oidc_provider, sso, world):
    person = UserFactory(email="nurse@riverside.example")
    MembershipFactory(project=world.project, user=person)
    behave(oidc_provider, sso, email="nurse@riverside.example")
    assert sign_in(client, oidc_provider, "nurse@riverside.example").status_code == 302
    assert signed_in_as(client) == str(person.pk)


def test_another_identity_for_a_linked_account_is_refused(client, oidc_provider, sso, staff, world):
    behave(oidc_provider, sso)
    sign_in(client, oidc_provider, STAFF)
    client.logout()
    # The address now belongs to someone else at the provider (another subject).
    behave(oidc_provider, sso, subject="someone-new")
    response = sign_in(client, oidc_provider, STAFF)
    assert response.status_code == 403 and signed_in_as(client) is None
    assert refusals(world.organisation) == ["linked"]


def with_authenticator(user):
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})


def test_the_providers_two_factor_counts_when_trusted(
    client, oidc_provider, staff, world, settings
):
    settings.CODESIGN_REQUIRE_MFA = True
    sso = configure(world.organisation, oidc_provider, trust_provider_two_factor=True)
    with_authenticator(staff)
    behave(oidc_provider, sso, amr=["pwd", "mfa"])
    response = sign_in(client, oidc_provider, STAFF)
    assert response["Location"] == reverse("home")
    assert signed_in_as(client) == str(staff.pk)
    page = reverse("projects:organisation-detail", args=[world.organisation.pk])
    assert client.get(page).status_code == 200


@pytest.mark.parametrize("trusted, amr", [(True, ["pwd"]), (False, ["pwd", "mfa"]), (True, None)])
def test_otherwise_codesigns_own_two_factor_applies(
    client, oidc_provider, staff, world, trusted, amr
):
    sso = configure(world.organisation, oidc_provider, trust_provider_two_factor=trusted)
    with_authenticator(staff)
    behave(oidc_provider, sso, amr=amr)
    response = sign_in(client, oidc_provider, STAFF)
    assert response["Location"] == reverse("mfa_authenticate")
    assert signed_in_as(client) is None


def test_a_role_that_needs_two_factor_must_still_set_it_up_without_the_providers(
    client, oidc_provider, staff, world, settings
):
    settings.CODESIGN_REQUIRE_MFA = True
    sso = configure(world.organisation, oidc_provider, trust_provider_two_factor=True)
    behave(oidc_provider, sso, amr=["pwd"])
    sign_in(client, oidc_provider, STAFF)
    assert signed_in_as(client) == str(staff.pk)
    page = reverse("projects:organisation-detail", args=[world.organisation.pk])
    assert client.get(page)["Location"] == reverse("mfa_activate_totp")
    # With the provider's second factor, the same person needs none of Codesign's.
    client.logout()
    behave(oidc_provider, sso, amr=["pwd", "hwk"])
    sign_in(client, oidc_provider, STAFF)
    assert client.get(page).status_code == 200


def test_a_superuser_never_signs_in_by_a_provider(client, oidc_provider, sso, world):
    UserFactory(email="root@riverside.example", is_superuser=True)
    behave(oidc_provider, sso, email="root@riverside.example")
    response = sign_in(client, oidc_provider, "root@riverside.example")
    assert response.status_code == 403 and signed_in_as(client) is None
    assert refusals(world.organisation) == ["superuser"]


def test_the_link_is_in_the_persons_download_and_goes_with_their_account(
    client, oidc_provider, sso, staff
):
    behave(oidc_provider, sso)
    sign_in(client, oidc_provider, STAFF)
    (link,) = personal_data(staff)["account"]["single_sign_on"]
    assert link["provider"] == sso.provider_id and link["claims"]["id_token"]["email"] == STAFF
    account_delete(person=staff, deleted_by=staff)
    assert not SocialAccount.objects.exists()


def test_the_organisations_admins_read_refusals_in_its_audit_log(
    client, client_for, oidc_provider, sso, staff, world
):
    behave(oidc_provider, sso, audience="another-application")
    sign_in(client, oidc_provider, STAFF)
    admin = client_for(world.users["org_admin"])
    log = admin.get(reverse("audit:organisation-entry-list", args=[world.organisation.pk]))
    page = log.content.decode()
    assert "Sign-in through the organisation" in page and "audience" in page
