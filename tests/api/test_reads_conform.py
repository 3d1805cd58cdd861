"""Every GET of every version answers from the seeded world, and the answer matches our spec."""

from __future__ import annotations

import pytest

from tests.api.reads import ID_SOURCES, LIST_QUERIES, SHOW_QUERIES, fill, item_key
from tests.conftest import VERSIONS, bearer
from tests.support.openapi import operations, validate_exchange

GETS = [(version, path) for version in VERSIONS for method, path, _ in operations(version) if method == "GET"]


def _ids(client, provider, version: str, path: str) -> list[str]:
    list_path, query, key = ID_SOURCES[path]
    response = client.get(f"/api/{version}{list_path}", params=query, headers=bearer(provider))
    assert response.status_code == 200, response.text
    return [item_key(item, key) for item in response.json()["data"]]


@pytest.mark.parametrize(("version", "path"), GETS, ids=[f"{v} {p}" for v, p in GETS])
def test_get_answers_from_the_world_and_matches_the_spec(client, first, version, path):
    query = dict(LIST_QUERIES.get(path, {}))
    url = path
    if path in ID_SOURCES:
        ids = _ids(client, first, version, path)
        assert ids, f"the seeded world has nothing for {path}"
        url = fill(path, ids[0])
        query = dict(SHOW_QUERIES.get(path, {}))
    response = client.get(f"/api/{version}{url}", params=query, headers=bearer(first))
    assert response.status_code == 200, response.text
    validate_exchange(version, response)
    if response.headers["content-type"].startswith("text/csv"):
        assert response.text.count("\n") > 1, "the CSV has rows"
    else:
        assert response.headers["content-type"] == "application/vnd.api+json"
        data = response.json()["data"]
        assert data, "the answer is not empty"


@pytest.mark.parametrize("version", VERSIONS)
def test_json_lists_validate_for_every_item_on_a_large_page(client, first, version):
    for method, path, _ in operations(version):
        if method != "GET" or "{" in path or path.endswith(".csv"):
            continue
        query = {**LIST_QUERIES.get(path, {}), "page[per_page]": "3000"}
        response = client.get(f"/api/{version}{path}", params=query, headers=bearer(first))
        assert response.status_code == 200, (path, response.text)
        validate_exchange(version, response)
