"""A token's life: made by an organisation's admin, shown once, kept hashed, refused once
expired or revoked; every call counted in bursts, throttled, paged and tagged."""

import hashlib
import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from api import services
from api.drf import TokenRateThrottle
from api.models import ApiCallBurst, ApiToken
from audit.models import AuditEntry
from tests.factories import ProjectFactory

from .helpers import api_client, make_token

PROJECTS = "/api/v1/projects/"


@pytest.fixture
def admin_client(world, client_for):
    return client_for(world.users["org_admin"])


def test_an_admin_makes_a_token_that_is_shown_once_and_kept_hashed(world, admin_client):
    url = reverse("api:token-create", args=[world.organisation.pk])
    expires = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = admin_client.post(
        url, {"name": "Power BI", "scopes": ["projects", "changes"], "expires_on": expires}
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    secret = re.search(r'value="(csk_[^"]+)"', response.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(token.prefix) and len(secret) > 40
    # Nowhere at rest, and never shown again.
    assert not ApiToken.objects.filter(prefix=secret).exists()
    stored = [str(value) for value in ApiToken.objects.values_list().get()]
    assert not any(secret in value for value in stored)
    listing = admin_client.get(reverse("api:token-list", args=[world.organisation.pk]))
    assert secret not in listing.content.decode()
    assert token.prefix in listing.content.decode()
    assert token.scopes == ["changes", "projects"]
    assert AuditEntry.objects.filter(action="api_token.created", organisation=world.organisation)
    assert api_client(secret).get(PROJECTS).status_code == 200


@pytest.mark.parametrize(
    "days, error",
    [(0, "Choose a day after today."), (400, "Choose a day at most a year from today.")],
)
def test_an_expiry_is_required_and_at_most_a_year(world, admin_client, days, error):
    url = reverse("api:token-create", args=[world.organisation.pk])
    expires = (timezone.localdate() + timedelta(days=days)).isoformat()
    response = admin_client.post(url, {"name": "BI", "scopes": ["projects"], "expires_on": expires})
    assert error in response.content.decode()
    response = admin_client.post(url, {"name": "BI", "scopes": ["projects"]})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()


def test_unknown_expired_and_revoked_tokens_are_refused(world, admin_client):
    token, secret = make_token(world.organisation, days=2)
    assert api_client(secret).get(PROJECTS).status_code == 200
    for wrong in (None, "csk_not-a-token", secret + "x", "Basic abc"):
        response = api_client(wrong).get(PROJECTS)
        assert response.status_code == 401, wrong
        assert response["WWW-Authenticate"].startswith("Bearer")
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        assert api_client(secret).get(PROJECTS).status_code == 401
    revoke = reverse("api:token-revoke", args=[world.organisation.pk, token.pk])
    assert admin_client.get(revoke).status_code == 200
    response = admin_client.post(revoke, follow=True)
    assert "is revoked" in response.content.decode()
    assert api_client(secret).get(PROJECTS).status_code == 401
    token.refresh_from_db()
    assert token.revoked_by == world.users["org_admin"]
    assert not services.token_revoke(token=token, revoked_by=None)


def test_a_session_sign_in_is_not_a_token(world, client_for):
    response = client_for(world.users["superuser"]).get(PROJECTS)
    assert response.status_code == 401


def test_the_api_only_reads(world):
    _token, secret = make_token(world.organisation)
    client = api_client(secret)
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)(PROJECTS).status_code == 405, method
    assert client.head(PROJECTS).status_code == 200
    assert client.options(PROJECTS).status_code == 200


def test_calls_are_counted_in_bursts_of_one_audit_entry(world, settings):
    settings.API_AUDIT_BURST_SECONDS = 600
    token, secret = make_token(world.organisation)
    client = api_client(secret)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(3):
            client.get(PROJECTS)
    with time_machine.travel(start + timedelta(minutes=9), tick=False):
        client.get(f"{PROJECTS}{world.project.pk}/")
    with time_machine.travel(start + timedelta(minutes=11), tick=False):
        client.get(PROJECTS)
    bursts = list(ApiCallBurst.objects.filter(token=token).order_by("started_at"))
    assert [burst.count for burst in bursts] == [4, 1]
    assert bursts[0].last_path == f"{PROJECTS}{world.project.pk}/"
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.API_CALLS)
    assert entries.count() == 2
    assert {entry.organisation_id for entry in entries} == {world.organisation.pk}
    token.refresh_from_db()
    assert token.last_used_at == start + timedelta(minutes=11)


