"""Writes through the NPQ service's API (/npq/api/v3) with its own rules (npq.md §4): funding by cohort,
rejection after acceptance, change-funded-place, voiding (403 for another maker), delivery partners on
declarations, and the 410 for merged ids. Every answer is validated against our NPQ document. Each test
gets a freshly seeded sandbox, since they change the world."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from sandbox.app import create_app
from sandbox.domain.declarations.states import BILLABLE_OR_CHANGEABLE
from sandbox.domain.world.entities import LeadProvider, NPQApplication
from sandbox.state import SandboxState
from tests.conftest import bearer, make_state
from tests.domain.npq_world import fingerprint
from tests.support.openapi import validate_exchange

NPQ = "/npq/api/v3"
SPEC = "npq-v3"


@pytest.fixture
def world() -> tuple[SandboxState, TestClient]:
    state = make_state()
    return state, TestClient(create_app(state=state), raise_server_exceptions=False)


def _call(client: TestClient, provider: LeadProvider, method: str, path: str, body=None):
    response = client.request(method, NPQ + path, headers=bearer(provider), json=body)
    validate_exchange(SPEC, response)
    return response


def _errors(response) -> list[tuple[str, str]]:
    return [(e["title"], e["detail"]) for e in response.json()["errors"]]


def _npq_providers(state: SandboxState) -> list[LeadProvider]:
    return [p for p in state.store.lead_providers.values() if p.has_npq]


def _applications(state: SandboxState, provider: LeadProvider, **wanted) -> list[NPQApplication]:
    return [
        a
        for a in state.store.npq_applications.values()
        if a.lead_provider_id == provider.id and all(getattr(a, k) == v for k, v in wanted.items())
    ]


def _declarations_on(state: SandboxState, application: NPQApplication):
    return [d for d in state.store.declarations_of(application.user_id) if d.profile_id == application.id]


def _paid_for(state: SandboxState, application: NPQApplication) -> bool:
    return any(d.state in BILLABLE_OR_CHANGEABLE for d in _declarations_on(state, application))


def test_accepting_in_a_capped_cohort_needs_a_funded_place(world):
    state, client = world
    provider = _npq_providers(state)[0]
    pending = _applications(state, provider, status="pending", cohort=2024)[0]
    refused = _call(client, provider, "POST", f"/npq-applications/{pending.id}/accept")
    assert refused.status_code == 422
    assert _errors(refused) == [("funded_place", "Set '#/funded_place' to true or false.")]
    body = {"data": {"type": "npq-application-accept", "attributes": {"funded_place": False}}}
    accepted = _call(client, provider, "POST", f"/npq-applications/{pending.id}/accept", body)
    assert accepted.status_code == 200
    attributes = accepted.json()["data"]["attributes"]
    assert (attributes["status"], attributes["funded_place"]) == ("accepted", False)
    again = _call(client, provider, "POST", f"/npq-applications/{pending.id}/accept", body)
    assert _errors(again) == [("application", "This NPQ application has already been accepted")]


def test_accepting_in_a_fully_funded_cohort_needs_no_funded_place(world):
    state, client = world
    provider = next(
        p for p in _npq_providers(state) if _applications(state, p, status="pending", cohort=2023)
    )
    pending = _applications(state, provider, status="pending", cohort=2023)[0]
    accepted = _call(client, provider, "POST", f"/npq-applications/{pending.id}/accept")
    assert accepted.status_code == 200
    assert accepted.json()["data"]["attributes"]["funded_place"] is None


def test_an_accepted_application_without_paid_for_declarations_can_be_rejected(world):
    state, client = world
    provider = _npq_providers(state)[0]
    accepted = next(a for a in _applications(state, provider, status="accepted") if not _paid_for(state, a))
    rejected = _call(client, provider, "POST", f"/npq-applications/{accepted.id}/reject")
    assert rejected.status_code == 200
    attributes = rejected.json()["data"]["attributes"]
    assert (attributes["status"], attributes["reason_for_rejection"]) == ("rejected", "rejected_by_provider")
    shown = client.get(f"{NPQ}/participants/npq/{accepted.user_id}", headers=bearer(provider))
    enrolments = shown.json()["data"]["attributes"]["npq_enrolments"] if shown.status_code == 200 else []
    assert accepted.id not in {e["npq_application_id"] for e in enrolments}
    again = _call(client, provider, "POST", f"/npq-applications/{accepted.id}/reject")
    assert _errors(again) == [("application", "This NPQ application has already been rejected")]


def test_an_application_with_paid_for_declarations_cannot_be_rejected(world):
    state, client = world
    provider = _npq_providers(state)[0]
    claimed = next(a for a in _applications(state, provider, status="accepted") if _paid_for(state, a))
    refused = _call(client, provider, "POST", f"/npq-applications/{claimed.id}/reject")
    assert refused.status_code == 422
    assert _errors(refused) == [
        (
            "application",
            "This application has declarations that prevent it from being rejected. Void the declarations "
            "first, or contact us for assistance.",
        )
    ]


def test_change_funded_place_follows_the_npq_services_rules(world):
    state, client = world
    provider = _npq_providers(state)[0]
    body = {"data": {"type": "npq-application-change-funded-place", "attributes": {"funded_place": False}}}
    full = next(
        a for a in state.store.npq_applications.values() if a.status == "accepted" and a.cohort <= 2023
    )
    owner = state.store.lead_providers[full.lead_provider_id]
    refused = _call(client, owner, "PUT", f"/npq-applications/{full.id}/change-funded-place", body)
    assert (
        "application",
        "Leave the '#/funded_place' field blank. It's only needed for participants starting NPQs from "
        "autumn 2024 onwards.",
    ) in _errors(refused)
    capped = next(
        a for a in _applications(state, provider, status="accepted", cohort=2024) if not _paid_for(state, a)
    )
    changed = _call(client, provider, "PUT", f"/npq-applications/{capped.id}/change-funded-place", body)
    assert changed.status_code == 200 and changed.json()["data"]["attributes"]["funded_place"] is False
    pending = _applications(state, provider, status="pending")[0]
    refused = _call(client, provider, "PUT", f"/npq-applications/{pending.id}/change-funded-place")
    assert ("funded_place", "Set '#/funded_place' to true or false.") in _errors(refused)


def test_a_moved_application_shows_the_earlier_providers_declarations_which_only_it_may_void(world):
    state, client = world
    first, second = _npq_providers(state)[:2]
    moved = next(
        a
        for a in _applications(state, first, status="accepted")
        if any(d.lead_provider_id == second.id for d in _declarations_on(state, a))
    )
    theirs = next(d for d in _declarations_on(state, moved) if d.lead_provider_id == second.id)
    listed = _call(client, first, "GET", f"/participant-declarations?filter[participant_id]={moved.user_id}")
    assert theirs.id in {d["id"] for d in listed.json()["data"]}
    refused = _call(client, first, "PUT", f"/participant-declarations/{theirs.id}/void")
    assert refused.status_code == 403
    assert _errors(refused) == [
        (
            "Cannot modify declaration",
            "The declaration cannot be modified because it was created by another lead provider",
        )
    ]
    assert _call(client, second, "GET", f"/participant-declarations/{theirs.id}").status_code == 200


def test_voiding_twice_is_refused_in_the_npq_services_words(world):
    state, client = world
    provider = _npq_providers(state)[0]
    own = next(
        d
        for d in state.store.declarations.values()
        if d.is_npq and d.lead_provider_id == provider.id and d.state in ("submitted", "eligible")
    )
    voided = _call(client, provider, "PUT", f"/participant-declarations/{own.id}/void")
    assert voided.status_code == 200 and voided.json()["data"]["attributes"]["state"] == "voided"
    again = _call(client, provider, "PUT", f"/participant-declarations/{own.id}/void")
    assert _errors(again) == [("declaration", "This declaration has already been voided.")]


def test_change_delivery_partner(world):
    state, client = world
    provider = _npq_providers(state)[0]
    own = next(
        d
        for d in state.store.declarations.values()
        if d.is_npq and d.lead_provider_id == provider.id and d.cohort == 2024 and d.delivery_partner_id
    )
    partners = sorted(
        p.delivery_partner_id
        for p in state.store.npq_delivery_partnerships
        if p.lead_provider_id == provider.id and p.cohort == 2024
    )
    other = next(p for p in partners if p != own.delivery_partner_id)
    body = {"data": {"type": "x", "attributes": {"delivery_partner_id": other}}}
    changed = _call(
        client, provider, "PUT", f"/participant-declarations/{own.id}/change-delivery-partner", body
    )
    assert changed.status_code == 200
    attributes = changed.json()["data"]["attributes"]
    assert attributes["delivery_partner_id"] == other
    assert attributes["delivery_partner_name"] == state.store.delivery_partners[other].name
    assert attributes["secondary_delivery_partner_id"] is None
    same = {"data": {"attributes": {"delivery_partner_id": other, "secondary_delivery_partner_id": other}}}
    refused = _call(
        client, provider, "PUT", f"/participant-declarations/{own.id}/change-delivery-partner", same
    )
    assert _errors(refused) == [
        (
            "secondary_delivery_partner_id",
            "The property '#/secondary_delivery_partner_id' cannot have the same value as the property "
            "'#/delivery_partner_id'",
        )
    ]
    missing = {"data": {"attributes": {}}}
    refused = _call(
        client, provider, "PUT", f"/participant-declarations/{own.id}/change-delivery-partner", missing
    )
    assert _errors(refused) == [
        (
            "delivery_partner",
            "The entered '#/delivery_partner_id' is not from your list of confirmed Delivery Partners "
            "for the Cohort",
        ),
        ("delivery_partner_id", "The property '#/delivery_partner_id' must be present"),
    ]


def test_a_merged_participant_id_is_gone_with_the_id_that_replaced_it(world):
    state, client = world
    provider = _npq_providers(state)[0]
    retired, surviving = next(iter(state.store.retired_user_ids.items()))
    for path in (f"/participants/npq/{retired}", f"/participants/npq/{retired}/outcomes"):
        gone = _call(client, provider, "GET", path)
        assert gone.status_code == 410
        error = gone.json()["errors"][0]
        assert error["title"] == "Participant ID has been changed"
        assert error["detail"] == f"The participant_id '{retired}' has been replaced with '{surviving}'."
        assert error["participant_id_changes"][0]["to_participant_id"] == surviving
    # The ECF service's contract reads the retired id as the surviving person, as before.
    assert client.get(f"/api/v3/participants/npq/{retired}", headers=bearer(provider)).status_code in (
        200,
        404,
    )


def test_a_declaration_names_its_delivery_partner_where_the_cohort_needs_one(world):
    state, client = world
    provider = _npq_providers(state)[0]
    fresh = next(
        a
        for a in _applications(state, provider, status="accepted", cohort=2024)
        if not _declarations_on(state, a) and a.teacher_catchment_iso_country_code == "GBR"
    )
    partner = sorted(
        p.delivery_partner_id
        for p in state.store.npq_delivery_partnerships
        if p.lead_provider_id == provider.id and p.cohort == 2024
    )[0]
    attributes = {
        "participant_id": fresh.user_id,
        "declaration_type": "started",
        "declaration_date": "2026-11-20T09:00:00Z",
        "course_identifier": fresh.course_identifier,
    }
    without = {"data": {"type": "participant-declaration", "attributes": attributes}}
    refused = _call(client, provider, "POST", "/participant-declarations", without)
    assert _errors(refused) == [
        ("delivery_partner_id", "The property '#/delivery_partner_id' must be present")
    ]
    unknown = {"data": {"attributes": {**attributes, "delivery_partner_id": "nobody"}}}
    refused = _call(client, provider, "POST", "/participant-declarations", unknown)
    assert _errors(refused) == [
        ("delivery_partner_id", "The property '#/delivery_partner_id' does not exist")
    ]
    named = {"data": {"attributes": {**attributes, "delivery_partner_id": partner}}}
    made = _call(client, provider, "POST", "/participant-declarations", named)
    assert made.status_code == 200
    shown = made.json()["data"]["attributes"]
    assert (shown["delivery_partner_id"], shown["application_id"]) == (partner, fresh.id)
    # The ECF service's contract never showed a delivery partner on an NPQ declaration.
    old = client.get(
        f"/api/v3/participant-declarations/{made.json()['data']['id']}", headers=bearer(provider)
    )
    assert old.json()["data"]["attributes"]["delivery_partner_id"] is None


def test_dfe_moves_an_application_and_the_npq_api_follows(world):
    state, client = world
    first, second = _npq_providers(state)[:2]
    pending = _applications(state, second, status="pending")[0]
    path = f"/sandbox/events/npq-applications/{pending.id}/lead-provider"
    refused = client.put(path, headers=bearer(_npq_providers(state)[2]), json={"lead_provider_id": first.id})
    assert refused.status_code == 403
    moved = client.put(path, headers=bearer(second), json={"lead_provider_id": first.id})
    assert moved.status_code == 200
    assert _call(client, first, "GET", f"/npq-applications/{pending.id}").status_code == 200
    assert _call(client, second, "GET", f"/npq-applications/{pending.id}").status_code == 404
    again = client.put(path, headers=bearer(first), json={"lead_provider_id": first.id})
    assert again.status_code == 422


def test_a_merged_id_is_not_found_by_actions_and_outcomes_and_replaced_in_declarations(world):
    state, client = world
    provider = _npq_providers(state)[0]
    retired, surviving = next(iter(state.store.retired_user_ids.items()))
    resume = {"data": {"attributes": {"course_identifier": "npq-headship"}}}
    assert _call(client, provider, "PUT", f"/participants/npq/{retired}/resume", resume).status_code == 404
    outcome = {"data": {"attributes": {"course_identifier": "npq-headship", "state": "passed"}}}
    assert (
        _call(client, provider, "POST", f"/participants/npq/{retired}/outcomes", outcome).status_code == 404
    )
    declaration = {"data": {"attributes": {"participant_id": retired, "declaration_type": "started"}}}
    refused = _call(client, provider, "POST", "/participant-declarations", declaration)
    assert _errors(refused) == [
        ("participant_id", f"The participant_id '{retired}' has been replaced with '{surviving}'."),
        ("declaration_date", "Enter a '#/declaration_date'."),
    ]


# -- the service's refusals through the API (npq.md §4): one shared world, which none of them changes --


@pytest.fixture(scope="module")
def shared() -> tuple[SandboxState, TestClient]:
    state = make_state()
    return state, TestClient(create_app(state=state), raise_server_exceptions=False)


def _england_2024(state: SandboxState) -> tuple[LeadProvider, NPQApplication]:
    """An accepted 2024 applicant in England with no declaration yet, on a leadership course."""
    for provider in _npq_providers(state):
        for application in _applications(state, provider, status="accepted", cohort=2024):
            leadership = state.store.reference.npq_family(application.course_identifier) == "leadership"
            if leadership and not _declarations_on(state, application):
                return provider, application
    raise AssertionError("the world holds no fresh 2024 leadership participant")


def _declaration_body(application: NPQApplication, **changes: object) -> dict:
    attributes = {
        "participant_id": application.user_id,
        "declaration_type": "started",
        "declaration_date": "2026-11-20T09:00:00Z",
        "course_identifier": application.course_identifier,
        **changes,
    }
    return {"data": {"type": "participant-declaration", "attributes": attributes}}


def _partner_of(state: SandboxState, provider: LeadProvider, cohort: int) -> str:
    return sorted(
        p.delivery_partner_id
        for p in state.store.npq_delivery_partnerships
        if p.lead_provider_id == provider.id and p.cohort == cohort
    )[0]


def test_declaration_refusals_in_the_services_words(shared):
    state, client = shared
    provider, application = _england_2024(state)
    partner = _partner_of(state, provider, 2024)
    elsewhere = next(
        p.id
        for p in state.store.delivery_partners.values()
        if not any(
            x.delivery_partner_id == p.id and x.lead_provider_id == provider.id and x.cohort == 2024
            for x in state.store.npq_delivery_partnerships
        )
    )
    cases = [
        ({"participant_id": ""}, [("participant_id", "The property '#/participant_id' must be present")]),
        (
            {"declaration_type": None},
            [
                ("declaration_type", "Enter a '#/declaration_type'."),
                ("declaration_type", "The entered '#/declaration_type' is not recognised."),
            ],
        ),
        (
            {"declaration_date": "2026-11-20"},
            [("declaration_date", "Enter a valid RFC3339 '#/declaration_date'.")],
        ),
        (
            {"declaration_date": "2021-01-01T09:00:00Z"},
            [("declaration_date", "Enter a '#/declaration_date' that's on or after the schedule start.")],
        ),
        (
            {"declaration_type": "completed", "delivery_partner_id": partner},
            [
                (
                    "has_passed",
                    "Enter 'true' or 'false' in the '#/has_passed' field to indicate whether this "
                    "participant has passed or failed their course.",
                )
            ],
        ),
        (
            {"delivery_partner_id": elsewhere},
            [
                (
                    "delivery_partner_id",
                    "The entered '#/delivery_partner_id' is not from your list of confirmed Delivery "
                    "Partners for the Cohort",
                )
            ],
        ),
        (
            {"declaration_date": "2026-11-28T09:00:00Z", "delivery_partner_id": partner},
            [
                (
                    "declaration_date",
                    "The '#/declaration_date' value cannot be a future date. Check the date and try again.",
                )
            ],
        ),
    ]
    before = fingerprint(state.store)
    for changes, expected in cases:
        refused = _call(
            client, provider, "POST", "/participant-declarations", _declaration_body(application, **changes)
        )
        assert (refused.status_code, _errors(refused)) == (422, expected), changes
    no_attributes = _call(client, provider, "POST", "/participant-declarations", {"data": {}})
    assert no_attributes.status_code == 400
    assert fingerprint(state.store) == before


def test_outcome_refusals_in_the_services_words(shared):
    state, client = shared
    provider, application = _england_2024(state)
    path = f"/participants/npq/{application.user_id}/outcomes"
    before = fingerprint(state.store)
    blank = {"data": {"attributes": {"course_identifier": "", "state": "", "completion_date": ""}}}
    refused = _call(client, provider, "POST", path, blank)
    assert [title for title, _ in _errors(refused)] == [
        "course_identifier",
        "course_identifier",
        "state",
        "state",
        "completion_date",
        "completion_date",
        "base",
    ]
    impossible = {
        "data": {
            "attributes": {
                "course_identifier": application.course_identifier,
                "state": "passed",
                "completion_date": "2024-02-30",
            }
        }
    }
    bad = _call(client, provider, "POST", path, impossible)
    assert (bad.status_code, _errors(bad)) == (400, [("Bad request", "invalid date")])
    assert fingerprint(state.store) == before


def test_participant_action_refusals_in_the_services_words(shared):
    state, client = shared
    provider, application = _england_2024(state)
    path = f"/participants/npq/{application.user_id}"
    course = application.course_identifier
    no_application = (
        "Your update cannot be made as an accepted application cannot be found for the given "
        "'#/participant_id' and '#/course_identifier'."
    )
    cases = [
        (
            "withdraw",
            {"course_identifier": course, "reason": "moved-school"},
            [("reason", "The property '#/reason' must be a valid reason")],
        ),
        (
            "withdraw",
            {"course_identifier": course, "reason": "change-in-career"},
            [
                (
                    "participant_id",
                    "An NPQ participant who has not got a started declaration cannot be withdrawn. "
                    "Please contact support for assistance",
                )
            ],
        ),
        (
            "resume",
            {"course_identifier": "npq-unknown"},
            [
                (
                    "course_identifier",
                    "The entered '#/course_identifier' is not recognised for the given participant. "
                    "Check details and try again.",
                ),
                ("participant_id", no_application),
            ],
        ),
        ("resume", {"course_identifier": course}, [("participant_id", "The participant is already active")]),
        (
            "defer",
            {"course_identifier": course, "reason": "career-break"},
            [("participant_id", "You cannot defer an NPQ participant that has no declarations")],
        ),
        (
            "change-schedule",
            {"course_identifier": course, "schedule_identifier": "ecf-standard-september"},
            [("schedule_identifier", "The property '#/schedule_identifier' must be present")],
        ),
    ]
    before = fingerprint(state.store)
    for action, attributes, expected in cases:
        refused = _call(client, provider, "PUT", f"{path}/{action}", {"data": {"attributes": attributes}})
        assert (refused.status_code, _errors(refused)) == (422, expected), (action, attributes)
    stranger = next(p for p in _npq_providers(state) if p.id != provider.id)
    resume = {"data": {"attributes": {"course_identifier": course}}}
    hidden = _call(client, stranger, "PUT", f"{path}/resume", resume)
    if application.user_id not in {a.user_id for a in _applications(state, stranger, status="accepted")}:
        assert (hidden.status_code, hidden.json()) == (404, {"error": "Resource not found"})
    assert _call(client, provider, "PUT", f"{path}/resume", {"data": {}}).status_code == 400
    assert fingerprint(state.store) == before


def test_accept_refusals_in_the_services_words(shared):
    state, client = shared
    provider = _npq_providers(state)[0]
    pending = _applications(state, provider, status="pending", cohort=2024)[0]
    before = fingerprint(state.store)
    body = {"data": {"attributes": {"funded_place": "true"}}}
    refused = _call(client, provider, "POST", f"/npq-applications/{pending.id}/accept", body)
    assert _errors(refused) == [("funded_place", "Set '#/funded_place' to true or false.")]
    schedule = {"data": {"attributes": {"funded_place": False, "schedule_identifier": "npq-aso-december"}}}
    refused = _call(client, provider, "POST", f"/npq-applications/{pending.id}/accept", schedule)
    assert _errors(refused) == [
        ("schedule_identifier", "The selected schedule cannot be found in the application cohort")
    ]
    change = {"data": {"attributes": {"funded_place": False}}}
    refused = _call(client, provider, "PUT", f"/npq-applications/{pending.id}/change-funded-place", change)
    assert _errors(refused) == [
        (
            "application",
            "You must accept the application before attempting to change the '#/funded_place' setting.",
        )
    ]
    assert fingerprint(state.store) == before


def test_accepting_an_eligible_capped_applicant_with_a_funded_place(world):
    state, client = world
    pending = next(
        a
        for a in state.store.npq_applications.values()
        if a.status == "pending" and a.cohort == 2024 and a.eligible_for_funding
    )
    owner = state.store.lead_providers[pending.lead_provider_id]
    body = {"data": {"type": "npq-application-accept", "attributes": {"funded_place": True}}}
    accepted = _call(client, owner, "POST", f"/npq-applications/{pending.id}/accept", body)
    assert accepted.status_code == 200
    assert accepted.json()["data"]["attributes"]["funded_place"] is True
