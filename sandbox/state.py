"""One running sandbox: reference data, the world, the clocks and the journal of changes.

Resets undo rather than rebuild (`Store.back_to_seed`): a whole reset costs what changed since the
seed. A provider's reset goes back to the journal's checkpoint and runs the other actors' commands
again. Over HTTP that replay gives way to other requests between batches of about 20 ms
(`reset_provider_async`), so a long journal never stalls other providers for longer than a batch.

What others see meanwhile, by choice: writes (anyone's, and every other control change) wait for
the reset to finish, so commands keep one order. Reads are answered between batches from the world
as far as the replay has got: the checkpoint plus the first k of the other actors' commands, each
applied whole. That is the world as it would have stood after the k-th command had the reset
provider never written: a state the rules allow, never a half-applied command, but for a moment
earlier than the one the reader last saw. The alternative, serving reads from a second copy of the
world while the replay builds the other, would double the world's memory and start-up time for a
case (thousands of journaled commands) that resets between tests never reach.

A reseed (another seed or size) builds a new world, never next to the old one: the old world is let
go of first, then the new one is built. Over HTTP (`reseed_async`) both happen in a worker thread,
which gives the interpreter back to the event loop every few milliseconds, so `/healthcheck` and
every other request keep being answered. Until the new world is in place every request that needs a
world is answered 503 with `Retry-After` (`sandbox.reseeding`): there is no world to answer from, and
an empty one would answer wrongly. A server's world is frozen out of the garbage collector's passes
(`freeze_world`); a reseed freezes the new world the same way.

A reseed whose build fails (an exception in the build) must not leave the empty world behind: the
world of the previous seed and size, which built before, is built again in its place (still behind the
503s, now naming those parameters), as a whole reset would leave it; the failure is kept on
`reseed_failure` for the control API to show until a later reseed builds. The failed build's objects
are dropped before the rebuild starts, so two worlds are never held.
"""

from __future__ import annotations

import asyncio
import gc
import secrets
from dataclasses import dataclass
from typing import Any

from sandbox.clock import Clock
from sandbox.domain.world.reference import ReferenceData
from sandbox.journal import ADMIN, Journal, drain
from sandbox.requests_journal.log import RequestLog
from sandbox.seed.world import build_world
from sandbox.store import Store
from sandbox.world_memory import collector_paused, release


def accepted(response: Any) -> bool:
    """A handler's answer to a change it made: anything below 400."""
    return getattr(response, "status_code", 200) < 400


# The world `SandboxState()` builds: the last fallback of a reseed whose build fails.
DEFAULT_SEED, DEFAULT_PARTICIPANTS = 1, 300


@dataclass(frozen=True)
class ReseedFailure:
    """A reseed whose world could not be built: what was asked and why it failed."""

    seed: int
    participants: int
    error: str


