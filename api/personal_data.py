"""What the API holds of a person (see codesign/personal_data.py)."""

from codesign import personal_data

from .models import ApiCallBurst, ApiToken

personal_data.register(
    ApiToken,
    person="created_by",
    erase=personal_data.keep(
        "an organisation's token keeps working for its systems; who made it is named by pseudonym"
    ),
    also_names=("revoked_by",),
)
# Counts of a token's calls; deleted with its audit entry by the audit retention period.
personal_data.holds_none(ApiCallBurst)
