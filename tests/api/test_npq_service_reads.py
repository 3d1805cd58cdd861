"""The NPQ service's API at /npq/api/v3 over the seeded world: every read validated against our NPQ
document, the same person through both contracts, its tokens, media type, error bodies and the 400s
of its filters worded as the NPQ service words them."""

from __future__ import annotations

import pytest
import yaml

from sandbox.domain.world.entities import LeadProvider
from tests.conftest import bearer
from tests.support.openapi import validate_exchange

NPQ = "/npq/api/v3"
SPEC = "npq-v3"


def _get(client, provider: LeadProvider, path: str, **params):
    response = client.get(NPQ + path, headers=bearer(provider), params=params)
    validate_exchange(SPEC, response)
    return response


@pytest.fixture(scope="module")
def npq_provider(providers: list[LeadProvider]) -> LeadProvider:
    return next(p for p in providers if p.has_npq)


@pytest.fixture(scope="module")
def no_npq(providers: list[LeadProvider]) -> LeadProvider:
    return next(p for p in providers if not p.has_npq)


LISTS = (
    "/npq-applications",
    "/participants/npq",
    "/participant-declarations",
    "/participants/npq/outcomes",
    "/statements",
    "/delivery-partners",
)


@pytest.mark.parametrize("path", LISTS)
def test_every_list_and_every_item_of_it_honours_the_npq_document(client, providers, path):
    seen = 0
    for provider in (p for p in providers if p.has_npq):
        listed = _get(client, provider, path, **{"page[per_page]": 3000})
        assert listed.status_code == 200
        assert listed.headers["content-type"] == "application/json"
        items = listed.json()["data"]
        seen += len(items)
        if path == "/participants/npq/outcomes":
            continue
        for item in items[:40]:
            shown = _get(client, provider, f"{path}/{item['id']}")
            assert shown.status_code == 200
            assert shown.json()["data"] == item
    assert seen, f"the seeded world has no {path} for any NPQ provider"


@pytest.mark.parametrize("year", ["2023", "2024", "2025", "2026"])
def test_every_application_of_a_cohort_year_honours_the_npq_document(client, providers, state, year):
    """Each year's list holds every cohort of that year the provider offers, each suffix told apart by
    `cohort_suffix`; every item is read again by id against the document."""
    for provider in (p for p in providers if p.has_npq):
        listed = _get(
            client, provider, "/npq-applications", **{"filter[cohort]": year, "page[per_page]": 3000}
        )
        items = listed.json()["data"]
        offered = {
            c.suffix
            for c in state.store.reference.npq_cohorts_of_year(int(year))
            if c.offered_by(provider.name)
        }
        assert {i["attributes"]["cohort"] for i in items} == {year}
        assert {i["attributes"]["cohort_suffix"] for i in items} == offered, provider.name
        for item in items:
            assert _get(client, provider, f"/npq-applications/{item['id']}").json()["data"] == item


def test_the_seeded_shapes_show_on_every_npq_providers_applications(client, providers, state):
    for provider in (p for p in providers if p.has_npq):
        items = _get(client, provider, "/npq-applications", **{"page[per_page]": 3000}).json()["data"]
        shown = [i["attributes"] for i in items]
        pending = {(a["cohort"], a["cohort_suffix"]) for a in shown if a["status"] == "pending"}
        assert {("2023", "a"), ("2024", "a"), ("2025", "a"), ("2025", "b"), ("2026", "b")} <= pending
        assert (("2026", "a") in pending) == (provider.name in ("Best Practice Network", "LLSE"))
        assert any(a["teacher_reference_number"] is None for a in shown if a["cohort_suffix"] == "b")
        assert {a["reason_for_rejection"] for a in shown if a["status"] == "rejected"} >= {
            "rejected_by_provider",
            "other_application_in_this_cohort_accepted",
        }
        assert any(a["status"] == "rejected" and a["schedule_identifier"] for a in shown)
        assert all(a["works_as_senco"] for a in shown if a["course_identifier"] == "npq-senco")
        # Two pending 2025b applicants carry a merged duplicate: its id is gone from the NPQ API.
        applicants = {
            a["participant_id"] for a in shown if (a["cohort"], a["cohort_suffix"]) == ("2025", "b")
        }
        retired = [old for old, new in state.store.retired_user_ids.items() if new in applicants]
        assert len(retired) >= 2
        assert _get(client, provider, f"/participants/npq/{retired[0]}").status_code == 410
    named = [u for u in state.store.users.values() if u.previous_names]
    assert named, "no applicant with previous names"


