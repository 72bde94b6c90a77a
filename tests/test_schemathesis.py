"""Property-based testing of every documented operation against /api/openapi.json (schemathesis).

Fixed seed (derandomized), bounded examples per operation, schema-valid and schema-violating requests
alike, every check of schemathesis: no server error; every response conforms to the document (status
code, content type, headers, schema); a schema-valid request is accepted and a schema-violating one
refused.

One check is narrowed, not skipped: a few rules the document states in words are beyond what an
OpenAPI 3.0 schema can say (a bbox's numbers by position, a rule across parameters, the geometry inside
a GeoJSON body). A schema-valid request refused for one of them is right, when the refusal names it;
refused for anything else, the test fails as schemathesis's own check would.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, Phase, given, settings

schemathesis = pytest.importorskip("schemathesis")

from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import positive_data_acceptance  # noqa: E402
from schemathesis.openapi.checks import RejectedPositiveData  # noqa: E402

from tests.conftest import DATA_DIR, LiveServer  # noqa: E402

pytestmark = pytest.mark.slow  # examples by the hundred, over HTTP

# Over real HTTP: the OGC paths sit under a path-level server (/api), which only a real URL honours.
SERVER = LiveServer({"DATA_DIR": str(DATA_DIR), "OFFLINE": True})
SCHEMA = schemathesis.openapi.from_url(f"{SERVER.url}/api/openapi.json")
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
EXAMPLES_PER_OPERATION = 30

_BBOX = ("is outside -180..180", "is outside -90..90", "is above max latitude")  # by position in the array
STATED_IN_WORDS = {  # operation (a regular expression) → what the refusal names
    r"GET /collections/.+/items": _BBOX,
    r"GET /collections/.+/clusters": (*_BBOX, "cells; ask for a smaller bbox"),
    r"GET /api/sites": ("every weight is 0",),  # across the w_* parameters
    r"POST /api/evaluate": (  # the geometry: closed rings, no self-intersection, inside the region, its size
        "the ring is not closed", "the outline is invalid", "the proposal is empty", "the proposal is far away",
        "the proposal measures", "vertices; at most",
    ),
}  # fmt: skip


def positive_data_acceptance_but_rules_stated_in_words(ctx, response, case):
    """``positive_data_acceptance``, except for a 400 that names a rule of ``STATED_IN_WORDS``."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        rules = next((r for pattern, r in STATED_IN_WORDS.items() if re.fullmatch(pattern, case.operation.label)), ())
        reason = json.loads(response.content)["description"] if rules and response.status_code == 400 else ""
        if not any(rule in reason for rule in rules):
            raise
        return None


@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda mode: mode.value)
@pytest.mark.parametrize("operation", OPERATIONS, ids=[f"{op.method.upper()} {op.path}" for op in OPERATIONS])
def test_every_operation_conforms_to_the_document(operation, mode):
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])  # fmt: skip
    def check(case):
        case.call_and_validate(
            excluded_checks=[positive_data_acceptance],
            additional_checks=[positive_data_acceptance_but_rules_stated_in_words],
        )

    check()


def teardown_module():
    SERVER.stop()
