"""A reseed (another seed or size) over HTTP: the old world is let go of before the new one is built,
the new one is built while other requests are answered, and until it is in place every request that
needs a world gets 503 with `Retry-After` in its API's error shape; `/healthcheck` and the documents
keep answering."""

from __future__ import annotations

import asyncio
import gc
import threading
import weakref
from typing import Any

import httpx
import pytest

from sandbox.app import create_app
from sandbox.state import DEFAULT_PARTICIPANTS, DEFAULT_SEED, SandboxState
from sandbox.store import Store
from tests.conftest import bearer, make_state

ADMIN = {"Authorization": "Bearer admin-token"}
# (path, media type of its API's errors)
NEEDS_A_WORLD = [
    ("/api/v1/participants/ecf", "application/vnd.api+json"),
    ("/api/v3/participant-declarations", "application/vnd.api+json"),
    ("/rect/api/v3/participants", "application/json; charset=utf-8"),
    ("/npq/api/v3/npq-applications", "application/json"),
    ("/sandbox/world", "application/vnd.api+json"),
]
ANSWERED_MEANWHILE = ["/healthcheck", "/api/v3/openapi.json", "/rect/api/v3/openapi.yaml"]


def _held_build(state: SandboxState) -> tuple[threading.Event, threading.Event]:
    """The reseed's build waits for the returned `go` event, so the test sees the world being rebuilt;
    `entered` is set once the build has started (the old world is let go of before that)."""
    go, entered = threading.Event(), threading.Event()
    build = state._reseeded

    def held(seed: int, participants: int) -> Store:
        entered.set()
        assert go.wait(30), "the test never let the build go"
        return build(seed, participants)

    state._reseeded = held  # type: ignore[method-assign]
    return go, entered


async def _during_reseed(state: SandboxState, body: dict[str, int], probe: Any) -> tuple[Any, Any]:
    """POST the reseed, run `probe(client)` while its world is being built, then let the build finish."""
    go, entered = _held_build(state)
    transport = httpx.ASGITransport(app=create_app(state=state))
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
        reseed = asyncio.create_task(client.post("/sandbox/reset", json=body, headers=ADMIN))
        for _ in range(10_000):
            if state.reseeding is not None:
                break
            await asyncio.sleep(0.001)
        assert state.reseeding == (body.get("seed", 1), body.get("participants", state.participants))
        # The old world is freed in a worker thread before the build starts: probe once it has.
        assert await asyncio.to_thread(entered.wait, 30), "the build never started"
        seen = await probe(client)
        go.set()
        return seen, await reseed


def _state() -> SandboxState:
    state = make_state()
    state.admin_token = "admin-token"
    return state


def test_requests_during_a_reseed_get_503_and_the_rest_keeps_answering() -> None:
    state = _state()
    token = bearer(next(iter(state.store.lead_providers.values())))

    async def probe(client: httpx.AsyncClient) -> dict[str, Any]:
        seen = {path: await client.get(path, headers=token) for path, _ in NEEDS_A_WORLD}
        seen["write"] = await client.post(
            "/sandbox/events/declaration-eligibility",
            json={"eligible": False, "declaration_id": "x"},
            headers=ADMIN,
        )
        for path in ANSWERED_MEANWHILE:
            seen[path] = await client.get(path)
        return seen

    seen, reseed = asyncio.run(_during_reseed(state, {"seed": 2}, probe))
    for path, media in NEEDS_A_WORLD:
        response = seen[path]
        assert response.status_code == 503, path
        assert response.headers["content-type"] == media
        assert response.headers["retry-after"] == "5"
        [error] = response.json()["errors"]
        assert error["title"] == "Service unavailable"
        assert "seed 2" in error["detail"]
    assert seen["write"].status_code == 503
    for path in ANSWERED_MEANWHILE:
        assert seen[path].status_code == 200, path
    assert reseed.status_code == 200
    assert reseed.json()["data"]["seed"] == 2
    assert state.reseeding is None and state.seed == 2 and len(state.journal) == 0


def test_after_a_reseed_the_new_world_answers_and_the_old_is_gone() -> None:
    state = _state()
    old_store = weakref.ref(state.store)
    old_provider = next(iter(state.store.lead_providers.values()))
    old_record = weakref.ref(next(iter(state.store.users.values())))
    held: dict[str, Any] = {}

    async def probe(client: httpx.AsyncClient) -> None:
        # The build has not started, and the old world is already gone: never two at once.
        gc.collect()
        held["old store"], held["old record"] = old_store(), old_record()

    _, reseed = asyncio.run(_during_reseed(state, {"participants": 12}, probe))
    assert reseed.status_code == 200 and reseed.json()["data"]["participants"] == 12
    assert held == {"old store": None, "old record": None}

    async def read() -> tuple[httpx.Response, httpx.Response]:
        transport = httpx.ASGITransport(app=create_app(state=state))
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
            provider = next(iter(state.store.lead_providers.values()))
            new = await client.get("/api/v3/participants/ecf", headers=bearer(provider))
            return new, await client.get("/healthcheck")

    new, health = asyncio.run(read())
    assert new.status_code == 200 and health.status_code == 200
    assert len(new.json()["data"]) > 0
    assert old_provider.id in state.store.lead_providers  # same seed: the same providers, rebuilt


