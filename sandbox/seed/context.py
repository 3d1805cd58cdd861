"""The seeded sources a world is built from: one random stream, one Faker, one fixed world instant.

Everything the seed draws goes through a `SeedContext`, so a seed replays the same draws in the same
order and nothing reads the global random module, the global Faker or the system clock.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from typing import TypeVar

from faker import Faker

from sandbox.domain.world.reference import ReferenceData
from sandbox.store import Store

T = TypeVar("T")

# The world is "as of" this instant: every seeded timestamp is at or before it, whatever day it runs.
WORLD_NOW = datetime(2024, 11, 15, 12, 0, tzinfo=UTC)
# The one exception. RECT's 2025 declaration sequences (seed/rect_declaration_sequences.py) need claims
# made in 2025 and 2026, so they are "as of" this later instant, before the sandbox's first day: their
# declarations, what those declarations change (a mentor's completion) and the payments of the 2025
# statements they sit on are stamped up to it. Everything else stays at or before WORLD_NOW.
SEQUENCES_NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)

# Seeded people get addresses on domains reserved for documentation, so no real mailbox is ever named.
EMAIL_DOMAINS = ("example.com", "example.org", "example.net")


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


class Names:
    """Faker's `first_name()` then `last_name()`, drawn from the same Faker random source with the
    same calls, so the names are the same; only the tables are read once rather than per name (the
    weighted surnames were summed again on every draw: a tenth of a large build)."""

    def __init__(self, fake: Faker) -> None:
        person = next(p for p in fake.providers if hasattr(p, "last_names"))
        self._random = fake.random
        self._first = person.first_names
        surnames = person.last_names
        if not isinstance(surnames, dict):
            raise TypeError("the locale's surnames are expected weighted (an OrderedDict)")
        self._last = tuple(surnames)
        self._last_weights = list(accumulate(surnames.values()))
        if isinstance(self._first, dict):
            raise TypeError("the locale's first names are expected unweighted")

    def draw(self) -> tuple[str, str]:
        first = self._random.choice(self._first)
        return first, self._random.choices(self._last, cum_weights=self._last_weights)[0]


@dataclass
class SeedContext:
    store: Store
    rng: random.Random
    fake: Faker
    now: datetime = WORLD_NOW
    _urns: set[str] = field(default_factory=set)
    _trns: set[str] = field(default_factory=set)
    _serial: int = 0
    # Weighted tables by id, each kept with its options (so a reused id is never mistaken for it).
    _tables: dict[int, tuple[Sequence, list, list[float]]] = field(default_factory=dict)
    _names: Names = field(init=False)

    def __post_init__(self) -> None:
        self._names = Names(self.fake)

    @classmethod
    def create(cls, reference: ReferenceData, seed: int) -> SeedContext:
        # A string seed is hashed deterministically (unlike str hashes), and differs from the store's
        # integer seed, so world draws and id draws are independent streams.
        rng = random.Random(f"cpd-sandbox-world:{seed}")
        fake = Faker("en_GB")
        fake.seed_instance(rng.getrandbits(64))
        return cls(Store(reference, seed), rng, fake)

    @property
    def reference(self) -> ReferenceData:
        return self.store.reference

    @contextmanager
    def as_of(self, instant: datetime) -> Iterator[SeedContext]:
        """Build records of a later instant (SEQUENCES_NOW): stamps are capped there, not at WORLD_NOW."""
        saved, self.now = self.now, instant
        try:
            yield self
        finally:
            self.now = saved

    # -- draws --------------------------------------------------------------------------------------

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, items: Sequence[T]) -> T:
        return items[self.rng.randrange(len(items))]

    def weighted(self, options: Sequence[tuple[T, float]]) -> T:
        # `choices` with cumulative weights draws exactly as with the weights it accumulates from;
        # summing them once per table rather than once per draw is most of the saving. Only tuples
        # (the module constants) are kept: a list is built for one draw, and keeping it would hold
        # every one made.
        if not isinstance(options, tuple):
            return self.rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]
        table = self._tables.get(id(options))
        if table is None or table[0] is not options:
            table = (options, [o for o, _ in options], list(accumulate(w for _, w in options)))
            self._tables[id(options)] = table
        return self.rng.choices(table[1], cum_weights=table[2])[0]

    def moment(self, start: datetime, end: datetime) -> datetime:
        """A whole second in [start, end], never after the world instant (API stamps have no fraction)."""
        end = min(end, self.now)
        start = min(start, end)
        span = int((end - start).total_seconds())
        # randrange(n + 1) draws exactly as randint(0, n), one call shorter (a large build draws millions).
        drawn = start + timedelta(seconds=self.rng.randrange(max(span, 0) + 1))
        return drawn.replace(microsecond=0) if drawn.microsecond else drawn

    def after(self, start: datetime, min_days: float, max_days: float) -> datetime:
        return self.moment(start + timedelta(days=min_days), start + timedelta(days=max_days))

    def token(self) -> str:
        return f"{self.rng.getrandbits(128):032x}"

    # -- identities ---------------------------------------------------------------------------------

    def urn(self) -> str:
        while True:
            urn = str(self.rng.randint(100000, 149999))
            if urn not in self._urns:
                self._urns.add(urn)
                return urn

    def trn(self) -> str:
        while True:
            trn = str(self.rng.randint(1000000, 9999999))
            if trn not in self._trns:
                self._trns.add(trn)
                return trn

    def claim(self, *, urn: str | None = None, trn: str | None = None) -> None:
        """Keep a fixed URN or TRN (a findable scenario's) out of the draws."""
        if urn is not None:
            self._urns.add(urn)
        if trn is not None:
            self._trns.add(trn)

    def person(self) -> tuple[str, str]:
        """A full name and an address unique in the world (a serial keeps namesakes apart)."""
        first, last = self._names.draw()
        self._serial += 1
        local = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
        return f"{first} {last}", f"{local}{self._serial}@{self.pick(EMAIL_DOMAINS)}"
