import pytest
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import urlencode

from audit.models import AuditEntry

from .conftest import reauthenticate

pytestmark = pytest.mark.django_db


def test_your_data_page_offers_download_leaving_and_deletion(world, client, story):
    client.force_login(world.users["service_user"])
    reauthenticate(client)
    html = client.get(reverse("privacy:your-data")).content.decode()
    assert f'action="{reverse("privacy:data-download")}"' in html
    assert reverse("privacy:account-delete") in html
    assert reverse("participants:consent-withdraw", args=[world.project.pk]) in html


def test_the_nav_links_to_your_data(world, client):
    client.force_login(world.users["carer"])
    assert reverse("privacy:your-data") in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("page", ["your-data", "member-data-download"])
def test_a_download_page_has_the_person_confirm_who_they_are_first_and_come_back(
    world, client, story, page, request
):
    """Not on the download's POST: allauth would carry it out on its confirmation page, and
    the file would arrive while that page stayed on screen, still asking."""
    if page == "your-data":
        client.force_login(world.users["service_user"])
        url = reverse("privacy:your-data")
        download = reverse("privacy:data-download")
    else:
        client.force_login(world.users["facilitator"])
        managed = request.getfixturevalue("managed")
        url = reverse("privacy:member-data-download", args=[world.project.pk, managed.pk])
        download = url
    html = client.get(url).content.decode()
    confirm = reverse("account_reauthenticate") + "?" + urlencode({"next": url})
    assert f'href="{escape(confirm)}"' in html
    assert f'action="{download}"' not in html and 'method="post">' not in html.split("<main")[1]
    response = client.post(confirm, {"password": "correct-horse-battery"})
    assert response.status_code == 302 and response["Location"] == url
    html = client.get(url).content.decode()
    assert escape(confirm) not in html
    assert client.post(download)["Content-Type"] == "application/zip"


def test_download_asks_the_person_to_confirm_who_they_are(world, client, story):
    client.force_login(world.users["service_user"])
    response = client.post(reverse("privacy:data-download"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.DATA_EXPORTED).exists()


def test_download_goes_ahead_after_reauthentication_with_the_suspended_post(world, client, story):
    client.force_login(world.users["service_user"])
    response = client.post(reverse("privacy:data-download"))
    next_url = response["Location"].split("next=")[1]
    # allauth carries the POST out once the person has confirmed who they are.
    response = client.post(
        reverse("account_reauthenticate") + "?next=" + next_url,
        {"password": "correct-horse-battery", "next": reverse("privacy:data-download")},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DATA_EXPORTED).count() == 1


def test_a_wrong_password_does_not_reauthenticate(world, client, story):
    client.force_login(world.users["service_user"])
    response = client.post(reverse("account_reauthenticate"), {"password": "wrong"})
    assert response.status_code == 200
    response = client.post(reverse("privacy:data-download"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_download_after_reauthentication(world, client, story):
    client.force_login(world.users["service_user"])
    reauthenticate(client)
    response = client.post(reverse("privacy:data-download"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DATA_EXPORTED)
    assert entry.actor == world.users["service_user"]
    assert entry.details == {"by_self": True}


def test_download_is_post_only(world, client):
    client.force_login(world.users["service_user"])
    reauthenticate(client)
    assert client.get(reverse("privacy:data-download")).status_code == 405


def test_delete_page_says_what_happens_and_asks_to_reauthenticate(world, client, story):
    user = world.users["service_user"]
    client.force_login(user)
    html = client.get(reverse("privacy:account-delete")).content.decode()
    assert "Former participant" in html and "cannot be undone" in html
    response = client.post(reverse("privacy:account-delete"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    user.refresh_from_db()
    assert user.is_active and user.deleted_at is None


def test_deleting_ones_account_signs_out_and_says_so(world, client, story):
    user = world.users["service_user"]
    client.force_login(user)
    reauthenticate(client)
    response = client.post(reverse("privacy:account-delete"), follow=True)
    assert "Your account is deleted" in response.content.decode()
    user.refresh_from_db()
    assert user.deleted_at is not None
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("privacy:your-data"))["Location"].startswith(reverse("account_login"))
