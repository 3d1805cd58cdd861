"""Bad input gets a clear 4xx in the real service's shape, never a 500."""

from __future__ import annotations

import pytest

from sandbox.contracts.manage_cpd import QUERIES
from sandbox.validation import NESTING_MESSAGE
from tests.conftest import VERSIONS, bearer

ACCESS_DENIED = {"error": "HTTP Token: Access denied"}


def _errors(response) -> list[tuple[str, str]]:
    return [(e["title"], e["detail"]) for e in response.json()["errors"]]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Bearer"}, {"Authorization": "Basic abc"}],
    ids=["missing", "unknown", "empty", "other-scheme"],
)
def test_missing_or_unknown_token_is_401_with_the_real_body(client, version, headers):
    response = client.get(f"/api/{version}/participants/ecf", headers=headers)
    assert response.status_code == 401
    assert response.json() == ACCESS_DENIED
    assert response.headers["www-authenticate"] == 'Token realm="Application"'


def test_the_token_scheme_word_is_accepted_as_upstream_does(client, first):
    response = client.get("/api/v3/participants/ecf", headers={"Authorization": f"Token {first.token}"})
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/api/v3/nothing-here", "/api/v9/participants/ecf", "/nope"])
def test_unknown_routes_are_404_resource_not_found(client, first, path):
    response = client.get(path, headers=bearer(first))
    assert response.status_code == 404
    assert response.json() == {"error": "Resource not Found"}


@pytest.mark.parametrize("version", VERSIONS)
def test_a_provider_without_the_ecf_side_gets_an_empty_403(client, npq_only, version):
    response = client.get(f"/api/{version}/participants/ecf", headers=bearer(npq_only))
    assert response.status_code == 403
    assert response.content == b""


@pytest.mark.parametrize("version", VERSIONS)
def test_a_provider_without_the_npq_side_gets_an_empty_403(client, ecf_only, version):
    response = client.get(f"/api/{version}/npq-applications", headers=bearer(ecf_only))
    assert response.status_code == 403
    assert response.content == b""


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    "query",
    [{"page[page]": "0"}, {"page[per_page]": "0"}, {"page[page]": "abc"}, {"page[per_page]": "-3"}],
)
def test_bad_page_values_are_400_with_the_real_message(client, first, version, query):
    response = client.get(f"/api/{version}/participant-declarations", params=query, headers=bearer(first))
    assert response.status_code == 400
    assert _errors(response) == [("Bad request", QUERIES.page_message)]


def test_per_page_is_capped_not_refused(client, first):
    response = client.get(
        "/api/v3/participant-declarations", params={"page[per_page]": "99999"}, headers=bearer(first)
    )
    assert response.status_code == 200


def test_a_page_past_the_end_is_empty(client, first):
    response = client.get("/api/v3/participants/ecf", params={"page[page]": "999"}, headers=bearer(first))
    assert response.status_code == 200
    assert response.json() == {"data": []}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/participants/ecf",
        "/api/v2/participants/npq",
        "/api/v3/participants/ecf",
        "/api/v3/participants/npq",
        "/api/v3/npq-applications",
        "/api/v3/participant-declarations",
        "/api/v3/partnerships/ecf",
        "/api/v3/schools/ecf?filter[cohort]=2024",
        "/rect/api/v3/participants",
        "/rect/api/v3/partnerships",
        "/rect/api/v3/schools?filter[cohort]=2025",
        "/npq/api/v3/npq-applications",
        "/npq/api/v3/participants/npq",
    ],
)
@pytest.mark.parametrize("poll", ["", "&filter[updated_since]=2000-01-01T00:00:00Z"], ids=["list", "poll"])
def test_a_page_beyond_any_list_is_empty_not_an_error(client, first, path, poll):
    # (page - 1) * per_page past sys.maxsize: no reader may be handed an offset it refuses.
    joiner = "&" if "?" in path else "?"
    query = f"page[page]=21212427147620021960704{poll}"
    response = client.get(f"{path}{joiner}{query}", headers=bearer(first))
    assert response.status_code == 200
    assert response.json()["data"] == []


