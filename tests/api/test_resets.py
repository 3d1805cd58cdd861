"""Resets by undo: after writes and a reset the world, and the ids the next writes draw, are those of
a fresh start; a provider's reset equals a world where only the others wrote; the journal folds into
a checkpoint when full; and a provider's reset over HTTP gives way to reads between batches."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from sandbox.app import create_app
from sandbox.state import SandboxState
from tests.api.test_control_people_events import at_school
from tests.api.test_determinism import _bodies
from tests.conftest import bearer, make_state

EVENTS = "/sandbox/events"
APPLICATION = {
    "full_name": "Grace Hopper",
    "email": "grace@example.com",
    "teacher_reference_number": "7654321",
    "course_identifier": "npq-senior-leadership",
    "cohort": 2024,
    "eligible_for_funding": False,
    "ineligible_for_funding_reason": "establishment-ineligible",
    "funding_choice": "self",
}


def _client(state: SandboxState) -> TestClient:
    state.admin_token = "admin-token"
    return TestClient(create_app(state=state), raise_server_exceptions=False)


def _admin(state: SandboxState) -> dict[str, str]:
    return {"Authorization": f"Bearer {state.admin_token}"}


def _eligible(state: SandboxState, provider_index: int, skip: int = 0) -> str:
    provider = list(state.store.lead_providers.values())[provider_index]
    found = [
        d.id
        for d in state.store.declarations.values()
        if d.lead_provider_id == provider.id and d.state == "eligible"
    ]
    return found[skip]


def _revoke(client: TestClient, declaration_id: str, headers: dict[str, str]) -> None:
    body = {"eligible": False, "declaration_id": declaration_id}
    response = client.post(f"{EVENTS}/declaration-eligibility", json=body, headers=headers)
    assert response.status_code == 200, response.text


def _new_application(client: TestClient, state: SandboxState) -> bytes:
    first = next(iter(state.store.lead_providers.values()))
    response = client.post(f"{EVENTS}/npq-applications", json=APPLICATION, headers=bearer(first))
    assert response.status_code == 200, response.text
    return response.content


def _write_a_mix(client: TestClient, state: SandboxState) -> None:
    """A provider's event, an admin's event, a merge (which removes a user), a new application."""
    first, second = list(state.store.lead_providers.values())[:2]
    _revoke(client, _eligible(state, 0), bearer(first))
    _revoke(client, _eligible(state, 1), _admin(state))
    old, survivor = at_school(state.store, first).user_id, at_school(state.store, second, kind="mentor")
    merged = client.post(
        f"{EVENTS}/participants/{old}/merge",
        json={"into_participant_id": survivor.user_id},
        headers=_admin(state),
    )
    assert merged.status_code == 200, merged.text
    _new_application(client, state)


def test_after_writes_a_whole_reset_gives_a_fresh_world_and_the_same_next_ids() -> None:
    state, fresh = make_state(), make_state()
    client = _client(state)
    _write_a_mix(client, state)
    state.reset()
    assert state.journal.accepted == 0
    assert _bodies(state) == _bodies(fresh)
    assert _new_application(client, state) == _new_application(_client(fresh), fresh)


def test_a_provider_reset_gives_the_world_where_only_the_others_wrote() -> None:
    state, others_only = make_state(), make_state()
    client, other_client = _client(state), _client(others_only)
    first = next(iter(state.store.lead_providers.values()))
    _revoke(client, _eligible(state, 0), bearer(first))
    for target in (state, others_only):
        _revoke(client if target is state else other_client, _eligible(target, 1), _admin(target))
    _revoke(client, _eligible(state, 0, skip=1), bearer(first))
    assert client.post(f"/sandbox/providers/{first.id}/reset", headers=_admin(state)).json()["data"] == {
        "lead_provider_id": first.id,
        "dropped": 0,
    }
    assert len(state.journal) == 1
    assert _bodies(state) == _bodies(others_only)


def test_a_full_journal_becomes_a_checkpoint_that_provider_resets_go_back_to() -> None:
    state = make_state()
    state.journal.limit = 2
    client = _client(state)
    first = next(iter(state.store.lead_providers.values()))
    before_cap, after_cap = _eligible(state, 0), _eligible(state, 0, skip=1)
    _revoke(client, before_cap, bearer(first))
    _revoke(client, _eligible(state, 1), _admin(state))  # the second command fills the journal
    assert (len(state.journal), state.journal.accepted) == (0, 2)
    _revoke(client, after_cap, bearer(first))
    state.reset_provider(first.id)
    declarations = state.store.declarations
    assert (declarations[before_cap].state, declarations[after_cap].state) == ("submitted", "eligible")
    state.reset()
    assert declarations[before_cap].state == "eligible"  # a whole reset still reaches the seed


def test_a_provider_reset_over_http_gives_way_to_reads_between_batches() -> None:
    """Every replayed command is a batch of its own here; a reader running meanwhile sees the replay
    part-way through, and a write sent during the reset waits for its end."""
    state = make_state()
    state.journal.batch_seconds = 0
    client = _client(state)
    first, second = list(state.store.lead_providers.values())[:2]
    _revoke(client, _eligible(state, 0), bearer(first))
    *targets, extra = [_eligible(state, 1, skip=n) for n in range(9)]
    for target in targets:
        _revoke(client, target, _admin(state))

    async def scenario() -> tuple[list[int], Any, Any, int]:
        transport = httpx.ASGITransport(app=create_app(state=state))
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as aclient:
            seen: list[int] = []
            reset = asyncio.create_task(
                aclient.post(f"/sandbox/providers/{first.id}/reset", headers=_admin(state))
            )
            while len(state.journal) == 0:  # until the replay has started
                await asyncio.sleep(0)
            write = asyncio.create_task(
                aclient.post(
                    f"{EVENTS}/declaration-eligibility",
                    json={"eligible": False, "declaration_id": extra},
                    headers=_admin(state),
                )
            )
            while not reset.done():
                response = await aclient.get("/api/v3/statements", headers=bearer(second))
                assert response.status_code == 200
                seen.append(len(state.journal))
                await asyncio.sleep(0)  # an in-process request never waits on a socket: give way here
            written_at = len(state.journal) if not write.done() else -1
            return seen, await reset, await write, written_at

    seen, reset, write, written_at = asyncio.run(scenario())
    assert reset.json()["data"] == {"lead_provider_id": first.id, "dropped": 0}
    assert any(0 < count < len(targets) for count in seen), seen
    assert written_at == len(targets)  # the write had not run when the reset ended
    assert write.status_code == 200
    assert len(state.journal) == len(targets) + 1


@pytest.mark.parametrize("seed_change", [{"seed": 2}, {"participants": 10}])
def test_a_reseed_still_builds_another_world(seed_change) -> None:
    state = make_state()
    before = state.store
    state.reset(**seed_change)
    assert state.store is not before
