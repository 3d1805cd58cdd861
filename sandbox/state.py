"""One running sandbox: its reference data, its world and its clock. Reset builds a new world."""

from __future__ import annotations

from sandbox.clock import Clock
from sandbox.domain.reference import ReferenceData
from sandbox.seed.world import build_world
from sandbox.store import Store


class SandboxState:
    def __init__(
        self,
        seed: int = 1,
        participants: int = 300,
        clock: Clock | None = None,
        reference: ReferenceData | None = None,
    ) -> None:
        self.seed = seed
        self.participants = participants
        self.clock = clock or Clock()
        self.reference = reference or ReferenceData.load()
        self.store: Store = build_world(self.reference, seed=seed, participants=participants)

    def reset(self, seed: int | None = None, participants: int | None = None) -> None:
        if seed is not None:
            self.seed = seed
        if participants is not None:
            self.participants = participants
        self.store = build_world(self.reference, seed=self.seed, participants=self.participants)
