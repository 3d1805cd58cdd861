"""The control API's DfE-side events about money, partnerships and NPQ applications, driven over HTTP and
read back through the Lead Provider API of every version that shows their effect.

The app is shared by the module; each test starts from a freshly seeded world of its own.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from sandbox.app import create_app
from sandbox.domain.world.entities import Declaration, LeadProvider, Partnership
from sandbox.state import SandboxState
from tests.conftest import TEST_NOW, TEST_PARTICIPANTS, VERSIONS, bearer, make_state
from tests.support.openapi import validate_exchange

ADMIN = {"Authorization": "Bearer admin-token"}
STAMP = TEST_NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
NOT_FOUND = {"error": "Resource not Found"}
ELIGIBILITY = "/sandbox/events/declaration-eligibility"
APPLICATIONS = "/sandbox/events/npq-applications"


@pytest.fixture(scope="module")
def sandbox() -> tuple[SandboxState, TestClient]:
    state = make_state()
    state.admin_token = "admin-token"
    return state, TestClient(create_app(state=state), raise_server_exceptions=False)


@pytest.fixture
def world(sandbox) -> tuple[SandboxState, TestClient]:
    state, client = sandbox
    state.reset(seed=1, participants=TEST_PARTICIPANTS)
    return state, client


def event(client: TestClient, path: str, headers: dict[str, str], body: Any = None, at: str | None = None):
    headers = {**headers, **({"X-With-Server-Date": at} if at else {})}
    response = (
        client.post(path, headers=headers, json=body)
        if body is not None
        else client.post(path, headers=headers)
    )
    if response.status_code == 200:
        validate_exchange("sandbox", response)
    return response


def refused(response, status: int, title: str | None = None) -> None:
    """A refusal in the API's shapes (the spec's media type for control errors is checked elsewhere)."""
    assert response.status_code == status, response.text
    if status == 404:
        assert response.json() == NOT_FOUND
    elif status == 401:
        assert response.json() == {"error": "HTTP Token: Access denied"}
    else:
        errors = response.json()["errors"]
        assert errors and all(set(e) == {"title", "detail"} for e in errors)
        if title is not None:
            assert [e["title"] for e in errors] == [title]


def read(client: TestClient, provider: LeadProvider, version: str, path: str) -> dict[str, Any]:
    response = client.get(f"/api/{version}/{path}", headers=bearer(provider))
    assert response.status_code == 200, response.text
    validate_exchange(version, response)
    return response.json()["data"]


def declaration_in(client: TestClient, provider: LeadProvider, version: str, declaration_id: str) -> dict:
    return read(client, provider, version, f"participant-declarations/{declaration_id}")["attributes"]


def maker(state: SandboxState, d: Declaration) -> LeadProvider:
    return state.store.lead_providers[d.lead_provider_id]


def first_declaration(state: SandboxState, state_name: str, **match: Any) -> Declaration:
    return next(
        d
        for d in state.store.declarations.values()
        if d.state == state_name and all(getattr(d, k) == v for k, v in match.items())
    )


def changes(client: TestClient) -> int:
    return client.get("/sandbox/world", headers=ADMIN).json()["data"]["changes"]


# -- eligibility ---------------------------------------------------------------------------------


def test_confirmed_eligibility_shows_in_every_version_and_in_updated_since_syncs(world):
    state, client = world
    target = first_declaration(state, "submitted", cohort=2024)
    provider = maker(state, target)
    assert declaration_in(client, provider, "v1", target.id)["eligible_for_payment"] is False
    response = event(client, ELIGIBILITY, bearer(provider), {"eligible": True, "declaration_id": target.id})
    assert response.status_code == 200
    (shown,) = response.json()["data"]["declarations"]
    statement_id = shown["attributes"]["statement_id"]
    assert shown["id"] == target.id and shown["attributes"]["state"] == "eligible" and statement_id
    v1 = declaration_in(client, provider, "v1", target.id)
    assert (v1["state"], v1["eligible_for_payment"], v1["updated_at"]) == ("eligible", True, STAMP)
    assert declaration_in(client, provider, "v2", target.id)["state"] == "eligible"
    v3 = declaration_in(client, provider, "v3", target.id)
    assert (v3["state"], v3["statement_id"]) == ("eligible", statement_id)
    assert read(client, provider, "v3", f"statements/{statement_id}")["attributes"]["paid"] is False
    synced = read(client, provider, "v3", f"participant-declarations?filter[updated_since]={STAMP}")
    assert target.id in {d["id"] for d in synced}
    before = "2026-11-27T11:59:59Z"  # v1 and v2 compare strictly
    synced = read(client, provider, "v1", f"participant-declarations?filter[updated_since]={before}")
    assert target.id in {d["id"] for d in synced}


def test_revoking_a_participants_eligibility_takes_claims_off_the_statement(world):
    state, client = world
    target = first_declaration(state, "eligible", cohort=2024)
    provider = maker(state, target)
    response = event(client, ELIGIBILITY, ADMIN, {"eligible": False, "participant_id": target.user_id})
    assert response.status_code == 200
    assert target.id in {d["id"] for d in response.json()["data"]["declarations"]}
    v1 = declaration_in(client, provider, "v1", target.id)
    assert (v1["state"], v1["eligible_for_payment"]) == ("submitted", False)
    assert declaration_in(client, provider, "v2", target.id)["state"] == "submitted"
    v3 = declaration_in(client, provider, "v3", target.id)
    assert (v3["state"], v3["statement_id"], v3["updated_at"]) == ("submitted", None, STAMP)


def test_a_provider_cannot_confirm_another_providers_declaration(world):
    state, client = world
    target = first_declaration(state, "submitted", cohort=2024)
    other = next(p for p in state.store.lead_providers.values() if p.id != target.lead_provider_id)
    count = changes(client)
    refused(
        event(client, ELIGIBILITY, bearer(other), {"eligible": True, "declaration_id": target.id}),
        403,
        "Forbidden",
    )
    assert target.state == "submitted" and changes(client) == count


# -- statements ----------------------------------------------------------------------------------


def test_a_deadline_then_a_payment_run_read_back_in_every_version(world):
    """A claim's whole DfE-side life: confirmed onto the next statement, its deadline, the payment run."""
    state, client = world
    target = first_declaration(state, "submitted", cohort=2024)
    provider = maker(state, target)
    event(client, ELIGIBILITY, bearer(provider), {"eligible": True, "declaration_id": target.id})
    statement_id = target.statement_id
    statement = state.store.statements[statement_id]
    assert statement.deadline_date >= TEST_NOW.date()
    after = f"{statement.deadline_date + timedelta(days=1)}T09:00:00Z"  # the day the deadline has passed
    refused(
        event(client, f"/sandbox/events/statements/{statement_id}/deadline", bearer(provider)),
        422,
        "statement_id",
    )

    response = event(
        client, f"/sandbox/events/statements/{statement_id}/deadline", bearer(provider), at=after
    )
    assert response.status_code == 200
    assert target.id in {d["id"] for d in response.json()["data"]["declarations"]}
    v1 = declaration_in(client, provider, "v1", target.id)
    assert (v1["state"], v1["eligible_for_payment"]) == ("payable", True)
    assert declaration_in(client, provider, "v3", target.id)["state"] == "payable"

    response = event(client, f"/sandbox/events/statements/{statement_id}/payment", bearer(provider), at=after)
    assert response.status_code == 200
    assert response.json()["data"]["statement"]["attributes"]["paid"] is True
    v1 = declaration_in(client, provider, "v1", target.id)
    assert (v1["state"], v1["eligible_for_payment"], v1["voided"]) == ("paid", False, False)
    assert declaration_in(client, provider, "v2", target.id)["state"] == "paid"
    v3 = declaration_in(client, provider, "v3", target.id)
    assert (v3["state"], v3["statement_id"], v3["updated_at"]) == ("paid", statement_id, after)
    shown = read(client, provider, "v3", f"statements/{statement_id}")["attributes"]
    assert (shown["paid"], shown["updated_at"]) == (True, after)
    listed = read(client, provider, "v3", f"statements?filter[updated_since]={after}")
    assert [s["id"] for s in listed] == [statement_id]
    refused(
        event(client, f"/sandbox/events/statements/{statement_id}/payment", ADMIN, at=after),
        422,
        "statement_id",
    )


