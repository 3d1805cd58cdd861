"""CPU per request of the app itself, in process, at one world size: every list (default page,
`per_page=3000` first and last page, an `updated_since` poll), single reads, a declaration POST and
its void, and one provider's full sync in pages of 3,000.

    .venv/bin/python -m bench.requests_inprocess --participants 3000
    .venv/bin/python -m bench.requests_inprocess --participants 300 --json bench/results/requests-300.json

Requests go straight into the ASGI app (`create_app`, as `cpd-sandbox serve` builds it, with the world
frozen out of the collector's full passes as `serve` does) through a few lines of ASGI driver, so that
no HTTP client or server shares the figure: `time.process_time()` around a batch is the app's CPU
(routing, security, validation, handler, presenting, JSON). A served request adds uvicorn's parsing
and writing, about 0.1-0.2 ms. The clock is fixed (the tests' instant), so writes answer as in tests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from bench.common import freeze_world, maxrss_mb
from sandbox.api.fragment_cache import fragments_of
from sandbox.api.page_cache import pages_of
from sandbox.app import create_app
from sandbox.clock import Clock
from sandbox.state import SandboxState
from tests.api.test_declarations_write import body as declaration_body
from tests.api.test_declarations_write import open_claims
from tests.conftest import TEST_NOW

FULL = {"page[per_page]": "3000"}
# Lists of the first provider holding both ECF and NPQ contracts; schools are not scoped to it.
LISTS = [
    ("v3 participants/ecf", "/api/v3/participants/ecf", {}),
    ("v1 participants/ecf", "/api/v1/participants/ecf", {}),
    ("v3 participant-declarations", "/api/v3/participant-declarations", {}),
    ("v3 npq-applications", "/api/v3/npq-applications", {}),
    ("v3 participants/npq", "/api/v3/participants/npq", {}),
    ("v3 participants/ecf/transfers", "/api/v3/participants/ecf/transfers", {}),
    ("v3 unfunded-mentors/ecf", "/api/v3/unfunded-mentors/ecf", {}),
    ("v3 partnerships/ecf", "/api/v3/partnerships/ecf", {}),
    ("v3 schools/ecf (2024)", "/api/v3/schools/ecf", {"filter[cohort]": "2024"}),
    ("RECT participants", "/rect/api/v3/participants", {}),
    ("RECT participant-declarations", "/rect/api/v3/participant-declarations", {}),
    ("RECT participants/transfers", "/rect/api/v3/participants/transfers", {}),
    ("RECT unfunded-mentors", "/rect/api/v3/unfunded-mentors", {}),
    ("RECT partnerships", "/rect/api/v3/partnerships", {}),
    ("RECT schools (2024)", "/rect/api/v3/schools", {"filter[cohort]": "2024"}),
]
# The lists whose pages (and items) the handler keeps between requests: a repeated default page is a
# cache hit, so each also gets a row with the caches emptied before every request (the read itself).
KEPT = {"/api/v3/participants/ecf", "/api/v1/participants/ecf", "/rect/api/v3/participants"}
POLL_SINCE = (TEST_NOW - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


class Driver:
    """One ASGI exchange at a time into the app, as a server would make it (ASGI spec 2.4)."""

    def __init__(self, app: Any, token: str) -> None:
        self.app = app
        self.auth = f"Bearer {token}".encode()

    async def __call__(
        self, method: str, path: str, params: dict[str, str] | None = None, payload: Any = None
    ) -> tuple[int, bytes]:
        content = b"" if payload is None else json.dumps(payload).encode()
        headers = [(b"host", b"127.0.0.1"), (b"authorization", self.auth), (b"accept", b"*/*")]
        if payload is not None:
            headers += [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(content)).encode()),
            ]
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.4"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": urlencode(params or {}).encode(),
            "headers": headers,
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
        }
        done = asyncio.Event()
        status, chunks, delivered = 0, [], False

        async def receive() -> dict[str, Any]:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": content, "more_body": False}
            await done.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    done.set()

        await self.app(scope, receive, send)
        return status, b"".join(chunks)


async def cpu_ms(call: Any, count: int, budget_s: float) -> tuple[float, int]:
    """Mean CPU ms of `call()` over up to `count` calls or `budget_s` seconds of CPU."""
    started, done = time.process_time(), 0
    while done < count and time.process_time() - started < budget_s:
        await call()
        done += 1
    return (time.process_time() - started) / done * 1000, done


async def _pages(drive: Driver, path: str, params: dict[str, str]) -> int:
    """How many pages of 3,000 the list has (counted before timing)."""
    page = 1
    while True:
        status, content = await drive("GET", path, {**params, **FULL, "page[page]": str(page)})
        if status != 200 or len(json.loads(content)["data"]) < 3000:
            return page
        page += 1


@dataclass(frozen=True)
class Row:
    """One timed request of the bench. `kind` says what the row's size follows: "default" (a page of the
    default size), "bulk" (pages of 3,000), "poll" or "single" (a few records at any world size)."""

    name: str
    kind: str
    method: str
    path: str
    params: dict[str, str] = field(default_factory=dict)
    miss: bool = False  # empty the page and item caches before each call: the read itself


def caller(drive: Driver, store: Any, row: Row) -> Callable[[], Awaitable[tuple[int, bytes]]]:
    """The row's request as a call to repeat; a `miss` row empties the ECF lists' kept pages first."""

    async def call() -> tuple[int, bytes]:
        if row.miss:
            pages_of(store).clear()
            fragments_of(store).clear()
        return await drive(row.method, row.path, row.params)

    return call


async def read_rows(drive: Driver, store: Any, provider: Any, bulk: bool = True) -> list[Row]:
    """Every read row, in the bench's order, for this world (ids and last pages are looked up in it)."""
    rows: list[Row] = []
    for name, path, params in LISTS:
        rows.append(Row(f"{name} default page", "default", "GET", path, params))
        if path in KEPT:
            rows.append(Row(f"{name} default page, caches emptied", "default", "GET", path, params, True))
        if bulk:
            last = await _pages(drive, path, params)
            rows.append(Row(f"{name} per_page=3000 page 1", "bulk", "GET", path, {**params, **FULL}))
            if last > 1:
                last_page = {**params, **FULL, "page[page]": str(last)}
                rows.append(Row(f"{name} per_page=3000 page {last} (last)", "bulk", "GET", path, last_page))
        poll = {**params, "filter[updated_since]": POLL_SINCE}
        rows.append(Row(f"{name} updated_since poll", "poll", "GET", path, poll))

    # A participant id retired by a merge, as `filter[from_participant_id]` names it.
    merged = next(
        (
            change.from_participant_id
            for user in store.users_in(store.ordered("ecf_users_by_provider", provider.id))
            for change in user.participant_id_changes
        ),
        None,
    )
    if merged is not None:
        for path in ("/api/v3/participants/ecf", "/rect/api/v3/participants"):
            name = f"{'RECT' if path.startswith('/rect') else 'v3'} participants from_participant_id"
            rows.append(Row(name, "poll", "GET", path, {"filter[from_participant_id]": merged}, True))

    first = json.loads((await drive("GET", "/api/v3/participants/ecf"))[1])["data"][0]["id"]
    rows.append(Row("v3 participants/ecf/{id}", "single", "GET", f"/api/v3/participants/ecf/{first}"))
    declaration = json.loads((await drive("GET", "/api/v3/participant-declarations"))[1])["data"][0]["id"]
    path = f"/api/v3/participant-declarations/{declaration}"
    rows.append(Row("v3 participant-declarations/{id}", "single", "GET", path))
    return rows


