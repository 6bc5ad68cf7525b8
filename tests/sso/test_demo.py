import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from projects.models import Organisation
from sso.models import SingleSignOn

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_the_demo_shows_an_example_provider_switched_off(settings, tmp_path, client):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("seed_demo")
    call_command("seed_demo")
    trust = Organisation.objects.get(name="Riverside NHS Foundation Trust")
    sso = SingleSignOn.objects.get()
    assert sso.organisation == trust and not sso.enabled
    assert sso.domain_names == ["riverside-trust.example"]
    assert sso.client_secret() is None
    client.force_login(User.objects.get(email="orgadmin@demo.test"))
    page = client.get(reverse("sso:settings", args=[trust.pk])).content.decode()
    assert "00000000-0000-0000-0000-000000000000" in page and "None is set yet." in page
    # Switched off: the sign-in page offers no organisation sign-in.
    client.logout()
    assert "id_sso_email" not in client.get(reverse("account_login")).content.decode()
