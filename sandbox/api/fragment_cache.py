"""Each list item's serialised JSON kept for the next page that shows it, while it cannot have changed.

A page the page cache lacks (another page size, filter or an ignored parameter) mostly shows items
some earlier page already presented. An item is a pure function of the world, the contract, the
provider and the instant, so its bytes are served again only
- for the same store object (a reseed builds another) while `ChangeLog.generation` stands where it
  stood when they were made: any recorded change anywhere (a write, a reset, a provider reset's
  replay) empties the whole cache, since an item reads several records (its user, profiles, records,
  partnerships, schools, a mentor's profile);
- at an instant inside the window the item's time-dependent values hold for (`since`, `until`: for
  an ECF participant, each shown `participant_status`), as in `page_cache`.
A page is then the kept items joined: compact JSON of `{"data": [...]}` is the items' bytes between
`{"data":[` and `]}`, comma-separated (`responses.many` writes long bodies the same way).
"""

from __future__ import annotations

import operator
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sandbox.api.kept_bodies import KeptBodies, one_per_store
from sandbox.store import Store

MAX_ENTRIES = 50_000
MAX_TOTAL_BYTES = 48 << 20


@dataclass(frozen=True)
class Fragment:
    body: bytes
    since: datetime | None  # None: true ever since
    until: datetime | None  # None: true for ever

    def holds_at(self, now: datetime) -> bool:
        return (self.since is None or self.since <= now) and (self.until is None or now < self.until)


class FragmentCache(KeptBodies[Fragment]):
    """Least recently used first out, bounded by entries and bytes; emptied when the world changes."""

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self._generation = store.changes.generation

    def _at(self, generation: int) -> None:
        """What is kept was made at `generation`: if the world has moved on since, forget it all."""
        if generation != self._generation:
            self.clear()
            self._generation = generation

    def find(self, key: Hashable, generation: int, now: datetime) -> Fragment | None:
        return self.find_each((key,), generation, now)[0]

    def find_each(self, keys: Iterable[Hashable], generation: int, now: datetime) -> list[Fragment | None]:
        """`find` for each of `keys` in turn, in one call: a page asks for a hundred items at once."""
        self._at(generation)
        return self._found(keys, lambda fragment: fragment.holds_at(now))

    def keep(self, key: Hashable, fragment: Fragment, generation: int) -> None:
        """Keep an item made at `generation` (read before the item was built)."""
        self._at(generation)
        self._keep(key, fragment, MAX_ENTRIES, MAX_TOTAL_BYTES)


def joined(fragments: Sequence[Fragment]) -> tuple[bytes, datetime | None, datetime | None]:
    """The page `{"data": [...]}` of these items, and the window in which all of them hold."""
    since: datetime | None = None
    until: datetime | None = None
    for fragment in fragments:
        if fragment.since is not None and (since is None or fragment.since > since):
            since = fragment.since
        if fragment.until is not None and (until is None or fragment.until < until):
            until = fragment.until
    return b'{"data":[' + b",".join(map(_BODY, fragments)) + b"]}", since, until


_BODY = operator.attrgetter("body")
_current: list[FragmentCache] = []


def fragments_of(store: Store) -> FragmentCache:
    """The cache of the world being served; another store (a reseed, another app) starts afresh."""
    return one_per_store(_current, store, FragmentCache)
