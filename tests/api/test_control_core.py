"""The control API's core: who may do what, per-provider clocks, resets, switching it off, and the
rate limit."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from sandbox.app import create_app
from sandbox.rate_limit import RETRY_LATER, RateLimit
from tests.conftest import TEST_PARTICIPANTS, bearer, make_state
from tests.support.openapi import validate_exchange

ADMIN = {"Authorization": "Bearer admin-token"}


@pytest.fixture(scope="module")
def sandbox():
    state = make_state()
    state.admin_token = "admin-token"
    return state, TestClient(create_app(state=state), raise_server_exceptions=False)


@pytest.fixture
def world(sandbox):
    """A fresh seeded world per test, on one app: resetting is what the control API is for."""
    state, client = sandbox
    state.reset(seed=1, participants=TEST_PARTICIPANTS)
    return state, client, list(state.store.lead_providers.values())


def _transfer_statuses(client, provider, headers=None) -> set[str]:
    response = client.get(
        "/api/v3/participants/ecf/transfers", headers={**bearer(provider), **(headers or {})}
    )
    assert response.status_code == 200
    return {t["status"] for item in response.json()["data"] for t in item["attributes"]["transfers"]}


def test_the_admin_token_opens_the_control_api_but_not_the_lead_provider_api(world):
    _, client, _ = world
    assert client.get("/sandbox/world", headers=ADMIN).status_code == 200
    response = client.get("/api/v3/participants/ecf", headers=ADMIN)
    assert response.status_code == 401
    assert response.json() == {"error": "HTTP Token: Access denied"}


def test_only_the_admin_sees_tokens(world):
    _, client, providers = world
    admin_view = client.get("/sandbox/world", headers=ADMIN).json()["data"]["lead_providers"]
    provider_view = client.get("/sandbox/world", headers=bearer(providers[0])).json()["data"][
        "lead_providers"
    ]
    assert all("token" in p for p in admin_view)
    assert not any("token" in p for p in provider_view)


def test_a_provider_cannot_reset_or_reclock_another_provider_or_the_world(world):
    state, client, (first, second, *_) = world
    for method, path in [
        ("put", f"/sandbox/providers/{second.id}/clock"),
        ("delete", f"/sandbox/providers/{second.id}/clock"),
        ("get", f"/sandbox/providers/{second.id}/clock"),
        ("post", f"/sandbox/providers/{second.id}/reset"),
        ("post", "/sandbox/reset"),
    ]:
        kwargs = {"json": {"advance": {"days": 1}}} if method == "put" else {}
        response = getattr(client, method)(path, headers=bearer(first), **kwargs)
        assert response.status_code == 403, path
        assert response.json()["errors"][0]["title"] == "Forbidden"
    assert state.clock.offset(second.id).total_seconds() == 0


def test_the_admin_may_act_on_any_provider(world):
    state, client, (first, second, *_) = world
    response = client.put(
        f"/sandbox/providers/{second.id}/clock", headers=ADMIN, json={"advance": {"days": 2}}
    )
    assert response.status_code == 200
    assert response.json()["data"]["offset_seconds"] == 2 * 86400
    assert client.post(f"/sandbox/providers/{second.id}/reset", headers=ADMIN).status_code == 200
    assert client.post("/sandbox/reset", headers=ADMIN).status_code == 200


def test_a_providers_clock_moves_only_its_own_requests(world):
    _, client, (first, second, *_) = world
    assert _transfer_statuses(client, first) == {"complete", "incomplete"}
    response = client.put(
        f"/sandbox/providers/{first.id}/clock",
        headers=bearer(first),
        json={"instant": "2027-06-01T09:00:00Z"},
    )
    assert response.status_code == 200
    assert response.json()["data"]["now"] == "2027-06-01T09:00:00Z"
    assert _transfer_statuses(client, first) == {"complete"}
    assert "incomplete" in _transfer_statuses(client, second)
    # X-With-Server-Date still wins for one request.
    assert "incomplete" in _transfer_statuses(client, first, {"X-With-Server-Date": "2026-11-27T12:00:00Z"})
    client.delete(f"/sandbox/providers/{first.id}/clock", headers=bearer(first))
    assert "incomplete" in _transfer_statuses(client, first)


def test_a_provider_reset_puts_its_clock_back_to_real_time(world):
    state, client, (first, *_) = world
    client.put(f"/sandbox/providers/{first.id}/clock", headers=bearer(first), json={"advance": {"days": 40}})
    response = client.post(f"/sandbox/providers/{first.id}/reset", headers=bearer(first))
    assert response.status_code == 200
    assert response.json()["data"] == {"lead_provider_id": first.id, "dropped": 0}
    assert state.clock.offset(first.id).total_seconds() == 0


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"instant": "yesterday"},
        {"instant": "2025-01-01T00:00:00Z", "advance": {"days": 1}},
        {"advance": {"weeks": 1}},
        {"advance": {}},
        {"instant": "1999-12-31T23:00:00Z"},
        {"advance": {"days": 36500, "hours": 876000}},
    ],
)
def test_bad_clock_moves_are_4xx_and_change_nothing(world, body):
    state, client, (first, *_) = world
    response = client.put(f"/sandbox/providers/{first.id}/clock", headers=bearer(first), json=body)
    assert response.status_code in (400, 422)
    assert "errors" in response.json()
    assert state.clock.offset(first.id).total_seconds() == 0


def test_unknown_provider_is_404(world):
    _, client, _ = world
    response = client.get("/sandbox/providers/nobody/clock", headers=ADMIN)
    assert response.status_code == 404
    assert response.json() == {"error": "Resource not Found"}


def test_reseeding_builds_another_world(world):
    state, client, (first, *_) = world
    response = client.post("/sandbox/reset", headers=ADMIN, json={"seed": 2, "participants": 10})
    assert response.status_code == 200
    assert response.json()["data"]["seed"] == 2
    assert client.get("/api/v3/participants/ecf", headers=bearer(first)).status_code == 401
    new_first = next(iter(state.store.lead_providers.values()))
    assert client.get("/api/v3/participants/ecf", headers=bearer(new_first)).status_code == 200


def test_no_control_removes_the_routes():
    client = TestClient(create_app(state=make_state(), control=False), raise_server_exceptions=False)
    for path in ("/sandbox/world", "/sandbox/reset"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json() == {"error": "Resource not Found"}


def test_the_rate_limit_throttles_per_token_with_the_real_body():
    state = make_state()
    client = TestClient(
        create_app(state=state, rate_limit=RateLimit(requests=3)), raise_server_exceptions=False
    )
    first, second = list(state.store.lead_providers.values())[:2]
    statuses = [client.get("/api/v3/statements", headers=bearer(first)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    throttled = client.get("/api/v1/participant-declarations", headers=bearer(first))
    assert throttled.status_code == 429
    assert throttled.content == RETRY_LATER
    assert throttled.headers["content-type"] == "text/plain"
    validate_exchange("v1", throttled)
    assert client.get("/api/v3/statements", headers=bearer(second)).status_code == 200
    assert client.get("/healthcheck").status_code == 200
