"""App start-up: `create_app()` with the default world, and `cpd-sandbox serve` until /healthcheck answers.

`python -m bench.startup` is the child that times one fresh start: the imports, then either
`create_app()` as a whole (`--whole`) or its parts (world via `SandboxState()`, then `create_app(state=...)`,
which is the three `add_api` calls and the plain routes).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Any

from bench.common import maxrss_mb, run_child
from bench.server import SandboxServer


def measure(whole: bool) -> dict[str, Any]:
    started = time.perf_counter()
    from sandbox.app import create_app
    from sandbox.state import SandboxState

    imported = time.perf_counter()
    if whole:
        create_app()
        done = time.perf_counter()
        return {
            "imports_s": round(imported - started, 3),
            "create_app_s": round(done - imported, 3),
            "imports_plus_create_app_s": round(done - started, 3),
            "maxrss_mb": maxrss_mb(),
        }
    state = SandboxState()
    built = time.perf_counter()
    create_app(state=state)
    done = time.perf_counter()
    return {
        "imports_s": round(imported - started, 3),
        "world_s": round(built - imported, 3),
        "add_api_x3_s": round(done - built, 3),
        "maxrss_mb": maxrss_mb(),
    }


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return round(statistics.median(run[key] for run in runs), 3)


def measure_create_app(repeats: int) -> dict[str, Any]:
    """Fresh interpreters each time: a second create_app() in one process would find modules imported."""
    whole = [run_child("bench.startup", ["--whole"], timeout=300) for _ in range(repeats)]
    parts = [run_child("bench.startup", [], timeout=300) for _ in range(repeats)]
    return {
        "runs": repeats,
        "imports_plus_create_app_s": _median(whole, "imports_plus_create_app_s"),
        "create_app_s": _median(whole, "create_app_s"),
        "imports_s": _median(whole + parts, "imports_s"),
        "world_s": _median(parts, "world_s"),
        "add_api_x3_s": _median(parts, "add_api_x3_s"),
        "process_wall_s": _median(whole, "process_wall_s"),
        "maxrss_mb": _median(whole, "maxrss_mb"),
    }


def measure_serve(repeats: int) -> dict[str, Any]:
    """Spawn of `cpd-sandbox serve` (default world, default log level) to the first 200 from /healthcheck."""
    times = []
    for _ in range(repeats):
        with SandboxServer(log_level="info") as server:
            assert server.ready_after_s is not None
            times.append(server.ready_after_s)
    return {"runs": repeats, "median_s": round(statistics.median(times), 3), "max_s": round(max(times), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--whole", action="store_true", help="time create_app() as one call")
    print(json.dumps(measure(parser.parse_args().whole)))


if __name__ == "__main__":
    main()
