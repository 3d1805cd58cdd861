"""Schemathesis fuzzes the control API (sandbox/specs/sandbox.yaml) as the admin, statelessly and in chains,
against a world of its own."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings

from sandbox.app import create_app
from tests.conftest import make_state
from tests.contract.conftest import TOKEN

STATE = make_state(participants=10)
FIRST = next(iter(STATE.store.lead_providers.values()))
# Schemathesis caches one token for every schema of the session: the first provider's. Making it this
# world's admin token too means the control API is fuzzed with admin rights (admin is checked first).
STATE.admin_token = FIRST.token
TOKEN["token"] = FIRST.token
# A fuzzed reseed may ask for up to 100,000 participants (minutes and gigabytes): every world this
# state builds is kept to 10, whatever the request asked for (only the shape of answers is checked).
_build = STATE._reseeded
STATE._reseeded = lambda seed, participants: _build(seed, min(participants, 10))  # type: ignore[method-assign]
APP = create_app(state=STATE)
SCHEMA = schemathesis.openapi.from_asgi("/sandbox/openapi.json", APP)

FUZZ = settings(max_examples=10, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))


@SCHEMA.parametrize()
@FUZZ
def test_the_control_api_honours_its_spec(case):
    case.call_and_validate()


class Chained(SCHEMA.as_state_machine()):  # type: ignore[misc]
    def setup(self) -> None:
        # Every chain starts from the seeded world (a fuzzed reset may have reseeded it); the admin
        # token survives a reset.
        STATE.reset(seed=1, participants=10)


TestControlStateful = Chained.TestCase
TestControlStateful.settings = settings(
    max_examples=8,
    stateful_step_count=5,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
