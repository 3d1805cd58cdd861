"""Time of `cpd-sandbox diff` (read, resolve, compare, render) on two documents of about 250 KB or more.

Our v2 and v3 specs with every `$ref` written out in place (JSON, one-space indent): the same
operations and schemas, but the size real-world generated documents have. Run from the project root:
`.venv/bin/python -m bench.owner_diff`."""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path

import yaml

from sandbox.owner.diff import diff
from sandbox.owner.load import load_document
from sandbox.owner.refs import resolve
from sandbox.owner.report import render
from sandbox.resources import spec_path

RUNS = 5


def _inlined(version: str) -> str:
    spec = resolve(yaml.safe_load(spec_path(version).read_text()))
    spec.pop("components", None)
    spec["components"] = {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}}
    return json.dumps(spec, indent=1)


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        old, new = Path(work, "v2.json"), Path(work, "v3.json")
        old.write_text(_inlined("v2"))
        new.write_text(_inlined("v3"))
        times, changes = [], 0
        for _ in range(RUNS):
            start = time.perf_counter()
            result = diff(load_document(str(old)), load_document(str(new)))
            render(result, "markdown")
            times.append(time.perf_counter() - start)
            changes = len(result.changes)
        sizes = f"old {old.stat().st_size / 1024:.0f} KB, new {new.stat().st_size / 1024:.0f} KB"
        print(f"{sizes}, {changes} changes")
        median, worst = statistics.median(times), max(times)
        print(f"diff + markdown: median {median:.3f} s, max {worst:.3f} s ({RUNS} runs)")


if __name__ == "__main__":
    main()