def build(participants: int) -> tuple[Any, Any, Driver]:
    """The world and app as `cpd-sandbox serve` holds them (frozen out of the collector's full passes),
    and a driver acting as the first provider holding both ECF and NPQ contracts."""
    state = SandboxState(seed=1, participants=participants, clock=Clock(lambda: TEST_NOW))
    app = create_app(state=state)
    freeze_world()
    store = state.store
    provider = next(p for p in store.lead_providers.values() if p.has_ecf and p.has_npq)
    return store, provider, Driver(app, provider.token)


async def run(participants: int, count: int, budget_s: float) -> dict[str, Any]:
    started = time.perf_counter()
    store, provider, drive = build(participants)
    built = time.perf_counter() - started
    rows: list[dict[str, Any]] = []

    for row in await read_rows(drive, store, provider):
        status, content = await drive(row.method, row.path, row.params)
        await drive(row.method, row.path, row.params)
        ms, n = await cpu_ms(caller(drive, store, row), count, budget_s)
        rows.append(
            {"read": row.name, "status": status, "bytes": len(content), "cpu_ms": round(ms, 3), "n": n}
        )
        print(f"{row.name:58} {status} {len(content):>9} B {ms:9.2f} ms CPU  (n={n})", flush=True)

    # A declaration POST and its void, in turn on the same open claim: a voided claim is open again.
    profile, kind = next(open_claims(store, provider))
    payload = declaration_body(profile, kind)
    post_cpu = void_cpu = 0.0
    writes = 0
    while writes < count and post_cpu + void_cpu < budget_s:
        cpu = time.process_time()
        status, content = await drive("POST", "/api/v3/participant-declarations", payload=payload)
        post_cpu += time.process_time() - cpu
        assert status == 200, (status, content[:300])
        made = json.loads(content)["data"]["id"]
        cpu = time.process_time()
        status, content = await drive("PUT", f"/api/v3/participant-declarations/{made}/void")
        void_cpu += time.process_time() - cpu
        assert status == 200, (status, content[:300])
        writes += 1
    for name, cpu in (("declaration POST", post_cpu), ("declaration void", void_cpu)):
        rows.append({"read": name, "status": 200, "cpu_ms": round(cpu / writes * 1000, 3), "n": writes})
        print(f"{name:58} 200 {'':>11} {cpu / writes * 1000:9.2f} ms CPU  (n={writes})", flush=True)

    # One provider's full sync of its ECF participants in pages of 3,000.
    wall, cpu, page, items = time.perf_counter(), time.process_time(), 1, 0
    while True:
        status, content = await drive("GET", "/api/v3/participants/ecf", {**FULL, "page[page]": str(page)})
        got = len(json.loads(content)["data"])
        items += got
        if got < 3000:
            break
        page += 1
    sync = {
        "pages": page,
        "participants": items,
        "cpu_s": round(time.process_time() - cpu, 3),
        "wall_s": round(time.perf_counter() - wall, 3),
    }
    print(f"full sync of v3 participants/ecf: {sync}")
    return {
        "participants": participants,
        "build_and_app_s": round(built, 1),
        "maxrss_mb": maxrss_mb(),
        "provider": provider.name,
        "rows": rows,
        "full_sync": sync,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--requests", type=int, default=50, help="at most this many of each request")
    parser.add_argument("--budget", type=float, default=3.0, help="and at most this many CPU seconds each")
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()
    result = asyncio.run(run(args.participants, args.requests, args.budget))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(result, out, indent=1)


if __name__ == "__main__":
    main()
