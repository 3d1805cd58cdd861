"""A diff as text (a terminal), markdown (release notes), JSON (machines) or JUnit XML (CI)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from xml.etree import ElementTree as ET

from sandbox.owner.checks import LEVELS, Change, rank
from sandbox.owner.diff import Diff

FORMATS = ("text", "markdown", "json", "junit")
_TITLES = {"error": "Breaking changes", "warning": "Changes that may break clients", "info": "Other changes"}


def summary(result: Diff) -> str:
    counts = Counter(change.level for change in result.changes)
    parts = ", ".join(f"{counts[level]} {level}" for level in reversed(LEVELS))
    return f"{len(result.changes)} changes ({parts})"


def _lenient(result: Diff) -> list[str]:
    return [
        f"{doc.source}: read leniently: {note}" for doc in (result.old, result.new) for note in doc.lenient
    ]


def text(result: Diff) -> str:
    lines = [f"{c.level:<7} {c.operation}: {c.text}  [{c.id}]" for c in result.changes]
    return "\n".join([*_lenient(result), *lines, summary(result)]) + "\n"


def _by_operation(changes: list[Change]) -> dict[str, list[Change]]:
    grouped: dict[str, list[Change]] = defaultdict(list)
    for change in changes:
        grouped[change.operation].append(change)
    return grouped


def markdown(result: Diff) -> str:
    """Release-note style: one section per level, most breaking first, grouped by operation."""
    out = [f"# Changes from `{result.old.source}` to `{result.new.source}`", "", summary(result) + ".", ""]
    for level in reversed(LEVELS):
        changes = [c for c in result.changes if c.level == level]
        if not changes:
            continue
        out += [f"## {_TITLES[level]} ({len(changes)})", ""]
        for operation, items in _by_operation(changes).items():
            out.append(f"### `{operation}`")
            out += [f"- {c.text} (`{c.id}`)" for c in items]
            out.append("")
    notes = _lenient(result)
    if notes:
        out += ["## Read leniently", "", *[f"- {note}" for note in notes], ""]
    return "\n".join(out)


def as_json(result: Diff) -> str:
    body = {
        "changes": [c.as_dict() for c in result.changes],
        "lenient": {"old": result.old.lenient, "new": result.new.lenient},
    }
    return json.dumps(body, indent=2) + "\n"


def junit(result: Diff, fail_on: str = "error") -> str:
    """One test case per operation; each change at `fail_on` or above is a failure of it."""
    suite = ET.Element("testsuite", name="cpd-sandbox diff", tests="0", failures="0")
    grouped = _by_operation(result.changes)
    failures = 0
    for operation, items in grouped.items():
        case = ET.SubElement(suite, "testcase", classname="diff", name=operation)
        for change in items:
            if rank(change.level) >= rank(fail_on):
                failures += 1
                failure = ET.SubElement(case, "failure", type=change.id, message=change.text)
                failure.text = f"{change.level}: {change.location}"
        others = [f"{c.level} {c.id}: {c.text}" for c in items if rank(c.level) < rank(fail_on)]
        if others:
            ET.SubElement(case, "system-out").text = "\n".join(others)
    suite.set("tests", str(len(grouped)))
    suite.set("failures", str(failures))
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"


def render(result: Diff, form: str, fail_on: str | None = None) -> str:
    if form == "junit":
        return junit(result, fail_on or "error")
    return {"text": text, "markdown": markdown, "json": as_json}[form](result)