def test_a_payment_run_claws_back_the_refunds_on_the_statement(world):
    state, client = world
    refund = first_declaration(state, "awaiting_clawback")
    provider, statement_id = maker(state, refund), refund.clawback_statement_id
    assert state.store.statements[statement_id].deadline_date < TEST_NOW.date()
    response = event(client, f"/sandbox/events/statements/{statement_id}/payment", bearer(provider))
    assert response.status_code == 200
    assert refund.id in {d["id"] for d in response.json()["data"]["declarations"]}
    for version in VERSIONS:
        assert declaration_in(client, provider, version, refund.id)["state"] == "clawed-back"
    v3 = declaration_in(client, provider, "v3", refund.id)
    assert v3["clawback_statement_id"] == statement_id and v3["updated_at"] == STAMP
    assert read(client, provider, "v3", f"statements/{statement_id}")["attributes"]["paid"] is True


def test_a_provider_cannot_pay_another_providers_statement_but_the_admin_can(world):
    state, client = world
    refund = first_declaration(state, "awaiting_clawback")
    owner, statement_id = maker(state, refund), refund.clawback_statement_id
    other = next(p for p in state.store.lead_providers.values() if p.id != owner.id)
    path = f"/sandbox/events/statements/{statement_id}/payment"
    count = changes(client)
    refused(event(client, path, bearer(other)), 403, "Forbidden")
    assert read(client, owner, "v3", f"statements/{statement_id}")["attributes"]["paid"] is False
    assert declaration_in(client, owner, "v3", refund.id)["state"] == "awaiting-clawback"
    assert changes(client) == count
    assert event(client, path, ADMIN).status_code == 200
    assert read(client, owner, "v3", f"statements/{statement_id}")["attributes"]["paid"] is True


