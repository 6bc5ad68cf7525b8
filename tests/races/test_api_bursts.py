"""A token's calls at the same moment (PostgreSQL, threads released together): one burst, one
audit entry, every call counted."""

import pytest

from api.models import ApiCallBurst
from audit.models import AuditEntry
from tests.api.helpers import api_client, make_token
from tests.conftest import at_once


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_calls_at_once_open_one_burst_and_count_each(on_postgres, world):
    token, secret = make_token(world.organisation)
    clients = [api_client(secret) for _ in range(6)]
    responses = at_once([lambda c=c: c.get("/api/v1/projects/") for c in clients])
    assert [response.status_code for response in responses] == [200] * 6
    burst = ApiCallBurst.objects.get(token=token)
    assert burst.count == 6
    assert AuditEntry.objects.filter(action=AuditEntry.Action.API_CALLS).count() == 1
