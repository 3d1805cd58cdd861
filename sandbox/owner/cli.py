"""The API owner's subcommands of `cpd-sandbox`: `diff`, `verify` and `parity`. `sandbox/cli.py` calls
`add_commands` once; everything else about these commands lives in this package."""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from sandbox.owner.checks import LEVELS


def run_diff(args: argparse.Namespace) -> int:
    from sandbox.owner.diff import diff
    from sandbox.owner.load import LoadError, load_document
    from sandbox.owner.report import render

    try:
        result = diff(load_document(args.old), load_document(args.new))
    except LoadError as error:
        print(f"cpd-sandbox diff: {error}", file=sys.stderr)
        return 2
    output = render(result, args.format, args.fail_on)
    if args.output:
        Path(args.output).write_text(output)
    else:
        sys.stdout.write(output)
    return 1 if args.fail_on and result.at_least(args.fail_on) else 0


def run_verify(args: argparse.Namespace) -> int:
    from importlib.util import find_spec

    from sandbox.owner.load import LoadError

    if find_spec("schemathesis") is None:
        print("cpd-sandbox verify: needs Schemathesis: pip install 'cpd-sandbox[owner]'", file=sys.stderr)
        return 2
    from sandbox.owner.verify import Options, verify

    options = Options(
        base_url=args.base_url.rstrip("/"),
        spec=args.spec or args.base_url.rstrip("/") + "/openapi.json",
        token=args.token,
        max_examples=args.max_examples,
        seed=args.seed,
        mode=args.mode,
        phases=tuple(args.phases.split(",")),
        reports=tuple(filter(None, (args.report or "").split(","))),
        report_dir=args.report_dir,
        baseline=args.baseline,
        update_baseline=args.update_baseline,
        rate_limit=args.rate_limit,
        reads_only=args.reads_only,
        timeout=args.timeout,
    )
    try:
        summary = verify(options, echo=sys.stdout.write if args.verbose else None)
    except LoadError as error:
        print(f"cpd-sandbox verify: {error}", file=sys.stderr)
        return 2
    for failure in summary.failures:
        where = ", ".join(failure.get("operations", []))
        print(f"FAILED {failure.get('title')}{f' ({where})' if where else ''}")
        for line in failure.get("detail", []):
            print(f"  {line}")
    print(summary.line())
    if summary.exit_code == 2 or not summary.complete:
        return 2
    return 1 if summary.failures else 0


def run_parity(args: argparse.Namespace) -> int:
    from datetime import datetime

    from sandbox.owner import parity

    mapping = parity.load_mapping(args.mapping)
    headers = {"X-With-Server-Date": args.at} if args.at else {}
    if args.url:
        if not args.token:
            print("cpd-sandbox parity: give --token with --url", file=sys.stderr)
            return 2
        report = parity.run(mapping, args.url.rstrip("/"), args.token, headers)
    else:
        # Connexion imports Starlette's test client, which warns about its httpx backend.
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        from sandbox.app import create_app
        from sandbox.clock import Clock
        from sandbox.owner.serving import serving
        from sandbox.state import SandboxState

        instant = datetime.fromisoformat(args.at or parity.DEFAULT_AT)
        state = SandboxState(seed=args.seed, participants=args.participants, clock=Clock(lambda: instant))
        token = args.token or next(iter(state.store.lead_providers.values())).token
        with serving(create_app(state=state)) as origin:
            report = parity.run(mapping, origin, token, headers, label="")
    sys.stdout.write(parity.as_json(report) if args.format == "json" else parity.text(report))
    return 0 if args.min_rate is None or report.rate >= args.min_rate else 1


def add_commands(commands: argparse._SubParsersAction) -> None:
    from sandbox.owner.report import FORMATS
    from sandbox.owner.verify import PHASES

    show = commands.add_parser(
        "diff",
        help="what changed between two OpenAPI documents, and what it breaks",
        description="Compare two OpenAPI 3.0/3.1 documents (files or URLs, JSON or YAML) and classify "
        "every change with oasdiff's check ids: error (breaks existing clients), warning or info.",
    )
    show.add_argument("old", help="the document clients were built against (file or URL)")
    show.add_argument("new", help="the document that replaces it (file or URL)")
    show.add_argument("--format", choices=FORMATS, default="text", help="report format (default text)")
    show.add_argument(
        "--fail-on",
        choices=[level for level in LEVELS if level != "info"],
        help="exit 1 if any change is at this level or above (default: always exit 0)",
    )
    show.add_argument("--output", "-o", help="write the report to this file instead of standard output")
    show.set_defaults(func=run_diff)

    check = commands.add_parser(
        "verify",
        help="does a running server honour a spec? (Schemathesis, with real ids)",
        description="Run Schemathesis' checks against BASE_URL (the URL the spec's paths are relative "
        "to), after reading the lists to give {id} operations real records.",
    )
    check.add_argument("base_url", metavar="BASE_URL", help="e.g. http://127.0.0.1:8000/api/v3")
    check.add_argument("--spec", help="file or URL of the spec (default: BASE_URL/openapi.json)")
    check.add_argument("--token", required=True, help="a lead provider's bearer token")
    check.add_argument("--max-examples", type=int, default=10, metavar="N", help="cases per operation (10)")
    check.add_argument("--seed", type=int, default=1, help="Schemathesis' seed, to replay a run (1)")
    check.add_argument("--phases", default=",".join(PHASES), help=f"comma list of {', '.join(PHASES)}")
    check.add_argument(
        "--mode",
        choices=("positive", "negative", "all"),
        default="all",
        help="valid requests, invalid ones, or both (default all)",
    )
    check.add_argument("--report", help="extra reports: comma list of junit, html, har, vcr, ndjson")
    check.add_argument("--report-dir", default="verify-report", help="where reports go (verify-report)")
    check.add_argument("--baseline", help="file of known deviations: only new failures fail the run")
    check.add_argument("--update-baseline", action="store_true", help="record this run's failures in it")
    check.add_argument("--rate-limit", help="e.g. 1000/5m for the real service's throttle, or auto")
    check.add_argument("--reads-only", action="store_true", help="send no writes (GET only)")
    check.add_argument("--timeout", type=float, default=600, help="stop after this many seconds (600)")
    check.add_argument("--verbose", "-v", action="store_true", help="show Schemathesis' own output")
    check.set_defaults(func=run_verify)

    twin = commands.add_parser(
        "parity",
        help="replay one provider journey through two contracts and compare the answers",
        description="Send the same requests (lists, filters, pages, single reads) through two contracts "
        "and report per request whether status and body agree. Without --url, a seeded sandbox is "
        "started in-process on 127.0.0.1 at a fixed instant, so the report is the same on every run.",
    )
    twin.add_argument(
        "--mapping",
        default="v2-v3",
        help="a mapping file, or a shipped one: v2-v3 (default), v3-npq, v3-rect",
    )
    twin.add_argument("--url", help="a running server holding both contracts (default: in-process sandbox)")
    twin.add_argument("--token", help="a lead provider's token (default: the seeded world's first provider)")
    twin.add_argument("--seed", type=int, default=1, help="seed of the in-process world (default 1)")
    twin.add_argument("--participants", type=int, default=50, help="its ECF participants per provider (50)")
    twin.add_argument("--at", help="the instant requests run at (X-With-Server-Date)")
    twin.add_argument("--format", choices=("text", "json"), default="text")
    twin.add_argument("--min-rate", type=float, help="exit 1 if fewer requests than this share agree (0-1)")
    twin.set_defaults(func=run_parity)