def test_the_token_page_shows_the_counts_and_last_use(world, admin_client):
    token, secret = make_token(world.organisation, name="Data warehouse")
    page = admin_client.get(reverse("api:token-list", args=[world.organisation.pk]))
    assert "Never" in page.content.decode()
    for _ in range(2):
        api_client(secret).get(PROJECTS)
    page = admin_client.get(reverse("api:token-list", args=[world.organisation.pk])).content
    assert "2 calls from" in page.decode()
    log = admin_client.get(reverse("audit:organisation-entry-list", args=[world.organisation.pk]))
    assert "API calls with a token" in log.content.decode()
    assert "(2 times, the last at" in log.content.decode()


def test_a_token_page_with_no_tokens_says_so(world, admin_client):
    page = admin_client.get(reverse("api:token-list", args=[world.organisation.pk]))
    assert "There are no tokens yet" in page.content.decode()
    organisation_page = admin_client.get(world.organisation.get_absolute_url())
    assert (
        reverse("api:token-list", args=[world.organisation.pk])
        in organisation_page.content.decode()
    )


def test_calls_past_the_rate_are_refused_with_retry_after(world, monkeypatch):
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "3/minute"})
    _token, secret = make_token(world.organisation)
    _other, other_secret = make_token(world.organisation, name="Other")
    client = api_client(secret)
    assert [client.get(PROJECTS).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(PROJECTS)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    # Counted per token: another token is not held back.
    assert api_client(other_secret).get(PROJECTS).status_code == 200


def test_lists_come_in_cursor_pages(world, settings):
    settings.API_PAGE_SIZE = 2
    for _ in range(4):
        ProjectFactory(organisation=world.organisation)
    _token, secret = make_token(world.organisation)
    client = api_client(secret)
    seen, url = [], PROJECTS
    while url:
        page = client.get(url).json()
        assert len(page["results"]) <= 2
        seen += [project["id"] for project in page["results"]]
        url = page["next"]
        assert url is None or "cursor=" in url
    assert len(seen) == 5 == len(set(seen))


def test_an_unchanged_answer_is_not_sent_again(world):
    _token, secret = make_token(world.organisation)
    client = api_client(secret)
    first = client.get(PROJECTS)
    etag = first["ETag"]
    again = client.get(PROJECTS, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    world.project.title = "Leaving Ward 7"
    world.project.save()
    changed = client.get(PROJECTS, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_the_demo_trust_has_a_token_whose_secret_is_not_kept(db):
    import io

    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())
    token = ApiToken.objects.get(organisation__name="Riverside NHS Foundation Trust")
    assert token.is_live and token.created_by.email == "orgadmin@demo.test"
    assert token.scopes == ["changes", "dashboards", "projects"]
    call_command("seed_demo", stdout=io.StringIO())
    assert ApiToken.objects.count() == 1


def test_an_old_burst_goes_with_its_audit_entry(world):
    from codesign.personal_data import months_before
    from privacy.retention import retention_purge

    now = timezone.now()
    token, secret = make_token(world.organisation, days=300)
    with time_machine.travel(months_before(now, 12 * 6) - timedelta(days=1), tick=False):
        services.token_call_record(token=token, path=PROJECTS)
    entry = ApiCallBurst.objects.get().entry
    retention_purge(now=now)
    assert not AuditEntry.objects.filter(pk=entry.pk).exists()
    assert not ApiCallBurst.objects.exists()
    assert ApiToken.objects.filter(pk=token.pk).exists()