def test_refused_money_events_change_nothing(world):
    state, client = world
    paid = first_declaration(state, "paid")
    provider = maker(state, paid)
    open_statement = next(
        s.id
        for s in state.store.statements.values()
        if s.lead_provider_id == provider.id and s.deadline_date >= TEST_NOW.date()
    )
    before = (read(client, provider, "v3", "participant-declarations"), changes(client))
    refused(
        event(client, ELIGIBILITY, ADMIN, {"eligible": True, "declaration_id": paid.id}),
        422,
        "declaration_id",
    )
    refused(event(client, ELIGIBILITY, ADMIN, {"eligible": True}), 422, "base")
    refused(event(client, ELIGIBILITY, ADMIN, {"eligible": True, "declaration_id": "nope"}), 404)
    refused(event(client, ELIGIBILITY, ADMIN, {"declaration_id": paid.id}), 400)
    refused(event(client, ELIGIBILITY, ADMIN, ["not", "an", "object"]), 400)
    refused(event(client, f"/sandbox/events/statements/{open_statement}/payment", ADMIN), 422, "statement_id")
    refused(event(client, "/sandbox/events/statements/nope/payment", ADMIN), 404)
    refused(event(client, "/sandbox/events/statements/nope/deadline", ADMIN), 404)
    refused(event(client, ELIGIBILITY, {"Authorization": "Bearer wrong"}, {"eligible": True}), 401)
    assert (read(client, provider, "v3", "participant-declarations"), changes(client)) == before


# -- partnerships --------------------------------------------------------------------------------


def _partnership_with_only_participants(state: SandboxState) -> tuple[Partnership, set[str]]:
    """A confirmed partnership with someone who trains with its provider under no other partnership."""
    store = state.store
    for partnership in store.partnerships.values():
        if partnership.relationship or partnership.challenged:
            continue
        only_here = set()
        for record in store.induction_records.values():
            if record.partnership_id != partnership.id:
                continue
            profile = store.ecf_profiles[record.profile_id]
            others = {
                r.partnership_id
                for p in store.ecf_profiles_of(profile.user_id)
                for r in store.records_of(p.id)
                if store.partnerships[r.partnership_id].lead_provider_id == partnership.lead_provider_id
            }
            if others == {partnership.id}:
                only_here.add(profile.user_id)
        if only_here:
            return partnership, only_here
    raise AssertionError("the seeded world has no such partnership")


def test_a_challenge_hides_the_participants_and_shows_in_partnerships_and_schools(world):
    state, client = world
    partnership, hidden = _partnership_with_only_participants(state)
    provider = state.store.lead_providers[partnership.lead_provider_id]
    path = f"/sandbox/events/partnerships/{partnership.id}/challenge"
    for version in VERSIONS:
        assert hidden <= {p["id"] for p in read(client, provider, version, "participants/ecf")}

    response = event(client, path, bearer(provider), {"reason": "no_ects"})
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["partnership"]["attributes"]["status"] == "challenged"
    assert data["school_cohort"]["induction_programme_choice"] == "no_early_career_teachers"

    shown = read(client, provider, "v3", f"partnerships/ecf/{partnership.id}")["attributes"]
    assert (shown["status"], shown["challenged_reason"]) == ("challenged", "no_ects")
    assert shown["challenged_at"] == STAMP.replace("Z", ".000Z") and shown["updated_at"] == STAMP
    for version in VERSIONS:
        assert not hidden & {p["id"] for p in read(client, provider, version, "participants/ecf")}
    user_id = next(iter(hidden))
    assert client.get(f"/api/v3/participants/ecf/{user_id}", headers=bearer(provider)).status_code == 404
    school = read(
        client, provider, "v3", f"schools/ecf/{partnership.school_id}?filter[cohort]={partnership.cohort}"
    )
    assert school["attributes"]["induction_programme_choice"] == "no_early_career_teachers"

    refused(event(client, path, bearer(provider), {"reason": "mistake"}), 422, "partnership_id")


