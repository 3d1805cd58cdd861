"""The real service's older paths (config/routes.rb at the contract commit): v1 and v2 answer the ECF
participants list and its CSV at /participants and /participants.csv, exactly as at /participants/ecf.
v1's action aliases (/participants/{id}/withdraw, ...) are covered with the actions in
test_ecf_actions.py."""

from __future__ import annotations

import pytest

from tests.conftest import bearer
from tests.support.openapi import validate_exchange

ALIASES = [("/participants", "/participants/ecf"), ("/participants.csv", "/participants/ecf.csv")]
QUERIES = [
    {},
    {"filter[cohort]": "2023,2024"},
    {"filter[updated_since]": "2020-01-01T00:00:00Z"},
    {"page[per_page]": "5", "page[page]": "2"},
]


@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.parametrize(("alias", "path"), ALIASES, ids=["list", "csv"])
@pytest.mark.parametrize("query", QUERIES, ids=["plain", "cohorts", "updated-since", "page"])
def test_the_older_path_answers_as_the_ecf_one(client, first, version, alias, path, query):
    expected = client.get(f"/api/{version}{path}", params=query, headers=bearer(first))
    answered = client.get(f"/api/{version}{alias}", params=query, headers=bearer(first))
    assert answered.status_code == expected.status_code == 200
    assert answered.headers["content-type"] == expected.headers["content-type"]
    assert answered.content == expected.content
    assert answered.content.strip(), "the seeded world has ECF participants for this query"
    validate_exchange(version, answered)


@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.parametrize("alias", [alias for alias, _ in ALIASES])
def test_the_older_path_keeps_the_ecf_side_check_and_the_token_check(client, npq_only, version, alias):
    forbidden = client.get(f"/api/{version}{alias}", headers=bearer(npq_only))
    assert (forbidden.status_code, forbidden.content) == (403, b"")
    validate_exchange(version, forbidden)
    anonymous = client.get(f"/api/{version}{alias}")
    assert (anonymous.status_code, anonymous.json()) == (401, {"error": "HTTP Token: Access denied"})


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_the_older_path_refuses_a_bad_filter_as_the_ecf_one(client, first, version):
    query = {"filter[updated_since]": "yesterday"}
    expected = client.get(f"/api/{version}/participants/ecf", params=query, headers=bearer(first))
    answered = client.get(f"/api/{version}/participants", params=query, headers=bearer(first))
    assert answered.status_code == expected.status_code == 400
    assert answered.json() == expected.json()
    validate_exchange(version, answered)


@pytest.mark.parametrize("alias", [alias for alias, _ in ALIASES])
def test_v3_has_no_older_path(client, first, alias):
    assert client.get(f"/api/v3{alias}", headers=bearer(first)).status_code == 404


@pytest.mark.parametrize("action", ["withdraw", "defer", "resume", "change-schedule"])
def test_v2_action_paths_without_ecf_stay_not_found(client, first, action):
    # The real v2 routes still name `participants#<action>`, but its controller was removed
    # ("remove /api/v2/participants as no longer supported"), so the service answers 404.
    some_id = client.get("/api/v2/participants/ecf", headers=bearer(first)).json()["data"][0]["id"]
    before = client.get(f"/api/v2/participants/ecf/{some_id}", headers=bearer(first))
    attributes = {
        "course_identifier": "ecf-induction",
        "reason": "other",
        "schedule_identifier": "ecf-standard-april",
    }
    body = {"data": {"type": "participant", "attributes": attributes}}
    answered = client.put(f"/api/v2/participants/{some_id}/{action}", json=body, headers=bearer(first))
    assert (answered.status_code, answered.json()) == (404, {"error": "Resource not Found"})
    after = client.get(f"/api/v2/participants/ecf/{some_id}", headers=bearer(first))
    assert after.content == before.content