def test_every_npq_provider_has_applicants_accepted_in_each_later_cohort_it_offers(client, providers, state):
    """Capped cohorts: one with a funded place, one without; the unfunded 2026a: one, funded_place null.
    Each is a participant of the provider on a schedule of its exact cohort."""
    expected = {"capped": [False, True], "zero": [None]}
    for provider in (p for p in providers if p.has_npq):
        for year in ("2025", "2026"):
            listed = _get(
                client, provider, "/npq-applications", **{"filter[cohort]": year, "page[per_page]": 3000}
            ).json()["data"]
            for cohort in state.store.reference.npq_cohorts_of_year(int(year)):
                if not cohort.offered_by(provider.name):
                    continue
                accepted = [
                    a
                    for a in listed
                    if a["attributes"]["status"] == "accepted"
                    and a["attributes"]["cohort_suffix"] == cohort.suffix
                ]
                places = sorted((a["attributes"]["funded_place"] for a in accepted), key=str)
                assert places == expected[cohort.funding], (provider.name, cohort.identifier)
                for application in accepted:
                    attributes = application["attributes"]
                    assert state.store.reference.schedule(
                        attributes["schedule_identifier"], int(year), cohort.suffix
                    ), attributes
                    shown = _get(client, provider, f"/participants/npq/{attributes['participant_id']}")
                    enrolments = shown.json()["data"]["attributes"]["npq_enrolments"]
                    mine = next(e for e in enrolments if e["npq_application_id"] == application["id"])
                    assert (mine["cohort"], mine["cohort_suffix"], mine["training_status"]) == (
                        year,
                        cohort.suffix,
                        "active",
                    )


def test_a_suffixed_cohorts_statements_and_delivery_partners_show_as_its_year(client, providers):
    for provider in (p for p in providers if p.has_npq):
        statements = _get(client, provider, "/statements", **{"filter[cohort]": "2026"}).json()["data"]
        assert statements and {s["attributes"]["cohort"] for s in statements} == {"2026"}
        partners = _get(client, provider, "/delivery-partners", **{"filter[cohort]": "2026"}).json()["data"]
        assert partners and all(2026 in p["attributes"]["cohort"] for p in partners)


def test_one_participants_outcomes_are_paged(client, providers):
    for provider in (p for p in providers if p.has_npq):
        outcomes = _get(client, provider, "/participants/npq/outcomes").json()["data"]
        if outcomes:
            pid = outcomes[0]["attributes"]["participant_id"]
            first = _get(client, provider, f"/participants/npq/{pid}/outcomes", **{"page[per_page]": 1})
            assert first.status_code == 200 and len(first.json()["data"]) == 1
            return
    pytest.fail("no outcome in the seeded world")


def test_an_applicant_is_the_same_person_through_both_contracts(client, npq_provider):
    applications = _get(client, npq_provider, "/npq-applications").json()["data"]
    assert applications
    for application in applications[:10]:
        old = client.get(f"/api/v3/npq-applications/{application['id']}", headers=bearer(npq_provider))
        new = _get(client, npq_provider, f"/npq-applications/{application['id']}")
        assert old.status_code == new.status_code == 200
        before, after = old.json()["data"]["attributes"], new.json()["data"]["attributes"]
        for shared in (
            "participant_id",
            "full_name",
            "course_identifier",
            "status",
            "cohort",
            "funded_place",
        ):
            assert before[shared] == after[shared], shared
    accepted = next(a for a in applications if a["attributes"]["status"] == "accepted")
    participant = accepted["attributes"]["participant_id"]
    old = client.get(f"/api/v3/participants/npq/{participant}", headers=bearer(npq_provider)).json()["data"]
    new = _get(client, npq_provider, f"/participants/npq/{participant}").json()["data"]
    assert old["id"] == new["id"] == participant
    assert {e["npq_application_id"] for e in old["attributes"]["npq_enrolments"]} == {
        e["npq_application_id"] for e in new["attributes"]["npq_enrolments"]
    }


def test_a_provider_without_an_npq_side_is_unknown_to_the_npq_api(client, no_npq):
    response = client.get(f"{NPQ}/npq-applications", headers=bearer(no_npq))
    validate_exchange(SPEC, response)
    assert response.status_code == 401
    assert response.json() == {"error": "HTTP Token: Access denied"}
    assert "www-authenticate" not in response.headers
    assert response.headers["content-type"] == "application/json"
    assert client.get("/api/v3/participants/ecf", headers=bearer(no_npq)).status_code == 200


