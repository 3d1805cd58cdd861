"""App start-up: `create_app()` with the default world, and `cpd-sandbox serve` until /healthcheck answers.

`python -m bench.startup` is the child that times one fresh start: the imports, then either
`create_app()` as a whole (`--whole`) or its parts (world via `SandboxState()`, then
`create_app(state=...)`, which mounts every served API and adds the plain routes), then the ASGI
lifespan start-up, where Connexion builds its middleware stack (an operation object per route per
middleware, handler modules imported). Uvicorn runs that start-up before it accepts a connection, so
`ready` (imports + create_app() + start) is what a server costs before its first request. The parts
run also times, in CPU, the first and the second request of each mounted API, to show what is left
for a provider's first request (lists that the page cache does not hold, so both requests do the
same work). Wall seconds follow the machine's load; `*_cpu_s` are this process's CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from typing import Any

from bench.common import maxrss_mb, proc_cpu_seconds, run_child
from bench.server import SandboxServer

# One read per mounted API; none is held by the page cache (ECF participant lists only).
FIRST_REQUESTS = {
    "v1": "/api/v1/participant-declarations",
    "v2": "/api/v2/participant-declarations",
    "v3": "/api/v3/participant-declarations",
    "rect": "/rect/api/v3/participant-declarations",
    "npq-v3": "/npq/api/v3/npq-applications",
    "sandbox": "/sandbox/world",
    "v3 openapi.json": "/api/v3/openapi.json",
}


async def _lifespan_startup(app: Any) -> None:
    """The ASGI lifespan start-up a server sends before serving (Connexion builds its stack here)."""
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    replies: list[dict[str, Any]] = []
    await inbox.put({"type": "lifespan.startup"})

    async def send(message: dict[str, Any]) -> None:
        replies.append(message)

    task = asyncio.create_task(app({"type": "lifespan", "asgi": {"version": "3.0"}}, inbox.get, send))
    while not replies and not task.done():
        await asyncio.sleep(0)
    if not replies or replies[0]["type"] != "lifespan.startup.complete":
        raise RuntimeError(f"lifespan start-up failed: {replies}")
    await inbox.put({"type": "lifespan.shutdown"})
    await task


async def _first_requests(app: Any, state: Any) -> dict[str, dict[str, float]]:
    from bench.requests_inprocess import Driver

    provider = next(p for p in state.store.lead_providers.values() if p.has_ecf and p.has_npq)
    found = {}
    for name, path in FIRST_REQUESTS.items():
        drive = Driver(app, state.admin_token if name == "sandbox" else provider.token)
        times = []
        for _ in range(2):
            started = time.process_time()
            status, _ = await drive("GET", path)
            times.append(round((time.process_time() - started) * 1000, 2))
            if status != 200:
                raise RuntimeError(f"GET {path} answered {status}")
        found[name] = {"first_cpu_ms": times[0], "second_cpu_ms": times[1]}
    return found


def measure(whole: bool) -> dict[str, Any]:
    started, started_cpu = time.perf_counter(), time.process_time()
    from sandbox.app import create_app
    from sandbox.state import SandboxState

    imported, imported_cpu = time.perf_counter(), time.process_time()
    if whole:
        app = create_app()
        created, created_cpu = time.perf_counter(), time.process_time()
        asyncio.run(_lifespan_startup(app))
        ready, ready_cpu = time.perf_counter(), time.process_time()
        return {
            "imports_s": round(imported - started, 3),
            "create_app_s": round(created - imported, 3),
            "imports_plus_create_app_s": round(created - started, 3),
            "start_s": round(ready - created, 3),
            "ready_s": round(ready - started, 3),
            "imports_cpu_s": round(imported_cpu - started_cpu, 3),
            "create_app_cpu_s": round(created_cpu - imported_cpu, 3),
            "start_cpu_s": round(ready_cpu - created_cpu, 3),
            "ready_cpu_s": round(ready_cpu - started_cpu, 3),
            "maxrss_mb": maxrss_mb(),
        }
    state = SandboxState()
    built, built_cpu = time.perf_counter(), time.process_time()
    app = create_app(state=state)
    mounted, mounted_cpu = time.perf_counter(), time.process_time()

    async def start_and_ask() -> dict[str, dict[str, float]]:
        await _lifespan_startup(app)
        return await _first_requests(app, state)

    first = asyncio.run(start_and_ask())
    return {
        "imports_s": round(imported - started, 3),
        "world_s": round(built - imported, 3),
        "mount_apis_s": round(mounted - built, 3),
        "world_cpu_s": round(built_cpu - imported_cpu, 3),
        "mount_apis_cpu_s": round(mounted_cpu - built_cpu, 3),
        "first_requests": first,
    }


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return round(statistics.median(run[key] for run in runs), 3)


def measure_create_app(repeats: int) -> dict[str, Any]:
    """Fresh interpreters each time: a second create_app() in one process would find modules imported."""
    whole = [run_child("bench.startup", ["--whole"], timeout=300) for _ in range(repeats)]
    parts = [run_child("bench.startup", [], timeout=300) for _ in range(repeats)]
    keys = ("imports_plus_create_app_s", "create_app_s", "start_s", "ready_s")
    cpu_keys = ("imports_cpu_s", "create_app_cpu_s", "start_cpu_s", "ready_cpu_s")
    return {
        "runs": repeats,
        **{key: _median(whole, key) for key in keys + cpu_keys},
        "imports_s": _median(whole + parts, "imports_s"),
        "world_s": _median(parts, "world_s"),
        "world_cpu_s": _median(parts, "world_cpu_s"),
        # Every API `create_app()` mounts (add_api for each served contract and the control API).
        "mount_apis_s": _median(parts, "mount_apis_s"),
        "mount_apis_cpu_s": _median(parts, "mount_apis_cpu_s"),
        "first_requests_cpu_ms": {
            name: {
                key: round(statistics.median(run["first_requests"][name][key] for run in parts), 2)
                for key in ("first_cpu_ms", "second_cpu_ms")
            }
            for name in FIRST_REQUESTS
        },
        "process_wall_s": _median(whole, "process_wall_s"),
        "maxrss_mb": _median(whole, "maxrss_mb"),
    }


def measure_serve(repeats: int) -> dict[str, Any]:
    """Spawn of `cpd-sandbox serve` (default world, default log level) to the first 200 from /healthcheck;
    `server_cpu_s` is the server process's CPU by then."""
    times, cpu = [], []
    for _ in range(repeats):
        with SandboxServer(log_level="info") as server:
            assert server.ready_after_s is not None
            times.append(server.ready_after_s)
            cpu.append(proc_cpu_seconds(server.pid))
    return {
        "runs": repeats,
        "median_s": round(statistics.median(times), 3),
        "max_s": round(max(times), 3),
        "server_cpu_s": round(statistics.median(cpu), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--whole", action="store_true", help="time create_app() as one call")
    print(json.dumps(measure(parser.parse_args().whole)))


if __name__ == "__main__":
    main()
