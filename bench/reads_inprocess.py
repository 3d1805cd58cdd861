"""Process CPU per read through the real ASGI app, in process, at one world size.

    .venv/bin/python -m bench.reads_inprocess --participants 3000 --requests 20

CPU is `time.process_time()` around each batch of requests (the app and the in-process client).
"""

from __future__ import annotations

import argparse
import asyncio
import time

import httpx

from bench.common import freeze_world
from sandbox.app import create_app
from sandbox.state import SandboxState

READS = [
    ("v3 participants/ecf", "/api/v3/participants/ecf", {}),
    ("v3 participants/ecf per_page=3000", "/api/v3/participants/ecf", {"page[per_page]": "3000"}),
    (
        "v3 participants/ecf updated_since",
        "/api/v3/participants/ecf",
        {"filter[updated_since]": "2030-01-01T00:00:00Z"},
    ),
    ("v3 participant-declarations", "/api/v3/participant-declarations", {}),
    ("v3 transfers", "/api/v3/participants/ecf/transfers", {}),
    ("rect transfers", "/rect/api/v3/participants/transfers", {}),
    ("v3 unfunded-mentors", "/api/v3/unfunded-mentors/ecf", {}),
    ("v3 npq-applications", "/api/v3/npq-applications", {}),
]


async def run(participants: int, requests: int) -> None:
    started = time.perf_counter()
    state = SandboxState(seed=1, participants=participants)
    print(f"build+state {time.perf_counter() - started:.1f} s")
    app = create_app(state=state)
    freeze_world()
    provider = next(p for p in state.store.lead_providers.values() if p.has_ecf and p.has_npq)
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    headers = {"Authorization": f"Bearer {provider.token}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1", headers=headers) as client:
        first = await client.get("/api/v3/participants/ecf")
        one = first.json()["data"][0]["id"]
        for name, path, params in [
            *READS,
            ("v3 participants/ecf/{id}", f"/api/v3/participants/ecf/{one}", {}),
        ]:
            response = await client.get(path, params=params)
            cpu = time.process_time()
            for _ in range(requests):
                await client.get(path, params=params)
            per = (time.process_time() - cpu) / requests * 1000
            print(f"{name:40} {response.status_code} {len(response.content):>9} B {per:8.2f} ms CPU")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--requests", type=int, default=10)
    args = parser.parse_args()
    asyncio.run(run(args.participants, args.requests))


if __name__ == "__main__":
    main()
