"""The partnerships and schools lists in their default order (oldest first), read from the store's
orderings by creation rather than sorted per request: a reader that stops at its page's end reads no
further, and an `updated_since` poll reads only what may have been stamped since (`Store.polled`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from sandbox.domain.listing import Since
from sandbox.domain.world.entities import Partnership, School
from sandbox.store import EVERY_SCHOOL, Entry, Store, entry_of

PARTNERSHIPS = "ordered_partnerships_by_provider"
SCHOOLS = "ordered_schools"


def partnership_updated_at(store: Store, partnership: Partnership) -> datetime:
    """A partnership shows the latest stamp of itself, its school and its delivery partner."""
    return max(
        partnership.updated_at,
        store.schools[partnership.school_id].updated_at,
        store.delivery_partners[partnership.delivery_partner_id].updated_at,
    )


def school_updated_at(store: Store, school: School, cohort: int) -> datetime:
    """A school in a year shows the latest stamp of itself and of its choice for that year."""
    school_cohort = store.school_cohorts.get((school.id, cohort))
    return school.updated_at if school_cohort is None else max(school.updated_at, school_cohort.updated_at)


def partnerships_in_order(store: Store, provider_id: str, since: Since | None) -> Iterator[Partnership]:
    """Every partnership of the provider (relationships and challenged ones too) that `since` admits,
    oldest first."""
    entries: Iterable[Entry] = store.ordered(PARTNERSHIPS, provider_id)
    if since is not None:
        entries = store.polled(PARTNERSHIPS, provider_id, since, *_partnership_sources(store, provider_id))
    for entry in entries:
        partnership = store.partnerships.get(entry[2])
        if partnership is not None and (
            since is None or since.admits(partnership_updated_at(store, partnership))
        ):
            yield partnership


def _partnership_sources(store: Store, provider_id: str) -> tuple:
    """What `Store.polled` asks of a partnership: its stamp, the records it reads it from, and which of
    the provider's partnerships a restamp of a record may move."""

    def stamp(entry: Entry) -> datetime | None:
        partnership = store.partnerships.get(entry[2])
        return None if partnership is None else partnership_updated_at(store, partnership)

    def sources(entry: Entry) -> tuple[str, ...]:
        p = store.partnerships.get(entry[2])
        return (entry[2],) if p is None else (entry[2], p.school_id, p.delivery_partner_id)

    def reached(record_id: str) -> list[Entry]:
        partnership = store.partnerships.get(record_id)
        if partnership is not None:
            return [entry_of(partnership)] if partnership.lead_provider_id == provider_id else []
        if record_id in store.schools:
            return [
                entry_of(p) for p in store.partnerships_at(record_id) if p.lead_provider_id == provider_id
            ]
        if record_id in store.delivery_partners:  # no index by delivery partner: rare, read them all
            return [
                entry_of(p) for p in store.partnerships_of(provider_id) if p.delivery_partner_id == record_id
            ]
        return []

    return stamp, sources, reached


def schools_in_order(store: Store, cohort: int, since: Since | None) -> Iterator[School]:
    """Every school of the world whose stamp in `cohort` `since` admits, oldest first."""
    entries: Iterable[Entry] = store.ordered(SCHOOLS, EVERY_SCHOOL)
    if since is not None:

        def stamp(entry: Entry) -> datetime | None:
            school = store.schools.get(entry[2])
            return None if school is None else school_updated_at(store, school, cohort)

        def reached(record_id: str) -> list[Entry]:
            # A school cohort's change restamps its school (`Store.add_school_cohort`, `Store._changing`).
            school = store.schools.get(record_id)
            return [] if school is None else [entry_of(school)]

        entries = store.polled(SCHOOLS, EVERY_SCHOOL, since, stamp, lambda e: (e[2],), reached, cohort)
    for entry in entries:
        school = store.schools.get(entry[2])
        if school is not None and (since is None or since.admits(school_updated_at(store, school, cohort))):
            yield school
