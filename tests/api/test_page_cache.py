"""The serialised-page cache of the ECF participant list: a repeated request is answered from it byte for
byte, and a write, a reset, a provider reset and a clock move past a status boundary each make the next
request read the world again. Every cached answer is compared with what a cold read gives."""

from __future__ import annotations

from datetime import timedelta

import pytest
from starlette.testclient import TestClient

from sandbox.api import page_cache
from sandbox.domain.world.entities import LeadProvider
from sandbox.state import SandboxState
from tests.conftest import TEST_NOW, bearer
from tests.support.caches import CALL, empty_caches, get


@pytest.fixture
def provider(sandbox: SandboxState) -> LeadProvider:
    return next(p for p in sandbox.store.lead_providers.values() if p.has_ecf)


def pages(sandbox: SandboxState) -> page_cache.PageCache:
    return page_cache.pages_of(sandbox.store)


def cold(api: TestClient, sandbox: SandboxState, provider: LeadProvider, path: str = CALL) -> bytes:
    """The page read afresh: the caches (pages, and the items they join) emptied first, and again after."""
    empty_caches()
    body = api.get(path, headers=bearer(provider)).content
    empty_caches()
    return body


def test_a_repeated_request_is_served_from_the_cache_byte_for_byte(api, sandbox, provider):
    first = get(api, provider)
    hits = pages(sandbox).hits
    again = get(api, provider)
    assert pages(sandbox).hits == hits + 1
    assert again == first == cold(api, sandbox, provider)


def test_another_provider_query_or_version_is_another_entry(api, sandbox, provider):
    other = next(p for p in sandbox.store.lead_providers.values() if p.has_ecf and p is not provider)
    mine = get(api, provider)
    theirs = get(api, other)
    assert theirs != mine and theirs == cold(api, sandbox, other)
    get(api, provider)
    for path in (CALL + "&page[page]=2", "/api/v2/participants/ecf?filter[cohort]=2023,2024"):
        hits = pages(sandbox).hits
        assert get(api, provider, path) == cold(api, sandbox, provider, path)
        assert pages(sandbox).hits == hits


def withdraw_first(api: TestClient, provider: LeadProvider) -> None:
    """The provider withdraws the first participant of the page, through the API (journaled)."""
    first = api.get(CALL, headers=bearer(provider)).json()["data"][0]
    kind = first["attributes"]["ecf_enrolments"][0]["participant_type"]
    course = "ecf-mentor" if kind == "mentor" else "ecf-induction"
    body = {"data": {"type": "participant", "attributes": {"reason": "other", "course_identifier": course}}}
    written = api.put(f"/api/v3/participants/ecf/{first['id']}/withdraw", headers=bearer(provider), json=body)
    assert written.status_code == 200, written.text


def test_a_write_makes_the_next_request_read_again(api, sandbox, provider):
    before = get(api, provider)
    withdraw_first(api, provider)
    after = get(api, provider)
    assert after != before
    assert after == cold(api, sandbox, provider)


def test_a_reset_and_a_provider_reset_make_the_next_request_read_again(api, sandbox, provider):
    seeded = get(api, provider)
    user = sandbox.store.users[api.get(CALL, headers=bearer(provider)).json()["data"][0]["id"]]
    user.full_name = "Renamed Directly"  # any recorded change to the world counts
    renamed = get(api, provider)
    assert renamed != seeded and b"Renamed Directly" in renamed
    sandbox.reset()
    assert get(api, provider) == seeded
    withdraw_first(api, provider)
    assert get(api, provider) != seeded
    sandbox.reset_provider(provider.id)
    assert get(api, provider) == cold(api, sandbox, provider) == seeded


def test_a_clock_move_past_a_status_boundary_makes_the_next_request_read_again(api, sandbox, provider):
    get(api, provider)
    entry = next(iter(pages(sandbox)._entries.values()))
    assert entry.until is not None, "the seeded page should hold a record whose status turns later"
    inside = TEST_NOW + (entry.until - TEST_NOW) / 2
    sandbox.clock.travel_to(provider.id, inside)
    hits = pages(sandbox).hits
    get(api, provider)
    assert pages(sandbox).hits == hits + 1  # nothing shown turns before `until`
    sandbox.clock.travel_to(provider.id, entry.until)
    moved = get(api, provider)
    assert pages(sandbox).hits == hits + 1
    assert moved == cold(api, sandbox, provider)
    sandbox.clock.travel_to(provider.id, TEST_NOW - timedelta(days=3650))
    assert get(api, provider) == cold(api, sandbox, provider)


def test_a_server_date_header_is_a_clock_move_too(api, sandbox, provider):
    get(api, provider)
    entry = next(iter(pages(sandbox)._entries.values()))
    assert entry.until is not None
    stamp = entry.until.strftime("%Y-%m-%dT%H:%M:%SZ")
    travelled = get(api, provider, **{"X-With-Server-Date": stamp})
    empty_caches()
    assert travelled == get(api, provider, **{"X-With-Server-Date": stamp})
