"""How long a reset takes, so a provider's test suite can reset between tests, and what each
journaled write keeps in memory.

For each world size and each number of writes, in process (no HTTP server, so the figures are the
reset itself): make the writes through the ASGI app, then time the whole-world reset
(`SandboxState.reset`, what `POST /sandbox/reset` runs); make them again, then time the first
provider's reset (`POST /sandbox/providers/{id}/reset`), which must undo its one write and run
every other again (a whole reset, untimed, starts each round). Each cell is the median of
`--repeats` rounds. `journal_bytes_per_write` is the Python heap a write leaves behind
(tracemalloc, after a full collection), over `--bytes-writes` accepted writes on a smaller world.

    .venv/bin/python -m bench.reset [--participants 300 3000] [--writes 5 1000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import gc
import inspect
import json
import statistics
import time
import tracemalloc
from typing import Any

from starlette.testclient import TestClient

from sandbox.app import create_app
from sandbox.state import SandboxState

TOGGLED_DECLARATIONS = 200


def _run(result: Any) -> None:
    """`reset_provider` may be a coroutine (batched replay): drive it to the end."""
    if inspect.iscoroutine(result):
        import asyncio

        asyncio.run(result)


class Writer:
    """Accepted writes that can repeat for ever, from a freshly reset world: the first provider
    revokes the eligibility of one of its own declarations (so that its reset has something to
    undo), then the admin revokes and confirms the second provider's eligible declarations in turn
    (so that the reset must run every one of them again)."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.client = TestClient(create_app(state=state), raise_server_exceptions=False)
        first, second = list(state.store.lead_providers.values())[:2]
        self.first_token = first.token
        self.own = self._eligible(first.id)[0]
        self.targets = self._eligible(second.id)[:TOGGLED_DECLARATIONS]
        self.headers = {"Authorization": f"Bearer {state.admin_token}"}

    def _eligible(self, provider_id: str) -> list[str]:
        declarations = self.state.store.declarations.values()
        return [d.id for d in declarations if d.lead_provider_id == provider_id and d.state == "eligible"]

    def write(self, count: int) -> int:
        accepted = 0
        for index in range(count):
            target = self.targets[((index - 1) // 2) % len(self.targets)]
            body = {"eligible": index % 2 == 0, "declaration_id": target}
            headers = self.headers
            if index == 0:
                body = {"eligible": False, "declaration_id": self.own}
                headers = {"Authorization": f"Bearer {self.first_token}"}
            response = self.client.post("/sandbox/events/declaration-eligibility", json=body, headers=headers)
            accepted += response.status_code == 200
        return accepted


def _timed(action) -> float:
    start = time.perf_counter()
    _run(action())
    return time.perf_counter() - start


def measure(participants: int, writes: int, repeats: int) -> dict[str, Any]:
    state = SandboxState(seed=1, participants=participants)
    writer = Writer(state)
    first = next(iter(state.store.lead_providers.values())).id
    whole, provider, accepted = [], [], []
    for _ in range(repeats):
        accepted.append(writer.write(writes))
        whole.append(_timed(state.reset))
    state.reset()
    for _ in range(repeats):
        state.reset()  # untimed: each round replays this round's writes only
        accepted.append(writer.write(writes))
        provider.append(_timed(lambda: state.reset_provider(first)))
    return {
        "participants": participants,
        "writes": writes,
        "accepted_min": min(accepted),
        "whole_reset_ms": round(statistics.median(whole) * 1000, 1),
        "provider_reset_ms": round(statistics.median(provider) * 1000, 1),
        "provider_reset_max_ms": round(max(provider) * 1000, 1),
    }


def journal_bytes(participants: int, writes: int) -> dict[str, Any]:
    state = SandboxState(seed=1, participants=participants)
    writer = Writer(state)
    writer.write(writes)  # warm-up: first-change records of the toggled declarations, caches
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    accepted = writer.write(writes)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return {
        "participants": participants,
        "journaled_writes": accepted,
        "journal_bytes_per_write": round((after - before) / max(accepted, 1)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, nargs="+", default=[300, 3000])
    parser.add_argument("--writes", type=int, nargs="+", default=[5, 1000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--bytes-writes", type=int, default=1000)
    args = parser.parse_args()
    print(json.dumps(journal_bytes(40, args.bytes_writes)), flush=True)
    for participants in args.participants:
        for writes in args.writes:
            print(json.dumps(measure(participants, writes, args.repeats)), flush=True)


if __name__ == "__main__":
    main()
