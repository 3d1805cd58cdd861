"""The `cpd-sandbox` command: start the sandbox, or list the seeded providers and their tokens."""

from __future__ import annotations

import argparse
import gc
import json
import sys
import warnings
from collections.abc import Sequence

from sandbox.domain.reference import ReferenceData
from sandbox.remote import add_commands
from sandbox.requests_journal.cli import add_commands as add_journal_commands
from sandbox.seed.world import build_world

VERSIONS = ("v1", "v2", "v3")


def _providers(seed: int, participants: int) -> list[dict[str, object]]:
    store = build_world(ReferenceData.load(), seed=seed, participants=participants)
    return [
        {
            "name": p.name,
            "id": p.id,
            "token": p.token,
            "ecf": p.has_ecf,
            "npq": p.has_npq,
        }
        for p in store.lead_providers.values()
    ]


def _sides(provider: dict[str, object]) -> str:
    return "+".join(side.upper() for side in ("ecf", "npq") if provider[side]) or "none"


def tokens(args: argparse.Namespace) -> int:
    providers = _providers(args.seed, args.participants)
    if args.json:
        print(json.dumps(providers, indent=2))
        return 0
    width = max(len(str(p["name"])) for p in providers)
    for p in providers:
        print(f"{str(p['name']).ljust(width)}  {_sides(p).ljust(7)}  {p['token']}")
    return 0


def serve(args: argparse.Namespace) -> int:
    # Connexion imports Starlette's test client at start-up, which warns about its httpx backend.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    import uvicorn

    from sandbox.app import create_app
    from sandbox.rate_limit import RateLimit

    rate_limit = RateLimit(requests=args.rate_limit) if args.rate_limit else None
    app = create_app(
        seed=args.seed,
        participants=args.participants,
        control=not args.no_control,
        admin_token=args.admin_token,
        rate_limit=rate_limit,
        request_log_size=0 if args.no_journal else args.request_log_size,
    )
    # The world lives as long as the server: keeping it out of the garbage collector's full passes
    # removes their pauses from request latency (bench/README.md).
    gc.collect()
    gc.freeze()
    base = f"http://{args.host}:{args.port}"
    print(f"cpd-sandbox (seed {args.seed}, {args.participants} ECF participants per provider)")
    for version in VERSIONS:
        print(f"  {version}: {base}/api/{version}   docs: {base}/api/{version}/ui/")
    if args.no_control:
        print("  control API: off (--no-control)")
    else:
        print(f"  control API: {base}/sandbox   docs: {base}/sandbox/ui/")
        print(f"  admin token: {app.state.admin_token}")
        if app.state.request_log is not None:
            print(f"  request journal: {base}/sandbox/journal (keeps {app.state.request_log.size} requests)")
    if rate_limit:
        print(f"  rate limit: {rate_limit.requests} requests per {rate_limit.window_seconds} s per token")
    print("Lead providers (send 'Authorization: Bearer <token>'):")
    for p in app.state.store.lead_providers.values():
        sides = "+".join(s for s, on in (("ECF", p.has_ecf), ("NPQ", p.has_npq)) if on)
        print(f"  {p.name} [{sides}]: {p.token}")
    sys.stdout.flush()
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cpd-sandbox", description="A sandbox of the DfE Lead Provider API (ECF and NPQ)."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def world_options(command: argparse.ArgumentParser) -> None:
        command.add_argument("--seed", type=int, default=1, help="seed of the fake world (default 1)")
        command.add_argument(
            "--participants", type=int, default=300, help="ECF participants per provider (default 300)"
        )

    run = commands.add_parser("serve", help="start the sandbox")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8000)
    run.add_argument("--log-level", default="info")
    run.add_argument("--admin-token", help="the control API's admin token (default: a random one)")
    run.add_argument("--no-control", action="store_true", help="serve no /sandbox control API")
    run.add_argument(
        "--rate-limit",
        nargs="?",
        type=int,
        const=1000,
        default=None,
        metavar="N",
        help="throttle as the real service does: N requests per 5 minutes per token (default 1000)",
    )
    run.add_argument(
        "--request-log-size",
        type=int,
        default=1000,
        metavar="N",
        help="requests the journal keeps, oldest dropped first (default 1000)",
    )
    run.add_argument("--no-journal", action="store_true", help="record no requests")
    world_options(run)
    run.set_defaults(func=serve)

    show = commands.add_parser("tokens", help="print the seeded lead providers and their tokens")
    world_options(show)
    show.add_argument("--json", action="store_true", help="print a JSON array")
    show.set_defaults(func=tokens)
    add_commands(commands)
    add_journal_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    participants = getattr(args, "participants", None)
    if participants is not None and participants < 1:
        print("cpd-sandbox: --participants must be at least 1", file=sys.stderr)
        return 2
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
