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

import weakref
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime

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


class PageCache:
    """Least recently used first out, bounded by entries and bytes."""

    def __init__(self, store: Store) -> None:
        self._store = weakref.ref(store)  # never keeps an old world alive
        self._entries: OrderedDict[Hashable, Entry] = OrderedDict()
        self._bytes = 0
        self.hits = 0
        self.misses = 0

    def serves(self, store: Store) -> bool:
        return self._store() is store

    def find(self, key: Hashable, store: Store, now: datetime) -> bytes | None:
        entry = self._entries.get(key)
        if entry is not None and entry.holds_at(store.changes.generation, now):
            self._entries.move_to_end(key)
            self.hits += 1
            return entry.body
        self.misses += 1
        return None

    def clear(self) -> None:
        """Forget every page (a reader that must measure the read itself, not a kept answer)."""
        self._entries.clear()
        self._bytes = 0

    def keep(self, key: Hashable, entry: Entry) -> None:
        if len(entry.body) > MAX_BODY_BYTES:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= len(old.body)
        self._entries[key] = entry
        self._bytes += len(entry.body)
        while len(self._entries) > MAX_ENTRIES or self._bytes > MAX_TOTAL_BYTES:
            _, dropped = self._entries.popitem(last=False)
            self._bytes -= len(dropped.body)


_current: list[PageCache] = []


def pages_of(store: Store) -> PageCache:
    """The cache of the world being served; another store (a reseed, another app) starts afresh."""
    if not _current or not _current[0].serves(store):
        _current[:] = [PageCache(store)]
    return _current[0]
