"""Memory the ECF participant lists keep for filtered reads: each provider keeps, until the next reset,
what up to `FILTERS_KEPT` filters hide (`hidden_users`: a sorted list of index entries). This fills every
ECF provider's allowance with real requests and reports the process's resident size before and after,
and the size of the lists themselves.

    .venv/bin/python -m bench.kept_filters --participants 50000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from bench.common import proc_memory_mb
from bench.requests_inprocess import Driver
from sandbox.app import create_app
from sandbox.domain.participants.ecf import FILTERS_KEPT
from sandbox.state import SandboxState

# No filter, then cohorts: as many filters as a provider keeps.
COHORTS = ["2021", "2022", "2023", "2024", "2025", "2021,2022", "2023,2024", "2022,2023,2024"]


def _kept_bytes(store: Any) -> dict[str, float]:
    lists = [v for k, v in store._derived.items() if isinstance(k, tuple) and k and k[0] == "ecf hidden"]
    return {
        "lists": len(lists),
        "lists_mb": round(sum(sys.getsizeof(v) for v in lists) / 2**20, 1),
        "entries": sum(len(v) for v in lists),
    }


async def run(participants: int) -> dict[str, Any]:
    state = SandboxState(seed=1, participants=participants)
    app = create_app(state=state)
    store = state.store
    providers = [p for p in store.lead_providers.values() if p.has_ecf]
    filters = [{}] + [{"filter[cohort]": c} for c in COHORTS][: FILTERS_KEPT - 1]
    before = proc_memory_mb()["rss_mb"]
    for provider in providers:
        drive = Driver(app, provider.token)
        for query in filters:
            status, _ = await drive("GET", "/api/v3/participants/ecf", query)
            assert status == 200, (provider.name, query, status)
    after = proc_memory_mb()["rss_mb"]
    return {
        "participants": participants,
        "providers": len(providers),
        "filters_each": len(filters),
        "rss_before_mb": before,
        "rss_after_mb": after,
        **_kept_bytes(store),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--participants", type=int, default=300)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.participants))))


if __name__ == "__main__":
    main()
