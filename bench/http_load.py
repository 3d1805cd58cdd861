"""Request latency (sequential) and throughput (a few concurrent clients) through a real server.

Every loop is bounded twice, by a request count and by a time budget, whichever ends it first; the
figures record how many requests each one made. Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.common import latency_summary, proc_cpu_seconds
from bench.raw_client import RawConnection, request_target

VERSIONS = ("v1", "v2", "v3")
# Lists read in bulk: their throughput under concurrency says little beyond their latency.
BULK = ("per_page=3000", ".csv")


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str  # relative to the server root, query included
    params: dict[str, str] = field(default_factory=dict)

    @property
    def bulk(self) -> bool:
        return any(mark in self.name for mark in BULK)


def endpoints(participant_ids: dict[str, str]) -> list[Endpoint]:
    """The read operations the bench times, per version; `participant_ids` gives one id per version."""
    found = [Endpoint("healthcheck", "/healthcheck")]
    for v in VERSIONS:
        base = f"/api/{v}"
        found += [
            Endpoint(f"{v} participants/ecf", f"{base}/participants/ecf"),
            Endpoint(
                f"{v} participants/ecf per_page=3000",
                f"{base}/participants/ecf",
                {"page[per_page]": "3000"},
            ),
            Endpoint(f"{v} participants/ecf/{{id}}", f"{base}/participants/ecf/{participant_ids[v]}"),
            Endpoint(f"{v} participant-declarations", f"{base}/participant-declarations"),
            Endpoint(f"{v} npq-applications", f"{base}/npq-applications"),
        ]
        if v in ("v1", "v2"):
            found += [
                Endpoint(f"{v} participants/ecf.csv", f"{base}/participants/ecf.csv"),
                Endpoint(f"{v} participant-declarations.csv", f"{base}/participant-declarations.csv"),
                Endpoint(f"{v} npq-applications.csv", f"{base}/npq-applications.csv"),
            ]
        if v == "v2":
            found.append(Endpoint("v2 npq-enrolments.csv", f"{base}/npq-enrolments.csv"))
        if v == "v3":
            found += [
                Endpoint("v3 participants/ecf/transfers", f"{base}/participants/ecf/transfers"),
                Endpoint("v3 unfunded-mentors/ecf", f"{base}/unfunded-mentors/ecf"),
                Endpoint(
                    "v3 schools/ecf?filter[cohort]=2024", f"{base}/schools/ecf", {"filter[cohort]": "2024"}
                ),
            ]
    return found


def first_participant_ids(base_url: str, token: str) -> dict[str, str]:
    """One ECF participant id per version, from that version's own list (page size 1)."""
    ids = {}
    with httpx.Client(base_url=base_url, headers=_auth(token), timeout=60) as client:
        for v in VERSIONS:
            response = client.get(f"/api/{v}/participants/ecf", params={"page[per_page]": "1"})
            response.raise_for_status()
            ids[v] = response.json()["data"][0]["id"]
    return ids


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _describe(response: httpx.Response) -> dict[str, Any]:
    return {"status": response.status_code, "bytes": len(response.content)}


def sequential(
    base_url: str, token: str, endpoint: Endpoint, requests: int, budget_s: float, server_pid: int
) -> dict[str, Any]:
    """p50/p95 of `requests` sequential GETs over one keep-alive connection, after 3 warm-up GETs."""
    samples: list[float] = []
    failures = 0
    with httpx.Client(base_url=base_url, headers=_auth(token), timeout=60) as client:
        for _ in range(3):
            first = client.get(endpoint.path, params=endpoint.params)
        cpu_before = proc_cpu_seconds(server_pid)
        deadline = time.perf_counter() + budget_s
        while len(samples) < requests and time.perf_counter() < deadline:
            started = time.perf_counter()
            response = client.get(endpoint.path, params=endpoint.params)
            samples.append(time.perf_counter() - started)
            failures += response.status_code != 200
        cpu = proc_cpu_seconds(server_pid) - cpu_before
    result = {**_describe(first), **latency_summary(samples), "non_200": failures}
    if samples:
        # Server CPU per request is the figure least disturbed by other load on a shared machine.
        result["server_cpu_ms_per_request"] = round(cpu * 1000 / len(samples), 2)
    return result


Fetch = Callable[[], Awaitable[int]]


async def _client_loop(fetch: Fetch, requests: int, deadline: float, samples: list[float]) -> int:
    failures = 0
    for _ in range(requests):
        if time.perf_counter() >= deadline:
            break
        started = time.perf_counter()
        status = await fetch()
        samples.append(time.perf_counter() - started)
        failures += status != 200
    return failures


async def _timed(fetches: list[Fetch], requests: int, budget_s: float, server_pid: int) -> dict[str, Any]:
    """Run one loop per fetch (one per connection) and measure the whole of it."""
    samples: list[float] = []
    # One request per connection first, so that no connection is opened while the clock runs.
    await asyncio.gather(*(fetch() for fetch in fetches))
    client_cpu = time.process_time()
    server_cpu = proc_cpu_seconds(server_pid)
    started = time.perf_counter()
    deadline = started + budget_s
    failures = sum(await asyncio.gather(*(_client_loop(f, requests, deadline, samples) for f in fetches)))
    elapsed = time.perf_counter() - started
    server_cpu = proc_cpu_seconds(server_pid) - server_cpu
    client_cpu = time.process_time() - client_cpu
    return {
        "clients": len(fetches),
        "requests": len(samples),
        "non_200": failures,
        "elapsed_s": round(elapsed, 3),
        "rps": round(len(samples) / elapsed, 1) if elapsed else 0.0,
        "latency_under_load": latency_summary(samples),
        # Near 1.0 means the single-threaded client, not the server, set the pace.
        "client_cpu_share": round(client_cpu / elapsed, 2) if elapsed else 0.0,
        # Near 1.0 means the server's one event loop was saturated.
        "server_cpu_share": round(server_cpu / elapsed, 2) if elapsed else 0.0,
    }


async def _with_httpx(
    base_url: str, token: str, endpoint: Endpoint, clients: int, requests: int, budget_s: float, pid: int
) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(
        base_url=base_url, headers=_auth(token), timeout=60, limits=limits
    ) as client:

        async def fetch() -> int:
            return (await client.get(endpoint.path, params=endpoint.params)).status_code

        return await _timed([fetch] * clients, requests, budget_s, pid)


async def _with_raw(
    base_url: str, token: str, endpoint: Endpoint, clients: int, requests: int, budget_s: float, pid: int
) -> dict[str, Any]:
    url = httpx.URL(base_url)
    target = request_target(endpoint.path, endpoint.params)
    connections = [RawConnection(url.host, url.port or 80, target, _auth(token)) for _ in range(clients)]
    try:
        for connection in connections:
            await connection.open()
        return await _timed([c.get for c in connections], requests, budget_s, pid)
    finally:
        for connection in connections:
            await connection.close()


def concurrent(
    base_url: str,
    token: str,
    endpoint: Endpoint,
    clients: int,
    requests: int,
    budget_s: float,
    server_pid: int,
    client: str = "httpx",
) -> dict[str, Any]:
    """Requests/second with `clients` concurrent connections, each making up to `requests` GETs, with
    httpx.AsyncClient (`client="httpx"`) or the bench's minimal keep-alive client (`client="raw"`)."""
    run = _with_httpx if client == "httpx" else _with_raw
    return asyncio.run(run(base_url, token, endpoint, clients, requests, budget_s, server_pid))
