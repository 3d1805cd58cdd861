"""A lead provider's journey through the RECT API (/rect/api/v3) against the default world, with its own
token: list and page, sync by `updated_since`, declarations in date order with evidence, void, withdraw,
defer, resume, change schedule, partnerships, schools and statements, travelling in time where a
milestone has not opened. Every answer is checked against our RECT spec.

Where a participant action's rule is being rewritten in training-period terms, only what the old and
new rules agree on is asserted (the status of a valid call). Participants are found the way the README
tells providers to find RECT's seeded scenarios: by their school's URN or their TRN."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from sandbox.app import create_app
from sandbox.seed.rect_scenarios import trn, urn
from tests.conftest import TEST_NOW, bearer, make_state
from tests.support.openapi import validate_exchange

BASE = "/rect/api/v3"


@pytest.fixture(scope="module")
def journey():
    state = make_state()
    provider = next(iter(state.store.lead_providers.values()))
    with TestClient(create_app(state=state), raise_server_exceptions=False) as client:
        yield Journey(client, provider)


class Journey:
    def __init__(self, client: TestClient, provider) -> None:
        self.client, self.provider = client, provider

    def call(self, method: str, path: str, status: int = 200, **kwargs):
        response = self.client.request(method, BASE + path, headers=bearer(self.provider), **kwargs)
        validate_exchange("rect", response)
        assert response.status_code == status, (path, response.text)
        return response.json()

    def pages(self, path: str, per_page: int = 100, **params) -> list[dict]:
        items, number = [], 1
        while True:
            query = {"page[page]": number, "page[per_page]": per_page, **params}
            page = self.call("GET", path, params=query)["data"]
            items += page
            if len(page) < per_page:
                return items
            number += 1

    def participants(self, year: int) -> list[dict]:
        return self.pages("/participants", **{"filter[cohort]": str(year)})

    def at_school(self, school_urn: str, year: int) -> list[dict]:
        return [
            p
            for p in self.participants(year)
            if any(e["school_urn"] == school_urn for e in p["attributes"]["ecf_enrolments"])
        ]

    def with_trn(self, number: str, year: int) -> dict:
        return next(
            p for p in self.participants(year) if p["attributes"]["teacher_reference_number"] == number
        )

    def declare(self, participant_id: str, kind: str, date: str, evidence: str, status: int = 200, **extra):
        attributes = {
            "participant_id": participant_id,
            "declaration_type": kind,
            "declaration_date": date,
            "course_identifier": extra.get("course", "ecf-induction"),
            "evidence_held": evidence,
        }
        body = {"data": {"type": "participant-declaration", "attributes": attributes}}
        return self.call("POST", "/participant-declarations", status, json=body)

    def act(self, participant_id: str, action: str, status: int = 200, **attributes):
        body = {"data": {"type": f"participant-{action}", "attributes": attributes}}
        return self.call("PUT", f"/participants/{participant_id}/{action}", status, json=body)

    def travel(self, instant: str) -> None:
        clock = f"/sandbox/providers/{self.provider.id}/clock"
        response = self.client.put(clock, headers=bearer(self.provider), json={"instant": instant})
        assert response.status_code == 200, response.text


def enrolment(participant: dict, course: str = "ecf-induction") -> dict:
    kind = "ect" if course == "ecf-induction" else "mentor"
    return next(e for e in participant["attributes"]["ecf_enrolments"] if e["participant_type"] == kind)


def test_a_providers_journey_through_rect(journey: Journey) -> None:
    # Lists page to the end; a filter narrows them; 2025 and 2026 people are training.
    everyone = journey.pages("/participants", per_page=25)
    assert len(journey.pages("/participants", per_page=7, **{"filter[cohort]": "2025"})) == len(
        journey.participants(2025)
    )
    assert len({p["id"] for p in everyone}) == len(everyone)
    for year in (2025, 2026):
        people = journey.participants(year)
        assert len(people) >= 10
        assert all(any(e["cohort"] == str(year) for e in p["attributes"]["ecf_enrolments"]) for p in people)
    active = journey.pages("/participants", **{"filter[training_status]": "active", "filter[cohort]": "2025"})
    assert active and len(active) <= len(journey.participants(2025))

    # A full sync, then a poll from its latest stamp, which `>=` keeps in the answer.
    latest = max(p["attributes"]["updated_at"] for p in everyone)
    polled = journey.pages("/participants", **{"filter[updated_since]": latest})
    assert polled and all(p["attributes"]["updated_at"] >= latest for p in polled)

    # A school training in 2025 (RECT scenario): two ECTs and a mentor, no declaration yet.
    school_urn = urn(0, 10, 1)
    trainees = journey.at_school(school_urn, 2025)
    ects = [p for p in trainees if _has(p, "ect")]
    mentor = next(p for p in trainees if _has(p, "mentor"))
    assert len(ects) == 2
    first_ect, second_ect = ects

    # Declarations in date order, each with the evidence its type takes from 2025.
    started = journey.declare(first_ect["id"], "started", "2026-11-02T10:00:00Z", "training-event-attended")
    assert started["data"]["attributes"]["state"] == "eligible"
    journey.declare(first_ect["id"], "retained-1", "2026-11-10T10:00:00Z", "materials-engaged-with-offline")
    retained_2 = journey.declare(
        first_ect["id"], "retained-2", "2026-11-20T10:00:00Z", "75-percent-engagement-met"
    )
    # A later type dated before an earlier one breaks the sequence.
    journey.declare(first_ect["id"], "retained-3", "2026-11-15T10:00:00Z", "training-event-attended", 422)
    listed = journey.pages(
        "/participant-declarations", **{"filter[participant_id]": first_ect["id"], "filter[cohort]": "2025"}
    )
    assert {d["attributes"]["declaration_type"] for d in listed} == {"started", "retained-1", "retained-2"}

    # The started claim sits on the next open 2025 output statement: January 2027's.
    statements = journey.pages("/statements", **{"filter[cohort]": "2025"})
    assert len(statements) == 12
    statement = journey.call("GET", f"/statements/{started['data']['attributes']['statement_id']}")["data"]
    assert (statement["attributes"]["month"], statement["attributes"]["year"]) == ("January", "2027")
    assert journey.pages("/statements", **{"filter[cohort]": "2026"})

    # Void the last claim.
    voided = journey.call("PUT", f"/participant-declarations/{retained_2['data']['id']}/void")
    assert voided["data"]["attributes"]["state"] == "voided"

    # Withdraw the other ECT; the sync from before the change finds them.
    journey.act(
        second_ect["id"], "withdraw", reason="left-teaching-profession", course_identifier="ecf-induction"
    )
    synced = journey.pages(
        "/participants", **{"filter[updated_since]": TEST_NOW.strftime("%Y-%m-%dT00:00:00Z")}
    )
    assert second_ect["id"] in {p["id"] for p in synced}

    # Withdrawn and deferred 2024 ECTs (RECT scenarios) resume.
    for shape in (24, 25):
        person = journey.with_trn(trn(0, shape, 1), 2024)
        resumed = journey.act(person["id"], "resume", course_identifier="ecf-induction")
        assert enrolment(resumed["data"])["training_status"] == "active"

    # Defer the mentor; a day later, resume them.
    journey.act(mentor["id"], "defer", reason="parental-leave", course_identifier="ecf-mentor")
    journey.travel("2026-11-28T12:00:00Z")
    journey.act(mentor["id"], "resume", course_identifier="ecf-mentor")

    # Change a 2025 ECT's schedule (RECT scenario: part time, no claims yet).
    part_time = journey.with_trn(trn(0, 22, 1), 2025)
    assert enrolment(part_time)["working_pattern"] == "part_time"
    changed = journey.act(
        part_time["id"],
        "change-schedule",
        schedule_identifier="ecf-extended-september",
        course_identifier="ecf-induction",
    )
    assert enrolment(changed["data"])["schedule_identifier"] == "ecf-extended-september"

    # Partnerships: the provider's two 2025 partnerships at one school, then a new one and its update.
    partnerships = journey.pages("/partnerships", **{"filter[cohort]": "2025"})
    twice = [p for p in partnerships if p["attributes"]["urn"] == urn(0, 14, 1)]
    assert len(twice) == 2 and len({p["attributes"]["delivery_partner_id"] for p in twice}) == 2
    assert journey.call("GET", f"/partnerships/{twice[0]['id']}")["data"] == twice[0]
    empty = journey.call("GET", "/schools", params={"filter[cohort]": "2024", "filter[urn]": urn(0, 12, 1)})
    school = empty["data"][0]
    partners = [d for d in journey.pages("/delivery-partners") if "2024" in d["attributes"]["cohort"]]
    created = journey.call(
        "POST",
        "/partnerships",
        json={
            "data": {
                "type": "ecf-partnership",
                "attributes": {
                    "cohort": "2024",
                    "school_id": school["id"],
                    "delivery_partner_id": partners[0]["id"],
                },
            }
        },
    )["data"]
    moved = journey.call(
        "PUT",
        f"/partnerships/{created['id']}",
        json={"data": {"type": "ecf-partnership", "attributes": {"delivery_partner_id": partners[1]["id"]}}},
    )["data"]
    assert moved["attributes"]["delivery_partner_id"] == partners[1]["id"]

    # Schools: a scenario school found by URN, then read alone.
    found = journey.call("GET", "/schools", params={"filter[cohort]": "2025", "filter[urn]": school_urn})[
        "data"
    ]
    assert [s["attributes"]["urn"] for s in found] == [school_urn]
    alone = journey.call("GET", f"/schools/{found[0]['id']}", params={"filter[cohort]": "2025"})["data"]
    assert alone == found[0]

    # A 2026 ECT on the January schedule (RECT scenario): `started` opens on 1 January 2027.
    joining = journey.with_trn(trn(0, 20, 1), 2026)
    journey.declare(joining["id"], "started", "2026-11-28T10:00:00Z", "training-event-attended", 422)
    journey.travel("2027-01-06T12:00:00Z")
    first_claim = journey.declare(joining["id"], "started", "2027-01-05T10:00:00Z", "training-event-attended")
    assert first_claim["data"]["attributes"]["state"] == "eligible"


def _has(participant: dict, kind: str) -> bool:
    return any(e["participant_type"] == kind for e in participant["attributes"]["ecf_enrolments"])
