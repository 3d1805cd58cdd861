"""Throughput of one realistic call against our server, Stoplight Prism and a bare Starlette app, alternating.

```sh
.venv/bin/python -m bench.throughput --rounds 5 --duration 10 --json bench/results/throughput.json
```

The call is what a provider's sync polls, with a provider's bearer token:
`GET /api/v3/participants/ecf?filter[cohort]=2023,2024&page[per_page]=100`.
It goes, in turn within each round, to
- `sandbox`: `cpd-sandbox serve` (uvicorn, one worker, the default world);
- `prism`: `prism mock` (npm `@stoplight/prism-cli`, installed in `bench/.node`, log level `error`) on the
  real service's v3 document (`bench/prism_v3_api_spec.json`, see `bench/prism_v3_api_spec.md`); it
  answers the operation's static example after validating the request (token present, parameters);
- `bare`: `bench/bare_app.py`, the same 100 items our server returned, serialised with `json` each time.

Load comes from `wrk` (Debian package `wrk`: one thread, `--connections` connections, `--latency`), else
from the bench's raw keep-alive client. Each run records req/s, p50/p99, the server's own CPU per
request (/proc, less disturbed by other work than req/s) and the share of both CPUs busy during the run
and in the second before it (other developers' work). The order of the servers rotates between rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from statistics import median
from typing import Any

import httpx

from bench.common import (
    PYTHON,
    ROOT,
    _cpu_ticks,
    busy_share,
    free_port,
    latency_summary,
    loadavg,
    machine,
    proc_cpu_seconds,
)
from bench.raw_client import RawConnection
from bench.server import SandboxServer, provider_tokens

PATH = "/api/v3/participants/ecf"
QUERY = "filter[cohort]=2023,2024&page[per_page]=100"
TARGET = f"{PATH}?{QUERY}"
PRISM = ROOT / "bench" / ".node" / "node_modules" / ".bin" / "prism"
PRISM_SPEC = ROOT / "bench" / "prism_v3_api_spec.json"
NPM_INSTALL = "cd bench/.node && npm install @stoplight/prism-cli@5.14.2"
# `--miss`: each request adds a filter no server applies (`filter[n]`, counted up; unknown filters are
# ignored, as the real service ignores them), so that no two requests are alike and our page cache
# never answers. Every server gets the same requests.
MISS_SCRIPT = """
counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, wrk.path .. "&filter[n]=" .. counter)
end
"""


class Spawned:
    """A server process of ours on 127.0.0.1, stopped by its own pid (SIGINT, then SIGKILL)."""

    def __init__(self, name: str, command: list[str], port: int) -> None:
        self.name = name
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"
        self._log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT)

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, token: str, timeout_s: float = 120) -> int:
        deadline = time.perf_counter() + timeout_s
        with httpx.Client(timeout=5.0) as client:
            while time.perf_counter() < deadline:
                if self.process.poll() is not None:
                    self._log.seek(0)
                    raise RuntimeError(f"{self.name} exited:\n{self._log.read().decode()[-2000:]}")
                try:
                    return client.get(self.base_url + TARGET, headers=_auth(token)).status_code
                except httpx.TransportError:
                    time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not answer within {timeout_s} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> dict[str, Any]:
    """Requests, req/s, the latency percentiles `--latency` prints, and non-2xx answers."""
    found: dict[str, Any] = {}
    for line in output.splitlines():
        line = line.strip()
        if match := re.match(r"(50|75|90|99)%\s+(\S+)", line):
            found[f"p{match.group(1)}_ms"] = round(_ms(match.group(2)), 2)
        elif match := re.match(r"(\d+) requests in", line):
            found["requests"] = int(match.group(1))
        elif match := re.match(r"Requests/sec:\s+([\d.]+)", line):
            found["req_per_s"] = round(float(match.group(1)), 1)
        elif match := re.match(r"Non-2xx or 3xx responses:\s+(\d+)", line):
            found["non_2xx"] = int(match.group(1))
        elif match := re.match(r"Socket errors:.*timeout (\d+)", line):
            found["timeouts"] = int(match.group(1))
    found.setdefault("non_2xx", 0)
    return found


def _wrk(url: str, token: str, connections: int, duration_s: float, miss: bool) -> dict[str, Any]:
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{duration_s:g}s",
        "--latency",
        "--timeout",
        "10s",
        "-H",
        f"Authorization: Bearer {token}",
        url,
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        if miss:
            script.write(MISS_SCRIPT)
            script.flush()
            command[1:1] = ["-s", script.name]
        done = subprocess.run(command, capture_output=True, text=True, timeout=duration_s + 60, check=True)
    return parse_wrk(done.stdout)


def _raw(port: int, token: str, connections: int, duration_s: float) -> dict[str, Any]:
    """The fallback when wrk is missing: the raw client, `connections` loops until the time is up."""

    async def run() -> dict[str, Any]:
        samples: list[float] = []
        statuses: list[int] = []
        deadline = time.perf_counter() + duration_s

        async def loop() -> None:
            connection = RawConnection("127.0.0.1", port, TARGET, _auth(token))
            await connection.open()
            try:
                while time.perf_counter() < deadline:
                    started = time.perf_counter()
                    statuses.append(await connection.get())
                    samples.append(time.perf_counter() - started)
            finally:
                await connection.close()

        started = time.perf_counter()
        await asyncio.gather(*(loop() for _ in range(connections)))
        wall = time.perf_counter() - started
        summary = latency_summary(samples)
        ms = sorted(s * 1000 for s in samples)
        return {
            "requests": len(samples),
            "req_per_s": round(len(samples) / wall, 1),
            "p50_ms": summary["p50_ms"],
            "p99_ms": round(ms[max(0, int(len(ms) * 0.99) - 1)], 2),
            "non_2xx": sum(1 for s in statuses if not 200 <= s < 300),
        }

    return asyncio.run(run())


def measure(
    server: Spawned, token: str, connections: int, duration_s: float, use_wrk: bool, miss: bool = False
) -> dict[str, Any]:
    before_load = busy_share(1.0)
    cpu_before = proc_cpu_seconds(server.pid)
    busy_before, total_before = _cpu_ticks()
    if use_wrk:
        result = _wrk(server.base_url + TARGET, token, connections, duration_s, miss)
    else:
        result = _raw(server.port, token, connections, duration_s)
    busy_after, total_after = _cpu_ticks()
    cpu = proc_cpu_seconds(server.pid) - cpu_before
    result["server_cpu_ms_per_req"] = round(1000 * cpu / max(1, result.get("requests", 0)), 3)
    result["server_cpu_share"] = round(cpu / duration_s, 2)
    result["busy_during"] = round((busy_after - busy_before) / max(1, total_after - total_before), 2)
    result["busy_before"] = before_load
    return result


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    keys = ("req_per_s", "p50_ms", "p99_ms", "server_cpu_ms_per_req", "busy_during", "busy_before")
    return {f"median_{k}": round(median(r[k] for r in runs if k in r), 3) for k in keys} | {
        "best_req_per_s": max(r["req_per_s"] for r in runs),
        "non_2xx": sum(r["non_2xx"] for r in runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--only", action="append", choices=("sandbox", "prism", "bare"))
    parser.add_argument("--serve-arg", action="append", default=[], help="extra `serve` option")
    parser.add_argument("--miss", action="store_true", help="every request unique: no page cache hit")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    names = args.only or ["sandbox", "prism", "bare"]
    if "prism" in names and not PRISM.exists():
        raise SystemExit(f"Prism is not installed: {NPM_INSTALL}")
    use_wrk = shutil.which("wrk") is not None
    if args.miss and not use_wrk:
        raise SystemExit("--miss needs wrk")
    provider = next(p for p in provider_tokens(1, 300) if p["ecf"] and p["npq"])
    token = provider["token"]
    servers: dict[str, Spawned] = {}
    sandbox = SandboxServer(participants=300, extra_args=tuple(args.serve_arg))
    items = tempfile.NamedTemporaryFile(suffix=".json")
    try:
        sandbox.start()
        body = httpx.get(sandbox.base_url + TARGET, headers=_auth(token), timeout=60).content
        items.write(body)
        items.flush()
        if "sandbox" in names:
            servers["sandbox"] = sandbox  # type: ignore[assignment]
        if "prism" in names:
            port = free_port()
            command = [str(PRISM), "mock", "-h", "127.0.0.1", "-p", str(port), "-v", "error", str(PRISM_SPEC)]
            servers["prism"] = Spawned("prism", command, port)
        if "bare" in names:
            port = free_port()
            servers["bare"] = Spawned("bare", [PYTHON, "-m", "bench.bare_app", items.name, str(port)], port)
        statuses = {}
        for name, server in servers.items():
            statuses[name] = server.wait_ready(token) if isinstance(server, Spawned) else 200
            measure(server, token, args.connections, 2.0, use_wrk)  # warm-up, not recorded
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in servers}
        order = list(servers)
        for number in range(args.rounds):
            for name in order[number % len(order) :] + order[: number % len(order)]:
                result = measure(servers[name], token, args.connections, args.duration, use_wrk, args.miss)
                result["round"] = number + 1
                runs[name].append(result)
                print(name, json.dumps(result), flush=True)
    finally:
        for server in servers.values():
            if isinstance(server, Spawned):
                server.stop()
        sandbox.stop()
        items.close()
    summary = {name: _summary(r) for name, r in runs.items() if r}
    if "sandbox" in summary:
        ours = summary["sandbox"]["median_req_per_s"]
        for other in ("prism", "bare"):
            if other in summary:
                summary[f"sandbox_over_{other}"] = round(ours / summary[other]["median_req_per_s"], 2)
    report = {
        "call": TARGET,
        "bytes": len(body),
        "provider": provider["name"],
        "client": "wrk -t1" if use_wrk else "raw client",
        "every_request_unique": args.miss,
        "connections": args.connections,
        "duration_s": args.duration,
        "rounds": args.rounds,
        "first_status": statuses,
        "loadavg_end": loadavg(),
        "machine": machine(),
        "summary": summary,
        "runs": runs,
    }
    print(json.dumps({"summary": summary, "first_status": statuses, "bytes": len(body)}, indent=1))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
