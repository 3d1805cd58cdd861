"""Small helpers shared by the benchmarks: ports, percentiles, process memory/CPU, child processes."""

from __future__ import annotations

import gc
import json
import math
import os
import platform
import resource
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
_TICK = os.sysconf("SC_CLK_TCK")


def freeze_world() -> None:
    """What `cpd-sandbox serve` does once the world is built, so in-process figures match the server's:
    the world leaves the garbage collector's full passes."""
    gc.collect()
    gc.freeze()


def free_port() -> int:
    """A port the kernel says is free on 127.0.0.1 (released again before the server binds it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(samples: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sequence."""
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


def latency_summary(seconds: Sequence[float]) -> dict[str, Any]:
    """Milliseconds, rounded to what a reader can use."""
    if not seconds:
        return {"n": 0}
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "mean_ms": round(sum(ms) / len(ms), 2),
        "max_ms": round(max(ms), 2),
    }


def maxrss_mb() -> float:
    """This process's resident high-water mark (ru_maxrss is in KiB on Linux)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def proc_memory_mb(pid: int | str = "self") -> dict[str, float]:
    """Current resident size and high-water mark of a process, from /proc (Linux only)."""
    found: dict[str, float] = {}
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    found[key] = round(int(value.split()[0]) / 1024, 1)
    except OSError:
        pass
    return {"rss_mb": found.get("VmRSS", -1.0), "hwm_mb": found.get("VmHWM", -1.0)}


def proc_cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (clock-tick resolution: 10 ms)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            # The command name may hold spaces; the fields we want follow its closing parenthesis.
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return -1.0
    return (int(fields[11]) + int(fields[12])) / _TICK


def _cpu_ticks() -> tuple[int, int]:
    with open("/proc/stat") as stat:
        values = [int(x) for x in stat.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def busy_share(sample_s: float = 1.0) -> float:
    """Share of all CPUs busy over the next `sample_s` seconds (0..1)."""
    busy_before, total_before = _cpu_ticks()
    time.sleep(sample_s)
    busy_after, total_after = _cpu_ticks()
    return round((busy_after - busy_before) / max(1, total_after - total_before), 2)


def wait_for_quiet(max_wait_s: float, threshold: float = 0.25, sample_s: float = 1.0) -> dict[str, float]:
    """Wait (at most `max_wait_s`) until other processes leave the CPUs mostly idle.

    The machine is shared: a test run elsewhere takes a whole core and doubles latencies. The figure
    returned says how busy the machine was when the measurement began."""
    started = time.perf_counter()
    busy = busy_share(sample_s)
    while busy > threshold and time.perf_counter() - started < max_wait_s:
        busy = busy_share(max(sample_s, 1.0))
    return {"cpu_busy_share": busy, "waited_s": round(time.perf_counter() - started, 1)}


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def run_child(module: str, args: Sequence[str], timeout: float) -> dict[str, Any]:
    """Run `python -m module args` in a fresh interpreter and return the JSON it prints last.

    A fresh process per measurement keeps high-water marks and import caches honest."""
    started = time.perf_counter()
    done = subprocess.run(
        [PYTHON, "-m", module, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_wall_s"] = round(wall, 3)
    return result


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"


def _commit() -> str:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        )
        if done.returncode != 0:
            return "unknown (not a git work tree)"
        return done.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def machine() -> dict[str, Any]:
    """What the figures were measured on: they mean little without it."""
    import sandbox

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "tree": str(ROOT),
        "sandbox_imported_from": str(Path(sandbox.__file__).parent),
        "commit": _commit(),
        "packages": {
            name: _version(name)
            for name in ("connexion", "starlette", "uvicorn", "uvloop", "httptools", "httpx")
        },
    }
