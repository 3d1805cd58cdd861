"""`cpd-sandbox parity`: replay one provider journey through two contracts (two base paths of one
server, or two servers) and say, per request, whether status and body agree. Fields are lined up by a
small mapping file; records by id. The report depends only on the two servers' answers, so for the
in-process sandbox (a seeded world at a fixed instant) it is the same on every run."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

MAPPINGS = {"v2-v3": "parity-v2-v3.yaml", "v3-npq": "parity-v3-npq.yaml", "v3-rect": "parity-v3-rect.yaml"}
DEFAULT_AT = "2026-11-27T12:00:00+00:00"  # the in-process world's fixed instant


@dataclass
class Mapping:
    left: str
    right: str
    requests: list[dict[str, Any]]
    fields: dict[str, str] = field(default_factory=dict)
    ignore: list[str] = field(default_factory=list)
    # Fields both sides show but derive by different rules (named by their last path segment): neither
    # compared nor reported as shown by one side only.
    derived_otherwise: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    name: str
    left_status: int
    right_status: int
    records: int
    differing: list[str]
    missing: list[str]  # ids only one side returned

    @property
    def agrees(self) -> bool:
        return self.left_status == self.right_status and not self.differing and not self.missing


@dataclass
class Report:
    left: str
    right: str
    outcomes: list[Outcome]
    differing: Counter[str]
    only_left: set[str]
    only_right: set[str]

    @property
    def rate(self) -> float:
        return sum(o.agrees for o in self.outcomes) / len(self.outcomes) if self.outcomes else 1.0


def load_mapping(name_or_path: str) -> Mapping:
    if name_or_path in MAPPINGS:
        text = resources.files("sandbox.owner").joinpath(MAPPINGS[name_or_path]).read_text()
    else:
        text = Path(name_or_path).read_text()
    data = yaml.safe_load(text)
    return Mapping(
        data["left"],
        data["right"],
        data["requests"],
        data.get("fields") or {},
        data.get("ignore") or [],
        data.get("derived_otherwise") or [],
    )


def fetch(url: str, token: str, headers: dict[str, str]) -> tuple[int, Any]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}", **headers})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - a URL the user gave
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        return status, json.loads(raw or b"null")
    except ValueError:
        return status, raw.decode(errors="replace")


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}{key}/"))
        return out or {prefix.rstrip("/"): {}}
    if isinstance(value, list) and value:
        out = {}
        for index, item in enumerate(value):
            out.update(flatten(item, f"{prefix}{index}/"))
        return out
    return {prefix.rstrip("/"): value}


def _records(body: Any) -> dict[str, dict[str, Any]]:
    data = body.get("data") if isinstance(body, dict) else None
    items = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
    return {
        str(item.get("id")): flatten(item.get("attributes") or {}) for item in items if isinstance(item, dict)
    }


def compare_records(
    left: dict[str, Any], right: dict[str, Any], mapping: Mapping, report: Report
) -> list[str]:
    """Fields whose values differ between two views of one record (left names)."""
    differing: list[str] = []
    used: set[str] = set()
    for key, value in left.items():
        if key.split("/", 1)[0] in mapping.ignore:
            continue
        target = mapping.fields.get(key, key)
        if target not in right:  # a mapping names where one resource moved a field; others keep it
            target = key
        if key.rsplit("/", 1)[-1] in mapping.derived_otherwise:
            used.add(target)
            continue
        if target not in right:
            report.only_left.add(key)
            continue
        used.add(target)
        if right[target] != value:
            differing.append(key)
    for key in right:
        if key not in used and key.split("/", 1)[0] not in mapping.ignore:
            report.only_right.add(key)
    return differing


def run(
    mapping: Mapping, origin: str, token: str, headers: dict[str, str], label: str | None = None
) -> Report:
    """Replay the journey on `origin` (the server holding both base paths); `label` names it in the
    report instead of its URL (an in-process server's port changes from run to run)."""
    left_base, right_base = origin + mapping.left, origin + mapping.right
    name = label if label is not None else origin
    report = Report(name + mapping.left, name + mapping.right, [], Counter(), set(), set())
    first_ids: dict[str, str] = {}
    for step in mapping.requests:
        # `right_path`: the right contract's path where it differs (RECT dropped `/ecf`, say).
        path, right_path = step["path"], step.get("right_path", step["path"])
        if "{id}" in path:
            if step.get("id_from") not in first_ids:
                continue  # the list it reads from was empty: nothing to ask for
            path = path.replace("{id}", first_ids[step["id_from"]])
            right_path = right_path.replace("{id}", first_ids[step["id_from"]])
        left_status, left_body = fetch(left_base + path, token, headers)
        right_status, right_body = fetch(right_base + right_path, token, headers)
        left, right = _records(left_body), _records(right_body)
        if left:
            first_ids[step["name"]] = next(iter(left))
        differing: set[str] = set()
        for record_id in left.keys() & right.keys():
            differing.update(compare_records(left[record_id], right[record_id], mapping, report))
        report.differing.update(differing)
        missing = sorted(left.keys() ^ right.keys())
        report.outcomes.append(
            Outcome(step["name"], left_status, right_status, len(left), sorted(differing), missing)
        )
    return report


def text(report: Report) -> str:
    lines = [f"parity: {report.left} vs {report.right}"]
    width = max((len(o.name) for o in report.outcomes), default=0)
    for o in report.outcomes:
        detail = f"{o.left_status}/{o.right_status}  records: {o.records}"
        if o.differing:
            detail += f"  differ: {', '.join(o.differing)}"
        if o.missing:
            detail += f"  ids on one side only: {len(o.missing)}"
        lines.append(f"{'agree ' if o.agrees else 'DIFFER'}  {o.name.ljust(width)}  {detail}")
    agreeing = sum(o.agrees for o in report.outcomes)
    lines.append(f"{agreeing}/{len(report.outcomes)} requests agree ({report.rate:.0%})")
    if report.differing:
        counts = ", ".join(f"{name} ({n})" for name, n in sorted(report.differing.items()))
        lines.append(f"fields that differ (requests): {counts}")
    for side, names in ((report.left, report.only_left), (report.right, report.only_right)):
        if names:
            lines.append(f"only in {side} (not compared): {', '.join(sorted(names))}")
    return "\n".join(lines) + "\n"


def as_json(report: Report) -> str:
    body = {
        "left": report.left,
        "right": report.right,
        "match_rate": round(report.rate, 4),
        "requests": [
            {
                "name": o.name,
                "status": [o.left_status, o.right_status],
                "records": o.records,
                "agree": o.agrees,
                "differing_fields": o.differing,
                "ids_on_one_side": o.missing,
            }
            for o in report.outcomes
        ],
        "differing_fields": dict(sorted(report.differing.items())),
        "only_left": sorted(report.only_left),
        "only_right": sorted(report.only_right),
    }
    return json.dumps(body, indent=2) + "\n"
