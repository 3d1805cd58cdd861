"""RECT's transport rules about time: days begin at midnight in London (rect.md §1.4), and
X-With-Server-Date freezes the clock at its instant for that one request only (§7.1)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import cache

import pytest
from starlette.testclient import TestClient

from sandbox.app import create_app
from tests.api.test_rect_reads import BASE
from tests.conftest import TEST_NOW, TEST_PARTICIPANTS, bearer, make_state
from tests.support.openapi import validate_exchange

HEADER = "X-With-Server-Date"
BAD_HEADER = {
    "errors": [
        {
            "title": "Bad request",
            "detail": "The 'X-With-Server-Date' header must be an RFC 3339 date-time, "
            "for example 2025-01-10T10:42:00Z",
        }
    ]
}
BEFORE_START = "Declaration date must be on or after the milestone start date for the same declaration type."
AFTER_END = "Declaration date must be on or before the milestone date for the same declaration type."


STATE = make_state()
PROVIDER = next(p for p in STATE.store.lead_providers.values() if p.has_ecf)


@pytest.fixture(scope="module")
def module_client():
    return TestClient(create_app(state=STATE), raise_server_exceptions=False)


@pytest.fixture
def sandbox(module_client):
    # One app for the module (building one is slow); each test starts from the seeded world.
    STATE.reset(seed=1, participants=TEST_PARTICIPANTS)
    return module_client, PROVIDER


def call(client, method: str, path: str, provider, headers=None, **kwargs):
    response = client.request(method, BASE + path, headers={**bearer(provider), **(headers or {})}, **kwargs)
    validate_exchange("rect", response)
    return response


def _all(client, provider, path: str) -> list[dict]:
    query = {"page[per_page]": "3000"}
    return client.get(BASE + path, headers=bearer(provider), params=query).json()["data"]


@cache
def _unclaimed(client, provider_id: str, declaration_type: str) -> tuple[str, ...]:
    provider = STATE.store.lead_providers[provider_id]
    claimed = {
        d["attributes"]["participant_id"]
        for d in _all(client, provider, "/participant-declarations")
        if d["attributes"]["declaration_type"] == declaration_type and d["attributes"]["state"] != "voided"
    }
    return tuple(
        person["id"]
        for person in _all(client, provider, "/participants")
        for enrolment in person["attributes"]["ecf_enrolments"]
        if (enrolment["participant_type"], enrolment["cohort"], enrolment["schedule_identifier"])
        == ("ect", "2024", "ecf-standard-september")
        and (enrolment["training_status"], enrolment["participant_status"]) == ("active", "active")
        and person["id"] not in claimed
    )


def unclaimed_ects(client, provider, declaration_type: str) -> tuple[str, ...]:
    """Active 2024 ECTs on ecf-standard-september with no live claim of that type (in the seeded world,
    which every test starts from)."""
    return _unclaimed(client, provider.id, declaration_type)


def declare(client, provider, person: str, declaration_type: str, date: str, headers=None):
    attributes = {
        "participant_id": person,
        "declaration_type": declaration_type,
        "declaration_date": date,
        "course_identifier": "ecf-induction",
        "evidence_held": "training-event-attended",
    }
    body = {"data": {"type": "participant-declaration", "attributes": attributes}}
    return call(client, "POST", "/participant-declarations", provider, headers, json=body)


def test_a_milestone_opens_at_london_midnight(sandbox):
    client, provider = sandbox
    people = unclaimed_ects(client, provider, "started")
    assert len(people) >= 2, "the seeded world has 2024 ECTs still to claim `started` for"
    # `started` of ecf-standard-september 2024 opens on 1 June 2024: 23:59:59 BST on 31 May is too early,
    # although in UTC (22:59:59Z) nothing changes; 00:30 BST on 1 June (23:30Z on 31 May) is in.
    early = declare(client, provider, people[0], "started", "2024-05-31T22:59:59Z")
    assert (early.status_code, early.json()) == (
        422,
        {"errors": [{"title": "declaration_date", "detail": BEFORE_START}]},
    )
    on_time = declare(client, provider, people[1], "started", "2024-06-01T00:30:00+01:00")
    assert on_time.status_code == 200, on_time.text
    assert on_time.json()["data"]["attributes"]["declaration_date"] == "2024-05-31T23:30:00Z"
    # Dated before the training period began, it still takes that period's delivery partner (never null).
    person = call(client, "GET", f"/participants/{people[1]}", provider).json()["data"]
    enrolment = person["attributes"]["ecf_enrolments"][0]
    assert on_time.json()["data"]["attributes"]["delivery_partner_id"] == enrolment["delivery_partner_id"]


def test_a_milestone_closes_at_the_end_of_its_last_london_day(sandbox):
    client, provider = sandbox
    people = unclaimed_ects(client, provider, "retained-2")
    assert len(people) >= 2, "the seeded world has 2024 ECTs still to claim `retained-2` for"
    # `retained-2` of ecf-standard-september 2024 ends on 31 July 2025: 23:59:59 BST is 22:59:59Z.
    late = declare(client, provider, people[0], "retained-2", "2025-07-31T23:00:00Z")
    assert (late.status_code, late.json()) == (
        422,
        {"errors": [{"title": "declaration_date", "detail": AFTER_END}]},
    )
    last = declare(client, provider, people[1], "retained-2", "2025-07-31T22:59:59Z")
    assert last.status_code == 200, last.text


def test_updated_since_compares_instants_whatever_the_offset(sandbox):
    client, provider = sandbox
    person = _all(client, provider, "/participants")[0]
    stamp = person["attributes"]["updated_at"]  # e.g. 2024-05-31T23:30:00Z
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    bst = timezone(timedelta(hours=1))
    same = moment.astimezone(bst).isoformat()
    later = (moment + timedelta(seconds=1)).astimezone(bst).isoformat()
    found = call(client, "GET", "/participants", provider, params={"filter[updated_since]": same}).json()
    assert person["id"] in {p["id"] for p in found["data"]}
    after = call(client, "GET", "/participants", provider, params={"filter[updated_since]": later}).json()
    assert person["id"] not in {p["id"] for p in after["data"]}


@pytest.mark.parametrize(
    ("header", "instant"),
    [
        ("2025-10-01T10:00:00Z", "2025-10-01T10:00:00Z"),
        ("2025-10-01T10:00:00+02:00", "2025-10-01T08:00:00Z"),
        # Without an offset, or a date alone: London time (BST in summer, GMT in winter).
        ("2025-07-01T00:30:00", "2025-06-30T23:30:00Z"),
        ("2025-07-01", "2025-06-30T23:00:00Z"),
        ("2025-12-01", "2025-12-01T00:00:00Z"),
        ("2025-10-01T10:00:00.987654Z", "2025-10-01T10:00:00Z"),
    ],
)
def test_the_server_date_freezes_the_clock_for_that_request_only(sandbox, header, instant):
    client, provider = sandbox
    people = unclaimed_ects(client, provider, "retained-2")
    done = declare(client, provider, people[0], "retained-2", "2025-06-01T10:00:00Z", {HEADER: header})
    assert done.status_code == 200, done.text
    attributes = done.json()["data"]["attributes"]
    # Every timestamp the request writes is the frozen instant.
    assert attributes["created_at"] == attributes["updated_at"] == instant
    # The next request without the header runs at the sandbox's own clock again.
    voided = call(client, "PUT", f"/participant-declarations/{done.json()['data']['id']}/void", provider)
    assert voided.json()["data"]["attributes"]["updated_at"] == TEST_NOW.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_the_server_date_decides_what_is_in_the_future(sandbox):
    client, provider = sandbox
    people = unclaimed_ects(client, provider, "retained-2")
    refused = declare(
        client, provider, people[0], "retained-2", "2025-06-01T10:00:01Z", {HEADER: "2025-06-01T10:00:00Z"}
    )
    assert refused.json() == {
        "errors": [
            {
                "title": "declaration_date",
                "detail": "The '#/declaration_date' value cannot be a future date. "
                "Check the date and try again.",
            }
        ]
    }


@pytest.mark.parametrize(
    "header", ["garbage", "", "2025-02-30", "2025-02-30T10:00:00Z", "tomorrow", "2025-13-01"]
)
def test_an_unreadable_server_date_is_a_bad_request_that_changes_nothing(sandbox, header):
    client, provider = sandbox
    people = unclaimed_ects(client, provider, "retained-2")
    before = _all(client, provider, "/participant-declarations")
    refused = declare(client, provider, people[0], "retained-2", "2025-06-01T10:00:00Z", {HEADER: header})
    assert (refused.status_code, refused.json()) == (400, BAD_HEADER)
    assert refused.headers["content-type"] == "application/json; charset=utf-8"
    assert _all(client, provider, "/participant-declarations") == before
    read = call(client, "GET", "/statements", provider, {HEADER: header})
    assert (read.status_code, read.json()) == (400, BAD_HEADER)


def test_a_path_id_with_a_line_break_is_not_found_on_its_route(sandbox):
    client, provider = sandbox
    response = call(client, "GET", "/delivery-partners/a%0Ab", provider)
    assert (response.status_code, response.json()) == (
        404,
        {
            "errors": [
                {"title": "Resource not found", "detail": "Nothing could be found for the provided details"}
            ]
        },
    )
    assert client.get(BASE + "/delivery-partners/a%0Ab").status_code == 401
