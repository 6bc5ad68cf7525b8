"""The demo's single sign-on: the trust's settings filled in as an example, switched off and
pointing at no live provider (its issuer is Entra ID's form with an all-zero tenant, its domain
reserved for examples), so the page shows what an admin enters. Called by seed_demo."""

from sso.models import EmailDomain, SingleSignOn

EXAMPLE_ISSUER = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0"


def seed_sso(*, trust) -> None:
    sso, created = SingleSignOn.objects.get_or_create(
        organisation=trust,
        defaults={
            "enabled": False,
            "issuer": EXAMPLE_ISSUER,
            "client_id": "example-only-not-a-live-client",
            "client_secret_env": "",
            "trust_provider_two_factor": True,
        },
    )
    if created:
        EmailDomain.objects.get_or_create(single_sign_on=sso, domain="riverside-trust.example")
