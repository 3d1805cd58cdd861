"""`POST partnerships/ecf` and `PUT partnerships/ecf/{id}` (v3 only) through the ASGI app: each rule's 422
with its exact body, a refusal that changes nothing, and a confirmation that every reader sees.

The app is shared by the module; each test starts from a freshly built world of its own.
"""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from sandbox.app import create_app
from sandbox.domain.participants.visibility import latest_record, open_partnership_ids
from sandbox.domain.world import registration as reg
from sandbox.domain.world.entities import LeadProvider
from sandbox.state import SandboxState
from sandbox.store import Store
from tests.conftest import TEST_NOW, bearer, make_state
from tests.domain.test_partnership_rules import (
    BLANK,
    COHORT_INVALID,
    DP,
    SCHOOL,
    dp_for,
    dp_joining_in,
    dp_without,
    ecf_providers,
    own_confirmed,
    reusable_challenged,
    snapshot,
    unknown_id,
    untouched_school,
)
from tests.support.openapi import validate_exchange

BASE = "/api/v3/partnerships/ecf"
STAMP = TEST_NOW.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(scope="module")
def sandbox() -> SandboxState:
    return make_state()


@pytest.fixture(scope="module")
def api(sandbox: SandboxState) -> TestClient:
    with TestClient(create_app(state=sandbox), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def store(sandbox: SandboxState) -> Store:
    sandbox.reset()  # every test gets the seeded world, untouched by the others
    return sandbox.store


@pytest.fixture
def provider(store: Store) -> LeadProvider:
    return ecf_providers(store)[0]


@pytest.fixture
def other(store: Store) -> LeadProvider:
    return ecf_providers(store)[1]


def body(**attributes: Any) -> dict[str, Any]:
    return {"data": {"type": "ecf-partnership", "attributes": attributes}}


def post(api: TestClient, provider: LeadProvider, payload: Any, **headers: str):
    response = api.post(BASE, json=payload, headers=bearer(provider) | headers)
    validate_exchange("v3", response)
    return response


def put(api: TestClient, provider: LeadProvider, partnership_id: str, payload: Any):
    response = api.put(f"{BASE}/{partnership_id}", json=payload, headers=bearer(provider))
    validate_exchange("v3", response)
    return response


def errors(response) -> list[tuple[str, str]]:
    assert response.status_code == 422, response.text
    return [(e["title"], e["detail"]) for e in response.json()["errors"]]


def ids_of(response) -> set[str]:
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["data"]}


# -- POST ------------------------------------------------------------------------------------------


def test_a_confirmed_partnership_is_returned_and_seen_by_every_reader(api, store, provider) -> None:
    school = untouched_school(store)
    dp = dp_for(store, provider, 2024)
    response = post(api, provider, body(cohort="2024", school_id=school.id, delivery_partner_id=dp))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.api+json"
    item = response.json()["data"]
    attributes = item["attributes"]
    assert item["type"] == "partnership"
    assert attributes == {
        "cohort": "2024",
        "urn": school.urn,
        "school_id": school.id,
        "delivery_partner_id": dp,
        "delivery_partner_name": store.delivery_partners[dp].name,
        "status": "active",
        "challenged_reason": None,
        "challenged_at": None,
        # The school's induction tutor, as upstream's serializer reads it.
        "induction_tutor_name": school.induction_tutor_name,
        "induction_tutor_email": school.induction_tutor_email,
        "created_at": STAMP,
        "updated_at": STAMP,
    }
    headers = bearer(provider)
    assert api.get(f"{BASE}/{item['id']}", headers=headers).json()["data"] == item
    since = {"filter[updated_since]": STAMP}
    assert ids_of(api.get(BASE, params=since, headers=headers)) == {item["id"]}
    schools = api.get(
        "/api/v3/schools/ecf", params={"filter[cohort]": "2024", "filter[urn]": school.urn}, headers=headers
    ).json()["data"]
    assert [s["attributes"]["in_partnership"] for s in schools] == [True]
    assert schools[0]["attributes"]["induction_programme_choice"] == "full_induction_programme"
    fresh = api.get("/api/v3/schools/ecf", params={"filter[cohort]": "2024"} | since, headers=headers)
    assert school.id in ids_of(fresh)


