"""Tokens and calls for the API's tests."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from api import services
from api.models import Scope

ALL_SCOPES = list(Scope.values)


def make_token(organisation, *, scopes=None, days=30, name="Power BI", by=None):
    """A live token for the organisation and its secret."""
    return services.token_create(
        organisation=organisation,
        name=name,
        scopes=ALL_SCOPES if scopes is None else scopes,
        expires_at=timezone.now() + timedelta(days=days),
        created_by=by,
    )


def api_client(secret: str | None) -> Client:
    """A client that sends the token with every request (or none)."""
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    return Client(headers=headers)