def test_an_unknown_id_is_not_found_in_the_npq_services_words(client, npq_provider):
    for path in ("/npq-applications/nope", "/participants/npq/nope", "/statements/nope", "/no-such-route"):
        response = client.get(NPQ + path, headers=bearer(npq_provider))
        assert response.status_code == 404, path
        assert response.json() == {"error": "Resource not found"}
        assert response.headers["content-type"] == "application/json"


REFUSALS = [
    ("/npq-applications", {"filter": "x"}, 400, "Bad request", "'#/filter' is not a valid field"),
    (
        "/npq-applications",
        {"page[page]": "0"},
        400,
        "Bad request",
        "The '#/page[page]' and '#/page[per_page]' parameter values must be a valid positive number",
    ),
    (
        "/participant-declarations",
        {"filter[updated_since]": "yesterday"},
        400,
        "Bad request",
        "The filter '#/updated_since' must be a valid ISO 8601 date",
    ),
    (
        "/npq-applications",
        {"filter[participant_id]": "not-a-uuid"},
        400,
        "Bad request",
        "The filter '#/participant_id' must be a comma-delimited list of valid UUIDs",
    ),
    (
        "/participants/npq",
        {"filter[training_status]": "asleep"},
        422,
        "Unpermitted parameters",
        'The filter \'#/training_status\' must be ["active", "deferred", "withdrawn"]',
    ),
]


@pytest.mark.parametrize(("path", "query", "status", "title", "detail"), REFUSALS)
def test_bad_queries_are_refused_in_the_npq_services_words(
    client, npq_provider, path, query, status, title, detail
):
    response = _get(client, npq_provider, path, **query)
    assert response.status_code == status
    assert response.json() == {"errors": [{"title": title, "detail": detail}]}


def test_the_document_is_served_beside_the_api_and_at_the_real_path_under_the_mount(client):
    beside = client.get(f"{NPQ}/openapi.json").json()
    assert beside["servers"] == [{"url": "http://testserver/npq/api/v3"}]
    real = yaml.safe_load(client.get("/npq/api/docs/v3/swagger.yaml").text)
    assert set(real["paths"]) == set(beside["paths"])
    assert client.get(f"{NPQ}/ui/").status_code == 200


def test_a_trn_shows_through_the_npq_service_only_once_verified(client, providers):
    """The NPQ service shows `teacher_reference_number` only when verified (null before); the older
    contracts show it whatever its verification."""
    seen = {True: 0, False: 0}
    for provider in (p for p in providers if p.has_npq):
        every = {"page[per_page]": "3000"}
        applications = _get(client, provider, "/npq-applications", **every).json()["data"]
        for application in applications:
            new = application["attributes"]
            old = client.get(f"/api/v3/npq-applications/{application['id']}", headers=bearer(provider))
            trn = old.json()["data"]["attributes"]["teacher_reference_number"]
            if trn is None:
                continue
            verified = new["teacher_reference_number_validated"]
            assert new["teacher_reference_number"] == (trn if verified else None)
            seen[verified] += 1
            if new["status"] == "accepted":
                person = _get(client, provider, f"/participants/npq/{new['participant_id']}").json()["data"]
                shown = person["attributes"]["teacher_reference_number"]
                assert shown in (trn, None)
                enrolments = {e["npq_application_id"] for e in person["attributes"]["npq_enrolments"]}
                if application["id"] in enrolments and verified:
                    assert shown == trn
    assert seen[True] and seen[False], seen


def test_every_npq_provider_has_its_earliest_2023_applicant_archived(client, providers, state):
    """The 2026 seed pack's shape: the person of each provider's earliest 2023 application has an
    archived account, so the NPQ service shows their email as null; /api/v3 still shows the address."""
    for provider in (p for p in providers if p.has_npq):
        params = {"filter[cohort]": "2023", "page[per_page]": "3000"}
        items = _get(client, provider, "/npq-applications", **params).json()["data"]
        earliest = min(items, key=lambda i: (i["attributes"]["created_at"], i["id"]))
        assert earliest["attributes"]["email"] is None
        archived = [i for i in items if i["attributes"]["email"] is None]
        assert {i["attributes"]["participant_id"] for i in archived} == {
            earliest["attributes"]["participant_id"]
        }
        old = client.get(f"/api/v3/npq-applications/{earliest['id']}", headers=bearer(provider))
        validate_exchange("v3", old)
        assert (
            old.json()["data"]["attributes"]["email"]
            == state.store.users[earliest["attributes"]["participant_id"]].email
        )
