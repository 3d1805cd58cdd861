"""`cpd-sandbox` commands that drive a running sandbox's control API over HTTP (standard library
only, so the command works wherever the sandbox is installed)."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

DEFAULT_URL = "http://127.0.0.1:8000"
TOKEN_ENV = "CPD_SANDBOX_TOKEN"
_DURATION = re.compile(r"^(-?\d+)([dhms])$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
# A sandbox on this machine is reached directly, even where CI sets an HTTP proxy for the outside world.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))
_PROXIED = urllib.request.build_opener()
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


class RemoteError(Exception):
    pass


def call(args: argparse.Namespace, method: str, path: str, body: Any = None) -> Any:
    return json.loads(call_raw(args, method, path, body) or b"null")


def call_raw(args: argparse.Namespace, method: str, path: str, body: Any = None) -> bytes:
    """The control API's answer as bytes; a refusal or an unreachable server is a RemoteError."""
    token = args.token or os.environ.get(TOKEN_ENV)
    if not token:
        raise RemoteError(f"give --token or set {TOKEN_ENV} (the admin token, or a provider's)")
    return control_call_raw(args.url, token, method, path, body)


def control_call(url: str, token: str, method: str, path: str, body: Any = None) -> Any:
    """One control API request (`path` under /sandbox) to the sandbox at `url`; its JSON answer."""
    return json.loads(control_call_raw(url, token, method, path, body) or b"null")


def control_call_raw(url: str, token: str, method: str, path: str, body: Any = None) -> bytes:
    """One control API request to the sandbox at `url`; its answer's bytes."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url.rstrip("/") + "/sandbox" + path,
        data=data,
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        direct = urllib.parse.urlsplit(url).hostname in _LOOPBACK
        with (_DIRECT if direct else _PROXIED).open(request, timeout=30) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        raise RemoteError(f"{error.code}: {error.read().decode(errors='replace')}") from None
    except urllib.error.URLError as error:
        raise RemoteError(f"cannot reach {url}: {error.reason}") from None


def _run(action: Any) -> int:
    try:
        print(json.dumps(action(), indent=2))
    except RemoteError as error:
        print(f"cpd-sandbox: {error}", file=sys.stderr)
        return 1
    return 0


def reset(args: argparse.Namespace) -> int:
    if args.provider:
        return _run(lambda: call(args, "POST", f"/providers/{args.provider}/reset"))
    options = {k: v for k, v in (("seed", args.seed), ("participants", args.participants)) if v is not None}
    return _run(lambda: call(args, "POST", "/reset", options or None))


def parse_duration(text: str) -> dict[str, int]:
    """`30d`, `-2h`, `15m`, `90s` (several may be joined with commas: `1d,6h`)."""
    parts: dict[str, int] = {}
    for piece in text.split(","):
        match = _DURATION.match(piece.strip())
        if not match:
            raise argparse.ArgumentTypeError(f"not a duration: {piece!r} (use e.g. 30d, 6h, 15m, 90s)")
        unit = _UNITS[match.group(2)]
        parts[unit] = parts.get(unit, 0) + int(match.group(1))
    return parts


def clock(args: argparse.Namespace) -> int:
    path = f"/providers/{args.provider}/clock"
    if args.real_time:
        return _run(lambda: call(args, "DELETE", path))
    if args.at:
        return _run(lambda: call(args, "PUT", path, {"instant": args.at}))
    if args.advance:
        return _run(lambda: call(args, "PUT", path, {"advance": args.advance}))
    return _run(lambda: call(args, "GET", path))


def transfer(args: argparse.Namespace) -> int:
    body = {
        key: value
        for key, value in (
            ("to_partnership_id", args.to_partnership),
            ("leaving_date", args.leaving),
            ("joining_date", args.joining),
            ("mentor_id", args.mentor),
        )
        if value is not None
    }
    return _run(
        lambda: call(args, "POST", f"/events/ecf-participants/{args.training_record_id}/transfer", body)
    )


def connection(command: argparse.ArgumentParser) -> None:
    """The options every command that drives a running sandbox takes."""
    command.add_argument("--url", default=DEFAULT_URL, help=f"the running sandbox (default {DEFAULT_URL})")
    command.add_argument("--token", help=f"admin or provider token (default: ${TOKEN_ENV})")


def add_commands(commands: Any) -> None:
    reset_cmd = commands.add_parser("reset", help="reset a running sandbox, or one provider's slice")
    connection(reset_cmd)
    reset_cmd.add_argument("--provider", help="a lead provider id: reset only its slice")
    reset_cmd.add_argument("--seed", type=int, help="rebuild with another seed (admin)")
    reset_cmd.add_argument("--participants", type=int, help="rebuild with another size (admin)")
    reset_cmd.set_defaults(func=reset)

    clock_cmd = commands.add_parser("clock", help="read or move a provider's clock in a running sandbox")
    connection(clock_cmd)
    clock_cmd.add_argument("--provider", required=True, help="the lead provider id")
    moves = clock_cmd.add_mutually_exclusive_group()
    moves.add_argument("--at", help="travel to this RFC 3339 instant")
    moves.add_argument("--advance", type=parse_duration, help="move by a duration: 30d, -2h, 1d,6h")
    moves.add_argument("--real-time", action="store_true", help="back to real time")
    clock_cmd.set_defaults(func=clock)

    transfer_cmd = commands.add_parser(
        "transfer",
        help="a participant moves to another school (same or other provider), in a running sandbox",
    )
    connection(transfer_cmd)
    transfer_cmd.add_argument("training_record_id", help="the profile that moves (its training_record_id)")
    transfer_cmd.add_argument(
        "--to-partnership", help="the new school's partnership id (leave out if unknown)"
    )
    transfer_cmd.add_argument("--leaving", help="leaving date, YYYY-MM-DD (default: the event's day)")
    transfer_cmd.add_argument("--joining", help="joining date, YYYY-MM-DD (default: the leaving date)")
    transfer_cmd.add_argument("--mentor", help="the ECT's mentor at the new school (participant id)")
    transfer_cmd.set_defaults(func=transfer)
