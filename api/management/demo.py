"""The demo's API token: the trust's admin made one for Power BI. Its secret was shown once
and is gone, as a real one would be; README says how to make one to try the API. Called by
seed_demo."""

from datetime import timedelta

from django.utils import timezone

from ..models import ApiToken, Scope
from ..services import token_create


def seed_api(*, trust, admin) -> None:
    if ApiToken.objects.filter(organisation=trust).exists():
        return
    token_create(
        organisation=trust,
        name="Power BI (performance team)",
        scopes=[Scope.PROJECTS, Scope.CHANGES, Scope.DASHBOARDS],
        expires_at=timezone.now() + timedelta(days=180),
        created_by=admin,
    )