@pytest.mark.parametrize("cohort", [2024, "2024"])
@pytest.mark.parametrize("media_type", ["application/json", "application/vnd.api+json"])
def test_cohort_as_number_or_string_in_either_media_type(api, store, provider, cohort, media_type) -> None:
    school = untouched_school(store)
    payload = body(cohort=cohort, school_id=school.id, delivery_partner_id=dp_for(store, provider, 2024))
    response = api.post(BASE, json=payload, headers=bearer(provider) | {"Content-Type": media_type})
    validate_exchange("v3", response)
    assert response.status_code == 200 and response.json()["data"]["attributes"]["cohort"] == "2024"


def test_a_challenged_partnership_is_confirmed_again_under_its_id(api, store) -> None:
    old = reusable_challenged(store)
    owner = store.lead_providers[old.lead_provider_id]
    new_dp = dp_for(store, owner, 2024, skip=old.delivery_partner_id)
    before = ids_of(api.get(BASE, headers=bearer(owner)))
    response = post(api, owner, body(cohort=2024, school_id=old.school_id, delivery_partner_id=new_dp))
    attributes = response.json()["data"]["attributes"]
    assert response.json()["data"]["id"] == old.id
    assert (attributes["status"], attributes["challenged_reason"], attributes["challenged_at"]) == (
        "active",
        None,
        None,
    )
    assert (attributes["delivery_partner_id"], attributes["updated_at"]) == (new_dp, STAMP)
    assert ids_of(api.get(BASE, headers=bearer(owner))) == before


def _scene(store: Store, provider: LeadProvider, other: LeadProvider, case: str) -> dict[str, Any]:
    """The attributes of a request that the named rule refuses, setting the scene where the seed has none."""
    dp = dp_for(store, provider, 2024)
    school = untouched_school(store)
    if case == "not_set_up":
        reg.add_partnership(
            store,
            lead_provider_id=other.id,
            school_id=school.id,
            delivery_partner_id=dp_for(store, other, 2023),
            cohort=2023,
            now=TEST_NOW,
        )
    school_id = {
        "invalid": unknown_id(),
        "cip_only": next((s.id for s in store.schools.values() if s.cip_only), None),
        "ineligible": next((s.id for s in store.schools.values() if not s.eligible), None),
        "mine": own_confirmed(store, provider).school_id,
        "theirs": own_confirmed(store, other).school_id,
    }.get(case, school.id)
    dp = {"dp_invalid": unknown_id(), "dp_no_relationship": dp_without(store, provider, 2024)}.get(case, dp)
    return {"cohort": "2030" if case == "cohort" else 2024, "school_id": school_id, "delivery_partner_id": dp}


REFUSALS = {
    # As upstream, a partner cannot be working with the provider "for the given cohort" when there is none.
    "cohort": [("cohort", COHORT_INVALID), ("delivery_partner_id", DP["no_relationship"])],
    "invalid": [("school_id", SCHOOL["invalid"])],
    "cip_only": [("school_id", SCHOOL["cip_only"])],
    "ineligible": [("school_id", SCHOOL["ineligible"])],
    "mine": [("school_id", SCHOOL["mine"])],
    "theirs": [("school_id", SCHOOL["theirs"])],
    "not_set_up": [("school_id", SCHOOL["not_set_up"])],
    "dp_invalid": [("delivery_partner_id", DP["invalid"])],
    "dp_no_relationship": [("delivery_partner_id", DP["no_relationship"])],
}


@pytest.mark.parametrize("case", REFUSALS)
def test_each_refusal_is_a_422_that_changes_nothing(api, store, provider, other, case) -> None:
    attributes = _scene(store, provider, other, case)
    before, listed = snapshot(store), api.get(BASE, headers=bearer(provider)).json()
    assert errors(post(api, provider, body(**attributes))) == REFUSALS[case]
    assert snapshot(store) == before
    assert api.get(BASE, headers=bearer(provider)).json() == listed


