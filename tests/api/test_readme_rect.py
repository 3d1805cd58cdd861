"""The README's RECT worked example, run against a fresh default world (seed 1, 300 participants): every
id and value it quotes is read from README.md, so the test fails when the world's draws move them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from sandbox.app import create_app
from sandbox.state import SandboxState
from tests.support.openapi import validate_exchange

README = Path(__file__).resolve().parents[2] / "README.md"
BASE = "/rect/api/v3"
PAIR = re.compile(r'"(\w+)":("[^"]*"|true|false|null)')
ROLES = {"ECT": "ect", "mentor": "mentor"}


@pytest.fixture(scope="module")
def example() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("**Worked example**")
    return text[start : text.index("### RECT's seeded scenarios", start)]


@pytest.fixture(scope="module")
def api() -> TestClient:
    state = SandboxState()  # what `cpd-sandbox serve` starts with
    with TestClient(create_app(state=state)) as client:
        yield client


def headers(example: str) -> dict[str, str]:
    token = re.search(r"^TOKEN=(\w+)$", example, re.M).group(1)
    server_date = re.search(r"'X-With-Server-Date: ([^']+)'", example).group(1)
    return {"Authorization": f"Bearer {token}", "X-With-Server-Date": server_date}


def quoted_after(example: str, marker: str) -> list[str]:
    """The `"key":value` pairs the comment lines after `marker` quote, up to the next command."""
    lines = example[example.index(marker) :].splitlines()[1:]
    pairs: list[str] = []
    for line in lines:
        if not line.startswith("#"):
            if pairs:
                break
            continue
        pairs += [f'"{key}":{value}' for key, value in PAIR.findall(line)]
    return pairs


def test_the_worked_example_answers_what_the_readme_quotes(example: str, api: TestClient) -> None:
    sent = headers(example)
    school = api.get(
        f"{BASE}/schools", params={"filter[cohort]": "2025", "filter[urn]": "150101"}, headers=sent
    )
    validate_exchange("rect", school)
    quoted = quoted_after(example, "filter[urn]=150101'")
    assert len(quoted) >= 5
    for pair in quoted:
        assert pair in school.text, pair

    listed = api.get(
        f"{BASE}/participants", params={"filter[cohort]": "2025", "page[per_page]": "3000"}, headers=sent
    )
    validate_exchange("rect", listed)
    at_school = [
        (person["id"], person["attributes"]["full_name"], enrolment)
        for person in listed.json()["data"]
        for enrolment in person["attributes"]["ecf_enrolments"]
        if enrolment["school_urn"] == "150101"
    ]
    people = re.findall(r'^# (\["[^\]]+\])\s+(.*)$', example, re.M)
    assert [json.loads(pair) for pair, _ in people] == [[pid, name] for pid, name, _ in at_school]
    for (_, note), (_, _, enrolment) in zip(people, at_school, strict=True):
        assert enrolment["participant_type"] == ROLES[note.split(",")[0]], note
        if "part time" in note or "full time" in note:
            assert enrolment["working_pattern"] == ("part_time" if "part time" in note else "full_time")
        if "induction from" in note:
            assert enrolment["overall_induction_start_date"] == note.rsplit(" ", 1)[1]

    body = example[example.index("-d '") + 4 : example.index("}}}'") + 3]
    posted = api.post(f"{BASE}/participant-declarations", headers=sent, json=json.loads(body))
    validate_exchange("rect", posted)
    assert posted.status_code == 200, posted.text
    assert re.search(r"^# 200 ", example, re.M)
    quoted = quoted_after(example, "training-event-attended\"}}}'")
    assert len(quoted) >= 5
    for pair in quoted:
        assert pair in posted.text, pair

    statement_id = posted.json()["data"]["attributes"]["statement_id"]
    statement = api.get(f"{BASE}/statements/{statement_id}", headers=sent)
    month, year = re.search(r"The statement is (\w+) (\d{4})'s", README.read_text(encoding="utf-8")).groups()
    attributes = statement.json()["data"]["attributes"]
    assert (attributes["month"], attributes["year"]) == (month, year)
