"""Each ECF participant's item kept as bytes: a page the page cache lacks is joined from kept items, and
after random writes, resets, provider resets and clock moves every page served equals, byte for byte, the
page read with both caches emptied."""

from __future__ import annotations

import random
from datetime import timedelta

from starlette.testclient import TestClient

from sandbox.api import fragment_cache, page_cache
from sandbox.api.fragment_cache import Fragment, FragmentCache, joined
from sandbox.api.responses import wire_json
from sandbox.domain.world.entities import LeadProvider
from sandbox.state import SandboxState
from tests.conftest import TEST_NOW, bearer, make_state
from tests.support.caches import CALL, empty_caches, get

# Pages read after each step, of both contracts that nest enrolments per participant.
PAGES = (
    CALL,
    "/api/v3/participants/ecf",
    "/api/v3/participants/ecf?page[per_page]=7&page[page]=2",
    "/api/v3/participants/ecf?filter[cohort]=2024&sort=-updated_at",
    "/api/v3/participants/ecf?filter[training_status]=withdrawn",
    "/rect/api/v3/participants?page[per_page]=10",
)


def cold(api: TestClient, provider: LeadProvider, path: str, **headers: str) -> bytes:
    """The page read with both caches empty; what they held is put back afterwards, so that the next
    request meets them as the earlier ones left them."""
    kept = list(page_cache._current), list(fragment_cache._current)
    empty_caches()
    body = get(api, provider, path, **headers)
    page_cache._current[:], fragment_cache._current[:] = kept
    return body


def items(sandbox: SandboxState) -> FragmentCache:
    return fragment_cache.fragments_of(sandbox.store)


def ecf_provider(sandbox: SandboxState) -> LeadProvider:
    return next(p for p in sandbox.store.lead_providers.values() if p.has_ecf)


def test_a_new_query_joins_kept_items_byte_for_byte(api, sandbox):
    provider = ecf_provider(sandbox)
    first = get(api, provider, CALL)
    kept = items(sandbox)
    hits = kept.hits
    # An ignored parameter makes another page-cache key; every item is already kept.
    again = get(api, provider, CALL + "&filter[n]=1")
    assert kept.hits == hits + first.count(b'"type":"participant"')
    assert again == first == cold(api, provider, CALL)
    smaller = get(api, provider, CALL.replace("100", "5") + "&page[page]=3")
    assert smaller == cold(api, provider, CALL.replace("100", "5") + "&page[page]=3")


def test_items_of_another_provider_or_contract_are_not_shared(api, sandbox):
    mine = ecf_provider(sandbox)
    other = next(p for p in sandbox.store.lead_providers.values() if p.has_ecf and p is not mine)
    for provider in (mine, other):
        for path in (CALL.replace("100", "5"), "/rect/api/v3/participants?page[per_page]=5"):
            assert get(api, provider, path) == cold(api, provider, path)
        get(api, provider, "/api/v3/participants/ecf?page[per_page]=5")
        assert get(api, provider, "/rect/api/v3/participants?page[per_page]=5&filter[n]=1") == cold(
            api, provider, "/rect/api/v3/participants?page[per_page]=5"
        )


def test_a_world_change_forgets_every_item(api, sandbox):
    provider = ecf_provider(sandbox)
    get(api, provider, CALL)
    assert items(sandbox)._entries
    user = sandbox.store.users[api.get(CALL, headers=bearer(provider)).json()["data"][-1]["id"]]
    user.full_name = "Renamed Directly"
    renamed = get(api, provider, CALL + "&filter[n]=2")
    assert b"Renamed Directly" in renamed and renamed == cold(api, provider, CALL)


def test_joined_items_are_the_json_of_the_whole_page():
    day = TEST_NOW
    parts = [
        ({"id": "a", "n": [1, None, "é"]}, None, day),
        ({"id": "b"}, day - timedelta(days=2), day + timedelta(days=5)),
        ({"id": "c"}, day - timedelta(days=1), None),
    ]
    fragments = [Fragment(wire_json(item), since, until) for item, since, until in parts]
    body, since, until = joined(fragments)
    assert body == wire_json({"data": [item for item, _, _ in parts]})
    assert (since, until) == (day - timedelta(days=1), day)
    assert joined([]) == (wire_json({"data": []}), None, None)