@pytest.mark.parametrize(
    "payload",
    [body(), {"data": {}}, {"data": {"type": "x"}}, body(cohort=None, school_id="", delivery_partner_id=" ")],
    ids=["empty-attributes", "empty-data", "no-attributes", "blank-values"],
)
def test_blank_attributes(api, store, provider, payload) -> None:
    before = snapshot(store)
    assert errors(post(api, provider, payload)) == list(BLANK.items())
    assert snapshot(store) == before


def test_every_attribute_at_once_in_upstreams_order(api, store, provider) -> None:
    response = post(api, provider, body(cohort=1999, delivery_partner_id=unknown_id()))
    assert errors(response) == [
        ("school_id", BLANK["school_id"]),
        ("cohort", COHORT_INVALID),
        ("delivery_partner_id", DP["invalid"]),
    ]


@pytest.mark.parametrize("payload", [{}, {"attributes": {}}, {"data": None}])
def test_a_body_without_data_is_a_400(api, store, provider, payload) -> None:
    response = post(api, provider, payload)
    assert response.status_code == 400


@pytest.mark.parametrize("cohort", [True, [2024], {"year": 2024}, 2024.5, "twenty"])
def test_other_cohort_types_are_refused_with_the_cohort_message(api, store, provider, cohort) -> None:
    school = untouched_school(store)
    payload = body(cohort=cohort, school_id=school.id, delivery_partner_id=unknown_id())
    assert errors(post(api, provider, payload))[0] == ("cohort", COHORT_INVALID)


def test_writes_need_the_ecf_side(api, store) -> None:
    npq_only = next(p for p in store.lead_providers.values() if not p.has_ecf)
    created = post(api, npq_only, body(cohort=2024))
    updated = put(api, npq_only, unknown_id(), body(delivery_partner_id=unknown_id()))
    assert (created.status_code, created.content, updated.status_code, updated.content) == (
        403,
        b"",
        403,
        b"",
    )


# -- PUT -------------------------------------------------------------------------------------------


def test_update_changes_the_partner_and_readers_see_it(api, store, provider) -> None:
    partnership = own_confirmed(store, provider)
    new_dp = dp_for(store, provider, 2024, skip=partnership.delivery_partner_id)
    response = put(api, provider, partnership.id, body(delivery_partner_id=new_dp))
    assert response.status_code == 200
    item = response.json()["data"]
    assert item["id"] == partnership.id
    assert (item["attributes"]["delivery_partner_id"], item["attributes"]["updated_at"]) == (new_dp, STAMP)
    since = {"filter[updated_since]": STAMP}
    assert partnership.id in ids_of(api.get(BASE, params=since, headers=bearer(provider)))
    # The participants trained there now show the new delivery partner, and `updated_since` finds them.
    # One page holds them all: the school's people across its years can outnumber a default page.
    poll = {**since, "page[per_page]": 3000}
    participants = api.get("/api/v3/participants/ecf", params=poll, headers=bearer(provider)).json()["data"]
    shown = {
        e["training_record_id"]: e["delivery_partner_id"]
        for p in participants
        for e in p["attributes"]["ecf_enrolments"]
    }
    mine = open_partnership_ids(store, provider)
    profiles = {r.profile_id for r in store.induction_records.values() if r.partnership_id == partnership.id}
    current = {
        profile_id
        for profile_id in profiles
        if latest_record(store, store.ecf_profiles[profile_id], mine).partnership_id == partnership.id
    }
    assert profiles <= set(shown) and current
    assert {shown[profile_id] for profile_id in current} == {new_dp}


def test_update_with_the_same_partner_is_answered_unchanged(api, store, provider) -> None:
    partnership = own_confirmed(store, provider)
    shown = api.get(f"{BASE}/{partnership.id}", headers=bearer(provider)).json()
    before = snapshot(store)
    response = put(api, provider, partnership.id, body(delivery_partner_id=partnership.delivery_partner_id))
    assert response.status_code == 200 and response.json() == shown
    assert snapshot(store) == before


