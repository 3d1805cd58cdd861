"""What recording a request costs: server CPU per read with the request journal on and off.

`python -m bench.journal [--requests N] [--rounds R]`: for each round, one server with the journal
(default size) and one with `--no-journal`, each timed on the same reads (sequential GETs over one
keep-alive connection, server CPU from /proc). Rounds alternate on/off so that other load on the
machine falls on both sides. Prints JSON; the target is an overhead under 10% per read.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from typing import Any

from bench.common import wait_for_quiet
from bench.http_load import Endpoint, first_participant_ids, sequential
from bench.server import SandboxServer, provider_tokens

TARGET = 0.10


def reads(ids: dict[str, str]) -> list[Endpoint]:
    return [
        Endpoint("v3 participants/ecf", "/api/v3/participants/ecf"),
        Endpoint("v3 participants/ecf/{id}", f"/api/v3/participants/ecf/{ids['v3']}"),
        Endpoint("v3 statements", "/api/v3/statements"),
        Endpoint("v1 participant-declarations", "/api/v1/participant-declarations"),
    ]


def measure(extra: tuple[str, ...], token: str, requests: int) -> dict[str, float]:
    with SandboxServer(extra_args=extra) as server:
        ids = first_participant_ids(server.base_url, token)
        found = {}
        for endpoint in reads(ids):
            wait_for_quiet(10)
            result = sequential(server.base_url, token, endpoint, requests, 20, server.pid)
            assert result["non_200"] == 0, result
            found[endpoint.name] = result["server_cpu_ms_per_request"]
        return found


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--requests", type=int, default=300)
    options.add_argument("--rounds", type=int, default=2)
    args = options.parse_args(argv)
    token = next(p["token"] for p in provider_tokens(1, 300) if p["ecf"] and p["npq"])
    runs: dict[str, list[dict[str, float]]] = {"on": [], "off": []}
    for round_number in range(args.rounds):
        for mode, extra in (("on", ()), ("off", ("--no-journal",))):
            print(f"round {round_number + 1}: journal {mode}", file=sys.stderr)
            runs[mode].append(measure(extra, token, args.requests))
    summary: dict[str, Any] = {}
    for name in runs["on"][0]:
        on = statistics.median(r[name] for r in runs["on"])
        off = statistics.median(r[name] for r in runs["off"])
        summary[name] = {"on_ms": on, "off_ms": off, "overhead": round((on - off) / off, 3)}
    summary["within_target"] = all(v["overhead"] < TARGET for k, v in summary.items() if isinstance(v, dict))
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
