"""The API fuzzed against its own OpenAPI document by schemathesis: whatever it is sent, no
5xx, and every answer (status, content type, body, headers) is one the document describes."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from api.drf import TokenRateThrottle
from tests.api.helpers import make_token
from tests.api.scenery import furnish


@pytest.fixture
def api_schema(db):
    # As Django's test client does: a request's end must not close the test's connection (its
    # transaction holds the test's rows).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def secret(world, monkeypatch):
    # Hundreds of calls in a minute: the rate limit has its own test.
    monkeypatch.setattr(TokenRateThrottle, "rate", "100000/minute", raising=False)
    monkeypatch.setattr(TokenRateThrottle, "num_requests", 100000, raising=False)
    furnish(world.project, n=2, facilitator=world.users["facilitator"])
    return make_token(world.organisation)[1]


def test_the_api_answers_as_its_document_says(api_schema, secret):
    headers = {"Authorization": f"Bearer {secret}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 16
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=12,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def answers_as_documented(case):
            case.call_and_validate(headers=headers)

        answers_as_documented()
