"""Shared fixtures: one small seeded sandbox per test session, a client per version, tokens."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from starlette.testclient import TestClient

from sandbox.app import create_app
from sandbox.clock import Clock
from sandbox.domain.world.entities import LeadProvider
from sandbox.state import SandboxState

# `pytester` runs the pytest plugin's tests in pytest sessions of their own (tests/plugin/).
pytest_plugins = ["pytester"]

# Tests run at a fixed instant so that computed statuses and "today" never drift.
TEST_NOW = datetime(2026, 11, 27, 12, 0, 0, tzinfo=UTC)
TEST_PARTICIPANTS = 40
VERSIONS = ("v1", "v2", "v3")


def fixed_clock() -> Clock:
    return Clock(lambda: TEST_NOW)


def make_state(seed: int = 1, participants: int = TEST_PARTICIPANTS) -> SandboxState:
    return SandboxState(seed=seed, participants=participants, clock=fixed_clock())


@pytest.fixture(scope="session")
def state() -> SandboxState:
    return make_state()


@pytest.fixture(scope="module")
def restores_world(state: SandboxState):
    """For a module whose tests write to the session's world: the world back to its seed afterwards,
    so that a later module (the determinism tests, say) reads the seeded world whatever the order."""
    yield state
    state.reset()


@pytest.fixture(scope="session")
def app(state: SandboxState):
    return create_app(state=state)


@pytest.fixture(scope="session")
def client(app) -> TestClient:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def sandbox() -> SandboxState:
    """A world of the test's own, for a test that writes or empties caches (modules that share one
    world across their tests define a module-scoped `sandbox` and `api` of their own)."""
    return make_state()


@pytest.fixture
def api(sandbox: SandboxState) -> TestClient:
    with TestClient(create_app(state=sandbox), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def providers(state: SandboxState) -> list[LeadProvider]:
    return list(state.store.lead_providers.values())


def bearer(provider: LeadProvider) -> dict[str, str]:
    return {"Authorization": f"Bearer {provider.token}"}


@pytest.fixture(scope="session")
def first(providers: list[LeadProvider]) -> LeadProvider:
    """Holds both ECF and NPQ contracts."""
    return providers[0]


@pytest.fixture(scope="session")
def second(providers: list[LeadProvider]) -> LeadProvider:
    """Holds both contracts too, and sees none of the first provider's own participants."""
    return providers[1]


@pytest.fixture(scope="session")
def ecf_only(providers: list[LeadProvider]) -> LeadProvider:
    return next(p for p in providers if p.has_ecf and not p.has_npq)


@pytest.fixture(scope="session")
def npq_only(providers: list[LeadProvider]) -> LeadProvider:
    return next(p for p in providers if p.has_npq and not p.has_ecf)