@pytest.mark.parametrize("whose", ["other", "unknown", "not-a-uuid"])
def test_update_of_a_partnership_that_is_not_the_providers_is_a_404(
    api, store, provider, other, whose
) -> None:
    target = {"other": lambda: own_confirmed(store, other).id, "unknown": unknown_id}.get(
        whose, lambda: whose
    )()
    response = put(api, provider, target, body(delivery_partner_id=dp_for(store, provider, 2024)))
    assert (response.status_code, response.json()) == (404, {"error": "Resource not Found"})


def _update_case(store: Store, provider: LeadProvider, case: str) -> tuple[str, Any]:
    if case == "challenged":
        challenged = next(
            p for p in store.partnerships.values() if p.lead_provider_id == provider.id and p.challenged
        )
        return challenged.id, dp_for(store, provider, 2024, skip=challenged.delivery_partner_id)
    partnership = own_confirmed(store, provider, 2022 if case == "no_relationship" else 2024)
    if case == "duplicate":
        dp = dp_for(store, provider, 2024, skip=partnership.delivery_partner_id)
        reg.add_partnership(
            store,
            lead_provider_id=provider.id,
            school_id=partnership.school_id,
            delivery_partner_id=dp,
            cohort=2024,
            now=TEST_NOW,
            relationship=True,
        )
        return partnership.id, dp
    return partnership.id, {
        "blank": None,
        "invalid": unknown_id(),
        "no_relationship": dp_joining_in(store, provider, 2023),
    }[case]


UPDATE_REFUSALS = {
    "blank": BLANK["delivery_partner_id"],
    "invalid": DP["invalid"],
    "no_relationship": DP["no_relationship"],
    "challenged": DP["challenged"],
    "duplicate": DP["duplicate"],
}


@pytest.mark.parametrize("case", UPDATE_REFUSALS)
def test_each_update_refusal_is_a_422_that_changes_nothing(api, store, provider, case) -> None:
    partnership_id, dp = _update_case(store, provider, case)
    before = snapshot(store)
    response = put(api, provider, partnership_id, body(delivery_partner_id=dp))
    assert errors(response) == [("delivery_partner_id", UPDATE_REFUSALS[case])]
    assert snapshot(store) == before


def test_update_without_attributes_is_blank_and_without_data_a_400(api, store, provider) -> None:
    partnership = own_confirmed(store, provider)
    assert errors(put(api, provider, partnership.id, {"data": {}})) == [
        ("delivery_partner_id", BLANK["delivery_partner_id"])
    ]
    assert put(api, provider, partnership.id, {"nothing": 1}).status_code == 400


def test_a_write_runs_at_the_requested_server_date(api, store, provider) -> None:
    school = untouched_school(store)
    payload = body(cohort=2024, school_id=school.id, delivery_partner_id=dp_for(store, provider, 2024))
    response = post(api, provider, payload, **{"X-With-Server-Date": "2027-01-10T10:42:00Z"})
    attributes = response.json()["data"]["attributes"]
    assert (attributes["created_at"], attributes["updated_at"]) == (
        "2027-01-10T10:42:00Z",
        "2027-01-10T10:42:00Z",
    )


def test_a_confirmation_is_replayed_when_another_provider_is_reset(
    api, sandbox, store, provider, other
) -> None:
    school = untouched_school(store)
    payload = body(cohort=2024, school_id=school.id, delivery_partner_id=dp_for(store, provider, 2024))
    item = post(api, provider, payload).json()["data"]
    sandbox.reset_provider(other.id)
    assert api.get(f"{BASE}/{item['id']}", headers=bearer(provider)).json()["data"] == item
    sandbox.reset_provider(provider.id)
    assert api.get(f"{BASE}/{item['id']}", headers=bearer(provider)).status_code == 404
