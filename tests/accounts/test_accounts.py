import re
import time

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEntry
from outbox.models import OutboxMessage
from participants.models import Membership
from projects.models import Organisation, Project
from reports.models import Report as GeneratedReport
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "led_to_set_up"),
    [
        ("facilitator", True),
        ("org_admin", True),
        ("manager", True),
        ("superuser", True),
        ("service_user", False),
        ("staff", False),
        ("observer", False),
    ],
)
def test_two_factor_is_required_for_privileged_roles_when_the_setting_says_so(
    world, client, settings, role, led_to_set_up
):
    settings.CODESIGN_REQUIRE_MFA = True
    client.force_login(world.users[role])
    response = client.get(world.project.get_absolute_url())
    if led_to_set_up:
        assert response.status_code == 302
        assert response.url == reverse("mfa_activate_totp")
        # The set-up pages themselves are reachable (allauth may first ask for the password).
        setup = client.get(response.url)
        assert setup.status_code == 200 or setup.url.startswith("/accounts/")
        Authenticator.objects.create(
            user=world.users[role], type=Authenticator.Type.TOTP, data={"secret": "x"}
        )
        assert client.get(world.project.get_absolute_url()).status_code == 200
    else:
        assert response.status_code == 200


def test_two_factor_is_not_required_when_the_setting_is_off(world, client, settings):
    settings.CODESIGN_REQUIRE_MFA = False
    client.force_login(world.users["facilitator"])
    assert client.get(world.project.get_absolute_url()).status_code == 200


def test_an_idle_session_is_signed_out(world, client, settings, time_machine):
    settings.CODESIGN_IDLE_TIMEOUT = 60
    client.force_login(world.users["staff"])
    assert client.get("/").status_code == 200
    time_machine.move_to(time.time() + 61, tick=False)
    response = client.get(world.project.get_absolute_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_open_sign_up_is_off(client, db):
    response = client.post(
        reverse("account_signup"),
        {"email": "me@example.org", "password1": "x-Long-pass-123", "password2": "x-Long-pass-123"},
    )
    assert not User.objects.filter(email="me@example.org").exists()
    assert response.status_code == 200


def test_sign_in_by_email_code_goes_through_the_outbox(
    world, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_request_login_code"), {"email": "carer@example.org"}
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert body.startswith("Hello from Codesign")
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", body, re.M).group(1)
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.users["carer"].pk)


def test_sign_in_does_not_reveal_whether_an_account_exists(world, client):
    known = client.post(reverse("account_request_login_code"), {"email": "carer@example.org"})
    unknown = client.post(reverse("account_request_login_code"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url


def test_sign_ins_of_facilitators_and_managers_are_audited(world, client):
    for role in ("facilitator", "manager", "service_user"):
        client.post(
            reverse("account_login"), {"login": f"{role}@example.org", "password": PASSWORD}
        )
        client.logout()
    actors = set(
        AuditEntry.objects.filter(action="auth.sign_in").values_list("actor__email", flat=True)
    )
    assert actors == {"facilitator@example.org", "manager@example.org"}


def test_seed_demo_creates_the_demo_once(db, capsys, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("seed_demo")
    # Reports: two ready to download, one left for the worker; and the trust's two evidence
    # reports, ready.
    assert sorted(GeneratedReport.objects.values_list("status", flat=True)) == [
        "done",
        "done",
        "done",
        "done",
        "queued",
    ]
    counts = (User.objects.count(), Project.objects.count(), Membership.objects.count())
    assert Organisation.objects.count() == 3
    assert Project.objects.count() == 5
    assert {p.method for p in Project.objects.all()} >= {"ebcd", "double_diamond"}
    for email in (
        "facilitator",
        "serviceuser",
        "carer",
        "staff",
        "outsider",
        "manager",
        "orgadmin",
        "othermanager",
        "admin",
    ):
        assert User.objects.get(email=f"{email}@demo.test").check_password("codesign-demo")
    outsider = User.objects.get(email="outsider@demo.test")
    assert list(outsider.memberships.values_list("project__organisation__name", flat=True)) == [
        "Northfield Council"
    ]
    # The project in Wales: written in both languages, with easy read and a session in Welsh.
    welsh = Project.objects.get(title_cy="Apwyntiadau'r clinig cof yn Gymraeg")
    assert welsh.challenge and welsh.challenge_cy and welsh.challenge_easy_read_cy
    statement = welsh.consent_statements.order_by("-version").first()
    assert statement.text_cy and statement.text_easy_read and statement.text_easy_read_cy
    assert welsh.workshop_sessions.filter(held_in="cy").exists()
    assert welsh.memberships.filter(
        user__email="defnyddiwr@demo.test", user__language="cy"
    ).exists()
    # The invitation to the next session, by letter to the person reached by post.
    letter = OutboxMessage.objects.get(kind=OutboxMessage.Kind.LETTER)
    assert letter.recipient.full_name == "Edna Brooks" and "RV1 2AB" in letter.address
    # ... and by text to the person reached by text.
    text = OutboxMessage.objects.get(kind=OutboxMessage.Kind.TEXT, payload__has_key="session")
    assert "Reply YES, NO or MAYBE" in text.body_text
    call_command("seed_demo")
    assert counts == (User.objects.count(), Project.objects.count(), Membership.objects.count())
    assert "serviceuser@demo.test" in capsys.readouterr().out


def test_seed_demo_takes_the_password_from_the_environment(db, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-pass")
    call_command("seed_demo")
    assert User.objects.get(email="staff@demo.test").check_password("another-demo-pass")


def test_seed_demo_refuses_production(db, settings):
    settings.CODESIGN_ENVIRONMENT = "production"
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_allauth_rate_limits_refuse_repeated_failed_sign_ins(world, client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip"}
    pages = [
        client.post(
            reverse("account_login"), {"login": "carer@example.org", "password": "wrong"}
        ).content.decode()
        for _ in range(4)
    ]
    assert all("Too many failed" not in page for page in pages[:3])
    assert "Too many failed login attempts" in pages[3]
    # Even the right password is refused while the limit holds.
    page = client.post(
        reverse("account_login"), {"login": "carer@example.org", "password": PASSWORD}
    )
    assert "_auth_user_id" not in client.session, page


@pytest.mark.parametrize("module", ["codesign.settings.dev", "codesign.settings.production"])
def test_rate_limits_are_not_switched_off_outside_tests(module, monkeypatch):
    import importlib

    monkeypatch.setenv("ALLOWED_HOSTS", "codesign.example.org")
    monkeypatch.setenv("SECRET_KEY", "k7Qw9zX2-pL4mN8rT1vB6yH3jF0dS5aE" * 2)
    settings_module = importlib.import_module(module)
    assert getattr(settings_module, "ACCOUNT_RATE_LIMITS", None) is not False
    assert settings_module.ACCOUNT_PREVENT_ENUMERATION is True
    assert settings_module.ACCOUNT_LOGIN_BY_CODE_ENABLED is True
    assert settings_module.ACCOUNT_EMAIL_VERIFICATION == "mandatory"
