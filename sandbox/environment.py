"""Options of `cpd-sandbox` from environment variables, for containers and CI services.

Every `serve` option (and the world options `tokens` shares) has a `CPD_SANDBOX_*` variable. The
command line wins: a variable is read only for an option the command line left unset, and an
unset or empty variable means the option's default.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


class BadVariable(Exception):
    """A variable holds a value its option cannot take; the message names the variable."""


def whole_number(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None


def port_number(text: str) -> int:
    port = whole_number(text)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number (0-65535): {text!r}")
    return port


def switch(text: str) -> bool:
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"not one of 1/true/yes/on or 0/false/no/off: {text!r}")


def origins(text: str) -> list[str]:
    """Origins separated by commas or spaces: `https://a.example,http://localhost:3000`."""
    return [origin for origin in re.split(r"[,\s]+", text) if origin]


@dataclass(frozen=True)
class EnvOption:
    dest: str
    variable: str
    parse: Callable[[str], Any]
    default: Any


WORLD_OPTIONS = (
    EnvOption("seed", "CPD_SANDBOX_SEED", whole_number, 1),
    EnvOption("participants", "CPD_SANDBOX_PARTICIPANTS", whole_number, 300),
)
SERVE_OPTIONS = (
    EnvOption("host", "CPD_SANDBOX_HOST", str.strip, "127.0.0.1"),
    EnvOption("port", "CPD_SANDBOX_PORT", port_number, 8000),
    EnvOption("log_level", "CPD_SANDBOX_LOG_LEVEL", str.strip, "info"),
    EnvOption("admin_token", "CPD_SANDBOX_ADMIN_TOKEN", str.strip, None),
    # The variable says "no control", as the flag does.
    EnvOption("control", "CPD_SANDBOX_NO_CONTROL", lambda text: not switch(text), True),
    # A number of requests per window; 0 turns the limit off.
    EnvOption("rate_limit", "CPD_SANDBOX_RATE_LIMIT", whole_number, None),
    EnvOption("cors", "CPD_SANDBOX_CORS", origins, []),
    EnvOption("request_log_size", "CPD_SANDBOX_REQUEST_LOG_SIZE", whole_number, 1000),
    # The variable says "no journal", as the flag does.
    EnvOption("journal", "CPD_SANDBOX_NO_JOURNAL", lambda text: not switch(text), True),
)


def variable_for(dest: str) -> str:
    return next(o.variable for o in (*WORLD_OPTIONS, *SERVE_OPTIONS) if o.dest == dest)


def apply_environment(args: argparse.Namespace, environ: Mapping[str, str]) -> None:
    """Fill every option the command line left unset (None) from its variable, else its default."""
    for option in (*WORLD_OPTIONS, *SERVE_OPTIONS):
        if getattr(args, option.dest, "absent") is not None:
            continue
        raw = environ.get(option.variable, "")
        if not raw.strip():
            setattr(args, option.dest, option.default)
            continue
        try:
            setattr(args, option.dest, option.parse(raw))
        except (argparse.ArgumentTypeError, ValueError) as error:
            raise BadVariable(f"{option.variable}: {error}") from None
