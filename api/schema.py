"""The OpenAPI document's finishing touches (a drf-spectacular post-processing hook): every
operation says how it refuses (401, 403, 404, 429, each with a ``detail``), and ids are the
database's positive integers, so the document describes every answer the API gives."""

from django.conf import settings

MAX_ID = 2**63 - 1
ERRORS = {
    "401": "No token, or one that is unknown, expired or revoked.",
    "403": "The token lacks the scope this endpoint needs.",
    "404": "Not found, or not the token's to read (another organisation's, a draft).",
    "429": "Too many calls: wait the seconds Retry-After says.",
}
ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}


def _error(code: str) -> dict:
    response = {
        "description": ERRORS[code],
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    if code == "429":
        response["headers"] = {
            "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}
        }
    return response


def describe_refusals(result, generator, request, public):
    """Add the refusals, the error's shape and the ids' bounds to every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    result["info"]["x-rate-limit"] = settings.API_RATE_LIMIT
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for code in ERRORS:
                operation["responses"].setdefault(code, _error(code))
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["schema"].get("type") == "integer":
                    parameter["schema"].update({"minimum": 1, "maximum": MAX_ID})
    return result
