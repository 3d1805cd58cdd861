"""The API owner's subcommands of `cpd-sandbox`: `diff`, `verify` and `parity`. `sandbox/cli.py` calls
`add_commands` once; everything else about these commands lives in this package."""

from __future__ import annotations

import argparse
import sys
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


def add_commands(commands: argparse._SubParsersAction) -> None:
    from sandbox.owner.report import FORMATS

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
