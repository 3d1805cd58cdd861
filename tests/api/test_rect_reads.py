"""The RECT v3 API (/rect/api/v3) over the seeded world: every read validated against our RECT spec,
its tokens, error bodies and media type, and one person seen through both ECF contracts."""

from __future__ import annotations

import pytest

from tests.conftest import bearer
from tests.support.openapi import validate_exchange

BASE = "/rect/api/v3"
MEDIA = "application/json; charset=utf-8"
NOT_FOUND = {
    "errors": [{"title": "Resource not found", "detail": "Nothing could be found for the provided details"}]
}
LISTS = [
    "/participants",
    "/participants/transfers",
    "/participant-declarations",
    "/statements",
    "/delivery-partners",
    "/partnerships",
    "/unfunded-mentors",
]


def get(client, provider, path, **params):
    response = client.get(BASE + path, headers=bearer(provider), params=params)
    validate_exchange("rect", response)
    return response


def every_page(client, provider, path, **params) -> list[dict]:
    items, number = [], 1
    while True:
        page = get(client, provider, path, **{"page[page]": number, "page[per_page]": 25}, **params).json()
        items += page["data"]
        if len(page["data"]) < 25:
            return items
        number += 1


@pytest.mark.parametrize("path", LISTS)
def test_every_list_and_each_item_of_the_seeded_world_honour_the_spec(client, first, path):
    items = every_page(client, first, path)
    assert items, f"the default world shows nothing at {path}"
    for item in items[:10]:
        suffix = "/transfers" if path == "/participants/transfers" else ""
        item_path = f"/participants/{item['id']}{suffix}" if suffix else f"{path}/{item['id']}"
        response = get(client, first, item_path)
        assert response.status_code == 200
        assert response.json()["data"] == item


def test_schools_of_each_cohort_honour_the_spec(client, first):
    for year in range(2021, 2027):
        schools = every_page(client, first, "/schools", **{"filter[cohort]": str(year)})
        for school in schools[:5]:
            one = get(client, first, f"/schools/{school['id']}", **{"filter[cohort]": str(year)})
            assert one.json()["data"] == school


def test_answers_are_plain_json(client, first):
    response = get(client, first, "/participants")
    assert response.headers["content-type"] == MEDIA


def test_a_provider_with_an_ecf_side_uses_its_own_token_and_others_are_unknown(client, ecf_only, npq_only):
    assert get(client, ecf_only, "/participants").status_code == 200
    refused = client.get(BASE + "/participants", headers=bearer(npq_only))
    assert refused.status_code == 401
    assert refused.json() == {"error": "HTTP Token: Access denied"}
    assert "www-authenticate" not in refused.headers
    assert client.get(BASE + "/statements").status_code == 401
    validate_exchange("rect", refused)


def test_a_record_out_of_sight_is_rects_not_found(client, first, second):
    theirs = get(client, second, "/partnerships").json()["data"][0]["id"]
    for path in ("/participants/nope", f"/partnerships/{theirs}", "/statements/nope"):
        response = get(client, first, path)
        assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_old_ecf_paths_and_unknown_routes_are_not_routed(client, first):
    # As in Rails, `/participants/ecf` is the show route with the id "ecf": not found.
    for path in ("/participants/ecf", "/partnerships/ecf"):
        response = client.get(BASE + path, headers=bearer(first))
        assert (response.status_code, response.json()) == (404, NOT_FOUND), path
    unknown = client.get(BASE + "/nothing-here", headers=bearer(first))
    assert unknown.json() == {"error": "Resource not found"}


def test_no_npq_record_shows_through_rect(client, first):
    declarations = client.get(
        BASE + "/participant-declarations", headers=bearer(first), params={"page[per_page]": 3000}
    ).json()["data"]
    assert {d["attributes"]["course_identifier"] for d in declarations} <= {"ecf-induction", "ecf-mentor"}
    statements = every_page(client, first, "/statements")
    assert all("type" not in s["attributes"] for s in statements)
    v3_npq = client.get("/api/v3/statements", headers=bearer(first), params={"filter[type]": "npq"}).json()[
        "data"
    ]
    assert v3_npq
    assert get(client, first, f"/statements/{v3_npq[0]['id']}").status_code == 404


