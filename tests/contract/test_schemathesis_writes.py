"""Schemathesis fuzzes every write of every version, then chains operations statefully, against a
world of its own (so the shared read fixtures never see its changes)."""

from __future__ import annotations

import schemathesis

from sandbox.app import create_app
from tests.conftest import TEST_PARTICIPANTS, make_state
from tests.contract.conftest import TOKEN
from tests.support.fuzzing import FUZZ, STATEFUL

STATE = make_state()
APP = create_app(state=STATE)
FIRST = next(iter(STATE.store.lead_providers.values()))
# Same seed as the shared fixtures, so the first provider's token is the same in both worlds.
TOKEN["token"] = FIRST.token

SCHEMAS = {
    version: schemathesis.openapi.from_asgi(f"/api/{version}/openapi.json", APP)
    for version in ("v1", "v2", "v3")
}


def _authenticate() -> None:
    TOKEN["token"] = FIRST.token


@SCHEMAS["v1"].exclude(method="GET").parametrize()
@FUZZ
def test_v1_writes_honour_the_spec(case):
    _authenticate()
    case.call_and_validate()


@SCHEMAS["v2"].exclude(method="GET").parametrize()
@FUZZ
def test_v2_writes_honour_the_spec(case):
    _authenticate()
    case.call_and_validate()


@SCHEMAS["v3"].exclude(method="GET").parametrize()
@FUZZ
def test_v3_writes_honour_the_spec(case):
    _authenticate()
    case.call_and_validate()


def _stateful(version: str):
    machine = SCHEMAS[version].as_state_machine()

    class Chained(machine):  # type: ignore[misc, valid-type]
        def setup(self) -> None:
            # Every chain starts from the seeded world, so no run depends on what an earlier one did.
            STATE.reset(seed=1, participants=TEST_PARTICIPANTS)
            _authenticate()

    case = Chained.TestCase
    case.settings = STATEFUL
    return case


TestV1Stateful = _stateful("v1")
TestV2Stateful = _stateful("v2")
TestV3Stateful = _stateful("v3")
