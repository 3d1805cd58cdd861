"""A reseed through a real server: how long it takes, what memory it holds, and how long other
requests wait meanwhile.

`cpd-sandbox serve` (uvicorn, one worker, 127.0.0.1) starts with the default world; then, in turn,
`POST /sandbox/reset` with `{"participants": N}` for each size asked for (a reseed builds a new world),
while one client polls `/healthcheck` every 10 ms and another reads `/api/v3/participants/ecf` every
100 ms (a provider's poll, which must get 503 while there is no world, then 200 again). The longest
`/healthcheck` round trip during a reseed is the longest the event loop stalled, plus one request.
The server's RSS is sampled every 100 ms: its peak shows whether two worlds were ever held at once.

    .venv/bin/python -m bench.reseed --to 3000 50000 300 [--quiet-s 20] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from typing import Any

import httpx

from bench.common import latency_summary, machine, proc_cpu_seconds, proc_memory_mb
from bench.server import SandboxServer

ADMIN_TOKEN = "bench-reseed-admin"


class _Poller(threading.Thread):
    """GETs `path` every `every_s` until stopped, keeping each round trip and each status."""

    def __init__(self, url: str, every_s: float, headers: dict[str, str] | None = None) -> None:
        super().__init__(daemon=True)
        self.url, self.every_s, self.headers = url, every_s, headers or {}
        self.samples: list[float] = []
        self.statuses: dict[int, int] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        with httpx.Client(timeout=600) as client:
            while not self.stop.is_set():
                started = time.perf_counter()
                status = client.get(self.url, headers=self.headers).status_code
                self.samples.append(time.perf_counter() - started)
                self.statuses[status] = self.statuses.get(status, 0) + 1
                self.stop.wait(self.every_s)


class _MemorySampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_mb = pid, 0.0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak_mb = max(self.peak_mb, proc_memory_mb(self.pid)["rss_mb"])
            self.stop.wait(0.1)


def _token(server: SandboxServer) -> str:
    world = httpx.get(f"{server.base_url}/sandbox/world", headers=_admin(), timeout=60).json()["data"]
    return world["lead_providers"][0]["token"]


def _admin() -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def reseed(server: SandboxServer, participants: int) -> dict[str, Any]:
    before = proc_memory_mb(server.pid)["rss_mb"]
    health = _Poller(f"{server.base_url}/healthcheck", 0.01)
    reads = _Poller(
        f"{server.base_url}/api/v3/participants/ecf", 0.1, {"Authorization": f"Bearer {_token(server)}"}
    )
    memory = _MemorySampler(server.pid)
    for thread in (health, reads, memory):
        thread.start()
    cpu, started = proc_cpu_seconds(server.pid), time.perf_counter()
    answer = httpx.post(
        f"{server.base_url}/sandbox/reset",
        json={"participants": participants},
        headers=_admin(),
        timeout=1800,
    )
    elapsed, cpu = time.perf_counter() - started, proc_cpu_seconds(server.pid) - cpu
    for thread in (health, reads, memory):
        thread.stop.set()
        thread.join(timeout=60)
    return {
        "participants": participants,
        "status": answer.status_code,
        "reseed_s": round(elapsed, 2),
        "server_cpu_s": round(cpu, 2),
        "rss_before_mb": before,
        "rss_peak_during_mb": memory.peak_mb,
        "rss_after_mb": proc_memory_mb(server.pid)["rss_mb"],
        "healthcheck": {**latency_summary(health.samples), "statuses": health.statuses},
        "longest_healthcheck_ms": round(max(health.samples, default=0.0) * 1000, 1),
        "participants_ecf_statuses": reads.statuses,
    }


def quiet(server: SandboxServer, seconds: float) -> dict[str, Any]:
    """`/healthcheck` polled as during a reseed, with nothing else running in the server: what the
    machine itself adds (on a shared machine, most of the tail)."""
    health = _Poller(f"{server.base_url}/healthcheck", 0.01)
    health.start()
    time.sleep(seconds)
    health.stop.set()
    health.join(timeout=60)
    return {**latency_summary(health.samples), "statuses": health.statuses}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--to", type=int, nargs="+", action="extend", required=True, help="sizes, in turn")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--quiet-s", type=float, default=20, help="seconds of /healthcheck with no reseed")
    args = parser.parse_args()
    results: dict[str, Any] = {"machine": machine(), "reseeds": []}
    with SandboxServer(
        start_timeout=300, extra_args=("--admin-token", ADMIN_TOKEN, "--no-journal")
    ) as server:
        results["rss_started_mb"] = proc_memory_mb(server.pid)["rss_mb"]
        results["healthcheck_without_reseed"] = quiet(server, args.quiet_s)
        print(json.dumps({"healthcheck_without_reseed": results["healthcheck_without_reseed"]}), flush=True)
        for size in args.to:
            line = reseed(server, size)
            print(json.dumps(line), flush=True)
            results["reseeds"].append(line)
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out, indent=2)


if __name__ == "__main__":
    main()
