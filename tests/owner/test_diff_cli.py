"""`cpd-sandbox diff` from the command line: formats, exit codes for CI, and refusals."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import yaml

from sandbox.cli import main
from tests.owner.documents import base, participant


@pytest.fixture()
def pair(tmp_path: Path) -> tuple[str, str]:
    old, new = base(), base()
    del participant(new)["properties"]["cohort"]  # warning, twice (two operations return it)
    (tmp_path / "old.yaml").write_text(yaml.safe_dump(old))
    (tmp_path / "new.json").write_text(json.dumps(new))
    return str(tmp_path / "old.yaml"), str(tmp_path / "new.json")


def test_json_lists_every_change_with_its_id_level_and_place(pair, capsys) -> None:
    assert main(["diff", *pair, "--format", "json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["changes"] == [
        {
            "id": "response-optional-property-removed",
            "level": "warning",
            "operation": "GET /participants/ecf",
            "location": "response 200: []/cohort",
            "text": "response 200: optional property []/cohort removed",
        },
        {
            "id": "response-optional-property-removed",
            "level": "warning",
            "operation": "PUT /participants/ecf/{id}/withdraw",
            "location": "response 200: cohort",
            "text": "response 200: optional property cohort removed",
        },
    ]
    assert body["lenient"] == {"old": [], "new": []}


@pytest.mark.parametrize(("fail_on", "code"), [(None, 0), ("error", 0), ("warning", 1)])
def test_fail_on_sets_the_exit_code(pair, capsys, fail_on: str | None, code: int) -> None:
    options = ["--fail-on", fail_on] if fail_on else []
    assert main(["diff", *pair, *options]) == code
    assert capsys.readouterr().out.splitlines()[-1] == "2 changes (0 error, 2 warning, 0 info)"


def test_markdown_groups_by_operation_under_its_level(pair, capsys) -> None:
    main(["diff", *pair, "--format", "markdown"])
    text = capsys.readouterr().out
    assert "## Changes that may break clients (2)" in text
    assert "### `GET /participants/ecf`" in text
    assert (
        "- response 200: optional property []/cohort removed (`response-optional-property-removed`)" in text
    )


def test_junit_fails_the_operations_at_the_chosen_level(pair, tmp_path, capsys) -> None:
    report = tmp_path / "diff.xml"
    assert main(["diff", *pair, "--format", "junit", "--fail-on", "warning", "-o", str(report)]) == 1
    suite = ET.parse(report).getroot()
    assert (suite.get("tests"), suite.get("failures")) == ("2", "2")
    assert capsys.readouterr().out == ""


def test_an_unreadable_document_exits_2(tmp_path, capsys) -> None:
    assert main(["diff", str(tmp_path / "absent.yaml"), str(tmp_path / "absent.yaml")]) == 2
    assert "cannot read" in capsys.readouterr().err
