"""How long a reset takes, so a provider's test suite can reset between tests: the whole world
(`POST /sandbox/reset`) and one provider's slice (`POST /sandbox/providers/{id}/reset`, which rebuilds
the world and replays every other actor's accepted changes).

    .venv/bin/python -m bench.reset [--participants 40 300 1000] [--changes 100]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from starlette.testclient import TestClient

from sandbox.app import create_app
from sandbox.state import SandboxState

REPEATS = 5


def _timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _journal_changes(state: SandboxState, count: int) -> int:
    """`count` accepted clock-free changes by the second provider: challenges are refused after the
    first, so use declaration-eligibility revocations and confirmations, which alternate forever."""
    client = TestClient(create_app(state=state), raise_server_exceptions=False)
    second = list(state.store.lead_providers.values())[1]
    eligible = next(
        d
        for d in state.store.declarations.values()
        if d.lead_provider_id == second.id and d.state == "eligible"
    )
    headers = {"Authorization": f"Bearer {state.admin_token}"}
    accepted = 0
    for index in range(count):
        body = {"eligible": index % 2 == 1, "declaration_id": eligible.id}
        response = client.post("/sandbox/events/declaration-eligibility", json=body, headers=headers)
        accepted += response.status_code == 200
    return accepted


def measure(participants: int, changes: int) -> dict[str, float | int]:
    state = SandboxState(seed=1, participants=participants)
    whole = [_timed(state.reset) for _ in range(REPEATS)]
    first = next(iter(state.store.lead_providers.values()))
    empty = [_timed(lambda: state.reset_provider(first.id)) for _ in range(REPEATS)]
    accepted = _journal_changes(state, changes)
    replay = _timed(lambda: state.reset_provider(first.id))
    return {
        "participants": participants,
        "whole_reset_median_s": round(statistics.median(whole), 3),
        "provider_reset_median_s": round(statistics.median(empty), 3),
        "journal_changes": accepted,
        "provider_reset_with_journal_s": round(replay, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, nargs="+", default=[40, 300, 1000])
    parser.add_argument("--changes", type=int, default=100)
    args = parser.parse_args()
    for participants in args.participants:
        print(json.dumps(measure(participants, args.changes)))


if __name__ == "__main__":
    main()
