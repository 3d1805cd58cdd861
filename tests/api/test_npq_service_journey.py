"""A provider's NPQ journey through the NPQ service's API (/npq/api/v3) against the default world, with
the provider's own token only: applications by filters and pages, accepting in every funding kind the
world holds (full; capped with and without a funded place; the unfunded 2026a), rejecting, declarations
with delivery partners, changing the delivery partner, voiding, outcomes, deferring, resuming, changing
schedule (into the suffixed 2025b, and refused from 2026a into 2026b), withdrawing, statements and
delivery partners. Every exchange is validated against our NPQ document.

What the test picks it reads from the API; the store is only looked at to choose a provider whose
pending applications hold every funding kind (2026a: Best Practice Network or LLSE)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from sandbox.app import create_app
from sandbox.domain.applications.npq_cohorts import cohort_funding, cohort_of
from sandbox.domain.world.entities import LeadProvider
from sandbox.domain.world.reference import cohort_key, load
from sandbox.state import SandboxState
from tests.conftest import TEST_NOW, bearer, make_state
from tests.support.openapi import validate_exchange

NPQ = "/npq/api/v3"
REFERENCE = load()
SUPPORT = ("npq-additional-support-offer", "npq-early-headship-coaching-offer")


class Journey:
    def __init__(self, client: TestClient, provider: LeadProvider) -> None:
        self.client, self.provider = client, provider

    def call(self, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        response = self.client.request(method, NPQ + path, headers=bearer(self.provider), json=body)
        validate_exchange("npq-v3", response)
        assert response.status_code == status, response.text
        assert response.headers["content-type"] == "application/json"
        return response.json()

    def every(self, path: str) -> list[dict[str, Any]]:
        joiner = "&" if "?" in path else "?"
        return self.call("GET", f"{path}{joiner}page[per_page]=3000")["data"]


def _funding(application: dict[str, Any]) -> str:
    attributes = application["attributes"]
    return cohort_funding(
        REFERENCE, cohort_key(int(attributes["cohort"]), attributes["cohort_suffix"] or "a")
    )


UNFUNDED_TO_FUNDED = (
    "You cannot change the '#/cohort' field from one that is not funded to with that is funded"  # sic
)
# Every funding kind an accept meets in the seeded world: a fully funded cohort, a capped one with and
# without a funded place, and the unfunded 2026a.
KINDS = ("full", "capped-funded", "capped-unfunded", "zero")


def _kind(funding: str, eligible: bool) -> set[str]:
    if funding == "capped":
        return {"capped-funded", "capped-unfunded"} if eligible else {"capped-unfunded"}
    return {funding}


def _pick_provider(state: SandboxState) -> LeadProvider:
    """The first provider by name whose pending applications hold every funding kind (2026a is offered by
    two providers only)."""

    def kinds(provider: LeadProvider) -> set[str]:
        return {
            kind
            for a in state.store.npq_applications.values()
            if a.lead_provider_id == provider.id
            and a.status == "pending"
            and a.course_identifier not in SUPPORT
            for kind in _kind(cohort_funding(REFERENCE, cohort_of(a)), a.eligible_for_funding)
        }

    providers = sorted((p for p in state.store.lead_providers.values() if p.has_npq), key=lambda p: p.name)
    return next(p for p in providers if kinds(p) == set(KINDS))


def _body(kind: str, **attributes: Any) -> dict[str, Any]:
    return {"data": {"type": kind, "attributes": attributes}}


@pytest.fixture(scope="module")
def journey() -> Journey:
    state = make_state()
    client = TestClient(create_app(state=state), raise_server_exceptions=False)
    return Journey(client, _pick_provider(state))


def test_applications_by_filters_and_pages(journey: Journey) -> None:
    everything = journey.every("/npq-applications")
    assert everything
    first = journey.call("GET", "/npq-applications?page[per_page]=2&page[page]=1")["data"]
    second = journey.call("GET", "/npq-applications?page[per_page]=2&page[page]=2")["data"]
    assert [a["id"] for a in first + second] == [a["id"] for a in everything[:4]]
    assert journey.call("GET", "/npq-applications?page[page]=999")["data"] == []
    cohort = everything[0]["attributes"]["cohort"]
    by_cohort = journey.every(f"/npq-applications?filter[cohort]={cohort}")
    assert by_cohort and {a["attributes"]["cohort"] for a in by_cohort} == {cohort}
    person = everything[0]["attributes"]["participant_id"]
    mine = journey.every(f"/npq-applications?filter[participant_id]={person}")
    assert {a["attributes"]["participant_id"] for a in mine} == {person}
    since = max(a["attributes"]["updated_at"] for a in everything)
    recent = journey.every(f"/npq-applications?filter[updated_since]={since}")
    assert recent and all(a["attributes"]["updated_at"] >= since for a in recent)  # inclusive
    one = journey.call("GET", f"/npq-applications/{everything[0]['id']}")["data"]
    assert one == everything[0]


def _pending(journey: Journey) -> list[dict[str, Any]]:
    return [
        a
        for a in journey.every("/npq-applications")
        if a["attributes"]["status"] == "pending" and a["attributes"]["course_identifier"] not in SUPPORT
    ]


def test_the_journey(journey: Journey) -> None:
    accepted = _accept_across_funding_kinds(journey)
    _reject(journey)
    capped = accepted["capped-funded"]
    declaration = _declare_with_delivery_partners(journey, capped)
    _outcomes(journey, capped)
    _change_schedule(journey, accepted)
    _participant_actions(journey, capped, declaration)
    _statements_and_delivery_partners(journey)


def _capped_pending(journey: Journey) -> list[dict[str, Any]]:
    # The earliest capped cohort first: its delivery partners are partnered for its only intake.
    return sorted(
        (a for a in _pending(journey) if _funding(a) == "capped"),
        key=lambda a: (a["attributes"]["cohort"], a["attributes"]["cohort_suffix"] or ""),
    )


def _accept(journey: Journey, application: dict[str, Any], funded_place: object) -> dict[str, Any]:
    body = None if funded_place is None else _body("npq-application-accept", funded_place=funded_place)
    shown = journey.call("POST", f"/npq-applications/{application['id']}/accept", body)["data"]["attributes"]
    # Only a capped cohort stores the funded place; an unfunded one keeps it null after `false`.
    stored = funded_place if _funding(application) == "capped" else None
    assert (shown["status"], shown["funded_place"]) == ("accepted", stored)
    assert shown["schedule_identifier"]
    return {"id": application["id"], **shown}


def _accept_across_funding_kinds(journey: Journey) -> dict[str, dict[str, Any]]:
    """One acceptance per funding kind: a fully funded cohort without a funded place, a capped one with a
    funded place (an eligible applicant) and one without, the unfunded 2026a with `false`."""
    accepted: dict[str, dict[str, Any]] = {}
    eligible = [a for a in _capped_pending(journey) if a["attributes"]["eligible_for_funding"]]
    accepted["capped-funded"] = _accept(journey, eligible[0], True)
    accepted["capped-unfunded"] = _accept(journey, _capped_pending(journey)[0], False)
    for kind, funded_place in (("full", None), ("zero", False)):
        chosen = [a for a in _pending(journey) if _funding(a) == kind]
        accepted[kind] = _accept(journey, chosen[0], funded_place)
    assert tuple(sorted(accepted)) == tuple(sorted(KINDS))
    zero = accepted["zero"]
    assert (zero["cohort"], zero["cohort_suffix"]) == ("2026", "a")
    # 2026a's own schedules: no autumn intake (npq.md §5.3).
    assert zero["schedule_identifier"].endswith("-spring")
    return accepted


def _reject(journey: Journey) -> None:
    waiting = [a for a in journey.every("/npq-applications") if a["attributes"]["status"] == "pending"]
    if not waiting:
        return
    shown = journey.call("POST", f"/npq-applications/{waiting[0]['id']}/reject")["data"]["attributes"]
    assert (shown["status"], shown["reason_for_rejection"]) == ("rejected", "rejected_by_provider")


def _partners(journey: Journey, cohort: str) -> list[str]:
    return [p["id"] for p in journey.every(f"/delivery-partners?filter[cohort]={cohort}")]


def _declare_with_delivery_partners(journey: Journey, application: dict[str, Any]) -> dict[str, Any]:
    person, course, cohort = (
        application["participant_id"],
        application["course_identifier"],
        application["cohort"],
    )
    partners = _partners(journey, cohort)
    attributes = {
        "participant_id": person,
        "declaration_type": "started",
        "declaration_date": (TEST_NOW - timedelta(days=7)).strftime("%Y-%m-%dT09:00:00Z"),
        "course_identifier": course,
    }
    if int(cohort) >= 2024:
        refused = journey.call(
            "POST", "/participant-declarations", _body("participant-declaration", **attributes), 422
        )
        assert refused["errors"] == [
            {"title": "delivery_partner_id", "detail": "The property '#/delivery_partner_id' must be present"}
        ]
    named = {**attributes, "delivery_partner_id": partners[0]} if partners else attributes
    made = journey.call("POST", "/participant-declarations", _body("participant-declaration", **named))[
        "data"
    ]
    shown = made["attributes"]
    assert (shown["participant_id"], shown["application_id"]) == (person, application["id"])
    assert shown["state"] in ("eligible", "submitted")
    assert shown["delivery_partner_id"] == (partners[0] if partners else None)
    if len(partners) > 1:
        body = _body("participant-declaration-change-delivery-partner", delivery_partner_id=partners[1])
        changed = journey.call("PUT", f"/participant-declarations/{made['id']}/change-delivery-partner", body)
        assert changed["data"]["attributes"]["delivery_partner_id"] == partners[1]
    voided = journey.call("PUT", f"/participant-declarations/{made['id']}/void")["data"]["attributes"]
    assert voided["state"] == "voided"
    again = journey.call("PUT", f"/participant-declarations/{made['id']}/void", status=422)
    assert again["errors"] == [
        {"title": "declaration", "detail": "This declaration has already been voided."}
    ]
    made = journey.call("POST", "/participant-declarations", _body("participant-declaration", **named))[
        "data"
    ]
    listed = journey.every(f"/participant-declarations?filter[participant_id]={person}")
    assert made["id"] in {d["id"] for d in listed}
    assert journey.call("GET", f"/participant-declarations/{made['id']}")["data"] == made
    return made


def _outcomes(journey: Journey, application: dict[str, Any]) -> None:
    person, course = application["participant_id"], application["course_identifier"]
    partners = _partners(journey, application["cohort"])
    body = _body(
        "participant-declaration",
        participant_id=person,
        declaration_type="completed",
        declaration_date=(TEST_NOW - timedelta(days=1)).strftime("%Y-%m-%dT09:00:00Z"),
        course_identifier=course,
        has_passed=True,
        **({"delivery_partner_id": partners[0]} if partners else {}),
    )
    journey.call("POST", "/participant-declarations", body)
    outcomes = journey.call("GET", f"/participants/npq/{person}/outcomes")["data"]
    assert [o["attributes"]["state"] for o in outcomes] == ["passed"]
    failed = _body(
        "npq-outcome-confirmation", course_identifier=course, state="failed", completion_date="2026-01-10"
    )
    created = journey.call("POST", f"/participants/npq/{person}/outcomes", failed)["data"]["attributes"]
    assert (created["state"], created["completion_date"]) == ("failed", "2026-01-10T00:00:00+00:00")
    listed = journey.every("/participants/npq/outcomes")
    assert {"passed", "failed"} <= {
        o["attributes"]["state"] for o in listed if o["attributes"]["participant_id"] == person
    }


def _enrolment(participant: dict[str, Any], application_id: str) -> dict[str, Any]:
    enrolments = participant["data"]["attributes"]["npq_enrolments"]
    return next(e for e in enrolments if e["npq_application_id"] == application_id)


def _change_schedule(journey: Journey, accepted: dict[str, dict[str, Any]]) -> None:
    """The fully funded participant, without declarations, moves into 2025 (its latest intake, 2025b,
    capped: the funded place follows eligibility); the unfunded one may not move into the funded 2026b;
    the capped participant changes season within its cohort."""
    full = accepted["full"]
    family = "specialist" if "specialist" in full["schedule_identifier"] else "leadership"
    target = f"npq-{family}-autumn"
    changed = _move(journey, full, target, 2025)
    enrolment = _enrolment(changed, full["id"])
    assert (enrolment["schedule_identifier"], enrolment["cohort"], enrolment["cohort_suffix"]) == (
        target,
        "2025",
        "b",
    )
    assert enrolment["funded_place"] is full["eligible_for_funding"]
    shown = journey.call("GET", f"/npq-applications/{full['id']}")["data"]["attributes"]
    assert (shown["cohort"], shown["cohort_suffix"], shown["schedule_identifier"]) == ("2025", "b", target)

    zero = accepted["zero"]
    family = "specialist" if "specialist" in zero["schedule_identifier"] else "leadership"
    refused = _move(journey, zero, f"npq-{family}-autumn", 2026, status=422)
    assert refused["errors"] == [{"title": "cohort", "detail": UNFUNDED_TO_FUNDED}]

    capped = accepted["capped-funded"]
    current = capped["schedule_identifier"]
    family = "specialist" if "specialist" in current else "leadership"
    target = f"npq-{family}-{'spring' if current.endswith('autumn') else 'autumn'}"
    enrolment = _enrolment(_move(journey, capped, target, None), capped["id"])
    assert (enrolment["schedule_identifier"], enrolment["cohort"]) == (target, capped["cohort"])


def _move(
    journey: Journey, application: dict[str, Any], target: str, cohort: int | None, status: int = 200
) -> Any:
    body = _body(
        "participant-change-schedule",
        course_identifier=application["course_identifier"],
        schedule_identifier=target,
        cohort=cohort,
    )
    return journey.call(
        "PUT", f"/participants/npq/{application['participant_id']}/change-schedule", body, status
    )


def _participant_actions(journey: Journey, application: dict[str, Any], declaration: dict[str, Any]) -> None:
    person, course = application["participant_id"], application["course_identifier"]
    path = f"/participants/npq/{person}"
    deferred = journey.call(
        "PUT", f"{path}/defer", _body("participant-defer", course_identifier=course, reason="career-break")
    )
    assert _enrolment(deferred, application["id"])["training_status"] == "deferred"
    resumed = journey.call("PUT", f"{path}/resume", _body("participant-resume", course_identifier=course))
    assert _enrolment(resumed, application["id"])["training_status"] == "active"
    reason = "disengaged-and-unresponsive"
    withdrawn = journey.call(
        "PUT", f"{path}/withdraw", _body("participant-withdraw", course_identifier=course, reason=reason)
    )
    enrolment = _enrolment(withdrawn, application["id"])
    assert (enrolment["training_status"], enrolment["withdrawal"]["reason"]) == ("withdrawn", reason)
    assert declaration["attributes"]["declaration_type"] == "started"


def _statements_and_delivery_partners(journey: Journey) -> None:
    statements = journey.every("/statements")
    assert statements and all("type" not in s["attributes"] for s in statements)
    assert journey.call("GET", f"/statements/{statements[0]['id']}")["data"] == statements[0]
    partners = journey.every("/delivery-partners")
    assert partners and all(isinstance(c, int) for p in partners for c in p["attributes"]["cohort"])
    assert journey.call("GET", f"/delivery-partners/{partners[0]['id']}")["data"] == partners[0]
