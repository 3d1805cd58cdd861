"""Undo records of a sealed store: what goes back, in what order, and how much is kept."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sandbox.domain.world.entities import School
from sandbox.store import Store
from tests.domain.ecf_world import REFERENCE

NOW = datetime(2024, 11, 1, 9, tzinfo=UTC)
LATER = datetime(2026, 11, 27, 9, tzinfo=UTC)


def school(number: int) -> School:
    return School(f"school-{number}", f"10000{number}", f"School {number}", True, False, NOW, NOW)


def snapshot(store: Store) -> list:
    """Keys in order, with every record's fields, of the parts these tests touch."""
    return [
        [(key, repr(value)) for key, value in store.schools.items()],
        list(store.profiles_by_user.items()),
        sorted(map(repr, store.provider_relationships)),
        store.rng.getstate(),
    ]


@pytest.fixture
def store() -> Store:
    store = Store(REFERENCE, seed=3)
    for number in range(1, 5):
        store.schools[f"school-{number}"] = school(number)
    store.profiles_by_user["user-1"] = ("profile-1",)
    store.seal()
    return store


def test_back_to_seed_undoes_fields_keys_removals_and_id_draws(store) -> None:
    seeded = snapshot(store)
    first = store.schools["school-1"]
    first.name, first.updated_at = "Renamed", LATER
    store.schools["school-9"] = school(9)
    del store.schools["school-2"]
    store.profiles_by_user.pop("user-1")
    store.profiles_by_user["user-2"] = ("profile-2",)
    store.new_id()
    assert snapshot(store) != seeded
    store.back_to_seed()
    assert snapshot(store) == seeded
    assert store.schools["school-1"] is first  # the same record, its fields put back


def test_a_slot_keeps_only_its_first_original_however_often_it_changes(store) -> None:
    record = store.schools["school-3"]
    for index in range(100):
        record.name = f"Name {index}"
        store.schools["school-3"] = record
    assert len(store.changes) == 2  # one field, one key
    store.back_to_seed()
    assert record.name == "School 3"


def test_records_added_after_the_seal_report_their_changes_until_a_checkpoint(store) -> None:
    born = school(7)
    store.schools["school-7"] = born
    store.checkpoint()
    born.name = "Changed after the checkpoint"
    store.schools["school-1"].name = "Changed after the checkpoint"
    store.back_to_checkpoint()
    assert born.name == "School 7" and store.schools["school-7"] is born
    assert store.schools["school-1"].name == "School 1"


def test_a_checkpoint_is_where_undo_live_returns_and_the_seed_stays_reachable(store) -> None:
    seeded = snapshot(store)
    store.schools["school-1"].name = "Before the checkpoint"
    del store.schools["school-4"]
    store.checkpoint()
    at_checkpoint = snapshot(store)
    store.schools["school-1"].name = "After the checkpoint"
    store.schools["school-8"] = school(8)
    del store.schools["school-2"]
    store.back_to_checkpoint()
    assert snapshot(store) == at_checkpoint
    store.schools["school-3"].name = "After again"
    store.back_to_seed()
    assert snapshot(store) == seeded


def test_changes_before_the_seal_are_the_seed(store) -> None:
    unsealed = Store(REFERENCE, seed=3)
    unsealed.schools["school-1"] = school(1)
    unsealed.schools["school-1"].name = "Built this way"
    assert len(unsealed.changes) == 0


def test_bulk_changes_that_could_not_be_undone_are_refused(store) -> None:
    with pytest.raises(TypeError):
        store.schools.update({"school-5": school(5)})
    with pytest.raises(TypeError):
        store.provider_relationships.clear()
    assert "school-5" not in store.schools


def test_a_copy_of_a_record_or_a_dict_is_detached(store) -> None:
    import copy

    copied = copy.deepcopy(store.schools)
    copied["school-1"].name = "Only the copy"
    assert type(copied) is dict
    assert len(store.changes) == 0
    assert store.schools["school-1"].name == "School 1"
