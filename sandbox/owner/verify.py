"""`cpd-sandbox verify`: does a running server honour a spec? Schemathesis does the checking; this module
gives it what the sandbox knows about the API: real ids read from the lists first (so `{id}` operations
reach existing records), a 422 business refusal counted as a valid answer, and settings of its own
(a `schemathesis.toml` in the caller's directory is never read)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sandbox.owner.load import load_document
from sandbox.owner.operations import METHODS
from sandbox.owner.refs import pointer

PHASES = ("examples", "coverage", "fuzzing", "stateful")
# A well-formed request may be refused by a business rule (422), throttled (429), or name a record of
# another provider (403/404): each is the contract's own answer, not a failure to accept valid data.
CONFIG = """\
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "401", "403", "404", "409", "422", "429"]
"""


@dataclass
class Options:
    base_url: str
    spec: str
    token: str
    max_examples: int = 10
    seed: int = 1
    mode: str = "all"  # Schemathesis' data generation: positive, negative or all
    phases: tuple[str, ...] = PHASES
    reports: tuple[str, ...] = ()
    report_dir: str = "verify-report"
    baseline: str | None = None
    update_baseline: bool = False
    rate_limit: str | None = None
    reads_only: bool = False
    timeout: float = 600.0


@dataclass
class Summary:
    operations: int
    cases: int
    failures: list[dict[str, Any]] = field(default_factory=list)
    exit_code: int = 0
    complete: bool = True

    def line(self) -> str:
        return f"{self.operations} operations, {self.cases} cases, {len(self.failures)} failures"


def _get(url: str, token: str) -> Any:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}", "Accept": "*/*"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - a URL the user gave
            return json.loads(response.read())
    except (OSError, ValueError):
        return None


def _list_path(path: str) -> str:
    """`/participants/ecf/{id}/withdraw` -> `/participants/ecf`: the list that holds the record."""
    return path.split("{", 1)[0].rstrip("/")


def known_ids(spec: dict[str, Any], base_url: str, token: str) -> dict[str, str]:
    """The first record id of every list the first path parameter of some operation points into."""
    wanted = {_list_path(path) for path in spec.get("paths", {}) if "{" in path}
    found: dict[str, str] = {}
    for path in sorted(wanted):
        if "get" not in (spec["paths"].get(path) or {}):
            continue
        body = _get(base_url.rstrip("/") + path, token)
        records = body.get("data") if isinstance(body, dict) else None
        if isinstance(records, list) and records and isinstance(records[0], dict) and "id" in records[0]:
            found[path] = str(records[0]["id"])
    return found


def with_known_ids(spec: dict[str, Any], ids: dict[str, str]) -> int:
    """Give the first path parameter of each operation a real id as its example; count the operations."""
    seeded = 0
    for path, item in spec.get("paths", {}).items():
        record = ids.get(_list_path(path)) if "{" in path else None
        if not record or not isinstance(item, dict):
            continue
        name = path.split("{", 1)[1].split("}", 1)[0]
        for method in METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            listed = operation.setdefault("parameters", [])
            for index, parameter in enumerate([*listed, *(item.get("parameters") or [])]):
                parameter = _deref(spec, parameter)
                if parameter.get("in") == "path" and parameter.get("name") == name:
                    # A copy on the operation: a shared component parameter keeps no example of ours.
                    seeded_copy = {**parameter, "example": record}
                    if index < len(listed):
                        listed[index] = seeded_copy
                    else:
                        listed.append(seeded_copy)
                    seeded += 1
                    break
    return seeded


def _deref(spec: dict[str, Any], node: Any) -> dict[str, Any]:
    ref = node.get("$ref") if isinstance(node, dict) else None
    if isinstance(ref, str) and ref.startswith("#/"):
        try:
            return _deref(spec, pointer(spec, ref))
        except KeyError:
            return {}
    return node if isinstance(node, dict) else {}


def command(options: Options, spec_file: Path, config: Path, json_report: Path) -> list[str]:
    args = [
        sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "--no-color", "run",
        str(spec_file), "--url", options.base_url,
        "--header", f"Authorization: Bearer {options.token}",
        "--phases", ",".join(options.phases), "--max-examples", str(options.max_examples),
        "--seed", str(options.seed), "--mode", options.mode, "--workers", "1",
        "--report", ",".join(dict.fromkeys(["json", *options.reports])),
        "--report-dir", options.report_dir, "--report-json-path", str(json_report),
        "--checks", "all", "--exclude-checks", "use_after_free",
    ]  # fmt: skip
    if options.reads_only:
        args += ["--include-method", "GET"]
    if options.rate_limit:
        args += ["--rate-limit", options.rate_limit]
    if options.baseline:
        args += ["--baseline", options.baseline]
        if options.update_baseline:
            args.append("--baseline-update")
    return args


def verify(options: Options, echo: Any = None) -> Summary:
    document = load_document(options.spec)
    spec = document.data
    with_known_ids(spec, known_ids(spec, options.base_url, options.token))
    with tempfile.TemporaryDirectory(prefix="cpd-verify-") as work:
        folder = Path(work)
        spec_file, config, report = folder / "spec.json", folder / "schemathesis.toml", folder / "run.json"
        spec_file.write_text(json.dumps(spec))
        config.write_text(CONFIG)
        try:
            done = subprocess.run(
                command(options, spec_file, config, report),
                cwd=folder, capture_output=True, text=True, timeout=options.timeout, check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            return Summary(0, 0, [{"title": f"stopped after {options.timeout:.0f} s"}], 1, complete=False)
        if echo:
            echo(done.stdout)
        if not report.exists():
            detail = (done.stderr or done.stdout).strip().splitlines()[-5:]
            return Summary(0, 0, [{"title": "Schemathesis did not run", "detail": detail}], 2, complete=False)
        run = json.loads(report.read_text())
    return Summary(
        operations=run["operations"]["tested"],
        cases=run["test_cases"]["generated"],
        failures=run.get("failures", []),
        exit_code=done.returncode,
        complete=run.get("complete", True),
    )
