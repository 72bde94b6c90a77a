"""Property-based testing of every documented operation against /api/openapi.json (schemathesis).

Fixed seed (derandomized), bounded examples per operation: no server error, and every response
conforms to the document (status code, content type, schema).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, given, settings

schemathesis = pytest.importorskip("schemathesis")

from tests.conftest import DATA_DIR, LiveServer  # noqa: E402

pytestmark = pytest.mark.slow  # examples by the hundred, over HTTP

# Over real HTTP: the OGC paths sit under a path-level server (/api), which only a real URL honours.
SERVER = LiveServer({"DATA_DIR": str(DATA_DIR), "OFFLINE": True})
SCHEMA = schemathesis.openapi.from_url(f"{SERVER.url}/api/openapi.json")
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
# The document says what is valid; where the server is stricter (an empty sector name, a polygon
# with no ring) it answers 400, which is the behaviour we want: so no "positive data" check.
EXCLUDED_CHECKS = [schemathesis.checks.positive_data_acceptance]
EXAMPLES_PER_OPERATION = 30


@pytest.mark.parametrize("operation", OPERATIONS, ids=[f"{op.method.upper()} {op.path}" for op in OPERATIONS])
def test_every_operation_conforms_to_the_document(operation):
    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])  # fmt: skip
    def check(case):
        case.call_and_validate(excluded_checks=EXCLUDED_CHECKS)

    check()


def teardown_module():
    SERVER.stop()
