"""The pages a public body must publish: open to everyone, linked from every page, and true to
what the code does."""

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import override_settings
from django.urls import reverse
from django.utils.text import capfirst

from codesign import glossary, personal_data

PUBLIC_PAGES = ("help", "privacy:notice", "accessibility", "cookies")


@pytest.mark.django_db
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_each_public_page_opens_signed_out_and_every_page_links_to_all_four(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    footer = response.content.decode().split("<footer", 1)[1]
    for other in PUBLIC_PAGES:
        assert f'href="{reverse(other)}"' in footer


@pytest.mark.django_db
def test_the_sign_in_page_links_to_the_public_pages(client):
    page = client.get(reverse("account_login")).content.decode()
    for name in PUBLIC_PAGES:
        assert f'href="{reverse(name)}"' in page


@pytest.mark.django_db
@override_settings(
    CODESIGN_CONTROLLER_NAME="Riverside NHS Foundation Trust",
    CODESIGN_CONTROLLER_ADDRESS="1 River Road\nRiverside RV1 1AA",
    CODESIGN_DPO_EMAIL="dpo@riverside.example",
)
def test_the_privacy_notice_names_the_controller_and_every_kind_of_personal_data(client):
    page = client.get(reverse("privacy:notice")).content.decode()
    assert "Riverside NHS Foundation Trust is the data controller" in page
    assert "1 River Road" in page
    assert 'href="mailto:dpo@riverside.example"' in page
    declarations = personal_data.site.declarations()
    assert len(declarations) > 10
    for declaration in declarations:
        assert f">{capfirst(declaration.model._meta.verbose_name_plural)}</th>" in page
        if declaration.download:
            assert declaration.download.about in page.replace("&#x27;", "'")
        for rule in declaration.retain:
            assert str(capfirst(rule.label)) in page


@pytest.mark.django_db
@override_settings(RETENTION_MONTHS=18, RETENTION_FINANCE_YEARS=7)
def test_the_privacy_notice_gives_the_retention_periods_the_purge_uses(client):
    page = client.get(reverse("privacy:notice")).content.decode()
    assert "Access needs of closed projects: after 18 months." in page
    assert "Payment records past the finance retention period: after 7 years." in page


@pytest.mark.django_db
def test_the_cookies_page_names_the_cookies_django_sets(client):
    page = client.get(reverse("cookies")).content.decode()
    for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, "messages"):
        assert f"<code>{name}</code>" in page


@pytest.mark.django_db
def test_the_cookies_page_lists_every_cookie_a_sign_in_sets(client, django_user_model):
    django_user_model.objects.create_user(email="a@example.org", password="pw-12345678!")
    client.get(reverse("account_login"))
    client.post(reverse("account_login"), {"login": "a@example.org", "password": "wrong"})
    client.login(email="a@example.org", password="pw-12345678!")
    page = client.get(reverse("cookies")).content.decode()
    for name in client.cookies:
        assert f"<code>{name}</code>" in page


@pytest.mark.django_db
@override_settings(CODESIGN_IDLE_TIMEOUT=45 * 60)
def test_the_accessibility_statement_follows_the_model_and_states_the_real_timeout(client):
    page = client.get(reverse("accessibility")).content.decode()
    for heading in (
        "Feedback and contact information",
        "Enforcement procedure",
        "Compliance status",
        "Non-accessible content",
        "How we tested Codesign",
        "Preparation of this accessibility statement",
    ):
        assert heading in page
    assert "partially compliant" in page
    assert "signed out after 45 minutes without activity" in page


@pytest.mark.django_db
def test_the_help_page_explains_how_to_take_part_by_role_and_lists_the_glossary(client):
    page = client.get(reverse("help")).content.decode()
    for anchor in ("service-users", "staff", "facilitators", "managers", "words"):
        assert f'id="{anchor}"' in page
    for term in glossary.TERMS:
        assert f'<dt id="word-{term.key}">' in page


def test_the_explain_tag_shows_the_glossarys_meaning_as_a_disclosure():
    html = Template('{% load glossary %}{% explain "touchpoint" %}').render(Context())
    assert "<details" in html
    assert "What does “Touchpoint” mean?" in html
    assert str(glossary.term("touchpoint").meaning) in html


def test_the_explain_tag_refuses_a_word_the_glossary_lacks():
    with pytest.raises(KeyError):
        Template('{% load glossary %}{% explain "synergy" %}').render(Context())
