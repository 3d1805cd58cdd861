"""World build: time, resident memory and Python heap of `build_world(ReferenceData.load(), seed, N)`.

Each size runs in its own interpreter (`python -m bench.world --participants N`) so that the resident
high-water mark belongs to that one build and not to an earlier, larger one.
"""

from __future__ import annotations

import argparse
import gc
import json
import time
import tracemalloc
from typing import Any

from bench.common import maxrss_mb, proc_memory_mb, run_child


def _build(participants: int, seed: int) -> tuple[Any, float]:
    from sandbox.domain.world.reference import ReferenceData
    from sandbox.seed.world import build_world

    started, cpu = time.perf_counter(), time.process_time()
    store = build_world(ReferenceData.load(), seed=seed, participants=participants)
    _BUILD_CPU.append(time.process_time() - cpu)
    return store, time.perf_counter() - started


# CPU seconds of each build in this process: on a shared machine the figure other work disturbs least.
_BUILD_CPU: list[float] = []


def _counts(store: Any) -> dict[str, int]:
    wanted = ("users", "ecf_profiles", "npq_applications", "declarations", "statements", "schools")
    return {name: len(getattr(store, name)) for name in wanted if hasattr(store, name)}


def measure(participants: int, seed: int = 1, repeats: int = 3, trace: bool = True) -> dict[str, Any]:
    """Run in the child: build once for memory, `repeats` times for time, once more under tracemalloc."""
    import sandbox.domain.world.reference  # noqa: F401  (imports are start-up cost, not build cost)
    import sandbox.seed.world  # noqa: F401

    rss_before = proc_memory_mb()["rss_mb"]
    store, first = _build(participants, seed)
    # The high-water mark is read after the first build, before any repeat could raise it.
    maxrss_after = maxrss_mb()
    rss_after = proc_memory_mb()["rss_mb"]
    counts = _counts(store)
    # One full collection walks every object of the world: this is the pause a served request pays
    # whenever the collector reaches generation 2 (the tail of the list latencies at large worlds).
    gc_started = time.perf_counter()
    gc.collect()
    full_gc = time.perf_counter() - gc_started
    tracked = len(gc.get_objects())
    times = [first]
    for _ in range(repeats - 1):
        del store
        gc.collect()
        store, elapsed = _build(participants, seed)
        times.append(elapsed)
    del store
    gc.collect()
    result: dict[str, Any] = {
        "participants": participants,
        "seed": seed,
        "build_s": {"min": round(min(times), 3), "max": round(max(times), 3), "runs": len(times)},
        "build_cpu_s": {"min": round(min(_BUILD_CPU), 3), "max": round(max(_BUILD_CPU), 3)},
        "rss_before_build_mb": rss_before,
        "rss_after_build_mb": rss_after,
        "maxrss_mb": maxrss_after,
        "full_gc_s": round(full_gc, 3),
        "gc_tracked_objects": tracked,
        "records": counts,
        # Growth per unit of N (ECF participants per ECF provider): flat figures mean a linear build.
        "cpu_ms_per_participant": round(min(_BUILD_CPU) * 1000 / participants, 3),
        "rss_kb_per_participant": round((rss_after - rss_before) * 1024 / participants, 1),
    }
    if not trace:
        return result

    # tracemalloc slows allocation-heavy code several times over: its run is timed separately and
    # only its byte counts are reported.
    tracemalloc.start()
    store, traced_time = _build(participants, seed)
    retained, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del store
    result["tracemalloc_peak_mb"] = round(peak / 2**20, 1)
    result["tracemalloc_retained_mb"] = round(retained / 2**20, 1)
    result["build_under_tracemalloc_s"] = round(traced_time, 3)
    return result


def measure_in_child(participants: int, repeats: int, trace: bool, timeout: float = 600) -> dict[str, Any]:
    args = ["--participants", str(participants), "--repeats", str(repeats)]
    return run_child("bench.world", args if trace else [*args, "--no-trace"], timeout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--participants",
        type=int,
        nargs="+",
        default=[300],
        help="one size, or several (one interpreter each)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-trace", action="store_true", help="skip the (slow) tracemalloc build")
    args = parser.parse_args()
    repeats, trace = max(1, args.repeats), not args.no_trace
    if len(args.participants) == 1:
        print(json.dumps(measure(args.participants[0], args.seed, repeats, trace)))
        return
    for size in args.participants:
        print(json.dumps(measure_in_child(size, repeats, trace, timeout=3600)), flush=True)


if __name__ == "__main__":
    main()
