"""The control API drives what RECT (/rect/api/v3) shows: each DfE-side event, the clock and the
resets, done through /sandbox with ids RECT itself shows, and read back through RECT in its terms.

The app is shared by the module; each test starts from a freshly seeded world of its own."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from sandbox.app import create_app
from tests.conftest import TEST_NOW, TEST_PARTICIPANTS, bearer, make_state
from tests.support.openapi import validate_exchange

ADMIN = {"Authorization": "Bearer admin-token"}
STAMP = TEST_NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
RECT = "/rect/api/v3"
STATE = make_state()
STATE.admin_token = "admin-token"
MINE, THEIRS = [p for p in STATE.store.lead_providers.values() if p.has_ecf][:2]


@pytest.fixture(scope="module")
def module_client() -> TestClient:
    return TestClient(create_app(state=STATE), raise_server_exceptions=False)


@pytest.fixture
def api(module_client) -> TestClient:
    STATE.reset(seed=1, participants=TEST_PARTICIPANTS)
    return module_client


def control(api: TestClient, method: str, path: str, body: Any = None, headers=None) -> Any:
    response = api.request(method, "/sandbox" + path, json=body, headers=headers or bearer(MINE))
    validate_exchange("sandbox", response)
    assert response.status_code == 200, response.text
    return response.json()


def rect(api: TestClient, path: str, provider=MINE, **params: str) -> Any:
    response = api.get(RECT + path, headers=bearer(provider), params=params)
    validate_exchange("rect", response)
    return response


def every(api: TestClient, path: str, provider=MINE, **params: str) -> list[dict]:
    return rect(api, path, provider, **{"page[per_page]": "3000", **params}).json()["data"]


def people(api: TestClient, provider=MINE, **wanted: str) -> list[tuple[dict, dict]]:
    """(participant, enrolment) pairs of the provider's RECT list whose enrolment has those values."""
    return [
        (person, enrolment)
        for person in every(api, "/participants", provider)
        for enrolment in person["attributes"]["ecf_enrolments"]
        if all(enrolment[key] == value for key, value in wanted.items())
    ]


def test_a_payment_run_pays_rects_declarations_and_statement(api):
    declarations = every(api, "/participant-declarations")
    eligible = [d for d in declarations if d["attributes"]["state"] == "eligible"]
    statement_id = eligible[0]["attributes"]["statement_id"]
    on_it = {d["id"] for d in eligible if d["attributes"]["statement_id"] == statement_id}
    assert rect(api, f"/statements/{statement_id}").json()["data"]["attributes"]["paid"] is False

    control(api, "POST", f"/events/statements/{statement_id}/payment")

    statement = rect(api, f"/statements/{statement_id}").json()["data"]["attributes"]
    assert (statement["paid"], statement["updated_at"]) == (True, STAMP)
    synced = every(api, "/participant-declarations", **{"filter[updated_since]": STAMP})
    assert {d["id"] for d in synced} == on_it
    assert {(d["attributes"]["state"], d["attributes"]["statement_id"]) for d in synced} == {
        ("paid", statement_id)
    }


def test_dfe_confirming_eligibility_makes_a_submitted_rect_declaration_eligible(api):
    submitted = next(
        d
        for d in every(api, "/participant-declarations")
        if d["attributes"]["state"] == "submitted" and d["attributes"]["lead_provider_name"] == MINE.name
    )
    control(
        api, "POST", "/events/declaration-eligibility", {"declaration_id": submitted["id"], "eligible": True}
    )
    now = rect(api, f"/participant-declarations/{submitted['id']}").json()["data"]["attributes"]
    assert (now["state"], now["updated_at"]) == ("eligible", STAMP)
    assert rect(api, f"/statements/{now['statement_id']}").status_code == 200


def test_a_move_to_another_providers_school_shows_in_rects_transfers(api):
    person, enrolment = people(api, participant_type="ect", cohort="2024", participant_status="active")[0]
    joining = next(
        p
        for p in every(api, "/partnerships", THEIRS)
        if p["attributes"]["cohort"] == "2024" and p["attributes"]["urn"] != enrolment["school_urn"]
    )
    # The RECT enrolment's training_record_id is the id the event takes.
    control(
        api,
        "POST",
        f"/events/ecf-participants/{enrolment['training_record_id']}/transfer",
        {"to_partnership_id": joining["id"], "leaving_date": "2026-12-20", "joining_date": "2027-01-04"},
    )
    for provider in (MINE, THEIRS):
        listed = every(api, "/participants/transfers", provider, **{"filter[updated_since]": STAMP})
        (item,) = [i for i in listed if i["id"] == person["id"]]
        (transfer,) = item["attributes"]["transfers"]
        assert (transfer["transfer_type"], transfer["status"]) == ("new_provider", "incomplete")
        assert transfer["leaving"] == {
            "school_urn": enrolment["school_urn"],
            "provider": MINE.name,
            "date": "2026-12-20",
        }
        assert transfer["joining"] == {
            "school_urn": joining["attributes"]["urn"],
            "provider": THEIRS.name,
            "date": "2027-01-04",
        }
    mine = rect(api, f"/participants/{person['id']}").json()["data"]["attributes"]["ecf_enrolments"]
    assert [e["participant_status"] for e in mine if e["participant_type"] == "ect"] == ["leaving"]


