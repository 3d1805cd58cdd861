"""The ids, names and values README.md quotes of the default world (seed 1, 300 participants) still hold.

The README's NPQ section and its control-API section name records of a freshly started sandbox. Every
quoted value is parsed out of README.md here and checked against a freshly built default world, in the
order the README runs its examples, so that a change to the seed that moves an id fails this test rather
than leaving the README wrong."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from starlette.testclient import TestClient

from sandbox.app import create_app
from sandbox.domain.world.entities import LeadProvider
from sandbox.state import SandboxState
from tests.conftest import bearer, make_state
from tests.support.readme import README

NPQ = "/npq/api/v3"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
ADMIN = "readme-admin"


def _section(title: str) -> str:
    text = README.read_text()
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end]


def _one(pattern: str, text: str) -> re.Match[str]:
    match = re.search(pattern, text, re.DOTALL)
    assert match, f"README.md no longer says /{pattern}/"
    return match


SECTION = _section("The NPQ service's own API at /npq/api/v3")
CONTROL = _section("The control API: testing what DfE does")


@pytest.fixture(scope="module")
def world() -> SandboxState:
    state = make_state(participants=300)
    state.admin_token = ADMIN
    return state


@pytest.fixture(scope="module")
def api(world: SandboxState) -> TestClient:
    with TestClient(create_app(state=world), raise_server_exceptions=False) as test_client:
        yield test_client


def _named(world: SandboxState, name: str) -> LeadProvider:
    return next(p for p in world.store.lead_providers.values() if p.name == name)


class Caller:
    def __init__(self, api: TestClient, token: str) -> None:
        self.api = api
        self.headers = {"Authorization": f"Bearer {token}", "X-With-Server-Date": "2026-11-27T10:00:00Z"}

    def __call__(self, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        response = self.api.request(method, path, headers=self.headers, json=body)
        assert response.status_code == status, (method, path, response.text)
        return response.json()


def _application(caller: Caller, application_id: str) -> dict[str, Any]:
    return caller("GET", f"{NPQ}/npq-applications/{application_id}")["data"]["attributes"]


def _accept(attributes: dict[str, Any]) -> dict[str, Any]:
    return {"data": {"type": "npq-application-accept", "attributes": attributes}}


def _declaration(attributes: dict[str, Any]) -> dict[str, Any]:
    return {"data": {"type": "participant-declaration", "attributes": attributes}}


def test_the_tokens_and_provider_ids_quoted_are_the_default_worlds(world: SandboxState) -> None:
    ambition, teach_first = _named(world, "Ambition Institute"), _named(world, "Teach First")
    assert _one(r"TOKEN=(\w+);", SECTION).group(1) == ambition.token
    assert _one(r'AMBITION=\(-H "Authorization: Bearer (\w+)"\)', CONTROL).group(1) == ambition.token
    assert _one(r'TEACH_FIRST=\(-H "Authorization: Bearer (\w+)"\)', CONTROL).group(1) == teach_first.token
    assert _one(rf'"lead_provider_id": "({UUID})",\s+"full_name"', SECTION).group(1) == ambition.id
    assert _one(rf'/lead-provider \\\s+-d \'{{"lead_provider_id": "({UUID})"', SECTION).group(1) == (
        teach_first.id
    )


def test_the_worked_example_runs_as_the_readme_says(api: TestClient, world: SandboxState) -> None:
    caller = Caller(api, _named(world, "Ambition Institute").token)
    quoted = _one(
        r"# a pending (\S+) application of ([^,]+), (\d{4}) \((\w+) funding\), works_as_senco (\w+)\n"
        rf'curl .*?"\$BASE/npq-applications/({UUID})/accept"',
        SECTION,
    )
    course, name, year, _funding, senco, application_id = quoted.groups()
    pending = _application(caller, application_id)
    assert (pending["status"], pending["course_identifier"]) == ("pending", course)
    assert pending["full_name"] == name
    assert (pending["cohort"], pending["works_as_senco"], pending["funded_place"]) == (year, senco, None)

    refused = _one(r"# 422 (\{\"errors\":\[\{\"title\":\"funded_place\".*?\}\]\})\n", SECTION).group(1)
    without = _accept({"schedule_identifier": "npq-specialist-autumn"})
    assert caller("POST", f"{NPQ}/npq-applications/{application_id}/accept", without, 422) == _json(refused)
    funded = _accept({"funded_place": True})
    accepted = caller("POST", f"{NPQ}/npq-applications/{application_id}/accept", funded)
    assert accepted["data"]["attributes"]["status"] == "accepted"

    partner = _one(rf"# ([A-Z][\w ]+?) ({UUID}), \"cohort\": \[([\d, ]+)\]", SECTION)
    partner_name, partner_id, cohorts = partner.groups()
    listed = caller("GET", f"{NPQ}/delivery-partners?filter[cohort]={year}&page[per_page]=100")["data"]
    found = next(p for p in listed if p["id"] == partner_id)["attributes"]
    assert found["name"] == partner_name
    assert found["cohort"] == [int(c) for c in cohorts.split(",")]

    participant = _one(rf'"participant_id":"({UUID})","declaration_type":"started"', SECTION).group(1)
    assert participant == pending["participant_id"]
    missing = _one(r"# 422 (\{\"errors\":\[\{\"title\":\"delivery_partner_id\".*?\}\]\})\n", SECTION).group(1)
    attributes = {
        "participant_id": participant,
        "declaration_type": "started",
        "declaration_date": "2026-11-20T09:00:00Z",
        "course_identifier": course,
    }
    assert caller("POST", f"{NPQ}/participant-declarations", _declaration(attributes), 422) == _json(missing)
    assert _one(rf'With `"delivery_partner_id":"({UUID})"` added', SECTION).group(1) == partner_id
    with_partner = _declaration({**attributes, "delivery_partner_id": partner_id})
    made = caller("POST", f"{NPQ}/participant-declarations", with_partner)["data"]["attributes"]
    assert (made["state"], made["delivery_partner_name"], made["application_id"]) == (
        "eligible",
        partner_name,
        application_id,
    )


def test_the_suffixed_cohort_example_runs_as_the_readme_says(api: TestClient, world: SandboxState) -> None:
    caller = Caller(api, _named(world, "Ambition Institute").token)
    quoted = _one(r"on the same day, ([^']+)'s pending (\d{4})(\w) \w+ application", SECTION)
    name, year, suffix = quoted.groups()
    application_id = _one(
        rf'```sh\ncurl "\$\{{H\[@\]\}}" -X POST "\$BASE/npq-applications/({UUID})/accept"', SECTION
    )
    application = _application(caller, application_id.group(1))
    assert (application["full_name"], application["status"]) == (name, "pending")
    assert (application["cohort"], application["cohort_suffix"]) == (year, suffix)
    shown = _one(
        r'# 200: "cohort": "(\d+)", "cohort_suffix": "(\w)", "schedule_identifier": "([\w-]+)"', SECTION
    )
    accepted = caller(
        "POST", f"{NPQ}/npq-applications/{application_id.group(1)}/accept", _accept({"funded_place": True})
    )["data"]["attributes"]
    assert (accepted["cohort"], accepted["cohort_suffix"], accepted["schedule_identifier"]) == shown.groups()

    participant = _one(
        rf'"participant_id":"({UUID})","declaration_type":"started",\s+"declaration_date":"[^"]+",'
        r'"course_identifier":"npq-senco",\s+"delivery_partner_id"',
        SECTION,
    ).group(1)
    assert participant == application["participant_id"]
    partner_id = _one(rf'"delivery_partner_id":"({UUID})"\}}\}}\}}\'\n# 200: "state"', SECTION).group(1)
    declaration = _declaration(
        {
            "participant_id": participant,
            "declaration_type": "started",
            "declaration_date": "2026-11-20T09:00:00Z",
            "course_identifier": "npq-senco",
            "delivery_partner_id": partner_id,
        }
    )
    made = caller("POST", f"{NPQ}/participant-declarations", declaration)["data"]["attributes"]
    state, cohort, month_year = _one(
        r'# 200: "state": "(\w+)", on the provider\'s (\w+) statement for (\w+ \d{4})', SECTION
    ).groups()
    assert made["state"] == state
    statement = caller("GET", f"{NPQ}/statements/{made['statement_id']}")["data"]["attributes"]
    assert f"{statement['month']} {statement['year']}" == month_year
    held = world.store.statements[made["statement_id"]]
    assert f"{held.cohort}{held.cohort_suffix}" == cohort == f"{year}{suffix}"


def test_merged_ids_answer_410_naming_the_id_they_went_into(api: TestClient, world: SandboxState) -> None:
    caller = Caller(api, _named(world, "Ambition Institute").token)
    worked = rf"GET \$BASE/participants/npq/({UUID})`\n\(an id merged into `([0-9a-f]{{8}})-\.\.\.`\)"
    pairs = [_one(worked, SECTION).groups()]
    pairs += [(old, new[:8]) for new, old in re.findall(rf"`({UUID})`\s+\(old id\s+`({UUID})`\)", SECTION)]
    assert len(pairs) == 3
    for old, new_prefix in pairs:
        (gone,) = caller("GET", f"{NPQ}/participants/npq/{old}", status=410)["errors"]
        assert any(
            change["from_participant_id"] == old and change["to_participant_id"].startswith(new_prefix)
            for change in gone["participant_id_changes"]
        )


def test_the_transferred_application_is_seen_but_not_voidable(api: TestClient, world: SandboxState) -> None:
    caller = Caller(api, _named(world, "Ambition Institute").token)
    application_id = _one(rf"from Teach First to Ambition Institute \(`({UUID})`\)", SECTION).group(1)
    application = _application(caller, application_id)
    assert application["status"] == "accepted"
    declarations = caller(
        "GET", f"{NPQ}/participant-declarations?filter[participant_id]={application['participant_id']}"
    )["data"]
    earlier = [d for d in declarations if d["attributes"]["lead_provider_name"] == "Teach First"]
    assert earlier
    refused = caller("PUT", f"{NPQ}/participant-declarations/{earlier[0]['id']}/void", status=403)
    assert "Cannot modify declaration" in str(refused)


def test_the_control_examples_act_on_the_application_the_readme_names(
    api: TestClient, world: SandboxState
) -> None:
    caller = Caller(api, _named(world, "Ambition Institute").token)
    application_id = _one(rf"/npq-applications/({UUID})/revert-to-pending", SECTION).group(1)
    _one(r"Ambition Institute's (\d{4}) headship application that was rejected after acceptance", SECTION)
    application = _application(caller, application_id)
    assert (application["course_identifier"], application["cohort"]) == ("npq-headship", "2024")
    assert (application["status"], application["schedule_identifier"] is not None) == ("rejected", True)
    admin = Caller(api, ADMIN)
    admin("POST", f"/sandbox/events/npq-applications/{application_id}/revert-to-pending")
    admin("PUT", f"/sandbox/events/npq-applications/{application_id}/cohort", {"cohort": "2025b"})
    assert _application(caller, application_id)["cohort_suffix"] == "b"


def test_the_control_sections_statement_is_that_of_the_first_submitted_2024_declaration(
    api: TestClient, world: SandboxState
) -> None:
    ambition = _named(world, "Ambition Institute")
    statement_id = _one(rf"\(`STATEMENT` is\s+`({UUID})`", CONTROL).group(1)
    declarations = api.get(
        "/api/v3/participant-declarations?filter[cohort]=2024", headers=bearer(ambition)
    ).json()["data"]
    first = next(d for d in declarations if d["attributes"]["state"] == "submitted")
    statements = api.get("/api/v3/statements?filter[cohort]=2024&filter[type]=ecf", headers=bearer(ambition))
    january = next(
        s
        for s in statements.json()["data"]
        if (s["attributes"]["month"], s["attributes"]["year"]) == ("January", "2027")
    )
    assert january["id"] == statement_id
    # Made eligible as the README's next event does, the declaration lands on that statement.
    Caller(api, ADMIN)(
        "POST", "/sandbox/events/declaration-eligibility", {"eligible": True, "declaration_id": first["id"]}
    )
    made = api.get(f"/api/v3/participant-declarations/{first['id']}", headers=bearer(ambition)).json()["data"]
    assert (made["attributes"]["state"], made["attributes"]["statement_id"]) == ("eligible", statement_id)


def _json(text: str) -> Any:
    return json.loads(text)
