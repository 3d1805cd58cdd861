"""The bench's one entry point: `.venv/bin/python -m bench.run [--quick] [--only SECTION ...]`.

Sections: `world` (build time and memory at 300/1000/3000 participants), `startup` (create_app() and
`cpd-sandbox serve` to a first /healthcheck), `http` (latency and throughput through a real server at the
default world), `scale` (the same latencies at 3000 participants). Prints a summary and writes every
figure to bench/results/latest.json (or --output).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import http_load, startup, world
from bench.common import ROOT, loadavg, machine, proc_memory_mb, wait_for_quiet
from bench.server import SandboxServer, provider_tokens

SECTIONS = ("world", "startup", "http", "scale")
DEFAULT_OUTPUT = ROOT / "bench" / "results" / "latest.json"
WORLD_SIZES = (300, 1000, 3000)
SCALE_PARTICIPANTS = 3000
# The list reads a provider pages through: the p95 target applies to their default page.
DEFAULT_PAGE_LISTS = (
    "participants/ecf",
    "participant-declarations",
    "npq-applications",
    "participants/ecf/transfers",
    "unfunded-mentors/ecf",
    "schools/ecf?filter[cohort]=2024",
)


@dataclass(frozen=True)
class Budget:
    repeats: int  # fresh-process repeats of world builds and start-ups
    trace_sizes: tuple[int, ...]  # world sizes also built under tracemalloc (slow: ~9x)
    sequential: int  # sequential requests per endpoint
    sequential_s: float  # ... or this many seconds, whichever comes first
    clients: int  # concurrent connections
    per_client: int  # requests per connection with httpx.AsyncClient
    raw_per_client: int  # requests per connection with the minimal client (it is ~20x cheaper)
    concurrent_s: float  # ... or this many seconds, whichever comes first
    quiet_wait_s: float  # longest wait for other processes to leave the CPUs idle, per measurement
    quiet_sample_s: float  # how long each look at the CPUs lasts


FULL = Budget(3, WORLD_SIZES, 200, 15.0, 8, 100, 500, 8.0, 20.0, 1.0)
QUICK = Budget(1, (300,), 20, 1.5, 8, 20, 100, 1.0, 0.0, 0.2)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _quiet(budget: Budget) -> dict[str, float]:
    return wait_for_quiet(budget.quiet_wait_s, sample_s=budget.quiet_sample_s)


def run_world(budget: Budget) -> list[dict[str, Any]]:
    results = []
    for size in WORLD_SIZES:
        log(f"world: building participants={size} ...")
        machine_then = _quiet(budget)
        measured = world.measure_in_child(size, budget.repeats, size in budget.trace_sizes)
        results.append({**measured, "machine": machine_then})
    return results


def run_startup(budget: Budget) -> dict[str, Any]:
    log("startup: create_app() in fresh interpreters ...")
    machine_then = _quiet(budget)
    create = startup.measure_create_app(budget.repeats)
    log("startup: cpd-sandbox serve until /healthcheck ...")
    serve = startup.measure_serve(budget.repeats)
    return {"create_app": create, "serve_to_healthcheck": serve, "machine": machine_then}


def _token(participants: int) -> dict[str, Any]:
    """The first provider holding both ECF and NPQ contracts sees every operation answer 200."""
    return next(p for p in provider_tokens(1, participants) if p["ecf"] and p["npq"])


def run_http(budget: Budget, participants: int, with_throughput: bool) -> dict[str, Any]:
    provider = _token(participants)
    log(f"http: starting a server with participants={participants} ...")
    with SandboxServer(participants=participants) as server:
        memory_at_start = proc_memory_mb(server.pid)
        ids = http_load.first_participant_ids(server.base_url, provider["token"])
        rows: dict[str, Any] = {}
        for endpoint in http_load.endpoints(ids):
            log(f"http: {endpoint.name}")
            row = {
                "machine": _quiet(budget),
                "sequential": http_load.sequential(
                    server.base_url,
                    provider["token"],
                    endpoint,
                    budget.sequential,
                    budget.sequential_s,
                    server.pid,
                ),
            }
            if with_throughput and not endpoint.bulk:
                for client, per_client in (("httpx", budget.per_client), ("raw", budget.raw_per_client)):
                    row[f"concurrent_{client}"] = http_load.concurrent(
                        server.base_url,
                        provider["token"],
                        endpoint,
                        budget.clients,
                        per_client,
                        budget.concurrent_s,
                        server.pid,
                        client=client,
                    )
            rows[endpoint.name] = row
        memory_at_end = proc_memory_mb(server.pid)
    return {
        "participants": participants,
        "provider": provider["name"],
        "server_started_s": round(server.ready_after_s or 0, 3),
        "server_memory_at_start": memory_at_start,
        "server_memory_at_end": memory_at_end,
        "endpoints": rows,
    }


def _p95_default_lists(http: dict[str, Any]) -> dict[str, float]:
    found = {}
    for name, row in http["endpoints"].items():
        if name.split(" ", 1)[-1] in DEFAULT_PAGE_LISTS and "p95_ms" in row["sequential"]:
            found[name] = row["sequential"]["p95_ms"]
    return found


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Our own targets, judged on this run's figures."""
    checks: list[dict[str, Any]] = []

    def check(target: str, figure: str, met: bool | None) -> None:
        checks.append({"target": target, "figure": figure, "met": met})

    default_world = next((w for w in results.get("world", []) if w["participants"] == 300), None)
    if default_world:
        slowest = default_world["build_s"]["max"]
        check(
            "default world builds in < 2 s",
            f"{slowest} s (slowest of {default_world['build_s']['runs']})",
            slowest < 2,
        )
        check(
            "default world < 300 MB RSS",
            f"{default_world['maxrss_mb']} MB maxrss",
            default_world["maxrss_mb"] < 300,
        )
    if "startup" in results:
        create = results["startup"]["create_app"]["imports_plus_create_app_s"]
        serve = results["startup"]["serve_to_healthcheck"]["max_s"]
        check("start-up < 2 s: imports + create_app()", f"{create} s (median)", create < 2)
        check("start-up < 2 s: serve to first /healthcheck", f"{serve} s (slowest)", serve < 2)
    if "http" in results:
        p95 = _p95_default_lists(results["http"])
        worst = max(p95, key=p95.__getitem__)
        check(
            "p95 of a default-page list < 150 ms (300)", f"worst {p95[worst]} ms ({worst})", p95[worst] < 150
        )
        health = results["http"]["endpoints"]["healthcheck"]
        for client in ("httpx", "raw"):
            run = health.get(f"concurrent_{client}")
            if run:
                figure = f"{run['rps']} req/s ({client} client, client CPU share {run['client_cpu_share']})"
                check(f"/healthcheck > 1000 req/s, {client} client (not expected)", figure, run["rps"] > 1000)
    return checks


