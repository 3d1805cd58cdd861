"""What the page cache and the item cache share: serialised bodies kept for one world, least recently
used first out, bounded by a count and by bytes, and one such keeper per world being served."""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Generic, Protocol, TypeVar

from sandbox.store import Store


class HasBody(Protocol):
    @property
    def body(self) -> bytes: ...


E = TypeVar("E", bound=HasBody)
K = TypeVar("K", bound="KeptBodies")


class KeptBodies(Generic[E]):
    """Entries with a `body`, for one store (held weakly: never keeps an old world alive)."""

    def __init__(self, store: Store) -> None:
        self._store = weakref.ref(store)
        self._entries: OrderedDict[Hashable, E] = OrderedDict()
        self._bytes = 0
        self.hits = 0
        self.misses = 0

    def serves(self, store: Store) -> bool:
        return self._store() is store

    def _found(self, keys: Iterable[Hashable], valid: Callable[[E], bool]) -> list[E | None]:
        """Each key's entry if kept and `valid` (it becomes the most recently used), else None; counts
        the look-ups. One call for many keys: a page asks for all its items at once."""
        entries, found, hits = self._entries, [], 0
        for key in keys:
            entry = entries.get(key)
            if entry is not None and valid(entry):
                entries.move_to_end(key)
                hits += 1
            else:
                entry = None
            found.append(entry)
        self.hits += hits
        self.misses += len(found) - hits
        return found

    def _keep(self, key: Hashable, entry: E, max_entries: int, max_bytes: int) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= len(old.body)
        self._entries[key] = entry
        self._bytes += len(entry.body)
        while len(self._entries) > max_entries or self._bytes > max_bytes:
            _, dropped = self._entries.popitem(last=False)
            self._bytes -= len(dropped.body)

    def clear(self) -> None:
        """Forget everything (a reader that must measure the read itself, not a kept answer)."""
        self._entries.clear()
        self._bytes = 0


def one_per_store(current: list[K], store: Store, make: Callable[[Store], K]) -> K:
    """The keeper of the world being served; another store (a reseed, another app) starts afresh."""
    if not current or not current[0].serves(store):
        current[:] = [make(store)]
    return current[0]
