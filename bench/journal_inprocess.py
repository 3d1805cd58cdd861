"""The request journal's cost per read, in process: the same reads through the ASGI app with the
journal on and off, no network and no client, so that other load on a shared machine disturbs the
figure less than a served run does (`bench.journal`).

`python -m bench.journal_inprocess [--requests N] [--rounds R]`: per read, R alternating rounds of N
calls per mode; the figure per mode is the fastest round's mean (the least disturbed). Prints JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import warnings
from typing import Any

TARGET = 0.10


def _call(app: Any, path: str, query: str, token: str) -> int:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query.encode(),
        "headers": [(b"host", b"127.0.0.1"), (b"authorization", f"Bearer {token}".encode())],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 8000),
    }
    status = [0]

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            status[0] = message["status"]

    LOOP.run_until_complete(app(scope, receive, send))
    return status[0]


LOOP = asyncio.new_event_loop()


def recorder_alone(state: Any, token: str, calls: int = 2000, rounds: int = 5) -> dict[str, float]:
    """Microseconds the recorder adds to one exchange, around an app that answers a fixed body at
    once: the journal's own cost, free of the sandbox's (best of `rounds`)."""
    from sandbox.requests_journal.log import RequestLog
    from sandbox.requests_journal.recorder import RequestRecorder
    from sandbox.requests_journal.setup import lead_provider_apis

    found = {}
    for size in (2_000, 200_000):
        body = b"x" * size

        async def answer(scope: dict, receive: Any, send: Any, body: bytes = body) -> None:
            await send(
                {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]}
            )
            await send({"type": "http.response.body", "body": body})

        recorded = RequestRecorder(answer, state=state, log=RequestLog(lead_provider_apis()))
        best = {}
        for name, app in (("bare", answer), ("recorded", recorded)):
            times = []
            for _ in range(rounds):
                started = time.perf_counter()
                for _ in range(calls):
                    _call(app, "/api/v3/statements", "", token)
                times.append((time.perf_counter() - started) / calls)
            best[name] = min(times)
        found[f"{size // 1000} KB body"] = round((best["recorded"] - best["bare"]) * 1e6, 1)
    return found


def main(argv: list[str] | None = None) -> int:
    warnings.filterwarnings("ignore")
    from sandbox.app import create_app
    from sandbox.state import SandboxState

    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--requests", type=int, default=200)
    options.add_argument("--rounds", type=int, default=5)
    args = options.parse_args(argv)
    state = SandboxState(participants=300)
    apps = {"on": create_app(state=state), "off": create_app(state=state, request_log_size=0)}
    provider = next(p for p in state.store.lead_providers.values() if p.has_ecf and p.has_npq)
    from starlette.testclient import TestClient

    with TestClient(apps["off"]) as client:
        listed = client.get("/api/v3/participants/ecf", headers={"Authorization": f"Bearer {provider.token}"})
        some_id = listed.json()["data"][0]["id"]
    reads = {
        "v3 participants/ecf": ("/api/v3/participants/ecf", ""),
        "v3 participants/ecf/{id}": (f"/api/v3/participants/ecf/{some_id}", ""),
        "v3 statements": ("/api/v3/statements", ""),
        "v3 participants/ecf page[per_page]=5": ("/api/v3/participants/ecf", "page[per_page]=5"),
    }
    summary: dict[str, Any] = {}
    for name, (path, query) in reads.items():
        best = {"on": float("inf"), "off": float("inf")}
        for _ in range(args.rounds):
            for mode, app in apps.items():
                statuses = set()
                started = time.perf_counter()
                for _ in range(args.requests):
                    statuses.add(_call(app, path, query, provider.token))
                elapsed = (time.perf_counter() - started) / args.requests
                assert statuses == {200}, (name, statuses)
                best[mode] = min(best[mode], elapsed)
        on, off = best["on"] * 1000, best["off"] * 1000
        overhead = round((on - off) / off, 3)
        summary[name] = {"on_ms": round(on, 3), "off_ms": round(off, 3), "overhead": overhead}
    summary["recorder_alone_us"] = recorder_alone(state, provider.token)
    summary["within_target"] = all(v["overhead"] < TARGET for v in summary.values() if isinstance(v, dict))
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
