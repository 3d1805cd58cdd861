"""Schemathesis over every operation of the NPQ service's API (/npq/api/v3): reads and writes one by
one, then chained statefully, against a world of its own, as a provider whose token the API knows."""

from __future__ import annotations

import schemathesis

from sandbox.app import create_app
from tests.conftest import TEST_PARTICIPANTS, make_state
from tests.contract.conftest import TOKEN
from tests.support.fuzzing import FUZZ, STATEFUL

STATE = make_state()
APP = create_app(state=STATE)
# A provider with an NPQ side: its token is known to the NPQ API.
PROVIDER = next(p for p in STATE.store.lead_providers.values() if p.has_npq)
# Examples are generated at collection, with the token known by then.
TOKEN["token"] = PROVIDER.token
SCHEMA = schemathesis.openapi.from_asgi("/npq/api/v3/openapi.json", APP)


def _authenticate() -> None:
    TOKEN["token"] = PROVIDER.token


@SCHEMA.include(method="GET").parametrize()
@FUZZ
def test_npq_service_reads_honour_the_spec(case):
    _authenticate()
    case.call_and_validate()


@SCHEMA.exclude(method="GET").parametrize()
@FUZZ
def test_npq_service_writes_honour_the_spec(case):
    _authenticate()
    case.call_and_validate()


class Chained(SCHEMA.as_state_machine()):  # type: ignore[misc]
    def setup(self) -> None:
        # Every chain starts from the seeded world, so no run depends on what an earlier one did.
        STATE.reset(seed=1, participants=TEST_PARTICIPANTS)
        _authenticate()


TestNPQServiceStateful = Chained.TestCase
TestNPQServiceStateful.settings = STATEFUL
