"""Serialised list pages kept for the next identical request, while nothing they show can have changed.

A page is a pure function of the world, the request (contract, provider, parsed query) and the
instant it runs at. An entry is therefore served again only
- for the same store object (a reseed builds another) at the same change count (`ChangeLog.generation`
  counts every recorded change and every undo: a write, a reset, a provider reset's replay);
- at an instant inside the window the read reported when it was built, in which each time-dependent
  value of the page stays as it was (for the ECF participant list: `participant_status`). Clock travel
  and real time moving past a boundary both leave the window.
Request validation, authentication and the request journal run as before: only the read, presenting
and serialising are skipped.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime

from sandbox.api.kept_bodies import KeptBodies, one_per_store
from sandbox.store import Store

MAX_ENTRIES = 256
MAX_BODY_BYTES = 1 << 20  # a bigger page is a bulk read: rarely repeated, and costly to hold
MAX_TOTAL_BYTES = 32 << 20


@dataclass(frozen=True)
class Entry:
    generation: int
    since: datetime | None
    until: datetime | None
    body: bytes

    def holds_at(self, generation: int, now: datetime) -> bool:
        return (
            generation == self.generation
            and (self.since is None or self.since <= now)
            and (self.until is None or now < self.until)
        )


class PageCache(KeptBodies[Entry]):
    """Whole pages, each valid at its change count and inside its window."""

    def find(self, key: Hashable, store: Store, now: datetime) -> bytes | None:
        generation = store.changes.generation
        found = self._found((key,), lambda entry: entry.holds_at(generation, now))[0]
        return found.body if found is not None else None

    def keep(self, key: Hashable, entry: Entry) -> None:
        if len(entry.body) <= MAX_BODY_BYTES:
            self._keep(key, entry, MAX_ENTRIES, MAX_TOTAL_BYTES)


_current: list[PageCache] = []


def pages_of(store: Store) -> PageCache:
    """The cache of the world being served; another store (a reseed, another app) starts afresh."""
    return one_per_store(_current, store, PageCache)