def _table(http: dict[str, Any]) -> list[str]:
    lines = [
        f"{'endpoint':36} {'status':>6} {'bytes':>8} {'n':>4} {'p50 ms':>7} {'p95 ms':>7} {'cpu ms':>7} "
        f"{'httpx/s':>8} {'raw/s':>7} {'busy':>5}"
    ]
    for name, row in http["endpoints"].items():
        seq = row["sequential"]
        httpx_rps = row.get("concurrent_httpx", {}).get("rps", "")
        raw_rps = row.get("concurrent_raw", {}).get("rps", "")
        lines.append(
            f"{name:36} {seq['status']:>6} {seq['bytes']:>8} {seq['n']:>4} {seq.get('p50_ms', ''):>7} "
            f"{seq.get('p95_ms', ''):>7} {seq.get('server_cpu_ms_per_request', ''):>7} {httpx_rps:>8} "
            f"{raw_rps:>7} {row['machine']['cpu_busy_share']:>5}"
        )
    return lines


def summary(results: dict[str, Any]) -> str:
    lines = [f"cpd-sandbox bench ({results['mode']}) {results['started']} load {results['loadavg_start']}"]
    for w in results.get("world", []):
        traced = f", tracemalloc peak {w['tracemalloc_peak_mb']} MB" if "tracemalloc_peak_mb" in w else ""
        lines.append(
            f"world participants={w['participants']}: build {w['build_s']['min']}-{w['build_s']['max']} s, "
            f"maxrss {w['maxrss_mb']} MB{traced}"
        )
    if "startup" in results:
        create, serve = results["startup"]["create_app"], results["startup"]["serve_to_healthcheck"]
        lines.append(
            f"start-up: imports {create['imports_s']} s + create_app() {create['create_app_s']} s "
            f"(world {create['world_s']} s, add_api for every API {create['mount_apis_s']} s) "
            f"+ start {create['start_s']} s; CPU to ready {create['ready_cpu_s']} s; "
            f"serve to /healthcheck {serve['median_s']} s (server CPU {serve['server_cpu_s']} s)"
        )
    for section in ("http", "scale"):
        if section in results:
            http = results[section]
            lines.append(
                f"\n{section}: participants={http['participants']}, server RSS "
                f"{http['server_memory_at_start']['rss_mb']} -> {http['server_memory_at_end']['rss_mb']} MB"
            )
            lines += _table(http)
    for c in results.get("targets", []):
        verdict = {True: "met", False: "NOT met", None: "n/a"}[c["met"]]
        lines.append(f"target: {c['target']}: {c['figure']} -> {verdict}")
    lines.append(f"load average at end {results['loadavg_end']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="short budgets (about a minute)")
    parser.add_argument("--only", action="append", choices=SECTIONS, help="run only these sections")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write the JSON")
    parser.add_argument("--label", default="", help="a note kept with the results (e.g. the commit measured)")
    args = parser.parse_args(argv)
    budget = QUICK if args.quick else FULL
    sections = args.only or list(SECTIONS)
    started = time.perf_counter()
    results: dict[str, Any] = {
        "mode": "quick" if args.quick else "full",
        "label": args.label,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "budget": budget.__dict__,
        "loadavg_start": loadavg(),
    }
    runs = {
        "world": lambda: run_world(budget),
        "startup": lambda: run_startup(budget),
        "http": lambda: run_http(budget, 300, with_throughput=True),
        "scale": lambda: run_http(budget, SCALE_PARTICIPANTS, with_throughput=False),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    for section in SECTIONS:
        if section in sections:
            results[section] = runs[section]()
            # Written after every section, so that an interrupted run keeps what it measured.
            args.output.write_text(json.dumps({**results, "complete": False}, indent=2) + "\n")
    results["targets"] = targets(results)
    results["loadavg_end"] = loadavg()
    results["elapsed_s"] = round(time.perf_counter() - started, 1)
    results["complete"] = True
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(summary(results))
    print(f"written to {args.output} in {results['elapsed_s']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
