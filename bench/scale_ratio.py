"""A request's CPU at a large world against a small one, with both sizes measured turn about.

    .venv/bin/python -m bench.scale_ratio --small 300 --large 50000 --rounds 7 --requests 40 --json out.json
    .venv/bin/python -m bench.scale_ratio --small 300 --large 3000 --rounds 3 --kinds default,poll

Two runs of `bench.requests_inprocess`, minutes apart, let the machine's load land on one size and not
the other, and sub-millisecond rows then move by 1.5x from run to run. Here each size lives in its own
child process (world and app built once, frozen out of the collector's full passes as `serve` does),
and the parent asks them in turn: for each round and each row, one child times a batch of `--requests`
calls, then the other does (small first on even rounds, large first on odd ones), so load that comes
and goes reaches both sizes alike. Only one child runs at a time. A child's figure is its own
`time.process_time()` around the batch, so the parent and the other child do not count.

Per row and size: the minimum and the median over rounds of the batch's mean CPU ms, and the large/small
ratio of each. A row is flagged when a ratio passes `--limit` (the issue's 1.5x). Rows are those of
`bench.requests_inprocess` (`--kinds`: default pages, polls, single reads; pages of 3,000 hold more at
a larger world, so they are not compared); "caches emptied" rows still empty the caches before each call.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import signal
import statistics
import sys
import time
import traceback
from collections.abc import Awaitable, Callable, Mapping, Sequence
from multiprocessing.connection import Connection
from typing import Any

from bench.common import loadavg, machine

KINDS = ("default", "poll", "single")


def summarize(
    small: Mapping[str, Sequence[float]], large: Mapping[str, Sequence[float]], limit: float = 1.5
) -> list[dict[str, Any]]:
    """Per row measured at both sizes (in the small size's order): min and median of the per-round
    means, their large/small ratios, and whether each ratio passes `limit`."""
    rows = []
    for name, low in small.items():
        high = large.get(name)
        if not low or not high:
            continue
        figures: dict[str, Any] = {"read": name}
        for stat, reduce in (("min", min), ("median", statistics.median)):
            figures[f"small_{stat}_ms"] = round(reduce(low), 4)
            figures[f"large_{stat}_ms"] = round(reduce(high), 4)
            ratio = reduce(high) / reduce(low) if reduce(low) > 0 else float("inf")
            figures[f"ratio_{stat}"] = round(ratio, 3)
            figures[f"over_{stat}"] = ratio > limit
        rows.append(figures)
    return rows


# --- the child: one world, timing batches on request -------------------------------------------------


def _child(conn: Connection, participants: int, kinds: Sequence[str]) -> None:
    """Build one world and answer the parent's requests until told to stop or the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops us
    try:
        asyncio.run(_serve(conn, participants, kinds))
    except (EOFError, BrokenPipeError):  # the parent has gone
        pass
    except BaseException:
        try:
            conn.send({"error": traceback.format_exc()})
        except OSError:
            pass


async def _serve(conn: Connection, participants: int, kinds: Sequence[str]) -> None:
    # Imported here so that the parent stays small: only the children hold a world.
    from bench.common import maxrss_mb
    from bench.requests_inprocess import build, caller, cpu_ms, read_rows

    started = time.process_time()
    store, provider, drive = build(participants)
    built = time.process_time() - started
    rows = {row.name: row for row in await read_rows(drive, store, provider, bulk=False) if row.kind in kinds}
    calls, described = {}, []
    for name, row in rows.items():
        calls[name] = caller(drive, store, row)
        status, content = await calls[name]()
        await calls[name]()
        data = json.loads(content).get("data") if status == 200 else None
        items = len(data) if isinstance(data, list) else int(data is not None)
        described.append(
            {
                "read": name,
                "kind": row.kind,
                "status": status,
                "bytes": len(content),
                "items": items,
                "python_calls": await _python_calls(calls[name]),
            }
        )
    conn.send({"ready": True, "build_cpu_s": round(built, 1), "maxrss_mb": maxrss_mb(), "rows": described})
    while True:
        message = conn.recv()
        if message[0] == "stop":
            return
        _, name, count, budget_s, warmup = message
        for _ in range(warmup):  # the other child ran last: its data, not ours, is in the CPU caches
            await calls[name]()
        ms, n = await cpu_ms(calls[name], count, budget_s)
        conn.send({"ms": ms, "n": n})


async def _python_calls(call: Callable[[], Awaitable[Any]]) -> int:
    """Python and C function calls one request makes: the work, whatever the machine's memory does."""
    count = 0

    def tally(frame: Any, event: str, arg: Any) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(tally)
    try:
        await call()
    finally:
        sys.setprofile(None)
    return count


# --- the parent: alternate the two children --------------------------------------------------------


class Child:
    """A world of one size in its own process, behind a pipe."""

    def __init__(self, participants: int, kinds: Sequence[str]) -> None:
        context = multiprocessing.get_context("spawn")
        self.participants = participants
        self.conn, theirs = context.Pipe()
        self.process = context.Process(target=_child, args=(theirs, participants, kinds), daemon=True)
        self.process.start()
        theirs.close()

    def receive(self, timeout: float) -> dict[str, Any]:
        if not self.conn.poll(timeout):
            raise TimeoutError(f"the {self.participants} world did not answer within {timeout:.0f} s")
        answer = self.conn.recv()
        if "error" in answer:
            raise RuntimeError(f"the {self.participants} world failed:\n{answer['error']}")
        return answer

    def stop(self) -> None:
        try:
            self.conn.send(("stop",))
        except OSError:
            pass
        self.process.join(10)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


def measure(args: argparse.Namespace) -> dict[str, Any]:
    kinds = [kind for kind in args.kinds.split(",") if kind]
    children = {"small": Child(args.small, kinds), "large": Child(args.large, kinds)}
    try:
        ready = {size: child.receive(args.build_timeout) for size, child in children.items()}
        for size, info in ready.items():
            print(
                f"{size} ({children[size].participants}): built in {info['build_cpu_s']} s CPU, "
                f"{info['maxrss_mb']} MB",
                flush=True,
            )
        large_names = {row["read"] for row in ready["large"]["rows"]}
        names = [row["read"] for row in ready["small"]["rows"] if row["read"] in large_names]
        samples: dict[str, dict[str, list[float]]] = {
            "small": {n: [] for n in names},
            "large": {n: [] for n in names},
        }
        rounds, started = [], time.perf_counter()
        for turn in range(args.rounds):
            if time.perf_counter() - started > args.max_minutes * 60:
                print(f"time budget spent after {turn} rounds", flush=True)
                break
            order = ("small", "large") if turn % 2 == 0 else ("large", "small")
            load = loadavg()
            for name in names:
                for size in order:
                    children[size].conn.send(("measure", name, args.requests, args.budget, args.warmup))
                    answer = children[size].receive(args.budget * 4 + 60)
                    samples[size][name].append(answer["ms"])
            rounds.append(
                {"round": turn, "first": order[0], "loadavg_before": load, "loadavg_after": loadavg()}
            )
            print(f"round {turn + 1}/{args.rounds} done ({order[0]} first, load {load[0]})", flush=True)
    finally:
        for child in children.values():
            child.stop()
    summary = summarize(samples["small"], samples["large"], args.limit)
    described = {size: {row["read"]: row for row in info["rows"]} for size, info in ready.items()}
    for row in summary:
        low, high = (described[size][row["read"]] for size in ("small", "large"))
        row |= {"items_small": low["items"], "items_large": high["items"]}
        row |= {"calls_small": low["python_calls"], "calls_large": high["python_calls"]}
        row["calls_ratio"] = round(high["python_calls"] / max(1, low["python_calls"]), 3)
    return {
        "command": vars(args),
        "machine": machine(),
        "worlds": {
            size: {
                "participants": children[size].participants,
                **{k: v for k, v in info.items() if k != "ready"},
            }
            for size, info in ready.items()
        },
        "rounds": rounds,
        "samples_ms": samples,
        "summary": summary,
    }


def report(result: dict[str, Any], limit: float) -> None:
    small, large = (result["worlds"][size]["participants"] for size in ("small", "large"))
    print(
        f"\nms of CPU per request, min and median over {len(result['rounds'])} rounds; items on the page "
        "and Python calls per request, large/small"
    )
    print(
        f"{'request':52} {'items':>9} {f'{small} min':>9} {'med':>7} {f'{large} min':>10} {'med':>7} "
        f"{'x min':>6} {'x med':>6} {'calls x':>8}"
    )
    for row in result["summary"]:
        flag = {
            (True, True): f"  over {limit}x on both",
            (True, False): "  (over on min)",
            (False, True): "  (over on median)",
        }.get((row["over_min"], row["over_median"]), "")
        print(
            f"{row['read']:52} {row['items_small']:>4}/{row['items_large']:<4} {row['small_min_ms']:9.3f} "
            f"{row['small_median_ms']:7.3f} {row['large_min_ms']:10.3f} {row['large_median_ms']:7.3f} "
            f"{row['ratio_min']:6.2f} {row['ratio_median']:6.2f} {row['calls_ratio']:8.2f}{flag}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", type=int, default=300, help="participants per ECF provider, small world")
    parser.add_argument("--large", type=int, default=50000, help="and in the large world")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument(
        "--requests", type=int, default=40, help="calls per batch (one batch per row and size a round)"
    )
    parser.add_argument("--budget", type=float, default=3.0, help="and at most this many CPU seconds a batch")
    parser.add_argument("--warmup", type=int, default=1, help="untimed calls before each batch")
    parser.add_argument("--kinds", default="default", help=f"rows to compare, of {','.join(KINDS)}")
    parser.add_argument("--limit", type=float, default=1.5, help="flag rows whose ratio passes this")
    parser.add_argument(
        "--max-minutes", type=float, default=60.0, help="start no round after this many minutes"
    )
    parser.add_argument("--build-timeout", type=float, default=1800.0, help="seconds to wait for the worlds")
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()
    unknown = set(args.kinds.split(",")) - set(KINDS)
    if unknown:
        parser.error(f"unknown --kinds {sorted(unknown)}; choose from {','.join(KINDS)}")
    result = measure(args)
    report(result, args.limit)
    if args.json:
        with open(args.json, "w") as out:
            json.dump(result, out, indent=1)


if __name__ == "__main__":
    main()
