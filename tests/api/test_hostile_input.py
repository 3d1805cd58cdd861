"""Input Python itself cannot read (JSON nested thousands deep, integers longer than it converts,
instants before year 1 or after 9999 once their offset is applied) gets a 400 or 422 in the API's own
error shape, and changes nothing. Date filters URL-encoded a second time read as the plain value."""

from __future__ import annotations

import json
import sys

import pytest

from sandbox.api.body import DATA_STRUCTURE_MESSAGE
from sandbox.api.context import server_date_message
from sandbox.limits import MAX_JSON_DEPTH
from sandbox.validation import too_deep_message, too_long_number_message
from tests.conftest import VERSIONS, bearer
from tests.support.openapi import validate_exchange
from tests.support.world import fingerprint

EDGE_INSTANTS = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]
LONG_NUMBER = "9" * (sys.get_int_max_str_digits() + 1)
ATTRIBUTES_MISSING = [
    "participant_id",
    "declaration_date",
    "declaration_type",
]


def nested(depth: int) -> str:
    """A JSON value nesting arrays `depth` levels deep."""
    return "[" * depth + "]" * depth


def filled(template: str, value: str) -> str:
    """`template` with its `@` replaced by the JSON text `value`."""
    return template.replace("@", value)


def declaration_with(attribute_json: str) -> str:
    return filled(
        '{"data": {"type": "participant-declaration", "attributes": {"participant_id": @}}}', attribute_json
    )


def errors(response) -> list[tuple[str, str]]:
    return [(e["title"], e["detail"]) for e in response.json()["errors"]]


@pytest.fixture
def admin(state) -> dict[str, str]:
    return {"Authorization": f"Bearer {state.admin_token}"}


def post_json(client, path: str, raw: str, headers: dict[str, str]):
    return client.post(path, content=raw.encode(), headers={**headers, "Content-Type": "application/json"})


# -- JSON Python cannot read -------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    "raw",
    [
        nested(5000),
        declaration_with(nested(5000)),
        filled('{"data": {"type": "x", "attributes": {}, "ignored": @}}', nested(MAX_JSON_DEPTH)),
        declaration_with(LONG_NUMBER),
    ],
    ids=["deep-body", "deep-attribute", "deep-ignored-key", "long-integer"],
)
def test_unreadable_json_is_the_provider_apis_400(client, state, first, version, raw):
    before = fingerprint(state)
    response = post_json(client, f"/api/{version}/participant-declarations", raw, bearer(first))
    assert response.status_code == 400
    assert errors(response) == [("Bad request", DATA_STRUCTURE_MESSAGE)]
    assert fingerprint(state) == before


def test_json_nested_exactly_to_the_limit_is_read(client, state, first):
    # data (2), attributes (3), then arrays up to the limit: an ignored attribute, so a 422 as usual.
    raw = filled('{"data": {"attributes": {"ignored": @}}}', nested(MAX_JSON_DEPTH - 3))
    response = post_json(client, "/api/v3/participant-declarations", raw, bearer(first))
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("path", "raw", "message"),
    [
        ("/sandbox/reset", filled('{"seed": @}', nested(5000)), too_deep_message()),
        ("/sandbox/reset", filled('{"seed": 1, "x": @}', nested(MAX_JSON_DEPTH)), too_deep_message()),
        ("/sandbox/reset", filled('{"seed": @}', LONG_NUMBER), too_long_number_message()),
        ("/sandbox/events/npq-applications", filled('{"cohort": @}', LONG_NUMBER), too_long_number_message()),
    ],
    ids=["deep-seed", "deep-ignored-key", "long-seed", "long-cohort"],
)
def test_unreadable_json_is_the_control_apis_400(client, state, admin, path, raw, message):
    before = fingerprint(state)
    response = post_json(client, path, raw, admin)
    assert response.status_code == 400
    assert errors(response) == [("Bad request", message)]
    assert fingerprint(state) == before


def test_a_clock_advance_too_long_to_read_is_400(client, state, admin, first):
    before = fingerprint(state)
    raw = filled('{"advance": {"days": @}}', LONG_NUMBER)
    response = client.put(
        f"/sandbox/providers/{first.id}/clock",
        content=raw.encode(),
        headers={**admin, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert errors(response) == [("Bad request", too_long_number_message())]
    assert fingerprint(state) == before


# -- instants outside Python's calendar once their offset applies ------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("instant", EDGE_INSTANTS)
def test_an_edge_of_calendar_server_date_is_the_headers_400(client, state, first, version, instant):
    before = fingerprint(state)
    for response in (
        client.get(
            f"/api/{version}/participants/ecf", headers={**bearer(first), "X-With-Server-Date": instant}
        ),
        post_json(
            client,
            f"/api/{version}/participant-declarations",
            '{"data": {"attributes": {}}}',
            {**bearer(first), "X-With-Server-Date": instant},
        ),
    ):
        assert response.status_code == 400
        assert errors(response) == [("Bad request", server_date_message())]
    assert fingerprint(state) == before


@pytest.mark.parametrize("instant", EDGE_INSTANTS)
def test_an_edge_of_calendar_server_date_on_a_control_event_is_400(client, state, admin, instant):
    before = fingerprint(state)
    statement_id = next(iter(state.store.statements))
    response = client.post(
        f"/sandbox/events/statements/{statement_id}/deadline",
        headers={**admin, "X-With-Server-Date": instant},
    )
    assert response.status_code == 400
    assert errors(response) == [("Bad request", server_date_message())]
    assert fingerprint(state) == before


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("instant", EDGE_INSTANTS)
@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("participants/ecf", "updated_since"),
        ("participant-declarations", "updated_since"),
        ("npq-applications", "updated_since"),
        ("participants/npq/outcomes", "created_since"),
    ],
)
def test_an_edge_of_calendar_date_filter_is_the_filters_400(
    client, state, first, version, instant, path, key
):
    before = fingerprint(state)
    response = client.get(f"/api/{version}/{path}", params={f"filter[{key}]": instant}, headers=bearer(first))
    assert response.status_code == 400
    assert errors(response) == [("Bad request", f"The filter '#/{key}' must be a valid RCF3339 date")]
    assert fingerprint(state) == before