@pytest.mark.parametrize(
    "query", ["filter[cohort][x]=2024", "page[page][]=1", "filter[updated_since][a][b]=1"]
)
def test_bracket_parameters_nested_too_deep_are_a_400(client, first, query):
    response = client.get(f"/api/v3/participants/ecf?{query}", headers=bearer(first))
    assert response.status_code == 400
    assert _errors(response) == [("Bad request", NESTING_MESSAGE)]


def test_unknown_keys_inside_page_are_ignored_as_upstream_does(client, first):
    response = client.get("/api/v3/participants/ecf?page[x][y]=1", headers=bearer(first))
    assert response.status_code == 200


def test_filter_that_is_not_a_hash_is_400(client, first):
    response = client.get("/api/v3/participants/ecf?filter=foo", headers=bearer(first))
    assert response.status_code == 400
    assert _errors(response) == [("Bad parameter", "Filter must be a hash")]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("value", ["2024-01-01", "yesterday", "2024-13-01T00:00:00Z", "2024-01-01T29:00:00Z"])
def test_bad_updated_since_is_400_with_the_real_message(client, first, version, value):
    response = client.get(
        f"/api/{version}/participants/ecf", params={"filter[updated_since]": value}, headers=bearer(first)
    )
    assert response.status_code == 400
    assert _errors(response) == [("Bad request", "The filter '#/updated_since' must be a valid RCF3339 date")]


def test_bad_created_since_is_400_with_the_real_message(client, first):
    response = client.get(
        "/api/v3/participants/npq/outcomes", params={"filter[created_since]": "soon"}, headers=bearer(first)
    )
    assert response.status_code == 400
    assert _errors(response) == [("Bad request", "The filter '#/created_since' must be a valid RCF3339 date")]


def test_bad_training_status_is_400_with_the_real_message(client, first):
    response = client.get(
        "/api/v3/participants/ecf", params={"filter[training_status]": "asleep"}, headers=bearer(first)
    )
    assert response.status_code == 400
    assert _errors(response) == [
        ("Bad request", 'The filter \'#/training_status\' must be ["active", "deferred", "withdrawn"]')
    ]


def test_schools_without_a_cohort_is_400_with_the_real_message(client, first):
    response = client.get("/api/v3/schools/ecf", headers=bearer(first))
    assert response.status_code == 400
    assert _errors(response) == [("Bad parameter", "The filter '#/cohort' must be included in your request")]


def test_an_unparseable_server_date_header_is_400(client, first):
    response = client.get(
        "/api/v3/participants/ecf", headers={**bearer(first), "X-With-Server-Date": "next tuesday"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["title"] == "Bad request"


def test_a_body_that_is_not_utf8_is_a_400_not_a_500(client, first):
    response = client.post(
        "/api/v3/participant-declarations",
        content=b"\xff\xfe{\x00",
        headers={**bearer(first), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert "errors" in response.json()


def test_malformed_json_is_a_400(client, first):
    response = client.post(
        "/api/v3/participant-declarations",
        content=b'{"data": ',
        headers={**bearer(first), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert "errors" in response.json()


def test_a_wrong_content_type_is_a_415_in_the_real_shape(client, first):
    response = client.post(
        "/api/v3/participant-declarations",
        content=b"a=b",
        headers={**bearer(first), "Content-Type": "text/plain"},
    )
    assert response.status_code == 415
    assert "errors" in response.json()


def test_a_school_without_a_cohort_is_400_like_the_list(client, first, state):
    school_id = next(iter(state.store.schools))
    response = client.get(f"/api/v3/schools/ecf/{school_id}", headers=bearer(first))
    assert response.status_code == 400
    assert _errors(response) == [("Bad parameter", "The filter '#/cohort' must be included in your request")]


@pytest.mark.parametrize("version", VERSIONS)
def test_an_undocumented_method_is_405_with_an_honest_allow_header(client, first, version):
    response = client.delete(f"/api/{version}/participant-declarations", headers=bearer(first))
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
