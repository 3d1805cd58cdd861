"""How many records a read touches does not grow with the world: the store's indexes, not scans.

Each of the store's record dicts is made to count the records handed out (by key, `get` or iteration)
while one request runs. A world ten times larger must not make a page, a single read or a
declaration POST touch more records: a scan of the world would touch about ten times as many. The
two worlds' first pages hold different people (one may have a second profile), so the larger world
may touch a quarter more; a read that scans the world or the provider's slice touches 3-10x more.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from sandbox.app import create_app
from sandbox.changelog import RecordedDict
from sandbox.state import SandboxState
from tests.api.test_declarations_write import body, claim
from tests.conftest import bearer, make_state

RECORDS = (
    "users",
    "ecf_profiles",
    "induction_records",
    "declarations",
    "npq_applications",
    "npq_profiles",
    "partnerships",
    "schools",
    "school_cohorts",
    "lead_providers",
    "outcomes",
)


class Counting(RecordedDict):
    """A store dict that counts every record it hands out."""

    __slots__ = ()
    touched = 0

    def __getitem__(self, key: Any) -> Any:
        Counting.touched += 1
        return dict.__getitem__(self, key)

    def get(self, key: Any, default: Any = None) -> Any:
        Counting.touched += 1
        return dict.get(self, key, default)

    def values(self) -> Iterator[Any]:  # type: ignore[override]
        for value in dict.values(self):
            Counting.touched += 1
            yield value

    def items(self) -> Iterator[tuple[Any, Any]]:  # type: ignore[override]
        for item in dict.items(self):
            Counting.touched += 1
            yield item

    def __iter__(self) -> Iterator[Any]:
        for key in dict.__iter__(self):
            Counting.touched += 1
            yield key


def _touches(participants: int) -> dict[str, int]:
    state: SandboxState = make_state(participants=participants)
    store = state.store
    provider = next(p for p in store.lead_providers.values() if p.has_ecf)
    profile, kind = claim(store, provider)
    with TestClient(create_app(state=state)) as api:
        headers = bearer(provider)
        page = api.get("/api/v3/participants/ecf", params={"page[per_page]": "10"}, headers=headers)
        assert len(page.json()["data"]) == 10
        first = page.json()["data"][0]["id"]
        in_2024 = {"filter[cohort]": "2024"}
        # A school the provider trains at in 2024, so both worlds read a school of the same kind (one
        # with a partnership in every year), not whichever school happens to be listed first.
        partnership = api.get("/api/v3/partnerships/ecf", params=in_2024, headers=headers).json()["data"][0]
        school_id = partnership["attributes"]["school_id"]
        school = api.get(f"/api/v3/schools/ecf/{school_id}", params=in_2024, headers=headers).json()["data"]
        requests = {
            "list page": lambda: api.get(
                "/api/v3/participants/ecf", params={"page[per_page]": "10"}, headers=headers
            ),
            "single read": lambda: api.get(f"/api/v3/participants/ecf/{first}", headers=headers),
            "declarations page": lambda: api.get(
                "/api/v3/participant-declarations", params={"page[per_page]": "10"}, headers=headers
            ),
            "school single read": lambda: api.get(
                f"/api/v3/schools/ecf/{school['id']}", params=in_2024, headers=headers
            ),
            "schools by URN": lambda: api.get(
                "/api/v3/schools/ecf",
                params={**in_2024, "filter[urn]": school["attributes"]["urn"]},
                headers=headers,
            ),
            "declaration POST": lambda: api.post(
                "/api/v3/participant-declarations", json=body(profile, kind), headers=headers
            ),
            # The same declaration again through RECT: refused as a duplicate, after the provider's
            # latest training period of the participant has been found.
            "RECT declaration POST": lambda: api.post(
                "/rect/api/v3/participant-declarations", json=body(profile, kind), headers=headers
            ),
        }
        expected = {"RECT declaration POST": 422}
        for name in RECORDS:
            object.__setattr__(getattr(store, name), "__class__", Counting)
        touches = {}
        try:
            for name, request in requests.items():
                Counting.touched = 0
                assert request().status_code == expected.get(name, 200), name
                touches[name] = Counting.touched
        finally:
            for name in RECORDS:
                object.__setattr__(getattr(store, name), "__class__", RecordedDict)
    return touches


@pytest.fixture(scope="module")
def touches() -> tuple[dict[str, int], dict[str, int]]:
    return _touches(20), _touches(200)


@pytest.mark.parametrize(
    "read",
    [
        "list page",
        "single read",
        "declarations page",
        "school single read",
        "schools by URN",
        "declaration POST",
        "RECT declaration POST",
    ],
)
def test_a_world_ten_times_larger_touches_no_more_records(touches, read) -> None:
    small, large = touches
    assert small[read] > 0, "the counter sees the read"
    assert large[read] <= small[read] * 1.25, (read, small[read], large[read])
