"""`cpd-sandbox journal` (print requests as they arrive) and `cpd-sandbox evidence` (download a
provider's go-live evidence pack), both against a running sandbox's control API."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote, urlencode

from sandbox.remote import RemoteError, call, call_raw, connection

COLOURS = {"2": "\033[32m", "3": "\033[36m", "4": "\033[33m", "5": "\033[31m"}
RESET = "\033[0m"
PAGE = 500  # the control API's largest page


def line(entry: dict[str, Any], colour: bool = False) -> str:
    """One request on one line: id, real time, provider, request, status, duration, refusing rule."""
    target = entry["path"] + (f"?{entry['query']}" if entry["query"] else "")
    status = str(entry["status"])
    if colour:
        status = f"{COLOURS.get(status[0], '')}{status}{RESET}"
    refused = entry.get("refused_by")
    rule = ""
    if refused:
        rule = f"  {refused['error']}" + (
            f" §{refused['rulebook_section']}" if refused["rulebook_section"] else ""
        )
    provider = (entry["lead_provider_id"] or "-")[:8]
    return (
        f"#{entry['id']:<6} {entry['started_at']}  {provider:<8}  {entry['method']:<6} {target}  "
        f"{status}  {entry['duration_ms']:.1f} ms{rule}"
    )


def _newer(args: argparse.Namespace, after: int) -> list[dict[str, Any]]:
    """Requests with ids above `after`, oldest first (pages are read newest first until one is older)."""
    found: list[dict[str, Any]] = []
    page = 1
    while True:
        query = urlencode({"page": page, "per_page": PAGE})
        batch = call(args, "GET", f"/requests?{query}")["data"]
        fresh = [e for e in batch if e["id"] > after]
        found.extend(fresh)
        if len(fresh) < len(batch) or len(batch) < PAGE or after == 0:
            return list(reversed(found))
        page += 1


def journal(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    colour = out.isatty()
    last = 0
    try:
        while True:
            for entry in _newer(args, last):
                print(line(entry, colour), file=out, flush=True)
                last = max(last, entry["id"])
            if not args.follow:
                return 0
            time.sleep(args.interval)
    except RemoteError as error:
        print(f"cpd-sandbox: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0


def evidence(args: argparse.Namespace) -> int:
    try:
        pack = call_raw(args, "GET", f"/providers/{quote(args.provider, safe='')}/evidence")
    except RemoteError as error:
        print(f"cpd-sandbox: {error}", file=sys.stderr)
        return 1
    Path(args.output).write_bytes(pack)
    print(f"wrote {args.output} ({len(pack)} bytes)")
    return 0


def add_commands(commands: Any) -> None:
    watch = commands.add_parser("journal", help="print the requests a running sandbox has answered")
    connection(watch)
    watch.add_argument("--follow", "-f", action="store_true", help="keep printing requests as they arrive")
    watch.add_argument("--interval", type=float, default=1.0, help="seconds between polls with --follow")
    watch.set_defaults(func=journal)

    pack = commands.add_parser("evidence", help="download a provider's go-live evidence pack (zip)")
    connection(pack)
    pack.add_argument("--provider", required=True, help="the lead provider id")
    pack.add_argument("-o", "--output", required=True, help="the zip file to write")
    pack.set_defaults(func=evidence)
