"""One running sandbox: reference data, the world, the clocks and the journal of changes."""

from __future__ import annotations

import secrets

from sandbox.clock import Clock
from sandbox.domain.world.reference import ReferenceData
from sandbox.journal import ADMIN, Journal
from sandbox.requests_journal.log import RequestLog
from sandbox.seed.world import build_world
from sandbox.store import Store


class SandboxState:
    def __init__(
        self,
        seed: int = 1,
        participants: int = 300,
        clock: Clock | None = None,
        reference: ReferenceData | None = None,
        admin_token: str | None = None,
    ) -> None:
        self.seed = seed
        self.participants = participants
        self.clock = clock or Clock()
        self.reference = reference or ReferenceData.load()
        # Not derived from the seed: knowing the seed must not grant admin rights.
        self.admin_token = admin_token or secrets.token_hex(16)
        self.journal = Journal()
        self.request_log: RequestLog | None = None  # every provider request; set up by the app
        self.store: Store = self._seeded()

    def _seeded(self) -> Store:
        return build_world(self.reference, seed=self.seed, participants=self.participants)

    def reset(self, seed: int | None = None, participants: int | None = None) -> None:
        """The whole world back to its seeded state (or a new seed or size); every clock to real time."""
        if seed is not None:
            self.seed = seed
        if participants is not None:
            self.participants = participants
        self.store = self._seeded()
        self.journal.clear()
        self.clock.reset_all()

    def reset_provider(self, provider_id: str) -> int:
        """One provider's slice back to the seeded state: the world is rebuilt and every other
        actor's accepted changes are applied again. Returns how many of those no longer applied."""
        with self.store.lock:
            self.store = self._seeded()
            dropped = self.journal.replay_without(self.store, provider_id)
        self.clock.back_to_real_time(provider_id)
        return dropped

    def actor_of(self, provider_id: str | None) -> str:
        return provider_id or ADMIN