def test_a_new_mentor_shows_on_the_ects_rect_enrolment(api):
    person, enrolment = people(api, participant_type="ect", cohort="2024", participant_status="active")[0]
    mentor = next(p for p, _ in people(api, participant_type="mentor") if p["id"] != enrolment["mentor_id"])
    control(
        api,
        "PUT",
        f"/events/ecf-participants/{enrolment['training_record_id']}/mentor",
        {"mentor_id": mentor["id"]},
    )
    shown = rect(api, f"/participants/{person['id']}").json()["data"]["attributes"]
    (ect,) = [e for e in shown["ecf_enrolments"] if e["participant_type"] == "ect"]
    assert (ect["mentor_id"], shown["updated_at"]) == (mentor["id"], STAMP)


def test_a_merged_duplicate_shows_in_rects_participant_id_changes(api):
    ects = {p["id"] for p, _ in people(api, participant_type="ect")}
    mentors = {p["id"] for p, _ in people(api, participant_type="mentor")}
    survivor, duplicate = sorted(ects - mentors)[0], sorted(mentors - ects)[0]
    control(api, "POST", f"/events/participants/{duplicate}/merge", {"into_participant_id": survivor}, ADMIN)
    shown = rect(api, f"/participants/{survivor}").json()["data"]["attributes"]
    assert shown["participant_id_changes"] == [
        {"from_participant_id": duplicate, "to_participant_id": survivor, "changed_at": STAMP}
    ]
    assert sorted(e["participant_type"] for e in shown["ecf_enrolments"]) == ["ect", "mentor"]
    assert rect(api, f"/participants/{duplicate}").status_code == 404
    found = every(api, "/participants", **{"filter[from_participant_id]": duplicate})
    assert [p["id"] for p in found] == [survivor]


def test_the_clock_turns_a_joining_registration_active_without_moving_updated_at(api):
    partnership = next(p for p in every(api, "/partnerships") if p["attributes"]["cohort"] == "2024")
    start = (TEST_NOW + timedelta(days=10)).date().isoformat()
    registered = control(
        api,
        "POST",
        "/events/ecf-participants",
        {
            "partnership_id": partnership["id"],
            "participant_type": "ect",
            "full_name": "Jo Joiner",
            "email": "jo.joiner@example.com",
            "start_date": start,
        },
    )["data"]
    before = rect(api, f"/participants/{registered['participant_id']}").json()["data"]["attributes"]
    assert [e["participant_status"] for e in before["ecf_enrolments"]] == ["joining"]
    assert before["ecf_enrolments"][0]["school_urn"] == partnership["attributes"]["urn"]

    control(api, "PUT", f"/providers/{MINE.id}/clock", {"instant": f"{start}T09:00:00Z"})
    after = rect(api, f"/participants/{registered['participant_id']}").json()["data"]["attributes"]
    assert [e["participant_status"] for e in after["ecf_enrolments"]] == ["active"]
    assert after["updated_at"] == before["updated_at"] == STAMP
    # Another provider's clock has not moved.
    assert (
        control(api, "GET", f"/providers/{THEIRS.id}/clock", headers=bearer(THEIRS))["data"]["now"] == STAMP
    )


def _void_one(api: TestClient, provider) -> str:
    target = next(
        d
        for d in every(api, "/participant-declarations", provider)
        if d["attributes"]["state"] in ("submitted", "eligible")
        and d["attributes"]["lead_provider_name"] == provider.name
    )
    voided = api.put(f"{RECT}/participant-declarations/{target['id']}/void", headers=bearer(provider))
    assert voided.json()["data"]["attributes"]["state"] == "voided"
    return target["id"]


def _state(api: TestClient, provider, declaration_id: str) -> str:
    return rect(api, f"/participant-declarations/{declaration_id}", provider).json()["data"]["attributes"][
        "state"
    ]


def test_a_providers_reset_undoes_its_rect_writes_and_keeps_the_others(api):
    mine, theirs = _void_one(api, MINE), _void_one(api, THEIRS)
    control(api, "POST", f"/providers/{MINE.id}/reset")
    assert _state(api, MINE, mine) != "voided"
    assert _state(api, THEIRS, theirs) == "voided"
    control(api, "POST", "/reset", {}, ADMIN)
    assert _state(api, THEIRS, theirs) != "voided"