def test_the_cache_is_bounded_and_serves_one_store(sandbox, monkeypatch):
    monkeypatch.setattr(fragment_cache, "MAX_ENTRIES", 3)
    kept = FragmentCache(sandbox.store)
    generation = sandbox.store.changes.generation
    for n in range(5):
        kept.keep(n, Fragment(b"{}", None, None), generation)
    assert list(kept._entries) == [2, 3, 4] and kept._bytes == 6
    assert kept.find(4, generation, TEST_NOW) is not None
    assert kept.find(4, generation + 1, TEST_NOW) is None and not kept._entries
    assert fragment_cache.fragments_of(sandbox.store) is fragment_cache.fragments_of(sandbox.store)
    assert not fragment_cache.fragments_of(make_state(participants=5).store).serves(sandbox.store)


def _withdraw_one(api: TestClient, provider: LeadProvider, rng: random.Random) -> None:
    data = api.get(CALL, headers=bearer(provider)).json()["data"]
    chosen = rng.choice(data)
    kind = chosen["attributes"]["ecf_enrolments"][0]["participant_type"]
    course = "ecf-mentor" if kind == "mentor" else "ecf-induction"
    body = {"data": {"type": "participant", "attributes": {"reason": "other", "course_identifier": course}}}
    api.put(f"/api/v3/participants/ecf/{chosen['id']}/withdraw", headers=bearer(provider), json=body)


def _turns(sandbox: SandboxState, providers: list[LeadProvider], rng: random.Random) -> list:
    """Instants at which the `participant_status` of a record under one of `providers` turns (its end,
    else its start date), and a second before each: a few of them, drawn."""
    mine = {p.id for p in providers}
    store = sandbox.store
    records = [
        r
        for r in store.induction_records.values()
        if store.partnerships[r.partnership_id].lead_provider_id in mine
    ]
    turns = [r.end_date or r.start_date for r in rng.sample(records, 6)]
    return turns + [t - timedelta(seconds=1) for t in turns]


def test_after_random_writes_resets_and_clock_moves_every_page_is_a_fresh_read(api, sandbox):
    rng = random.Random(10)
    providers = [p for p in sandbox.store.lead_providers.values() if p.has_ecf][:2]
    store = sandbox.store
    for step in range(24):
        action = rng.choice(("withdraw", "rename", "end", "reset", "provider reset", "travel", "none"))
        provider = rng.choice(providers)
        if action == "withdraw":
            _withdraw_one(api, provider, rng)
        elif action == "rename":
            rng.choice(list(store.users.values())).full_name = f"Renamed {step}"
        elif action == "end":
            record = rng.choice(list(store.induction_records.values()))
            record.end_date = TEST_NOW + timedelta(days=rng.randint(-30, 30))
        elif action == "reset":
            sandbox.reset()
        elif action == "provider reset":
            sandbox.reset_provider(provider.id)
        elif action == "travel":
            instants = _turns(sandbox, providers, rng)
            sandbox.clock.travel_to(provider.id, rng.choice(instants + [TEST_NOW]))
        for reader in providers:
            for path in PAGES:
                # First as served (caches as the steps left them; a new query joins kept items),
                # then read with both caches emptied.
                unique = path + ("&" if "?" in path else "?") + f"filter[n]={step}"
                served = [get(api, reader, path), get(api, reader, unique)]
                assert served == [cold(api, reader, path)] * 2, (step, action, reader.name, path)
        date = rng.choice(_turns(sandbox, providers, rng)).strftime("%Y-%m-%dT%H:%M:%SZ")
        header = {"X-With-Server-Date": date}
        assert get(api, provider, CALL, **header) == cold(api, provider, CALL, **header), (step, date)
