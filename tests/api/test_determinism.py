"""The same seed gives the same answers byte for byte; another seed gives another world."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from sandbox.app import create_app
from tests.api.reads import LIST_QUERIES
from tests.conftest import VERSIONS, make_state
from tests.support.openapi import operations


def _lists(version: str) -> list[str]:
    return [p for m, p, _ in operations(version) if m == "GET" and "{" not in p]


def _bodies(state) -> dict[tuple[str, str, str], bytes]:
    bodies = {}
    with TestClient(create_app(state=state)) as client:
        for provider in state.store.lead_providers.values():
            headers = {"Authorization": f"Bearer {provider.token}"}
            for version in VERSIONS:
                for path in _lists(version):
                    query = {**LIST_QUERIES.get(path, {}), "page[per_page]": "3000"}
                    response = client.get(f"/api/{version}{path}", params=query, headers=headers)
                    bodies[(provider.name, version, path)] = response.content
    return bodies


@pytest.fixture(scope="module")
def seed_one_bodies(state):
    return _bodies(state)


def test_same_seed_gives_identical_bodies_for_every_list(seed_one_bodies):
    again = _bodies(make_state(seed=1))
    assert again.keys() == seed_one_bodies.keys()
    for key, body in seed_one_bodies.items():
        assert again[key] == body, key


def test_another_seed_gives_another_world(state, seed_one_bodies):
    other_state = make_state(seed=2)
    tokens = {p.token for p in state.store.lead_providers.values()}
    assert tokens.isdisjoint(p.token for p in other_state.store.lead_providers.values())
    other = _bodies(other_state)
    differing = [k for k in other if k in seed_one_bodies and other[k] != seed_one_bodies[k]]
    assert len(differing) > len(other) // 2
