"""The OpenAPI document: valid OpenAPI 3, every endpoint read-only, behind a bearer token, and
saying how it refuses."""

import json

import pytest
import schemathesis
from drf_spectacular.validation import validate_schema

from api.schema import ERRORS


@pytest.fixture
def document(client):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_document_is_valid_openapi(document):
    validate_schema(document)
    # Schemathesis reads it too (as the fuzzing in tests/hostile does).
    schema = schemathesis.openapi.from_dict(document)
    assert len(list(schema.get_all_operations())) == 16


def test_every_operation_reads_with_a_token_and_says_how_it_refuses(document):
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A token made by one of the organisation's admins on its page.",
    }
    for path, operations in document["paths"].items():
        assert set(operations) == {"get"}, path
        operation = operations["get"]
        assert operation["security"] == [{"bearerAuth": []}], path
        assert set(ERRORS) <= set(operation["responses"]), path


def test_the_docs_page_loads_swagger_ui_from_this_site(client):
    response = client.get("/api/v1/docs/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "/static/js/api-docs.js" in page
    assert "<script>" not in page and "cdn" not in page.lower()
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
