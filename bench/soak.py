"""Memory over a long-lived sandbox, and how long a provider's reset holds up other providers' reads.

Through a real server (`cpd-sandbox serve`, uvicorn, one worker, 127.0.0.1):

1. **Soak**: for `--duration` seconds, one client sends writes that are accepted for ever (the
   eligibility of declarations revoked and confirmed in turn, by the admin for every provider and
   by each provider for its own), a read every `READ_EVERY` writes, a provider's reset every
   `PROVIDER_RESET_EVERY_S` and a whole reset every `WHOLE_RESET_EVERY_S`. The server's RSS is
   sampled every `SAMPLE_EVERY_S`. Flat means: after the warm-up (the first `--warmup` seconds),
   the RSS stays within a few MB whatever the number of writes.
2. **Stall**: a whole reset, one write by the first provider, then `--journal` admin writes; then
   `READERS` concurrent clients read the second provider's statements in a loop while the first
   provider's reset runs. Reported: the reset's duration and the reads' latency before and during it.

    .venv/bin/python -m bench.soak [--duration 600] [--warmup 60] [--journal 4000] [--participants 300]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any

import httpx

from bench.common import latency_summary, machine, proc_memory_mb
from bench.server import SandboxServer

READ_EVERY = 10
PROVIDER_RESET_EVERY_S = 30
WHOLE_RESET_EVERY_S = 300
SAMPLE_EVERY_S = 5
READERS = 4


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class World:
    """What the clients need from the running server: tokens and declarations to toggle."""

    def __init__(self, client: httpx.Client, admin: dict[str, str]) -> None:
        self.admin = admin
        world = client.get("/sandbox/world", headers=admin).json()["data"]
        self.providers = [p for p in world["lead_providers"] if p["ecf"]]
        self.toggles: list[tuple[dict[str, str], str]] = []  # (headers, declaration id)
        for provider in self.providers:
            own = {"Authorization": f"Bearer {provider['token']}"}
            listed = client.get(
                "/api/v3/participant-declarations",
                params={"page[per_page]": "3000"},
                headers=own,
            ).json()["data"]
            eligible = [d["id"] for d in listed if d["attributes"]["state"] == "eligible"][:20]
            self.toggles += [(own, d) for d in eligible[:10]] + [(admin, d) for d in eligible[10:]]

    def write(self, client: httpx.Client, index: int) -> int:
        headers, declaration = self.toggles[(index // 2) % len(self.toggles)]
        body = {"eligible": index % 2 == 1, "declaration_id": declaration}
        return client.post("/sandbox/events/declaration-eligibility", json=body, headers=headers).status_code


def soak(server: SandboxServer, admin: dict[str, str], duration: float, warmup: float) -> dict[str, Any]:
    samples: list[tuple[float, float, int]] = []  # (seconds, rss MB, writes so far)
    statuses: dict[int, int] = {}
    with httpx.Client(base_url=server.base_url, timeout=60) as client:
        world = World(client, admin)
        reader = {"Authorization": f"Bearer {world.providers[1]['token']}"}
        started = time.perf_counter()
        next_sample = next_provider_reset = next_whole_reset = 0.0
        writes = provider_resets = whole_resets = 0
        while (elapsed := time.perf_counter() - started) < duration:
            if elapsed >= next_sample:
                samples.append((round(elapsed, 1), proc_memory_mb(server.pid)["rss_mb"], writes))
                next_sample += SAMPLE_EVERY_S
            if elapsed >= next_whole_reset:
                if next_whole_reset:
                    client.post("/sandbox/reset", headers=admin).raise_for_status()
                    whole_resets += 1
                next_whole_reset += WHOLE_RESET_EVERY_S
            if elapsed >= next_provider_reset:
                if next_provider_reset:
                    target = world.providers[provider_resets % len(world.providers)]["id"]
                    client.post(f"/sandbox/providers/{target}/reset", headers=admin).raise_for_status()
                    provider_resets += 1
                next_provider_reset += PROVIDER_RESET_EVERY_S
            status = world.write(client, writes)
            statuses[status] = statuses.get(status, 0) + 1
            writes += 1
            if writes % READ_EVERY == 0:
                client.get("/api/v3/statements", headers=reader).raise_for_status()
        end = time.perf_counter() - started
        samples.append((round(end, 1), proc_memory_mb(server.pid)["rss_mb"], writes))
    after = [rss for seconds, rss, _ in samples if seconds >= warmup]
    return {
        "duration_s": duration,
        "warmup_s": warmup,
        "writes": writes,
        "write_statuses": statuses,
        "provider_resets": provider_resets,
        "whole_resets": whole_resets,
        "rss_start_mb": samples[0][1],
        "rss_at_warmup_mb": after[0],
        "rss_after_warmup_min_mb": min(after),
        "rss_after_warmup_max_mb": max(after),
        "rss_end_mb": samples[-1][1],
        "samples": samples,
    }


async def _read_loop(
    client: httpx.AsyncClient, headers: dict[str, str], until: asyncio.Event, out: list
) -> None:
    while not until.is_set():
        start = time.perf_counter()
        response = await client.get("/api/v3/statements", headers=headers)
        response.raise_for_status()
        out.append((start, time.perf_counter() - start))


async def _stall(server: SandboxServer, reader: dict[str, str], first_id: str, admin: dict[str, str]) -> dict:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=120) as client:
        baseline: list = []
        stop = asyncio.Event()
        loops = [asyncio.create_task(_read_loop(client, reader, stop, baseline)) for _ in range(READERS)]
        await asyncio.sleep(3)
        stop.set()
        await asyncio.gather(*loops)

        during: list = []
        stop = asyncio.Event()
        loops = [asyncio.create_task(_read_loop(client, reader, stop, during)) for _ in range(READERS)]
        await asyncio.sleep(1)
        reset_start = time.perf_counter()
        response = await client.post(f"/sandbox/providers/{first_id}/reset", headers=admin)
        reset_end = time.perf_counter()
        await asyncio.sleep(1)
        stop.set()
        await asyncio.gather(*loops)
    # A read overlapping the reset: started before it ended and finished after it began.
    overlapping = [s for start, s in during if start < reset_end and start + s > reset_start]
    return {
        "reset_status": response.status_code,
        "reset_body": response.json().get("data"),
        "reset_s": round(reset_end - reset_start, 3),
        "reads_before": latency_summary([s for _, s in baseline]),
        "reads_overlapping_reset": latency_summary(overlapping),
    }


def stall(server: SandboxServer, admin: dict[str, str], journal: int) -> dict[str, Any]:
    with httpx.Client(base_url=server.base_url, timeout=60) as client:
        client.post("/sandbox/reset", headers=admin).raise_for_status()
        world = World(client, admin)
        first = world.providers[0]
        own_headers, own = next(t for t in world.toggles if t[0] != admin)
        client.post(
            "/sandbox/events/declaration-eligibility",
            json={"eligible": False, "declaration_id": own},
            headers=own_headers,
        ).raise_for_status()
        admin_toggles = [t for t in world.toggles if t[0] == admin]
        written = 0
        for index in range(journal):
            _, declaration = admin_toggles[(index // 2) % len(admin_toggles)]
            body = {"eligible": index % 2 == 1, "declaration_id": declaration}
            response = client.post("/sandbox/events/declaration-eligibility", json=body, headers=admin)
            written += response.status_code == 200
        changes = client.get("/sandbox/world", headers=admin).json()["data"]["changes"]
    reader = {"Authorization": f"Bearer {world.providers[1]['token']}"}
    result = asyncio.run(_stall(server, reader, first["id"], admin))
    return {"journal_writes": written + 1, "world_changes": changes, **result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=float, default=600)
    parser.add_argument("--warmup", type=float, default=60)
    parser.add_argument("--journal", type=int, default=4000)
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--skip-soak", action="store_true")
    args = parser.parse_args()
    token = "soak-admin-token"
    admin = {"Authorization": f"Bearer {token}"}
    result: dict[str, Any] = {"machine": machine(), "participants": args.participants}
    with SandboxServer(participants=args.participants, extra_args=("--admin-token", token)) as server:
        if not args.skip_soak:
            _log(f"soak: {args.duration:.0f} s")
            result["soak"] = soak(server, admin, args.duration, args.warmup)
        _log(f"stall: {args.journal} journaled writes, then a provider reset under {READERS} readers")
        result["stall"] = stall(server, admin, args.journal)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
