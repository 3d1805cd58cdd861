"""The seeded sources a world is built from: one random stream, one Faker, one fixed world instant.

Everything the seed draws goes through a `SeedContext`, so a seed replays the same draws in the same
order and nothing reads the global random module, the global Faker or the system clock.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar

from faker import Faker

from sandbox.domain.world.reference import ReferenceData
from sandbox.store import Store

T = TypeVar("T")

# The world is "as of" this instant: every seeded timestamp is at or before it, whatever day it runs.
WORLD_NOW = datetime(2024, 11, 15, 12, 0, tzinfo=UTC)

# Seeded people get addresses on domains reserved for documentation, so no real mailbox is ever named.
EMAIL_DOMAINS = ("example.com", "example.org", "example.net")


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


@dataclass
class SeedContext:
    store: Store
    rng: random.Random
    fake: Faker
    now: datetime = WORLD_NOW
    _urns: set[str] = field(default_factory=set)
    _trns: set[str] = field(default_factory=set)
    _serial: int = 0

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

    # -- draws --------------------------------------------------------------------------------------

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, items: Sequence[T]) -> T:
        return items[self.rng.randrange(len(items))]

    def weighted(self, options: Sequence[tuple[T, float]]) -> T:
        return self.rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]

    def moment(self, start: datetime, end: datetime) -> datetime:
        """A whole second in [start, end], never after the world instant (API stamps have no fraction)."""
        end = min(end, self.now)
        start = min(start, end)
        span = int((end - start).total_seconds())
        return (start + timedelta(seconds=self.rng.randint(0, max(span, 0)))).replace(microsecond=0)

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
        first, last = self.fake.first_name(), self.fake.last_name()
        self._serial += 1
        local = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
        return f"{first} {last}", f"{local}{self._serial}@{self.pick(EMAIL_DOMAINS)}"