def test_query_refusals_in_rects_words(client, first):
    page = get(client, first, "/participants", **{"page[page]": "0"})
    assert page.status_code == 400
    assert page.json()["errors"] == [
        {
            "title": "Bad request",
            "detail": "The '#/page[page]' and '#/page[per_page]' parameter values "
            "must be a valid positive number",
        }
    ]
    since = get(client, first, "/participants", **{"filter[updated_since]": "2025-01-01"})
    assert since.json()["errors"] == [
        {"title": "Bad request", "detail": "The filter '#/updated_since' must be a valid ISO 8601 date"}
    ]
    schools = get(client, first, "/schools")
    assert schools.status_code == 400
    assert schools.json()["errors"] == [
        {"title": "Bad parameter", "detail": "The filter '#/cohort' must be included in your request"}
    ]


def test_an_unknown_training_status_matches_nobody(client, first):
    response = get(client, first, "/participants", **{"filter[training_status]": "paused"})
    assert (response.status_code, response.json()) == (200, {"data": []})
    assert get(client, first, "/participants", **{"filter[training_status]": "active"}).json()["data"]


def test_declaration_id_lists_drop_items_that_are_not_uuids(client, first):
    response = get(client, first, "/participant-declarations", **{"filter[participant_id]": "abc,def"})
    assert response.json() == {"data": []}


def test_a_write_without_known_attributes_is_a_bad_request(client, first):
    person = get(client, first, "/participants").json()["data"][0]["id"]
    for body in ({}, {"data": {}}, {"data": {"attributes": {"colour": "blue"}}}):
        response = client.put(f"{BASE}/participants/{person}/withdraw", headers=bearer(first), json=body)
        assert response.status_code == 400
        assert response.json()["errors"] == [
            {
                "title": "Bad request",
                "detail": "Correct json data structure required. See API docs for reference.",
            }
        ]


def test_the_same_person_through_both_ecf_contracts(client, first):
    rect = get(client, first, "/participants").json()["data"][0]
    old = client.get(f"/api/v3/participants/ecf/{rect['id']}", headers=bearer(first)).json()["data"]
    assert old["id"] == rect["id"]
    for key in ("full_name", "teacher_reference_number", "updated_at", "participant_id_changes"):
        assert old["attributes"][key] == rect["attributes"][key]
    pairs = zip(old["attributes"]["ecf_enrolments"], rect["attributes"]["ecf_enrolments"], strict=True)
    for was, now in pairs:
        for key in ("training_record_id", "participant_type", "cohort", "schedule_identifier", "school_urn"):
            assert was[key] == now[key]
        assert "teacher_reference_number_validated" in was and "teacher_reference_number_validated" not in now
        assert "working_pattern" in now


def test_the_document_is_served_beside_the_api_and_where_the_real_service_serves_it(client):
    served = client.get(BASE + "/openapi.json").json()
    assert served["servers"][0]["url"].endswith("/rect/api/v3")
    assert len([op for item in served["paths"].values() for op in item if op != "parameters"]) == 25
    assert client.get("/rect/api/docs/v3/swagger.yaml").status_code == 200
    assert client.get(BASE + "/ui/").status_code == 200


def test_ecf1_ineligible_declarations_do_not_exist_through_rect(client, first):
    # RECT's migration deleted the declarations ECF1 had left `ineligible`: not listed, shown or voidable.
    old = client.get(
        "/api/v3/participant-declarations", headers=bearer(first), params={"page[per_page]": 3000}
    ).json()["data"]
    ineligible = [d["id"] for d in old if d["attributes"]["state"] == "ineligible"]
    assert ineligible, "the seeded world has no ECF1 ineligible declaration to hide"
    listed = {d["id"] for d in every_page(client, first, "/participant-declarations")}
    assert listed and not listed & set(ineligible)
    shown = get(client, first, f"/participant-declarations/{ineligible[0]}")
    assert (shown.status_code, shown.json()) == (404, NOT_FOUND)
    voided = client.put(f"{BASE}/participant-declarations/{ineligible[0]}/void", headers=bearer(first))
    assert (voided.status_code, voided.json()) == (404, NOT_FOUND)
