"""The `cpd-sandbox` command: start the sandbox, or list the seeded providers and their tokens."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from importlib import metadata

from sandbox.contracts import SERVED
from sandbox.domain.world.reference import ReferenceData
from sandbox.environment import BadVariable, apply_environment, port_number, variable_for, whole_number
from sandbox.owner import cli as owner_cli
from sandbox.remote import add_commands
from sandbox.requests_journal.cli import add_commands as add_journal_commands
from sandbox.seed.world import build_world
from sandbox.store import Store


def provider_summaries(store: Store) -> list[dict[str, object]]:
    """The seeded lead providers as `tokens --json` lists them (also the pytest plugin's `providers`)."""
    return [
        {"name": p.name, "id": p.id, "token": p.token, "ecf": p.has_ecf, "npq": p.has_npq}
        for p in store.lead_providers.values()
    ]


def _providers(seed: int, participants: int) -> list[dict[str, object]]:
    return provider_summaries(build_world(ReferenceData.load(), seed=seed, participants=participants))


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
    from sandbox.serving import PortUnavailable, bound_port, listening_socket, uvicorn_server

    # The port first: a busy one fails in one line, before the world is built or tokens printed.
    try:
        sock = listening_socket(args.host, args.port)
    except PortUnavailable as error:
        print(f"cpd-sandbox: {error} (choose another with --port or $CPD_SANDBOX_PORT)", file=sys.stderr)
        return 2

    from sandbox.app import create_app
    from sandbox.rate_limit import RateLimit

    rate_limit = RateLimit(requests=args.rate_limit) if args.rate_limit else None
    app = create_app(
        seed=args.seed,
        participants=args.participants,
        control=args.control,
        admin_token=args.admin_token,
        rate_limit=rate_limit,
        cors_origins=args.cors,
        request_log_size=args.request_log_size if args.journal else 0,
    )
    # The world lives as long as the server: keeping it (and every world a reseed builds) out of the
    # garbage collector's full passes removes their pauses from request latency (bench/README.md).
    app.state.freeze_world()
    host = f"[{args.host}]" if ":" in args.host else args.host
    base = f"http://{host}:{bound_port(sock)}"
    print(f"cpd-sandbox (seed {args.seed}, {args.participants} ECF participants per provider)")
    for contract in SERVED:
        print(f"  {contract.name}: {base}{contract.mount}   docs: {base}{contract.mount}/ui/")
    if not args.control:
        print("  control API: off")
    else:
        print(f"  control API: {base}/sandbox   docs: {base}/sandbox/ui/")
        print(f"  admin token: {app.state.admin_token}")
        if app.state.request_log is not None:
            print(f"  request journal: {base}/sandbox/journal (keeps {app.state.request_log.size} requests)")
    if rate_limit:
        print(f"  rate limit: {rate_limit.requests} requests per {rate_limit.window_seconds} s per token")
    if args.cors:
        print(f"  CORS: pages on {', '.join(args.cors)} may call every API")
    print("Lead providers (send 'Authorization: Bearer <token>'):")
    for p in app.state.store.lead_providers.values():
        sides = "+".join(s for s, on in (("ECF", p.has_ecf), ("NPQ", p.has_npq)) if on)
        print(f"  {p.name} [{sides}]: {p.token}")
    print(f"Serving on {base} (Ctrl+C to stop)")
    sys.stdout.flush()
    uvicorn_server(app, log_level=args.log_level).run(sockets=[sock])
    return 0


def _from_env(text: str, dest: str) -> str:
    return f"{text} (${variable_for(dest)})"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cpd-sandbox", description="A sandbox of the DfE Lead Provider API (ECF and NPQ)."
    )
    parser.add_argument("--version", action="version", version=f"cpd-sandbox {_version()}")
    commands = parser.add_subparsers(dest="command", required=True)

    # Defaults are None so that an option the command line leaves out can come from its variable
    # (sandbox/environment.py holds the variables and the real defaults).
    def world_options(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--seed", type=whole_number, help=_from_env("seed of the fake world (default 1)", "seed")
        )
        command.add_argument(
            "--participants",
            type=whole_number,
            help=_from_env("ECF participants per provider (default 300)", "participants"),
        )

    run = commands.add_parser("serve", help="start the sandbox")
    run.add_argument("--host", help=_from_env("address to listen on (default 127.0.0.1)", "host"))
    run.add_argument("--port", type=port_number, help=_from_env("port to listen on (default 8000)", "port"))
    run.add_argument("--log-level", help=_from_env("uvicorn's log level (default info)", "log_level"))
    run.add_argument(
        "--admin-token",
        help=_from_env("the control API's admin token (default: a random one)", "admin_token"),
    )
    run.add_argument(
        "--control",
        action=argparse.BooleanOptionalAction,
        help="serve the /sandbox control API (default), or not with --no-control ($CPD_SANDBOX_NO_CONTROL=1)",
    )
    run.add_argument(
        "--rate-limit",
        nargs="?",
        type=whole_number,
        const=1000,
        metavar="N",
        help=_from_env(
            "throttle as the real service does: N requests per 5 minutes per token (1000 if N is left "
            "out; 0 turns it off)",
            "rate_limit",
        ),
    )
    run.add_argument(
        "--cors",
        action="append",
        metavar="ORIGIN",
        help="let browser pages on ORIGIN call the APIs; repeat for more, `*` for any "
        "($CPD_SANDBOX_CORS, comma-separated)",
    )
    run.add_argument(
        "--request-log-size",
        type=whole_number,
        metavar="N",
        help=_from_env("requests the journal keeps, oldest dropped first (default 1000)", "request_log_size"),
    )
    run.add_argument(
        "--journal",
        action=argparse.BooleanOptionalAction,
        help="record every provider request (default), or not with --no-journal ($CPD_SANDBOX_NO_JOURNAL=1)",
    )
    world_options(run)
    run.set_defaults(func=serve)

    show = commands.add_parser("tokens", help="print the seeded lead providers and their tokens")
    world_options(show)
    show.add_argument("--json", action="store_true", help="print a JSON array")
    show.set_defaults(func=tokens)
    add_commands(commands)
    owner_cli.add_commands(commands)
    add_journal_commands(commands)
    return parser


def _version() -> str:
    try:
        return metadata.version("cpd-sandbox")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        apply_environment(args, os.environ if environ is None else environ)
    except BadVariable as error:
        print(f"cpd-sandbox: {error}", file=sys.stderr)
        return 2
    participants = getattr(args, "participants", None)
    if participants is not None and participants < 1:
        print("cpd-sandbox: --participants ($CPD_SANDBOX_PARTICIPANTS) must be at least 1", file=sys.stderr)
        return 2
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