class SandboxState:
    def __init__(
        self,
        seed: int = DEFAULT_SEED,
        participants: int = DEFAULT_PARTICIPANTS,
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
        self.journal = Journal(accepted)
        self.request_log: RequestLog | None = None  # every provider request; set up by the app
        self.store: Store = self._seeded()
        # (seed, participants) of the world being built while a reseed runs, else None.
        self.reseeding: tuple[int, int] | None = None
        # The last reseed that failed to build (the previous world was built again), until one builds.
        self.reseed_failure: ReseedFailure | None = None
        self._frozen = False
        self._gate: asyncio.Lock | None = None
        self._gate_loop: asyncio.AbstractEventLoop | None = None

    def _seeded(self) -> Store:
        return build_world(self.reference, seed=self.seed, participants=self.participants)

    def freeze_world(self) -> None:
        """Keep the world (and everything alive now) out of the collector's passes from now on, and
        every world a reseed builds later too: a server's world lives as long as the server."""
        gc.collect()
        gc.freeze()
        self._frozen = True

    def _detach(self) -> Store:
        """The world, taken out of the state before another is built; the state holds an empty one
        (sealed, with nothing in it) until then."""
        old, self.store = self.store, Store(self.reference, self.seed)
        self.store.seal()
        return old

    def _reseeded(self, seed: int, participants: int) -> Store:
        return build_world(self.reference, seed=seed, participants=participants)

    def _built_or_previous(
        self, seed: int, participants: int
    ) -> tuple[Store, tuple[int, int], ReseedFailure | None]:
        """The world of `seed` and `participants`, the parameters it was built with, and no failure.
        If its build raises: the world of the state's current parameters (built before) and the
        failure; should that raise too (memory short after a larger attempt), the default world."""
        failure = None
        fallbacks = [(self.seed, self.participants), (DEFAULT_SEED, DEFAULT_PARTICIPANTS)]
        attempts = [(seed, participants), *(f for f in dict.fromkeys(fallbacks) if f != (seed, participants))]
        for number, attempt in enumerate(attempts, 1):
            if failure is not None:
                # Outside the handler: the traceback, and with it the half-built world, is gone.
                gc.collect()
                self.reseeding = attempt
            try:
                return self._reseeded(*attempt), attempt, failure
            except Exception as exc:  # any failure of a build: the next fallback is the answer
                if failure is None:
                    failure = ReseedFailure(seed, participants, f"{type(exc).__name__}: {exc}"[:500])
                if number == len(attempts):
                    raise  # not even the default world builds: nothing left to serve
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _settle_reseed(self, store: Store, built: tuple[int, int], failure: ReseedFailure | None) -> None:
        self.store = store
        self.seed, self.participants = built
        self.reseed_failure = failure

    def _same_world(self, seed: int | None, participants: int | None) -> bool:
        return (seed is None or seed == self.seed) and (
            participants is None or participants == self.participants
        )

    def write_gate(self) -> asyncio.Lock:
        """Held by every change made over HTTP, so that a provider's reset, which gives way to reads
        while it runs, never lets a write in. One per event loop (a test client may start several)."""
        loop = asyncio.get_running_loop()
        if self._gate is None or self._gate_loop is not loop:
            self._gate, self._gate_loop = asyncio.Lock(), loop
        return self._gate

    def reset(self, seed: int | None = None, participants: int | None = None) -> ReseedFailure | None:
        """The whole world back to its seeded state (or a new seed or size); every clock to real time.
        Ids drawn afterwards are the ones a fresh start would draw. Returns the failure of a reseed
        whose world could not be built (the previous one was built again)."""
        failure = None
        with self.store.lock:
            if self._same_world(seed, participants):
                self.store.back_to_seed()
            else:
                self.journal.clear()
                release(self._detach())
                gc.collect()  # what only cycles kept alive; frozen objects (a server's) are not walked
                seed = self.seed if seed is None else seed
                participants = self.participants if participants is None else participants
                try:
                    with collector_paused(settle=not self._frozen):
                        store, built, failure = self._built_or_previous(seed, participants)
                        self._settle_reseed(store, built, failure)
                        if self._frozen:
                            gc.freeze()
                finally:
                    self.reseeding = None  # a fallback build names itself while it runs
            self.journal.clear()
        self.clock.reset_all()
        return failure

    async def reseed_async(
        self, seed: int | None = None, participants: int | None = None
    ) -> ReseedFailure | None:
        """As `reset`; a new world is built in a worker thread while the event loop keeps answering
        (every request that needs a world with 503 until it is in place). The caller holds the write
        gate, so no write is half-way through."""
        if self._same_world(seed, participants):
            return self.reset()
        seed = self.seed if seed is None else seed
        participants = self.participants if participants is None else participants
        self.reseeding = (seed, participants)
        try:
            self.journal.clear()
            old = self._detach()
            await asyncio.to_thread(release, old)
            del old
            gc.collect()
            with collector_paused(settle=not self._frozen):
                store, built, failure = await asyncio.to_thread(self._built_or_previous, seed, participants)
                self._settle_reseed(store, built, failure)
                del store
                if self._frozen:
                    gc.freeze()
        finally:
            self.reseeding = None
        self.clock.reset_all()
        return failure

    def reset_provider(self, provider_id: str) -> int:
        """One provider's slice back to the seeded state (or the journal's last checkpoint), every
        other actor's accepted changes applied again, all at once. Returns how many no longer applied."""
        dropped = 0
        with self.store.lock:
            # With nothing of the provider's since the checkpoint, undoing and replaying would give
            # back the world as it is, ids included: skip both.
            if self.journal.holds_commands_of(provider_id):
                self.store.back_to_checkpoint()
                dropped = drain(self.journal.replay(self.store, provider_id))
        self.clock.back_to_real_time(provider_id)
        return dropped

    async def reset_provider_async(self, provider_id: str) -> int:
        """As `reset_provider`, giving way to other requests between batches of the replay. The
        caller holds the write gate (see the module's docstring for what readers see meanwhile)."""
        with self.store.lock:
            if not self.journal.holds_commands_of(provider_id):
                self.clock.back_to_real_time(provider_id)
                return 0
            self.store.back_to_checkpoint()
        steps = self.journal.replay(self.store, provider_id)
        while True:
            with self.store.lock:
                try:
                    next(steps)
                except StopIteration as stop:
                    dropped = stop.value
                    break
            await asyncio.sleep(0)
        self.clock.back_to_real_time(provider_id)
        return dropped

    def actor_of(self, provider_id: str | None) -> str:
        return provider_id or ADMIN
