"""Schemathesis against the OpenAPI document, as a surveyor and as the county office.

Requests built from what the document says (within its limits) and just outside it (a wrong
type, a number past a range, a string too long, a value not among those allowed, a field
missing): no answer is a 5xx, none breaks what the document promises (status, content type,
the error shape), and whatever breaks the document is refused with a 4xx. A bounded number of
examples per operation keeps this to seconds.
"""

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from server.app import create_app

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    positive_data_acceptance,
]
EXAMPLES = 12  # per operation, per mode (valid and invalid), per account


def _document() -> dict:
    """The document as the app serves it (read once, at collection: it needs no database)."""
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x" * 40}
    )
    return app.test_client().get("/api/openapi.json").get_json()


NEGATIVE = ["400", "401", "403", "404", "405", "409", "413", "415", "422", "428", "429"]
POSITIVE = ["2xx", "304", "401", "403", "404", "409", "429"]
# Where the document cannot say all: a questionnaire's own rules (validation.py), a review's
# note that a return needs, a version given either as If-Match or in the body, a campaign, a line
# or an area that must exist. Those answer 422 or 428 for a request the document allows.
RULES_OF_THE_RECORD = {
    "create_household": ["422"],
    "update_household": ["422", "428"],
    "resolve": ["422"],
    "review_household": ["422"],
    "create_user": ["422"],
    "put_attachment": ["415"],
    # a campaign that must exist, a line its campaign must have, a cap on one approval
    "review_dashboard": ["422"],
    "review_queue": ["422"],
    "bulk_approve": ["422"],
    # a correction or a comment names a field of that household's document; a diff's versions
    # are that household's; a spot check's campaign must exist, and 不符合 needs a note
    "correct_household": ["422"],
    "household_diff": ["422"],
    "spot_checks": ["422"],
    "draw_spot_checks": ["422"],
    "record_spot_check": ["422"],
    # A campaign's rules across fields (its period's order, one exit line, its stages near the
    # period, an area inside the county's), a campaign or village that must exist, a reason
    # that is more than spaces.
    "create_campaign": ["422"],
    "update_campaign": ["422"],
    "carry_forward_campaign": ["422"],
    "list_village_submissions": ["422"],
    "submit_village": ["422"],
    "accept_village": ["422"],
    "return_village": ["422"],
    # A campaign and an area that exist, the campaign's line for the table, the table's level.
    "start_report_job": ["422"],
}
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "negative_data_rejection": {"expected-statuses": NEGATIVE},
            "positive_data_acceptance": {"expected-statuses": POSITIVE},
        },
        "operations": [
            {
                "include-operation-id": operation_id,
                "checks": {"positive_data_acceptance": {"expected-statuses": POSITIVE + extra}},
            }
            for operation_id, extra in RULES_OF_THE_RECORD.items()
        ]
        + [
            {  # an operation that breaks its schema is answered `rejected`, the batch 200
                "include-operation-id": "push",
                "checks": {"negative_data_rejection": {"expected-statuses": NEGATIVE + ["200"]}},
            }
        ],
    }
)
schema = schemathesis.openapi.from_dict(_document(), config=CONFIG)


@pytest.fixture(params=["demo-surveyor", "demo-county"])
def username(request):
    return request.param


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_document(case, app, auth, username):
    # Answers uncompressed: the in-process client, unlike a phone's, does not undo gzip.
    headers = {"Accept-Encoding": "identity"}
    if _token_wanted(case):
        headers |= auth.headers(username)
    case.call_and_validate(app=app, headers=headers, checks=CHECKS)


def _token_wanted(case) -> bool:
    """Whether the account's token goes with the case: not when the case's headers were made to
    break the document by having no token (or a bad one), which must then be a 401."""
    if not (case.meta and case.meta.is_negative_at(ParameterLocation.HEADER)):
        return True
    sent = case.headers or {}
    if "Authorization" in sent:
        return False
    if_match = sent.get("If-Match")  # the other header a route takes: if it is what breaks
    return if_match is not None and not re.fullmatch(r'"?[0-9]{1,10}"?', str(if_match))