@pytest.mark.parametrize("instant", EDGE_INSTANTS)
def test_an_edge_of_calendar_clock_instant_is_422(client, state, admin, first, instant):
    before = fingerprint(state)
    response = client.put(f"/sandbox/providers/{first.id}/clock", json={"instant": instant}, headers=admin)
    assert response.status_code == 422
    assert errors(response)[0][0] == "instant"
    assert fingerprint(state) == before


# -- date filters URL-encoded twice -------------------------------------------------------------------

ENCODED_TWICE = "2024-06-01T00%3A00%3A00%2B01%3A00"
PLAIN = "2024-06-01T00:00:00+01:00"


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("participants/ecf", "updated_since"),
        ("participant-declarations", "updated_since"),
        ("npq-applications", "updated_since"),
        ("participants/npq", "updated_since"),
        ("participants/npq/outcomes", "created_since"),
    ],
)
def test_a_date_filter_encoded_twice_reads_as_the_plain_date(client, first, version, path, key):
    def listed(value: str) -> list[str]:
        response = client.get(
            f"/api/{version}/{path}",
            params={f"filter[{key}]": value, "page[per_page]": "3000"},
            headers=bearer(first),
        )
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["data"]]

    everything = listed("2000-01-01T00:00:00Z")
    since = listed(PLAIN)
    assert listed(ENCODED_TWICE) == since
    assert 0 < len(since) < len(everything)  # the filter did filter


@pytest.mark.parametrize("version", ["v3"])
def test_v3_only_filters_encoded_twice_read_as_the_plain_date(client, first, version):
    for path in ("partnerships/ecf", "participants/ecf/transfers", "statements", "unfunded-mentors/ecf"):
        plain = client.get(
            f"/api/{version}/{path}", params={"filter[updated_since]": PLAIN}, headers=bearer(first)
        )
        encoded = client.get(
            f"/api/{version}/{path}", params={"filter[updated_since]": ENCODED_TWICE}, headers=bearer(first)
        )
        assert (encoded.status_code, encoded.json()) == (200, plain.json()), path


def test_a_raw_plus_in_a_date_filter_reads_as_a_space_and_is_refused_as_upstream(client, first):
    # The query string turns `+` into a space; the service then fails to read the date, and so do we.
    response = client.get(
        "/api/v3/participants/ecf?filter[updated_since]=2024-06-01T00:00:00+01:00", headers=bearer(first)
    )
    assert response.status_code == 400


# -- a declaration whose attributes are not an object ---------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("attributes", ["", "started", [], [1], 1, True, None], ids=repr)
def test_attributes_that_are_not_an_object_are_read_as_none_given(client, state, first, version, attributes):
    before = fingerprint(state)

    def posted(value: object):
        raw = json.dumps({"data": {"type": "participant-declaration", "attributes": value}})
        return post_json(client, f"/api/{version}/participant-declarations", raw, bearer(first))

    response = posted(attributes)
    validate_exchange(version, response)  # the spec documents such bodies and their answer
    assert response.status_code == 422
    assert errors(response) == errors(posted({}))
    assert [title for title, _ in errors(response)] == ATTRIBUTES_MISSING
    assert fingerprint(state) == before


# -- a form sent to an operation that takes no body ----------------------------------------------------


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("/api/v3/participants/ecf", {"sort": "-created_at", "page[per_page]": "3"}, "sort"),
        ("/api/v3/participants/ecf", {"page[per_page]": "3"}, "filter"),
        ("/rect/api/v3/participants", {"sort": "-created_at", "page[per_page]": "3"}, "sort"),
        ("/api/v1/participant-declarations", {"page[per_page]": "3"}, "page"),
        ("/npq/api/v3/npq-applications", {"page[per_page]": "3"}, "filter"),
    ],
)
def test_a_form_file_named_like_a_parameter_changes_nothing(client, first, path, query, field):
    """A GET defines no request body: a multipart file sent with it is not an argument, so it cannot
    stand in for the query parameter it is named after."""
    plain = client.get(path, params=query, headers=bearer(first))
    sent = client.request(
        "GET", path, params=query, headers=bearer(first), files={field: ("x", b"full_name")}
    )
    assert plain.status_code == 200, plain.text
    assert (sent.status_code, sent.json()) == (200, plain.json())


def test_a_form_file_named_like_the_path_parameter_changes_nothing(client, first):
    listed = client.get("/api/v3/participants/ecf", params={"page[per_page]": "1"}, headers=bearer(first))
    participant = listed.json()["data"][0]["id"]
    path = f"/api/v3/participants/ecf/{participant}"
    sent = client.request("GET", path, headers=bearer(first), files={"id": ("x", b"not-an-id")})
    assert (sent.status_code, sent.json()["data"]["id"]) == (200, participant)
