"""Every accepted change, in order, so that one provider's slice can be reset.

A provider reset takes the world back to the last checkpoint (`Store.back_to_checkpoint`, the seed
until the journal first fills) and runs every other actor's journaled commands again. Each command
draws its ids from its own sequence number (`Store.command_ids`), so a command run again creates the
same records with the same ids; one that no longer applies (it built on the reset provider's data)
is dropped, exactly as if it had been refused.

A command is kept compactly: which operation ran (a key naming the handler and how to build its
context), who ran it, its keyword arguments as Connexion parsed them (pickled: an exact copy of
whatever types they hold, and a fresh one each time they are loaded, so no run can change what the
next one sees), and the instant it ran at. Running a command the first time goes through the same
path as running it again, so the two cannot differ.

Bounded: the journal holds at most `limit` commands (`MAX_COMMANDS` by default, a few hundred bytes
each). When it fills, the world as it stands becomes a checkpoint and the journal starts empty:
from then on a provider reset goes back to that checkpoint, so it undoes only the changes the
provider made since. A whole reset still goes back to the seed. A cap rather than an unbounded log,
because a provider reset must also stay bounded in time: it runs at most `limit` commands again.

Running them again happens in batches of bounded duration (`replay`), between which the caller may
let other requests run; see `SandboxState.reset_provider_async` for what those requests see.
"""

from __future__ import annotations

import pickle
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sandbox.store import Store

ADMIN = "admin"
MAX_COMMANDS = 5_000
BATCH_SECONDS = 0.02  # a replay gives way to other requests at least this often


@dataclass(frozen=True, slots=True)
class Command:
    sequence: int
    actor_id: str  # the provider whose token made the change, or ADMIN
    operation: str  # a key `register` was given
    arguments: bytes  # the handler's keyword arguments, pickled
    instant: datetime | None  # when it ran, if it asked; a replay runs at that instant again
    server_date: str | None  # the X-With-Server-Date header it was sent with


# Runs a command: given it and the instants list its context fills (holding its instant on a replay).
Runner = Callable[[Command, dict[str, Any], list[datetime]], Any]


class Journal:
    def __init__(
        self, accepted: Callable[[Any], bool], limit: int = MAX_COMMANDS, batch_seconds: float = BATCH_SECONDS
    ) -> None:
        self._accepted = accepted
        self.limit = limit
        self.batch_seconds = batch_seconds
        self._commands: list[Command] = []
        self._runners: dict[str, Runner] = {}
        self._next = 1
        self._folded = 0  # accepted commands a checkpoint has made permanent

    def __len__(self) -> int:
        """How many commands a provider reset would run again."""
        return len(self._commands)

    @property
    def accepted(self) -> int:
        """Accepted changes since the last whole reset (some folded into a checkpoint)."""
        return self._folded + len(self._commands)

    def register(self, operation: str, runner: Runner) -> None:
        self._runners[operation] = runner

    def run(
        self,
        store: Store,
        actor_id: str,
        operation: str,
        arguments: dict[str, Any],
        instant: datetime | None = None,
        server_date: str | None = None,
    ) -> Any:
        """Run a change; keep it for replay when it was accepted."""
        blob = pickle.dumps(arguments, pickle.HIGHEST_PROTOCOL)
        command = Command(self._next, actor_id, operation, blob, instant, server_date)
        self._next += 1
        instants = [instant] if instant is not None else []
        result = self._apply(store, command, instants)
        if self._accepted(result):
            if instant is None and instants:
                command = _at(command, instants[0])
            self._commands.append(command)
            if len(self._commands) >= self.limit:
                store.checkpoint()
                self._folded += len(self._commands)
                self._commands = []
        return result

    def holds_commands_of(self, actor_id: str) -> bool:
        return any(command.actor_id == actor_id for command in self._commands)

    def replay(self, store: Store, actor_id: str) -> Generator[int, None, int]:
        """Runs every command of other actors again on `store` (already taken back to the checkpoint),
        yielding how many it has gone through after each batch of about `batch_seconds` (0: after every
        command). Returns how many no longer applied and were dropped."""
        batch_seconds = self.batch_seconds
        commands, kept, dropped = self._commands, [], 0
        self._commands = kept  # a reset provider's commands are gone whatever happens next
        deadline = time.perf_counter() + batch_seconds
        for done, command in enumerate(commands, 1):
            if command.actor_id == actor_id:
                continue
            try:
                instants = [command.instant] if command.instant else []
                applies = self._accepted(self._apply(store, command, instants))
            except Exception:  # noqa: BLE001 - a command that no longer applies is dropped, by design
                applies = False
            if applies:
                kept.append(command)
            else:
                dropped += 1
            if time.perf_counter() >= deadline:
                yield done
                deadline = time.perf_counter() + batch_seconds
        return dropped

    def clear(self) -> None:
        """Forget every command; the next one gets the first sequence number, as on a fresh start."""
        self._commands = []
        self._next = 1
        self._folded = 0

    def _apply(self, store: Store, command: Command, instants: list[datetime]) -> Any:
        runner = self._runners[command.operation]
        with store.command_ids(command.sequence):
            return runner(command, pickle.loads(command.arguments), instants)


def _at(command: Command, instant: datetime) -> Command:
    return Command(
        command.sequence,
        command.actor_id,
        command.operation,
        command.arguments,
        instant,
        command.server_date,
    )


def drain(steps: Generator[int, None, int]) -> int:
    """Runs a replay to its end without giving way; returns its result."""
    while True:
        try:
            next(steps)
        except StopIteration as stop:
            return stop.value
