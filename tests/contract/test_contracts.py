"""The contracts are data: each description matches its document, and no module outside
`sandbox/contracts` branches on which contract or version it serves. Presenters draw views the
domain built, without the store."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import sandbox
from sandbox.contracts import SERVED, Contract
from sandbox.presenters import declarations, ecf_participants, npq
from tests.support.openapi import document

PACKAGE = Path(sandbox.__file__).parent
CONTRACTS_DIR = PACKAGE / "contracts"
# The spec build names its documents by file stem ("v1", "v2", "v3"): documents, not a branch on a contract.
SPEC_BUILD = PACKAGE / "specs" / "build.py"
IDENTITY_FIELDS = {"name", "api", "version", "mount", "spec", "spec_url"}
NAMES = {c.name for c in SERVED} | {c.version for c in SERVED} | {c.api for c in SERVED}
VERSION_LIKE = re.compile(r"^v\d+$")


def _names_a_contract(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and (node.value in NAMES or bool(VERSION_LIKE.match(node.value)))
    )


def _reads_contract_identity(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute) and node.attr in IDENTITY_FIELDS and "contract" in ast.unparse(node)
    )


def version_checks(source: str) -> list[str]:
    """Every place the code names a contract or version, or compares what a contract is called."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if _names_a_contract(node):
            found.append(f"line {node.lineno}: names {node.value!r}")
        elif isinstance(node, ast.Compare) and any(
            _reads_contract_identity(n) for n in [node.left, *node.comparators]
        ):
            found.append(f"line {node.lineno}: compares {ast.unparse(node)}")
    return found


def modules_outside_the_contracts() -> list[Path]:
    return [p for p in sorted(PACKAGE.rglob("*.py")) if CONTRACTS_DIR not in p.parents and p != SPEC_BUILD]


def test_the_check_sees_version_branches():
    assert version_checks('if ctx.v == "v3":\n    pass') == ["line 1: names 'v3'"]
    assert version_checks('ATTRIBUTES = {"v1": (), "v2": ()}')
    assert version_checks('SHAPE = "manage-teacher-cpd"')
    assert version_checks("if ctx.contract.version in wanted:\n    pass")
    assert version_checks('if ctx.contract.declarations.requires_programme_side:\n    x = "v3 only"') == []


@pytest.mark.parametrize("path", modules_outside_the_contracts(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_outside_the_contracts_branches_on_a_version(path: Path):
    assert version_checks(path.read_text()) == []


PRESENTERS = sorted((PACKAGE / "presenters").glob("*.py"))


def store_uses(source: str) -> list[str]:
    """Imports of the store or state, mentions of a store, and domain imports other than types."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module in ("sandbox.store", "sandbox.state"):
                found.append(f"imports {node.module}")
            elif node.module.startswith("sandbox.domain"):
                found += [f"imports {a.name}" for a in node.names if not a.name[:1].isupper()]
        elif isinstance(node, ast.Import):
            found += [f"imports {a.name}" for a in node.names if a.name.startswith("sandbox.")]
        elif (isinstance(node, ast.Name) and node.id == "store") or (
            isinstance(node, ast.arg) and node.arg == "store"
        ):
            found.append(f"line {node.lineno}: store")
        elif isinstance(node, ast.Attribute) and node.attr == "store":
            found.append(f"line {node.lineno}: .store")
    return found


def test_the_purity_check_sees_store_access():
    assert store_uses("from sandbox.store import Store")
    assert store_uses("from sandbox.domain.applications.reads import eligible_for_funding")
    assert store_uses("def render(store, x):\n    return store.users[x]")
    assert store_uses("def render(view):\n    return view.ctx.store")
    assert store_uses("from sandbox.domain.applications.reads import ApplicationView") == []


@pytest.mark.parametrize("path", PRESENTERS, ids=lambda p: p.name)
def test_presenters_take_views_and_never_the_store(path: Path):
    assert store_uses(path.read_text()) == []


# -- each description against its document ------------------------------------------------------


def _operations(contract: Contract) -> list[tuple[str, str]]:
    paths = document(contract.spec)["paths"]
    return [
        (path, op["operationId"])
        for path, item in paths.items()
        for method, op in item.items()
        if isinstance(op, dict) and "operationId" in op
    ]


@pytest.mark.parametrize("contract", SERVED, ids=lambda c: c.name)
def test_a_contract_names_the_resources_its_document_binds(contract: Contract):
    assert {op.partition(".")[0] for _, op in _operations(contract)} == contract.resources


CSV_COLUMNS = {
    "ecf_participants.participants_csv": lambda c: c.ecf_participants.csv_columns,
    "declarations.declarations_csv": lambda c: c.declarations.csv_columns,
    "npq_applications.applications_csv": lambda c: c.npq_applications.csv_columns,
    "npq_enrolments.enrolments_csv": lambda c: c.npq_participants.enrolments_csv_columns,
}


@pytest.mark.parametrize("contract", SERVED, ids=lambda c: c.name)
def test_a_contract_has_csv_columns_exactly_for_the_csvs_it_serves(contract: Contract):
    served = {op for _, op in _operations(contract) if op in CSV_COLUMNS}
    assert {op for op, columns in CSV_COLUMNS.items() if columns(contract)} == served


@pytest.mark.parametrize("contract", SERVED, ids=lambda c: c.name)
def test_every_field_a_contract_shows_has_a_presenter_entry(contract: Contract):
    ecf = contract.ecf_participants
    unit_table = (
        ecf_participants.PARTICIPANT_FIELDS
        if ecf.unit == "participant"
        else ecf_participants.ENROLMENT_FIELDS
    )
    wanted = [
        (unit_table, ecf.fields),
        (ecf_participants.ENROLMENT_FIELDS, ecf.enrolment_fields),
        (declarations.FIELDS, contract.declarations.fields),
        (npq.APPLICATION_FIELDS, contract.npq_applications.fields),
        (npq.PARTICIPANT_FIELDS, contract.npq_participants.fields),
        (npq.ENROLMENT_FIELDS, contract.npq_participants.enrolment_fields),
        (npq.ENROLMENT_FIELDS, contract.npq_participants.enrolments_csv_columns or ()),
        (npq.OUTCOME_FIELDS, contract.outcomes.fields),
    ]
    for table, fields in wanted:
        assert set(fields) <= set(table)
        assert len(set(fields)) == len(fields)


def test_contracts_are_mounted_apart():
    assert len({c.name for c in SERVED}) == len({c.mount for c in SERVED}) == len(SERVED)
    assert len({c.spec_url for c in SERVED}) == len(SERVED)
