"""Where a read spends its time: cProfile over a few requests through the ASGI app, in process.

    .venv/bin/python -m bench.profile /api/v3/participants/ecf --participants 3000 --requests 20
    .venv/bin/python -m bench.profile /api/v1/participant-declarations --sort tottime --limit 25
    .venv/bin/python -m bench.profile "/api/v3/participants/ecf?page[per_page]=100" --miss --requests 200
    .venv/bin/python -m bench.profile "/api/v3/participants/ecf?page[per_page]=100" --unique --requests 200

The app is the real one (`create_app`), driven by httpx's ASGI transport on this thread so that cProfile
sees the handler (Starlette's TestClient would run it on another thread). Connexion's per-request cost
shows up too; `--only-sandbox` keeps the sandbox's own functions.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import time
from urllib.parse import parse_qsl

import httpx

from bench.common import freeze_world
from tests.support.caches import empty_caches


def _split(target: str) -> tuple[str, dict[str, str]]:
    path, _, query = target.partition("?")
    return path, dict(parse_qsl(query))


async def _drive(
    app: object,
    token: str,
    target: str,
    requests: int,
    profiler: cProfile.Profile,
    miss: bool = False,
    unique: bool = False,
) -> list[float]:
    path, params = _split(target)
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1", headers=headers) as client:
        first = await client.get(path, params=params)  # warm-up: Connexion builds its middleware lazily
        print(f"{target}: {first.status_code}, {len(first.content)} bytes")
        times = []
        profiler.enable()
        for n in range(requests):
            if miss:  # the page is read, presented and serialised every time
                empty_caches()
            started = time.perf_counter()
            # `--unique`: as `bench.throughput --miss`, an ignored filter counted up (no page repeats).
            await client.get(path, params={**params, "filter[n]": str(n)} if unique else params)
            times.append(time.perf_counter() - started)
        profiler.disable()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("target", help="path and query, e.g. /api/v3/participants/ecf?page[per_page]=3000")
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--sort", default="cumulative", choices=("cumulative", "tottime"))
    parser.add_argument("--limit", type=int, default=30)
    parser.add_argument(
        "--miss", action="store_true", help="empty the page and item caches before each request"
    )
    parser.add_argument(
        "--unique", action="store_true", help="add filter[n]=<counter>, as bench.throughput --miss does"
    )
    parser.add_argument("--only-sandbox", action="store_true", help="list only functions under sandbox/")
    parser.add_argument("--output", help="also write the raw profile here (for snakeviz, pstats)")
    args = parser.parse_args()

    from sandbox.app import create_app

    app = create_app(participants=args.participants)
    freeze_world()
    provider = next(p for p in app.state.store.lead_providers.values() if p.has_ecf and p.has_npq)
    profiler = cProfile.Profile()
    times = asyncio.run(
        _drive(app, provider.token, args.target, max(1, args.requests), profiler, args.miss, args.unique)
    )
    mean_ms = sum(times) / len(times) * 1000
    print(f"{len(times)} requests, mean {mean_ms:.1f} ms (under cProfile, which slows Python several times)")
    if args.output:
        profiler.dump_stats(args.output)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats(args.sort)
    if args.only_sandbox:
        stats.print_stats(r"sandbox/", args.limit)
    else:
        stats.print_stats(args.limit)
    print(out.getvalue())


if __name__ == "__main__":
    main()
