"""How many records a read touches does not grow with the world: the store's indexes, not scans.

Each of the store's record dicts is made to count the records handed out (by key, `get` or iteration)
while one request runs. A world ten times larger must not make a page, a single read or a
declaration POST touch more records: a scan of the world would touch about ten times as many. The
two worlds' first pages hold different people (one may have a second profile), so the larger world
may touch a quarter more; a read that scans the world or the provider's slice touches 3-10x more.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from sandbox.api.fragment_cache import fragments_of
from sandbox.api.page_cache import pages_of
from sandbox.app import create_app
from sandbox.changelog import RecordedDict
from sandbox.domain.world.registration import merge_users
from sandbox.state import SandboxState
from tests.api.test_declarations_write import body, claim
from tests.conftest import TEST_NOW, bearer, make_state
from tests.domain.test_partnership_rules import dp_for, own_confirmed

POLL_SINCE = (TEST_NOW - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")

# Not warmed up: each call makes a new change.
WRITES = ("declaration POST", "RECT declaration POST", "partnership write")

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


def _touches(participants: int) -> dict[str, tuple[int, int]]:
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
        # with a partnership in every year), not whichever school happens to be listed first: a drawn
        # one (URN below 150000), not a RECT scenario school, which may be listed first in one world only.
        partnerships = api.get("/api/v3/partnerships/ecf", params=in_2024, headers=headers).json()["data"]
        partnership = next(p for p in partnerships if int(p["attributes"]["urn"]) < 150000)
        school_id = partnership["attributes"]["school_id"]
        school = api.get(f"/api/v3/schools/ecf/{school_id}", params=in_2024, headers=headers).json()["data"]

        def get(path: str, **params: str) -> Any:
            return lambda: api.get(path, params=params, headers=headers)

        def last_page(path: str, **params: str) -> Any:
            """The list's last full page of 10: about 10 times further on in the larger world."""
            every = api.get(path, params={**params, "page[per_page]": "3000"}, headers=headers)
            total = len(every.json()["data"])
            return get(path, **params, **{"page[per_page]": "10", "page[page]": str(total // 10)})

        since = {"filter[updated_since]": POLL_SINCE}
        ten = {"page[per_page]": "10"}
        merged = _merged_id(store, provider, {first, profile.user_id})
        polls = {
            "ECF participants poll": get("/api/v3/participants/ecf", **since),
            "v1 ECF participants poll": get("/api/v1/participants/ecf", **since),
            "RECT participants poll": get("/rect/api/v3/participants", **since),
            "declarations poll": get("/api/v3/participant-declarations", **since),
            "NPQ-service declarations poll": get("/npq/api/v3/participant-declarations", **since),
            "NPQ applications poll": get("/api/v3/npq-applications", **since),
            "NPQ participants poll": get("/api/v3/participants/npq", **since),
            "NPQ-service applications poll": get("/npq/api/v3/npq-applications", **since),
            "partnerships poll": get("/api/v3/partnerships/ecf", **since),
            "RECT partnerships poll": get("/rect/api/v3/partnerships", **since),
            "schools poll": get("/api/v3/schools/ecf", **in_2024, **since),
            "RECT schools poll": get("/rect/api/v3/schools", **in_2024, **since),
        }
        requests = {
            **polls,
            "transfers": get("/api/v3/participants/ecf/transfers"),
            "RECT transfers": get("/rect/api/v3/participants/transfers"),
            "unfunded mentors": get("/api/v3/unfunded-mentors/ecf"),
            "RECT unfunded mentors": get("/rect/api/v3/unfunded-mentors"),
            "NPQ applications page": get("/api/v3/npq-applications", **{"page[per_page]": "10"}),
            "NPQ participants page": get("/api/v3/participants/npq", **{"page[per_page]": "10"}),
            "NPQ-service applications page": get("/npq/api/v3/npq-applications", **{"page[per_page]": "10"}),
            "declarations late page": last_page("/api/v3/participant-declarations"),
            "RECT declarations late page": last_page("/rect/api/v3/participant-declarations"),
            "partnerships page": get("/api/v3/partnerships/ecf", **ten),
            "RECT partnerships page": get("/rect/api/v3/partnerships", **ten),
            "schools page": get("/api/v3/schools/ecf", **in_2024, **ten),
            "RECT schools page": get("/rect/api/v3/schools", **in_2024, **ten),
            "from_participant_id": get("/api/v3/participants/ecf", **{"filter[from_participant_id]": merged}),
            "RECT from_participant_id": get(
                "/rect/api/v3/participants", **{"filter[from_participant_id]": merged}
            ),
            "late page": last_page("/api/v3/participants/ecf"),
            "RECT late page": last_page("/rect/api/v3/participants"),
            "v1 late page": last_page("/api/v1/participants/ecf"),
            "NPQ applications late page": last_page("/api/v3/npq-applications"),
            "v1 NPQ applications late page": last_page("/api/v1/npq-applications"),
            "NPQ-service applications late page": last_page("/npq/api/v3/npq-applications"),
            "NPQ participants late page": last_page("/api/v3/participants/npq"),
            "NPQ-service participants late page": last_page("/npq/api/v3/participants/npq"),
            "filtered late page": last_page("/api/v3/participants/ecf", **in_2024),
            "v1 filtered late page": last_page("/api/v1/participants/ecf", **{"filter[cohort]": "2023,2024"}),
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
            "partnership write": lambda: api.put(
                f"/api/v3/partnerships/ecf/{confirmed.id}",
                json={
                    "data": {"type": "ecf-partnership", "attributes": {"delivery_partner_id": partners.pop()}}
                },
                headers=headers,
            ),
        }
        expected = {"RECT declaration POST": 422}
        # Another partner for the write, so that it changes the partnership (it comes last: the reads above
        # would re-check every participant it touches).
        confirmed = own_confirmed(store, provider, 2024)
        partners = [
            confirmed.delivery_partner_id,
            dp_for(store, provider, 2024, skip=confirmed.delivery_partner_id),
        ]
        # What a read derives from the world once per reset (the ordering by stamp, who is hidden) is
        # made by its first call; the counted call is the next one.
        for name, request in requests.items():
            if name not in WRITES:
                response = request()
                assert response.status_code == 200, (name, response.text)
        for name in RECORDS:
            object.__setattr__(getattr(store, name), "__class__", Counting)
        touches = {}
        try:
            for name, request in requests.items():
                pages_of(store).clear()  # the read itself is counted, not a page kept from the last call
                fragments_of(store).clear()  # nor items kept from it
                Counting.touched = 0
                response = request()
                assert response.status_code == expected.get(name, 200), name
                data = response.json().get("data")
                touches[name] = (Counting.touched, len(data) if isinstance(data, list) else 1)
            # What a partnership write must touch: every participant trained at the school (upstream
            # touches them all), about 1.4x as many at the same school of the larger world.
            at_school = {
                r.profile_id
                for p in store.partnerships_at(confirmed.school_id)
                for r in store.records_on(p.id)
            }
            touches["partnership write"] = (touches["partnership write"][0], len(at_school))
        finally:
            for name in RECORDS:
                object.__setattr__(getattr(store, name), "__class__", RecordedDict)
    return touches


def _merged_id(store: Any, provider: Any, keep: set[str]) -> str:
    """The id of one of the provider's later unmentored ECTs, merged (as DfE merges duplicates) into an
    NPQ applicant with no ECF profile, so that no mentor the other cases read changes; the users in
    `keep` (read or written by other cases) stay as they are."""
    index = store.ordered("ecf_users_by_provider", provider.id)
    users = [u for u in store.users_in(reversed(index)) if u.id not in keep]

    def unmentored_ect(user: Any) -> bool:
        # Re-checking an ECT's mentor reads every ECT it mentors (the unfunded mentors cases would grow).
        profiles = store.ecf_profiles_of(user.id)
        records = [r for p in profiles for r in store.records_of(p.id)]
        return [p.participant_type for p in profiles] == ["ect"] and not any(
            r.mentor_profile_id for r in records
        )

    ect = next(u for u in users if unmentored_ect(u))
    applicant = next(
        u for u in store.users.values() if store.applications_of(u.id) and not store.ecf_profiles_of(u.id)
    )
    merge_users(store, from_user_id=ect.id, to_user_id=applicant.id, now=TEST_NOW)
    return ect.id


@pytest.fixture(scope="module")
def touches() -> tuple[dict[str, tuple[int, int]], dict[str, tuple[int, int]]]:
    return _touches(20), _touches(200)


@pytest.mark.parametrize(
    "read",
    [
        "NPQ applications page",
        "NPQ participants page",
        "NPQ-service applications page",
        "declarations late page",
        "RECT declarations late page",
        "late page",
        "RECT late page",
        "v1 late page",
        "NPQ applications late page",
        "v1 NPQ applications late page",
        "NPQ-service applications late page",
        "NPQ participants late page",
        "NPQ-service participants late page",
        "filtered late page",
        "v1 filtered late page",
        "transfers",
        "RECT transfers",
        "unfunded mentors",
        "RECT unfunded mentors",
        "ECF participants poll",
        "v1 ECF participants poll",
        "RECT participants poll",
        "declarations poll",
        "NPQ-service declarations poll",
        "NPQ applications poll",
        "NPQ participants poll",
        "NPQ-service applications poll",
        "partnerships page",
        "RECT partnerships page",
        "partnerships poll",
        "RECT partnerships poll",
        "schools page",
        "RECT schools page",
        "schools poll",
        "RECT schools poll",
        "from_participant_id",
        "RECT from_participant_id",
        "list page",
        "single read",
        "declarations page",
        "school single read",
        "schools by URN",
        "declaration POST",
        "RECT declaration POST",
        "partnership write",
    ],
)
def test_a_world_ten_times_larger_touches_no_more_records(touches, read) -> None:
    (small, small_items), (large, large_items) = touches[0][read], touches[1][read]
    assert small > 0, "the counter sees the read"
    # A list whose whole answer fits in one page (unfunded mentors) may hold more in the larger world:
    # it may cost more in proportion to what it returns, not to the world.
    grown = max(1.0, large_items / max(small_items, 1))
    assert large <= small * 1.25 * grown, (read, small, small_items, large, large_items)
