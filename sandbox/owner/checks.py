"""The checks the diff reports, their levels, and the change record itself.

`checks.tsv` holds, for every check id we emit, oasdiff's default level and ours (never lower, a test
holds us to it); see the file's header for where the oasdiff rows come from."""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass
from functools import cache
from importlib import resources

LEVELS = ("info", "warning", "error")


@dataclass(frozen=True)
class Check:
    id: str
    level: str
    oasdiff_level: str
    why: str  # why our level is above oasdiff's, where it is


@dataclass(frozen=True)
class Change:
    id: str
    level: str
    operation: str
    location: str
    text: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@cache
def checks() -> dict[str, Check]:
    text = resources.files("sandbox.owner").joinpath("checks.tsv").read_text()
    rows = csv.DictReader((line for line in text.splitlines() if not line.startswith("#")), delimiter="\t")
    return {row["id"]: Check(row["id"], row["level"], row["oasdiff_level"], row["why"]) for row in rows}


def change(check_id: str, operation: str, location: str, text: str) -> Change:
    return Change(check_id, checks()[check_id].level, operation, location, text)


def rank(level: str) -> int:
    return LEVELS.index(level)
