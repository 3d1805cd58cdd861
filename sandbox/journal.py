"""Every accepted change, in order, so that one provider's slice can be reset to the seeded state.

Resetting a provider rebuilds the seeded world and replays every other actor's accepted commands on
it. Each command draws its ids from its own sequence number (`Store.command_ids`), so a replayed
command creates the same records with the same ids; a command that no longer applies (it built on
the reset provider's data) is dropped, exactly as if it had been refused.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sandbox.store import Store

ADMIN = "admin"


@dataclass(frozen=True)
class Command:
    sequence: int
    actor_id: str  # the provider whose token made the change, or ADMIN
    apply: Callable[[], Any]  # runs the change again against the current store


class Journal:
    def __init__(self) -> None:
        self._commands: list[Command] = []
        self._next = 1

    def __len__(self) -> int:
        return len(self._commands)

    def run(
        self, store: Store, actor_id: str, apply: Callable[[], Any], accepted: Callable[[Any], bool]
    ) -> Any:
        """Run a change; keep it for replay when it was accepted."""
        sequence = self._next
        self._next += 1
        with store.command_ids(sequence):
            result = apply()
        if accepted(result):
            self._commands.append(Command(sequence, actor_id, apply))
        return result

    def replay_without(self, store: Store, actor_id: str) -> int:
        """Re-apply every command of other actors on `store`; returns how many were dropped."""
        kept, dropped = [], 0
        for command in self._commands:
            if command.actor_id == actor_id:
                continue
            try:
                with store.command_ids(command.sequence):
                    command.apply()
            except Exception:  # noqa: BLE001 - a command that no longer applies is dropped, by design
                dropped += 1
                continue
            kept.append(command)
        self._commands = kept
        return dropped

    def clear(self) -> None:
        self._commands.clear()


def frozen_arguments(kwargs: dict[str, Any]) -> dict[str, Any]:
    """A private copy of a request's arguments, so a replay sees them as they were sent."""
    return copy.deepcopy(kwargs)
