"""`decisions.npq_contract` reads the store's index of NPQ contracts by provider, cohort and course; it
must answer as a scan of every contract does, after contracts are added and discarded and after both
resets."""

from __future__ import annotations

from sandbox.domain.applications.decisions import npq_contract
from sandbox.domain.world.entities import NPQContract
from sandbox.domain.world.npq_registration import create_npq_contract
from sandbox.store import Store
from tests.domain.npq_world import build


def scanned(
    store: Store, provider_id: str, cohort: int, course: str, suffix: str | None
) -> NPQContract | None:
    found = [
        c
        for c in store.npq_contracts
        if (c.lead_provider_id, c.cohort, c.course_identifier) == (provider_id, cohort, course)
        and (suffix is None or c.cohort_suffix == suffix)
    ]
    return min(found, key=lambda c: c.cohort_suffix, default=None)


def assert_as_scanned(store: Store) -> int:
    keys = {(c.lead_provider_id, c.cohort, c.course_identifier) for c in store.npq_contracts}
    keys |= {(p, year + 1, course) for p, year, course in keys}  # years without a contract
    for provider_id, cohort, course in keys:
        for suffix in (None, "a", "b"):
            assert npq_contract(store, provider_id, cohort, course, suffix) == scanned(
                store, provider_id, cohort, course, suffix
            )
    return len(keys)


def add(store: Store, provider_id: str, cohort: int, suffix: str) -> NPQContract:
    return create_npq_contract(
        store,
        lead_provider_id=provider_id,
        cohort=cohort,
        course_identifier="npq-headship",
        funding_cap=10,
        cohort_suffix=suffix,
    )


def test_npq_contract_reads_the_index_as_a_scan_would() -> None:
    world = build()
    store = world.store
    store.seal()
    assert assert_as_scanned(store) > 20
    seeded = npq_contract(store, world.mine.id, 2024, "npq-headship")
    assert seeded is not None

    later = add(store, world.mine.id, 2025, "b")
    add(store, world.mine.id, 2025, "a")
    assert npq_contract(store, world.mine.id, 2025, "npq-headship") == NPQContract(
        world.mine.id, 2025, "npq-headship", 10, "a"
    )
    assert npq_contract(store, world.mine.id, 2025, "npq-headship", "b") == later
    store.npq_contracts.discard(seeded)  # as some tests take one away
    assert npq_contract(store, world.mine.id, 2024, "npq-headship") is None
    assert_as_scanned(store)

    store.checkpoint()
    add(store, world.other.id, 2025, "a")
    store.back_to_checkpoint()
    assert npq_contract(store, world.other.id, 2025, "npq-headship") is None
    assert npq_contract(store, world.mine.id, 2025, "npq-headship", "b") == later
    assert_as_scanned(store)

    store.back_to_seed()
    assert npq_contract(store, world.mine.id, 2025, "npq-headship") is None
    assert npq_contract(store, world.mine.id, 2024, "npq-headship") == seeded
    assert_as_scanned(store)