def test_challenge_refusals(world):
    state, client = world
    partnership, _ = _partnership_with_only_participants(state)
    other = next(p for p in state.store.lead_providers.values() if p.id != partnership.lead_provider_id)
    path = f"/sandbox/events/partnerships/{partnership.id}/challenge"
    count = changes(client)
    refused(event(client, path, bearer(other), {"reason": "mistake"}), 403, "Forbidden")
    refused(event(client, path, ADMIN, {"reason": "bored"}), 400)
    refused(event(client, "/sandbox/events/partnerships/nope/challenge", ADMIN, {"reason": "mistake"}), 404)
    assert not partnership.challenged and changes(client) == count


# -- NPQ applications ----------------------------------------------------------------------------


def test_a_new_application_is_pending_in_every_version(world, first):
    state, client = world
    provider = state.store.lead_providers[first.id]
    response = event(
        client,
        APPLICATIONS,
        bearer(provider),
        {
            "full_name": "Grace Hopper",
            "email": "grace@example.com",
            "teacher_reference_number": "7654321",
            "course_identifier": "npq-senior-leadership",
            "cohort": 2024,
            "eligible_for_funding": False,
            "ineligible_for_funding_reason": "establishment-ineligible",
            "funding_choice": "self",
        },
    )
    assert response.status_code == 200
    created = response.json()["data"]["npq_application"]
    assert created["attributes"]["status"] == "pending"
    for version in VERSIONS:
        shown = read(client, provider, version, f"npq-applications/{created['id']}")["attributes"]
        assert (shown["status"], shown["full_name"], shown["cohort"]) == ("pending", "Grace Hopper", "2024")
        assert (shown["eligible_for_funding"], shown["funding_choice"]) == (False, "self")
        assert shown["ineligible_for_funding_reason"] == "establishment-ineligible"
        assert shown["teacher_reference_number"] == "7654321" and shown["updated_at"] == STAMP
        synced = read(
            client, provider, version, "npq-applications?filter[updated_since]=2026-11-27T11:59:59Z"
        )
        assert created["id"] in {a["id"] for a in synced}


def test_application_refusals(world, first, second, ecf_only):
    state, client = world
    person = next(iter(state.store.users.values()))
    body = {"participant_id": person.id, "course_identifier": "npq-headship"}
    count = changes(client)
    refused(event(client, APPLICATIONS, ADMIN, body), 422, "lead_provider_id")
    refused(
        event(client, APPLICATIONS, bearer(first), {**body, "lead_provider_id": second.id}), 403, "Forbidden"
    )
    refused(event(client, APPLICATIONS, bearer(ecf_only), body), 422, "lead_provider_id")
    refused(event(client, APPLICATIONS, bearer(first), {**body, "participant_id": "nope"}), 404)
    refused(
        event(client, APPLICATIONS, bearer(first), {**body, "funded_place": True, "cohort": 2024}),
        422,
        "funded_place",
    )
    refused(event(client, APPLICATIONS, bearer(first), {"participant_id": person.id}), 400)
    assert changes(client) == count


# -- per-provider reset --------------------------------------------------------------------------


def test_a_provider_reset_undoes_its_own_events_and_keeps_the_others(world, first, second):
    state, client = world
    mine = first_declaration(state, "submitted", cohort=2024, lead_provider_id=first.id)
    theirs = first_declaration(state, "submitted", cohort=2024, lead_provider_id=second.id)
    for provider, d in ((first, mine), (second, theirs)):
        assert (
            event(
                client, ELIGIBILITY, bearer(provider), {"eligible": True, "declaration_id": d.id}
            ).status_code
            == 200
        )
    application = {"participant_id": mine.user_id, "course_identifier": "npq-senco", "cohort": 2023}
    my_app = event(client, APPLICATIONS, bearer(first), application).json()["data"]["npq_application"]["id"]
    their_app = event(client, APPLICATIONS, bearer(second), application).json()["data"]["npq_application"][
        "id"
    ]

    response = client.post(f"/sandbox/providers/{first.id}/reset", headers=bearer(first))
    assert response.status_code == 200 and response.json()["data"]["dropped"] == 0
    assert declaration_in(client, first, "v3", mine.id)["state"] == "submitted"
    kept = declaration_in(client, second, "v3", theirs.id)
    assert kept["state"] == "eligible" and kept["statement_id"] is not None
    assert client.get(f"/api/v3/npq-applications/{my_app}", headers=bearer(first)).status_code == 404
    assert read(client, second, "v3", f"npq-applications/{their_app}")["attributes"]["status"] == "pending"