@pytest.mark.parametrize("change", [{"seed": 2}, {"participants": 10}])
def test_a_reseed_in_process_lets_the_old_world_go_first(change: dict[str, int]) -> None:
    state = make_state()
    old = weakref.ref(state.store)
    sizes: list[int] = []
    build = state._reseeded

    def watched(seed: int, participants: int) -> Store:
        sizes.append(old() is None)
        return build(seed, participants)

    state._reseeded = watched  # type: ignore[method-assign]
    state.reset(**change)
    assert sizes == [True] and old() is None
    assert len(state.store.users) > 0


def test_a_reseed_of_a_frozen_world_freezes_the_new_one() -> None:
    state = make_state()
    try:
        state.freeze_world()
        state.reset(seed=3)
        tracked = {id(o) for o in gc.get_objects()}  # the collector's generations, not its frozen objects
        record = next(iter(state.store.users.values()))
        assert id(record) not in tracked
        assert id(state.store.users) not in tracked
    finally:
        gc.unfreeze()


def test_a_failed_reseed_builds_the_previous_world_again_and_says_so() -> None:
    state = _state()
    before = weakref.ref(state.store)
    provider = next(iter(state.store.lead_providers.values()))
    participants = state.participants
    build = state._reseeded
    built: list[tuple[int, int]] = []
    seen: dict[str, Any] = {}

    def failing(seed: int, size: int) -> Store:
        built.append((seed, size))
        if seed == 7:
            raise MemoryError("forced by the test")
        if seed == 1:  # the previous parameters, built again: the old world is gone, requests get 503
            gc.collect()
            seen["old world"], seen["reseeding"] = before(), state.reseeding
        return build(seed, size)

    state._reseeded = failing  # type: ignore[method-assign]

    async def run() -> tuple[httpx.Response, ...]:
        transport = httpx.ASGITransport(app=create_app(state=state))
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
            reseed = await client.post("/sandbox/reset", json={"seed": 7}, headers=ADMIN)
            world = await client.get("/sandbox/world", headers=ADMIN)
            listed = await client.get("/api/v3/participants/ecf", headers=bearer(provider))
            again = await client.post("/sandbox/reset", json={"seed": 2}, headers=ADMIN)
            return reseed, world, listed, again, await client.get("/sandbox/world", headers=ADMIN)

    reseed, world, listed, again, later = asyncio.run(run())
    assert built == [(7, participants), (1, participants), (2, participants)]
    assert seen == {"old world": None, "reseeding": (1, participants)}
    assert reseed.status_code == 422
    [error] = reseed.json()["errors"]
    assert error["title"] == "Reseed failed"
    assert "seed 7" in error["detail"] and "MemoryError: forced by the test" in error["detail"]
    data = world.json()["data"]
    assert (data["seed"], data["participants"]) == (1, participants)
    assert data["failed_reseed"] == {
        "seed": 7,
        "participants": participants,
        "error": "MemoryError: forced by the test",
    }
    # The previous world, whole again: the same providers and their participants.
    assert listed.status_code == 200 and len(listed.json()["data"]) > 0
    assert state.reseeding is None and state.seed == 2
    # A later reseed that builds clears the failure.
    assert again.status_code == 200 and again.json()["data"]["seed"] == 2
    assert "failed_reseed" not in later.json()["data"]


def test_a_failed_reseed_in_process_leaves_the_previous_world() -> None:
    state = make_state()
    build = state._reseeded

    def failing(seed: int, size: int) -> Store:
        if size == 11:
            raise RuntimeError("no room")
        return build(seed, size)

    state._reseeded = failing  # type: ignore[method-assign]
    failure = state.reset(participants=11)
    assert failure is not None and failure.error == "RuntimeError: no room"
    assert state.participants != 11 and len(state.store.users) > 0
    assert state.reseed_failure == failure
    assert state.reseeding is None  # the world is served again: no 503 from the reseed gate


def test_when_the_previous_world_fails_to_build_too_the_default_world_is_built() -> None:
    state = make_state(seed=2, participants=20)
    build = state._reseeded
    built: list[tuple[int, int]] = []

    def failing(seed: int, size: int) -> Store:
        built.append((seed, size))
        if seed in (5, 2):  # the asked-for world, then the previous one (memory short, say)
            raise MemoryError("forced by the test")
        return build(seed, size)

    state._reseeded = failing  # type: ignore[method-assign]
    failure = state.reset(seed=5)
    assert built == [(5, 20), (2, 20), (DEFAULT_SEED, DEFAULT_PARTICIPANTS)]
    assert failure is not None and (failure.seed, failure.participants) == (5, 20)
    assert (state.seed, state.participants) == (DEFAULT_SEED, DEFAULT_PARTICIPANTS)
    assert len(state.store.users) > 0 and state.reseed_failure == failure
    assert state.reseeding is None


def test_when_no_world_builds_the_failure_is_raised() -> None:
    state = make_state(seed=2, participants=20)

    def failing(seed: int, size: int) -> Store:
        raise MemoryError("forced by the test")

    state._reseeded = failing  # type: ignore[method-assign]
    with pytest.raises(MemoryError):
        state.reset(seed=5)
    assert state.reseeding is None
