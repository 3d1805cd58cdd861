"""`POST participant-declarations` and `PUT participant-declarations/{id}/void` in every version, through
the ASGI app: the version's shape, exact refusal bodies, concurrent duplicates, the server-date header,
readers and syncs seeing the change, and a refusal that changes nothing.

The app is shared by the module; each test starts from a freshly built world of its own. The participants
a provider can claim for today (2026-11-27) are found by searching that world, as a provider would.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from sandbox.api.body import DATA_STRUCTURE_MESSAGE
from sandbox.app import create_app
from sandbox.domain.declarations.reads import visible_to
from sandbox.domain.declarations.states import BILLABLE_OR_CHANGEABLE
from sandbox.domain.participants.visibility import latest_state_by, provider_has_record_on_schedule
from sandbox.domain.world.entities import ECFProfile, LeadProvider, NPQProfile
from sandbox.domain.world.reference import milestone_window_check
from sandbox.state import SandboxState
from sandbox.store import Store
from tests.conftest import TEST_NOW, VERSIONS, bearer, make_state
from tests.support.openapi import validate_exchange

BASE = "participant-declarations"
ALREADY = "A declaration has already been submitted that will be, or has been, paid for this event"
INVALID_DATE = "Enter a valid RCF3339 '#/declaration_date'."
FUTURE = "The '#/declaration_date' value cannot be a future date. Check the date and try again."
NOT_RECOGNISED = (
    "Your update cannot be made as the '#/participant_id' is not recognised. Check participant details and "
    "try again."
)
CLOSED_2021 = (
    "You cannot submit or void declarations for the 2021 cohort. The funding contract for this cohort has "
    "ended. Get in touch if you need to discuss this with us"
)
HAS_PASSED = (
    "Enter 'true' or 'false' in the '#/has_passed' field to indicate whether this participant has passed "
    "or failed their course."
)
V3_ONLY = {
    "created_at",
    "mentor_id",
    "delivery_partner_id",
    "statement_id",
    "clawback_statement_id",
    "ineligible_for_funding_reason",
    "uplift_paid",
    "evidence_held",
    "lead_provider_name",
}


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(scope="module")
def sandbox() -> SandboxState:
    return make_state()


@pytest.fixture(scope="module")
def app(sandbox: SandboxState):
    return create_app(state=sandbox)


@pytest.fixture(scope="module")
def api(app) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def store(sandbox: SandboxState) -> Store:
    sandbox.reset()  # every test gets the seeded world, untouched by the others
    return sandbox.store


@pytest.fixture
def provider(store: Store) -> LeadProvider:
    return list(store.lead_providers.values())[0]  # holds both programmes and every scenario


@pytest.fixture
def other(store: Store) -> LeadProvider:
    return list(store.lead_providers.values())[1]


# -- finding claims a provider can make -------------------------------------------------------------


def _claimed(store: Store, user_id: str, course: str, declaration_type: str) -> bool:
    return any(
        d.course_identifier == course
        and d.declaration_type == declaration_type
        and d.state in BILLABLE_OR_CHANGEABLE
        for d in store.declarations_of(user_id)
    )


def _shared_trn(store: Store, user_id: str) -> bool:
    trn = store.users[user_id].teacher_reference_number
    return trn is not None and sum(u.teacher_reference_number == trn for u in store.users.values()) > 1


def _withdrawn_by(provider: LeadProvider, profile: ECFProfile) -> bool:
    latest = latest_state_by(profile.states, provider.id)
    return latest is not None and latest.state == "withdrawn"


def open_claims(
    store: Store,
    provider: LeadProvider,
    *,
    npq: bool = False,
    participant_type: str | None = None,
    declaration_type: str | None = None,
    on: tuple[datetime, ...] = (TEST_NOW,),
) -> Iterator[tuple[ECFProfile | NPQProfile, str]]:
    """Active, fundable participants the provider trains whose schedule has a milestone open on every
    instant in `on` with no live claim for it yet (by anyone, or by the same teacher under another record)."""
    profiles: list[ECFProfile | NPQProfile]
    if npq:
        contracts = {(c.lead_provider_id, c.cohort, c.course_identifier) for c in store.npq_contracts}
        profiles = [
            p
            for p in store.npq_profiles.values()
            if p.lead_provider_id == provider.id
            and (provider.id, p.cohort, p.course_identifier) in contracts
            and store.npq_applications[p.id].eligible_for_funding
            and store.npq_applications[p.id].funded_place in (None, True)
        ]
    else:
        profiles = [
            p
            for p in store.ecf_profiles.values()
            if p.eligibility == "eligible"
            and p.cohort != 2021
            and (participant_type is None or p.participant_type == participant_type)
            and provider_has_record_on_schedule(store, provider, p)
            and not _withdrawn_by(provider, p)
        ]
    for profile in profiles:
        if profile.training_status != "active" or _shared_trn(store, profile.user_id):
            continue
        schedule = store.reference.schedule(profile.schedule_identifier, profile.cohort)
        assert schedule is not None
        for milestone in schedule.milestones:
            kind = milestone.declaration_type
            if declaration_type not in (None, kind):
                continue
            if all(milestone_window_check(milestone, moment) is None for moment in on) and not _claimed(
                store, profile.user_id, profile.course_identifier, kind
            ):
                yield profile, kind
                break


def claim(store: Store, provider: LeadProvider, **criteria: Any) -> tuple[ECFProfile | NPQProfile, str]:
    found = next(open_claims(store, provider, **criteria), None)
    assert found is not None, f"the seeded world has a claim {provider.name} can make ({criteria})"
    return found


def body(profile: ECFProfile | NPQProfile, declaration_type: str, **attributes: Any) -> dict[str, Any]:
    values = {
        "participant_id": profile.user_id,
        "course_identifier": profile.course_identifier,
        "declaration_type": declaration_type,
        "declaration_date": stamp(TEST_NOW - timedelta(hours=1)),
        "evidence_held": "training-event-attended",
        **attributes,
    }
    return {"data": {"type": "participant-declaration", "attributes": values}}


def post(api: TestClient, provider: LeadProvider, payload: Any, version: str = "v3", **headers: str):
    response = api.post(f"/api/{version}/{BASE}", json=payload, headers=bearer(provider) | headers)
    validate_exchange(version, response)
    return response


def void(api: TestClient, provider: LeadProvider, declaration_id: str, version: str = "v3", **headers: str):
    response = api.put(f"/api/{version}/{BASE}/{declaration_id}/void", headers=bearer(provider) | headers)
    validate_exchange(version, response)
    return response


def errors(response: httpx.Response) -> list[tuple[str, str]]:
    return [(e["title"], e["detail"]) for e in response.json()["errors"]]


def snapshot(store: Store) -> Any:
    return copy.deepcopy(
        (store.declarations, store.statements, store.outcomes, store.ecf_profiles, store.users)
    ), store.rng.getstate()


# -- submitting ------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_a_claim_is_answered_in_the_versions_shape(api, store, provider, version):
    profile, kind = claim(store, provider)
    response = post(api, provider, body(profile, kind), version)
    assert response.status_code == 200
    data = response.json()["data"]
    attributes = data["attributes"]
    assert data["type"] == "participant-declaration"
    assert (attributes["participant_id"], attributes["declaration_type"]) == (profile.user_id, kind)
    assert (attributes["state"], attributes["updated_at"]) == ("eligible", stamp(TEST_NOW))
    assert ({"eligible_for_payment", "voided"} <= attributes.keys()) is (version == "v1")
    assert (V3_ONLY <= attributes.keys()) is (version == "v3")
    if version == "v1":
        assert (attributes["eligible_for_payment"], attributes["voided"]) == (True, False)
    if version == "v3":
        assert attributes["statement_id"] == store.declarations[data["id"]].statement_id is not None
        assert attributes["lead_provider_name"] == provider.name


def test_a_claim_posted_through_v1_reads_back_through_v2_and_v3(api, store, provider):
    profile, kind = claim(store, provider)
    created = post(api, provider, body(profile, kind), "v1").json()["data"]
    for version in ("v2", "v3"):
        response = api.get(f"/api/{version}/{BASE}/{created['id']}", headers=bearer(provider))
        validate_exchange(version, response)
        attributes = response.json()["data"]["attributes"]
        shared = {
            k: v for k, v in created["attributes"].items() if k not in ("eligible_for_payment", "voided")
        }
        assert {k: attributes[k] for k in shared} == shared
        assert "voided" not in attributes
        assert (V3_ONLY <= attributes.keys()) is (version == "v3")


def test_32_identical_claims_at_once_create_exactly_one(app, api, store, provider):
    profile, kind = claim(store, provider)
    payload = body(profile, kind)
    before = len(store.declarations)

    async def burst() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await asyncio.gather(
                *(client.post(f"/api/v3/{BASE}", json=payload, headers=bearer(provider)) for _ in range(32))
            )

    responses = asyncio.run(burst())
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [422] * 31
    for response in responses:
        validate_exchange("v3", response)
        if response.status_code == 422:
            assert errors(response) == [("base", ALREADY)]
    assert len(store.declarations) == before + 1


def test_a_refused_claim_changes_nothing(api, store, provider):
    profile, kind = claim(store, provider)
    assert post(api, provider, body(profile, kind)).status_code == 200
    before = snapshot(store)
    response = post(api, provider, body(profile, kind, declaration_date=stamp(TEST_NOW - timedelta(hours=2))))
    assert (response.status_code, errors(response)) == (422, [("base", ALREADY)])
    assert snapshot(store) == before


def test_syncs_by_updated_since_see_new_and_voided_claims(api, store, provider):
    profile, kind = claim(store, provider)
    created = post(api, provider, body(profile, kind)).json()["data"]

    def synced(version: str, since: datetime) -> dict[str, str]:
        query = {"filter[updated_since]": stamp(since), "page[per_page]": "3000"}
        response = api.get(f"/api/{version}/{BASE}", params=query, headers=bearer(provider))
        validate_exchange(version, response)
        return {d["id"]: d["attributes"]["state"] for d in response.json()["data"]}

    assert synced("v3", TEST_NOW)[created["id"]] == "eligible"  # v3 includes the instant itself
    assert created["id"] not in synced("v1", TEST_NOW)  # v1/v2 compare strictly
    assert synced("v1", TEST_NOW - timedelta(seconds=1))[created["id"]] == "eligible"
    later = TEST_NOW + timedelta(hours=1)
    assert void(api, provider, created["id"], **{"X-With-Server-Date": stamp(later)}).status_code == 200
    assert synced("v3", later) == {created["id"]: "voided"}


def test_the_server_date_header_moves_the_future_check_and_the_statement(api, store, provider):
    travelled = datetime(2027, 1, 6, 9, tzinfo=TEST_NOW.tzinfo)
    profile, kind = claim(store, provider, on=(TEST_NOW, travelled))
    payload = body(profile, kind, declaration_date="2027-01-05T10:00:00Z")
    refused = post(api, provider, payload)
    assert (refused.status_code, errors(refused)) == (422, [("declaration_date", FUTURE)])
    accepted = post(api, provider, payload, **{"X-With-Server-Date": stamp(travelled)})
    assert accepted.status_code == 200
    attributes = accepted.json()["data"]["attributes"]
    assert (attributes["created_at"], attributes["updated_at"]) == (stamp(travelled), stamp(travelled))
    statement = api.get(f"/api/v3/statements/{attributes['statement_id']}", headers=bearer(provider)).json()
    # ECF 2024 pays claims in January, April, August and October: January's deadline (31 Dec) has passed.
    assert (statement["data"]["attributes"]["month"], statement["data"]["attributes"]["year"]) == (
        "April",
        "2027",
    )
    today = post(api, provider, body(*claim(store, provider))).json()["data"]["attributes"]
    statement = api.get(f"/api/v3/statements/{today['statement_id']}", headers=bearer(provider)).json()
    assert statement["data"]["attributes"]["month"] == "January"


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("payload", [{}, {"datum": {}}], ids=["empty", "other"])
def test_a_body_without_data_is_400(api, store, provider, version, payload):
    response = post(api, provider, payload, version)
    assert response.status_code == 400
    assert errors(response) == [("Bad request", DATA_STRUCTURE_MESSAGE)]


def test_data_that_is_not_an_object_is_400_not_a_server_error(api, store, provider):
    response = post(api, provider, {"data": "participant-declaration"})
    assert response.status_code == 400
    assert errors(response)[0][0] == "Bad request"


@pytest.mark.parametrize("version", VERSIONS)
def test_data_without_attributes_is_422_for_every_missing_value(api, store, provider, version):
    response = post(api, provider, {"data": {"type": "participant-declaration"}}, version)
    assert response.status_code == 422
    assert errors(response) == [
        ("participant_id", NOT_RECOGNISED),
        ("declaration_date", "Enter a '#/declaration_date'."),
        ("declaration_type", "Enter a '#/declaration_type'."),
    ]


@pytest.mark.parametrize(
    "raw", ["2026-11-26", "2026-19-01T10:00:00Z", "2026-11-26T29:00:00Z", "26/11/2026 10:00"]
)
def test_a_declaration_date_that_is_not_a_real_rfc3339_instant_is_422(api, store, provider, raw):
    profile, kind = claim(store, provider)
    response = post(api, provider, body(profile, kind, declaration_date=raw))
    assert (response.status_code, errors(response)) == (422, [("declaration_date", INVALID_DATE)])


@pytest.mark.parametrize("value", [True, "true", False, "false"])
def test_has_passed_takes_booleans_or_strings(api, store, provider, value):
    profile, kind = claim(store, provider, npq=True, declaration_type="completed")
    response = post(api, provider, body(profile, kind, has_passed=value))
    assert response.status_code == 200
    assert response.json()["data"]["attributes"]["has_passed"] is (value in (True, "true"))


def test_an_npq_completed_claim_without_has_passed_is_422(api, store, provider):
    profile, kind = claim(store, provider, npq=True, declaration_type="completed")
    response = post(api, provider, body(profile, kind, has_passed="yes"))
    assert (response.status_code, errors(response)) == (422, [("has_passed", HAS_PASSED)])


def test_another_providers_participant_is_not_recognised(api, store, provider, other):
    profile, kind = claim(store, provider)
    response = post(api, other, body(profile, kind))
    assert (response.status_code, errors(response)) == (422, [("participant_id", NOT_RECOGNISED)])


def test_a_2021_participant_cannot_be_claimed_for_while_fundable(api, store, other):
    profile = next(
        p
        for p in store.ecf_profiles.values()
        if p.cohort == 2021
        and p.eligibility == "eligible"
        and provider_has_record_on_schedule(store, other, p)
    )
    response = post(api, other, body(profile, "retained-1"))
    assert response.status_code == 422
    assert ("cohort", CLOSED_2021) in errors(response)


def test_v3_needs_a_provider_with_either_side_and_v1_v2_do_not(api, store, provider):
    sideless = LeadProvider(
        "0" * 8 + "-0000-4000-8000-" + "0" * 12, "Nobody", "sideless", False, False, TEST_NOW
    )
    store.add_lead_provider(sideless)
    profile, kind = claim(store, provider)
    response = api.post(f"/api/v3/{BASE}", json=body(profile, kind), headers=bearer(sideless))
    assert (response.status_code, response.content) == (403, b"")
    declaration_id = next(iter(store.declarations))
    response = api.put(f"/api/v3/{BASE}/{declaration_id}/void", headers=bearer(sideless))
    assert (response.status_code, response.content) == (403, b"")
    for version in ("v1", "v2"):
        assert post(api, sideless, body(profile, kind), version).status_code == 422


# -- voiding ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_voiding_an_own_claim_takes_it_off_its_statement(api, store, provider, version):
    profile, kind = claim(store, provider)
    created = post(api, provider, body(profile, kind), version).json()["data"]
    response = void(api, provider, created["id"], version)
    assert response.status_code == 200
    attributes = response.json()["data"]["attributes"]
    assert attributes["state"] == "voided"
    if version == "v1":
        assert (attributes["voided"], attributes["eligible_for_payment"]) == (True, False)
    if version == "v3":
        assert attributes["statement_id"] is None
    again = void(api, provider, created["id"], version)
    assert (again.status_code, errors(again)) == (
        422,
        [("Invalid action", "This declaration has already been voided.")],
    )


def test_only_the_provider_that_made_a_claim_may_void_it(api, store, provider, other):
    profile, kind = claim(store, provider)
    created = post(api, provider, body(profile, kind)).json()["data"]
    response = void(api, other, created["id"])
    assert (response.status_code, response.json()) == (404, {"error": "Resource not Found"})
    # A transferred participant's earlier claims are readable by the new provider, but not voidable.
    readable = next(
        d
        for d in store.declarations.values()
        if d.lead_provider_id != other.id and visible_to(store, other, d)
    )
    assert api.get(f"/api/v3/{BASE}/{readable.id}", headers=bearer(other)).status_code == 200
    assert void(api, other, readable.id).status_code == 404
    assert void(api, provider, "not-a-declaration").status_code == 404


def test_a_paid_claim_awaits_clawback_and_then_cannot_be_voided(api, store, provider):
    paid = next(
        d
        for d in store.declarations.values()
        if d.lead_provider_id == provider.id and d.state == "paid" and d.cohort > 2021
    )
    statement_id = paid.statement_id
    response = void(api, provider, paid.id)
    assert response.status_code == 200
    attributes = response.json()["data"]["attributes"]
    assert (attributes["state"], attributes["statement_id"]) == ("awaiting-clawback", statement_id)
    clawback = store.statements[attributes["clawback_statement_id"]]
    assert clawback.output_fee and clawback.deadline_date >= TEST_NOW.date()
    again = void(api, provider, paid.id)
    assert errors(again) == [
        (
            "Invalid action",
            "This declaration cannot be voided. Contact the DfE if you have any questions about why you "
            "cannot void it.",
        )
    ]


def test_a_paid_2021_claim_cannot_be_clawed_back(api, store, provider):
    paid = next(
        d
        for d in store.declarations.values()
        if d.lead_provider_id == provider.id and d.state == "paid" and d.cohort == 2021
    )
    before = snapshot(store)
    response = void(api, provider, paid.id, "v1")
    assert (response.status_code, errors(response)) == (
        422,
        [("Invalid action", f"Participant declaration {CLOSED_2021}")],
    )
    assert snapshot(store) == before


def test_voiding_an_npq_completed_claim_voids_its_outcome(api, store, provider):
    profile, kind = claim(store, provider, npq=True, declaration_type="completed")
    created = post(api, provider, body(profile, kind, has_passed=True)).json()["data"]
    assert created["attributes"]["has_passed"] is True
    voided = void(api, provider, created["id"], "v2").json()["data"]["attributes"]
    assert (voided["state"], voided["has_passed"]) == ("voided", None)
    assert [o.state for o in store.outcomes_of(created["id"])] == ["passed", "voided"]


def test_a_mentors_completed_claim_ends_their_funding_until_it_is_voided(api, store, provider):
    profile, kind = claim(store, provider, participant_type="mentor", declaration_type="completed")
    created = post(api, provider, body(profile, kind, declaration_date="2026-11-02T10:00:00Z")).json()["data"]

    def enrolment() -> dict[str, Any]:
        response = api.get(f"/api/v3/participants/ecf/{profile.user_id}", headers=bearer(provider))
        validate_exchange("v3", response)
        enrolments = response.json()["data"]["attributes"]["ecf_enrolments"]
        return next(e for e in enrolments if e["training_record_id"] == profile.id)

    mentor = enrolment()
    assert (mentor["mentor_funding_end_date"], mentor["mentor_ineligible_for_funding_reason"]) == (
        "2026-11-02",
        "completed_declaration_received",
    )
    assert void(api, provider, created["id"]).status_code == 200
    mentor = enrolment()
    assert (mentor["mentor_funding_end_date"], mentor["mentor_ineligible_for_funding_reason"]) == (None, None)
