"""`cpd-sandbox verify` against real servers on 127.0.0.1: a deliberately wrong one (each fault is
reported) and our own sandbox (no failures, every contract). Budgets are small: one case per operation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sandbox.app import create_app
from sandbox.cli import main
from sandbox.contracts import SERVED, Contract
from sandbox.owner.load import load_document
from sandbox.owner.serving import serving
from sandbox.owner.verify import known_ids, with_known_ids
from sandbox.resources import spec_path
from tests.conftest import make_state
from tests.owner import wrong_server

BUDGET = ["--max-examples", "1", "--mode", "positive", "--seed", "3"]


@pytest.fixture(scope="module")
def sandbox_url():
    state = make_state(participants=8)  # its own world: the writes sent here touch no other test
    with serving(create_app(state=state)) as origin:
        yield origin, next(iter(state.store.lead_providers.values())).token


@pytest.fixture(scope="module")
def wrong_url():
    with serving(wrong_server.app) as origin:
        yield origin


def test_each_fault_of_a_wrong_server_is_reported_then_baselined(wrong_url, tmp_path: Path, capsys) -> None:
    spec = tmp_path / "wrong.json"
    spec.write_text(json.dumps(wrong_server.SPEC))
    baseline = tmp_path / "baseline.json"
    common = [
        "verify",
        wrong_url,
        "--spec",
        str(spec),
        "--token",
        "t",
        *BUDGET,
        "--phases",
        "examples,fuzzing",
    ]
    common += ["--report-dir", str(tmp_path), "--baseline", str(baseline)]
    code = main([*common, "--update-baseline", "--report", "junit"])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert "FAILED Server error (GET /boom)" in out
    assert "FAILED Response violates schema (GET /items/{id})" in out
    assert "FAILED Undocumented status code (GET /boom, GET /teapot)" in out
    assert out[-1].startswith("4 operations, ") and out[-1].endswith(" failures")
    assert list(tmp_path.glob("junit*.xml"))
    # Recorded as known deviations, the same faults no longer fail the run; a new one would.
    assert main(common) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith(", 0 failures")


def test_real_ids_are_read_from_the_lists_first(sandbox_url) -> None:
    origin, token = sandbox_url
    spec = load_document(str(spec_path("v3"))).data
    ids = known_ids(spec, f"{origin}/api/v3", token)
    assert {"/participants/ecf", "/participant-declarations", "/statements"} <= set(ids)
    assert with_known_ids(spec, ids) >= 10
    withdraw = spec["paths"]["/participants/ecf/{id}/withdraw"]["put"]
    assert any(
        p.get("example") == ids["/participants/ecf"] for p in withdraw["parameters"] if p["in"] == "path"
    )


@pytest.mark.parametrize("contract", SERVED, ids=lambda c: c.name)
def test_the_sandbox_honours_every_contract(sandbox_url, contract: Contract, tmp_path: Path, capsys) -> None:
    origin, token = sandbox_url
    code = main(["verify", f"{origin}{contract.mount}", "--token", token, *BUDGET, "--phases", "fuzzing",
                 "--report-dir", str(tmp_path)])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.splitlines()[-1].endswith(" cases, 0 failures")
