"""A provider never reads another provider's records through a single-record GET."""

from __future__ import annotations

import pytest

from tests.api.reads import ID_SOURCES, SHOW_QUERIES, fill, item_key
from tests.conftest import VERSIONS, bearer
from tests.support.openapi import operations

# Schools are public reference data: every provider may read every listed school.
PROVIDER_SCOPED = {path for path in ID_SOURCES if not path.startswith("/schools")}

SHOWS = [
    (version, path)
    for version in VERSIONS
    for method, path, _ in operations(version)
    if method == "GET" and path in PROVIDER_SCOPED
]


def _ids(client, provider, version, path) -> set[str]:
    list_path, query, key = ID_SOURCES[path]
    response = client.get(
        f"/api/{version}{list_path}", params={**query, "page[per_page]": "3000"}, headers=bearer(provider)
    )
    assert response.status_code == 200
    return {item_key(item, key) for item in response.json()["data"]}


@pytest.mark.parametrize(("version", "path"), SHOWS, ids=[f"{v} {p}" for v, p in SHOWS])
def test_second_provider_gets_404_for_the_first_providers_ids(client, first, second, version, path):
    own = _ids(client, first, version, path)
    shared = _ids(client, second, version, path)
    only_first = sorted(own - shared)
    assert only_first, f"the world gives the first provider records of its own under {path}"
    for record_id in only_first:
        response = client.get(
            f"/api/{version}{fill(path, record_id)}",
            params=SHOW_QUERIES.get(path, {}),
            headers=bearer(second),
        )
        if path.endswith("/outcomes"):
            # The outcomes of a participant are a list: another provider's are simply not in it.
            assert response.status_code == 200 and response.json() == {"data": []}
        else:
            assert response.status_code == 404, (record_id, response.text)
            assert response.json() == {"error": "Resource not Found"}


def test_each_provider_has_participants_the_other_cannot_see(client, first, second):
    for a, b in ((first, second), (second, first)):
        mine = _ids(client, a, "v3", "/participants/ecf/{id}")
        theirs = _ids(client, b, "v3", "/participants/ecf/{id}")
        assert mine - theirs
