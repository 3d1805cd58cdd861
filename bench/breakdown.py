"""Where one default page of v3 `participants/ecf` spends its CPU, without a profiler's distortion.

    .venv/bin/python -m bench.breakdown --participants 3000

Each layer is timed alone, `--repeats` times, and the difference between layers is what the layer
between them costs: the whole request through the app (`bench.requests_inprocess`'s ASGI driver), the
handler called directly (both with the page and item caches emptied before each request; a cache hit
is timed apart), the domain read of the page's 100 users, presenting them, and writing the JSON. cProfile is
kept for finding hot functions (`bench.profile`): it slows each Python call several times, so it
overstates the share of code made of many small calls (presenters) against C code (JSON).

Then the throughput bench's call (`filter[cohort]=2023,2024&page[per_page]=100`) whole through the app:
a page-cache hit, a miss as `bench.throughput --miss` makes it (each query new, the items kept from
earlier pages) and a cold miss (both caches emptied).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable
from itertools import islice
from typing import Any

from bench.common import freeze_world
from bench.requests_inprocess import Driver
from sandbox.api import ecf_participants as handlers
from sandbox.api import page_cache

try:
    from sandbox.api import fragment_cache
except ImportError:  # a commit before the item cache: its cold and warm misses are the same
    fragment_cache = None  # type: ignore[assignment]
from sandbox.api.context import build_context
from sandbox.api.responses import wire_json
from sandbox.app import create_app
from sandbox.clock import Clock
from sandbox.contracts import SERVED
from sandbox.domain.participants import ecf as domain
from sandbox.presenters import ecf_participants as present
from sandbox.state import SandboxState
from tests.conftest import TEST_NOW


def _empty_caches() -> None:
    page_cache._current.clear()
    if fragment_cache is not None:
        fragment_cache._current.clear()


def _ms(work: Callable[[], Any], repeats: int) -> float:
    work()
    started = time.process_time()
    for _ in range(repeats):
        work()
    return (time.process_time() - started) / repeats * 1000


async def run(participants: int, repeats: int) -> None:
    state = SandboxState(seed=1, participants=participants, clock=Clock(lambda: TEST_NOW))
    app = create_app(state=state)
    freeze_world()
    provider = next(p for p in state.store.lead_providers.values() if p.has_ecf and p.has_npq)
    contract = next(c for c in SERVED if c.mount == "/api/v3")
    drive = Driver(app, provider.token)
    await drive("GET", "/api/v3/participants/ecf")
    started = time.process_time()
    for _ in range(repeats):
        _empty_caches()  # a miss each time: the page is read, presented and serialised
        await drive("GET", "/api/v3/participants/ecf")
    whole = (time.process_time() - started) / repeats * 1000
    started = time.process_time()
    for _ in range(repeats):
        await drive("GET", "/api/v3/participants/ecf")
    hit = (time.process_time() - started) / repeats * 1000
    realistic = await _realistic(drive, repeats)

    def context() -> Any:
        return build_context(state, contract, provider.id, None)

    flt = domain.ParticipantFilter()

    def read() -> list[Any]:
        return list(islice(domain.iter_participants(state.store, provider, flt, TEST_NOW), 100))

    page = read()
    items = [present.render(p, contract) for p in page]
    layers = {
        "whole request through the app, page cache hit": hit,
        "whole request through the app": whole,
        "handler alone (read, present, JSON, Response)": _ms(
            lambda: (_empty_caches(), handlers.list_participants(context())), repeats
        ),
        "domain: the page's 100 users and their enrolments": _ms(read, repeats),
        "presenting 100 items": _ms(lambda: [present.render(p, contract) for p in page], repeats),
        "JSON (orjson)": _ms(lambda: wire_json({"data": items}), repeats),
    }
    print(f"participants={participants}, v3 participants/ecf default page, CPU ms per request:")
    for name, ms in layers.items():
        print(f"  {name:52} {ms:7.3f}")
    framework = (
        layers["whole request through the app"] - layers["handler alone (read, present, JSON, Response)"]
    )
    print(f"  {'=> outside the handler (Connexion, middleware)':52} {framework:7.3f}")
    print(f"the realistic call, {REALISTIC} (bench.throughput's), CPU ms per request:")
    for name, ms in realistic.items():
        print(f"  {name:52} {ms:7.3f}")


REALISTIC = "filter[cohort]=2023,2024&page[per_page]=100"


async def _realistic(drive: Driver, repeats: int) -> dict[str, float]:
    """The throughput bench's call: a hit; a miss as `bench.throughput --miss` makes it (an ignored
    `filter[n]` counted up, so no page repeats; the items kept from earlier pages); and a cold miss,
    both caches emptied before each request."""
    query = {"filter[cohort]": "2023,2024", "page[per_page]": "100"}
    path = "/api/v3/participants/ecf"
    await drive("GET", path, query)
    timed = {}
    started = time.process_time()
    for _ in range(repeats):
        await drive("GET", path, query)
    timed["page cache hit"] = (time.process_time() - started) / repeats * 1000
    started = time.process_time()
    for n in range(repeats):
        await drive("GET", path, {**query, "filter[n]": str(n)})
    timed["miss: a new query (items kept)"] = (time.process_time() - started) / repeats * 1000
    started = time.process_time()
    for _ in range(repeats):
        _empty_caches()
        await drive("GET", path, query)
    timed["cold miss: page and item caches emptied"] = (time.process_time() - started) / repeats * 1000
    return timed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(run(args.participants, args.repeats))


if __name__ == "__main__":
    main()
