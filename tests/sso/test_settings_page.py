"""An organisation admin sets the provider its staff sign in with: the page, its checks, the
secret kept encrypted and never shown back, and the audit entry."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from sso import crypto
from sso.models import EmailDomain, SingleSignOn
from sso.services import sso_settings_save

pytestmark = pytest.mark.django_db

SECRET = "s3cret-from-entra-Zx9"


def form(**changes):
    data = {
        "enabled": "",
        "issuer": "https://login.microsoftonline.com/tenant-id/v2.0",
        "client_id": "codesign-client",
        "client_secret": SECRET,
        "client_secret_env": "",
        "domains": "riverside.nhs.uk\nNHS.net\n@riverside.nhs.uk",
        "trust_provider_two_factor": "on",
        "email_always_verified": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def url(world):
    return reverse("sso:settings", args=[world.organisation.pk])


@pytest.fixture
def admin(world, client_for):
    return client_for(world.users["org_admin"])


def test_the_organisation_page_links_to_it_for_its_admins_only(world, client_for, url):
    page = reverse("projects:organisation-detail", args=[world.organisation.pk])
    assert url in client_for(world.users["org_admin"]).get(page).content.decode()
    assert url not in client_for(world.users["manager"]).get(page).content.decode()


def test_the_page_shows_the_redirect_uri_to_register(admin, url, world):
    page = admin.get(url).content.decode()
    assert f"http://testserver/accounts/oidc/org-{world.organisation.pk}/login/callback/" in page


def test_saving_keeps_the_secret_encrypted_and_never_shows_it(admin, url, world):
    response = admin.post(url, form())
    assert response.status_code == 302
    sso = SingleSignOn.objects.get(organisation=world.organisation)
    assert SECRET not in sso.client_secret_encrypted
    assert crypto.decrypt(sso.client_secret_encrypted) == SECRET
    assert sso.client_secret() == SECRET
    assert sso.domain_names == ["nhs.net", "riverside.nhs.uk"]
    assert sso.trust_provider_two_factor and not sso.enabled
    page = admin.get(url).content.decode()
    assert SECRET not in page
    assert "A secret is set" in page
    assert 'value="https://login.microsoftonline.com/tenant-id/v2.0"' in page
    assert "nhs.net\nriverside.nhs.uk" in page


def test_an_empty_secret_keeps_the_one_set_and_a_new_one_replaces_it(admin, url, world):
    admin.post(url, form())
    admin.post(url, form(client_secret="", client_id="changed"))
    sso = SingleSignOn.objects.get(organisation=world.organisation)
    assert sso.client_id == "changed" and sso.client_secret() == SECRET
    admin.post(url, form(client_secret="another"))
    sso.refresh_from_db()
    assert sso.client_secret() == "another"


def test_the_secret_is_unreadable_under_another_key(admin, url, world, settings):
    admin.post(url, form())
    settings.CODESIGN_SSO_SECRET_KEY = "a-different-key-for-single-sign-on-secrets"
    sso = SingleSignOn.objects.get(organisation=world.organisation)
    assert sso.client_secret() is None
    response = admin.post(url, form(enabled="on", client_secret=""))
    assert response.status_code == 200
    assert "can no longer be read" in response.content.decode()


def test_switching_on_needs_every_setting_each_said_beside_its_field(admin, url, world):
    response = admin.post(
        url, form(enabled="on", issuer="", client_id="", client_secret="", domains="")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"issuer", "client_id", "client_secret", "domains"}
    assert not SingleSignOn.objects.exists()


@pytest.mark.parametrize(
    "changes, field, words",
    [
        ({"domains": "not a domain"}, "domains", "is not an email domain"),
        ({"issuer": "http://login.example.org/"}, "issuer", "must start with https://"),
        ({"client_secret_env": "lower-case"}, "client_secret_env", "capital letters"),
        ({"client_secret_env": "CODESIGN_NO_SUCH_VARIABLE"}, "client_secret_env", "No variable"),
        ({"client_secret_env": "PATH"}, "client_secret_env", "not both"),
    ],
)
def test_mistakes_are_said_beside_their_field(admin, url, changes, field, words):
    response = admin.post(url, form(**changes))
    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors[field])
    assert not SingleSignOn.objects.exists()


def test_a_secret_may_be_named_by_its_environment_variable(admin, url, world, monkeypatch):
    monkeypatch.setenv("RIVERSIDE_SSO_SECRET", "from-the-environment")
    admin.post(url, form())
    admin.post(url, form(client_secret="", client_secret_env="RIVERSIDE_SSO_SECRET"))
    sso = SingleSignOn.objects.get(organisation=world.organisation)
    assert sso.client_secret() == "from-the-environment"
    assert sso.client_secret_encrypted == ""


def test_a_domain_has_one_organisation(admin, url, world):
    sso_settings_save(
        organisation=world.other_organisation,
        by=world.users["superuser"],
        enabled=False,
        issuer="",
        client_id="",
        client_secret="",
        client_secret_env="",
        domains=["nhs.net"],
        trust_provider_two_factor=False,
        email_always_verified=False,
    )
    response = admin.post(url, form())
    assert "Another organisation here signs in nhs.net" in " ".join(
        response.context["form"].errors["domains"]
    )
    assert EmailDomain.objects.get().single_sign_on.organisation == world.other_organisation


def test_an_unreachable_issuer_is_said_beside_the_field(admin, url):
    # Nothing listens on port 9 of this machine's loopback.
    response = admin.post(url, form(enabled="on", issuer="http://127.0.0.1:9/o"))
    assert response.status_code == 200
    assert "could not reach" in " ".join(response.context["form"].errors["issuer"])
    assert not SingleSignOn.objects.exists()


def test_changes_are_audited_without_the_secret(admin, url, world):
    admin.post(url, form())
    admin.post(url, form(client_secret="", domains="nhs.net"))
    first, second = AuditEntry.objects.filter(action=AuditEntry.Action.SSO_CHANGED).order_by("pk")
    assert first.organisation == world.organisation and first.actor == world.users["org_admin"]
    assert first.details["secret_changed"] is True
    assert second.details == {"changed": [], "secret_changed": False, "domains": ["nhs.net"]}
    assert SECRET not in str(first.details)


def test_switching_on_reads_the_providers_discovery_document(admin, url, world, oidc_provider):
    response = admin.post(url, form(enabled="on", issuer=oidc_provider.issuer))
    assert response.status_code == 302
    assert SingleSignOn.objects.get(organisation=world.organisation).enabled


@pytest.mark.parametrize(
    "path, words",
    [
        ("/o/", "The provider calls itself"),
        ("/elsewhere", "answered 404, not a discovery document"),
    ],
)
def test_a_provider_that_does_not_answer_as_its_issuer_is_said_beside_the_field(
    admin, url, oidc_provider, path, words
):
    response = admin.post(url, form(enabled="on", issuer=oidc_provider.base + path))
    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors["issuer"])
    assert not SingleSignOn.objects.exists()
