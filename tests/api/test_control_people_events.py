"""The control API's events about ECF people, driven through /sandbox and read back through the Lead
Provider API of every version that shows them; who may trigger them; refusals that change nothing; and
a provider's reset that undoes its own events only.

The app is shared by the module; each test starts from a freshly built world (and real-time clocks).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from sandbox.app import create_app
from sandbox.domain.participants.visibility import recency
from sandbox.domain.world.entities import ECFProfile, LeadProvider, Partnership
from sandbox.state import SandboxState
from sandbox.store import Store
from tests.conftest import TEST_NOW, VERSIONS, bearer, make_state
from tests.support.openapi import validate_exchange

ADMIN = {"Authorization": "Bearer admin-token"}
EVENTS = "/sandbox/events"
STAMP = TEST_NOW.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(scope="module")
def sandbox() -> SandboxState:
    state = make_state()
    state.admin_token = "admin-token"
    return state


@pytest.fixture(scope="module")
def api(sandbox: SandboxState) -> TestClient:
    with TestClient(create_app(state=sandbox), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def store(sandbox: SandboxState) -> Store:
    sandbox.reset()
    return sandbox.store


@pytest.fixture
def mine(store: Store) -> LeadProvider:
    return list(store.lead_providers.values())[0]


@pytest.fixture
def theirs(store: Store) -> LeadProvider:
    return list(store.lead_providers.values())[1]


# -- finding subjects in the seeded world ---------------------------------------------------------


def _current(store: Store, profile: ECFProfile) -> Any:
    return max(store.records_of(profile.id), key=recency)


def at_school(store: Store, provider: LeadProvider, kind: str = "ect", skip: int = 0) -> ECFProfile:
    """A 2024 participant of the provider, at school now, training, with one profile only."""
    found = []
    for profile in store.ecf_profiles.values():
        record = _current(store, profile)
        partnership = store.partnerships[record.partnership_id]
        if (
            profile.participant_type == kind
            and profile.cohort == 2024
            and partnership.lead_provider_id == provider.id
            and not partnership.challenged
            and (record.induction_status, record.end_date, record.training_status)
            == ("active", None, "active")
            and record.start_date <= TEST_NOW
            and len(store.ecf_profiles_of(profile.user_id)) == 1
            and not store.applications_of(profile.user_id)
        ):
            found.append(profile)
    return found[skip]


def partnership_of(store: Store, provider: LeadProvider, avoid_school: str | None = None) -> Partnership:
    return next(
        p
        for p in store.partnerships.values()
        if p.lead_provider_id == provider.id
        and p.cohort == 2024
        and not p.challenged
        and not p.relationship
        and p.school_id != avoid_school
    )


def school_of(store: Store, profile: ECFProfile) -> str:
    return store.partnerships[_current(store, profile).partnership_id].school_id


# -- calling and reading --------------------------------------------------------------------------


def conforms(response: httpx.Response, version: str = "sandbox") -> httpx.Response:
    """Validates the exchange against our spec for that API."""
    validate_exchange(version, response)
    return response


def event(
    api: TestClient, method: str, path: str, body: Any, headers: dict[str, str] = ADMIN
) -> httpx.Response:
    return conforms(api.request(method, EVENTS + path, json=body, headers=headers))


def read(api: TestClient, provider: LeadProvider, version: str, path: str, **params: str) -> httpx.Response:
    return conforms(api.get(f"/api/{version}{path}", params=params, headers=bearer(provider)), version)


def rows(api: TestClient, provider: LeadProvider, version: str, user_id: str, **params: str) -> list[dict]:
    """The provider's participant list items for one person (v1/v2: one per training record)."""
    # One page of every participant: the person may come after the default page's hundred.
    data = read(api, provider, version, "/participants/ecf", **{"page[per_page]": "3000", **params}).json()[
        "data"
    ]
    return [item["attributes"] for item in data if item["id"] == user_id]


def enrolment(api: TestClient, provider: LeadProvider, user_id: str) -> dict[str, Any]:
    (found,) = read(api, provider, "v3", f"/participants/ecf/{user_id}").json()["data"]["attributes"][
        "ecf_enrolments"
    ]
    return found


def changes(api: TestClient) -> int:
    return api.get("/sandbox/world", headers=ADMIN).json()["data"]["changes"]


# -- each event, read back through every version that shows it ------------------------------------


def test_a_registered_ect_is_listed_by_its_provider_in_every_version(
    api: TestClient, store: Store, mine, theirs
) -> None:
    partnership = partnership_of(store, mine)
    response = event(
        api,
        "POST",
        "/ecf-participants",
        {
            "partnership_id": partnership.id,
            "participant_type": "ect",
            "full_name": "Nia New",
            "email": "nia.new@example.com",
            "teacher_reference_number": "1234567",
        },
        headers=bearer(mine),
    )
    data = response.json()["data"]
    user_id, (record,) = data["participant_id"], data["training_records"]
    assert data["updated_at"] == STAMP and data["lead_provider_ids"] == [mine.id]
    assert data["induction_records"][0]["partnership_id"] == partnership.id
    for version in ("v1", "v2"):
        (row,) = rows(api, mine, version, user_id, **{"filter[updated_since]": STAMP})
        assert (row["training_record_id"], row["status"], row["cohort"], row["eligible_for_funding"]) == (
            record["training_record_id"],
            "active",
            "2024",
            None,
        )
        assert read(api, mine, version, f"/participants/ecf/{user_id}").status_code == 200
        assert rows(api, theirs, version, user_id) == []
    (v3,) = rows(api, mine, "v3", user_id, **{"filter[updated_since]": STAMP})
    assert v3["teacher_reference_number"] == "1234567"
    assert [e["participant_status"] for e in v3["ecf_enrolments"]] == ["active"]
    assert read(api, theirs, "v3", f"/participants/ecf/{user_id}").status_code == 404


def test_eligibility_shows_as_funding_fields_in_every_version(api: TestClient, store: Store, mine) -> None:
    profile = at_school(store, mine)
    body = {
        "eligibility": "eligible",
        "teacher_reference_number": "7654321",
        "teacher_reference_number_validated": True,
        "pupil_premium_uplift": True,
        "sparsity_uplift": False,
    }
    data = event(api, "PUT", f"/ecf-participants/{profile.id}/eligibility", body).json()["data"]
    assert data["training_records"][0]["eligibility"] == "eligible"
    expected = {
        "eligible_for_funding": True,
        "teacher_reference_number_validated": True,
        "pupil_premium_uplift": True,
    }
    for version in ("v1", "v2"):
        (row,) = rows(api, mine, version, profile.user_id, **{"filter[updated_since]": STAMP})
        assert {k: row[k] for k in expected} == expected
    assert {k: enrolment(api, mine, profile.user_id)[k] for k in expected} == expected
    event(
        api,
        "PUT",
        f"/ecf-participants/{profile.id}/eligibility",
        {"teacher_reference_number_validated": False},
    )
    for version in VERSIONS:
        found = rows(api, mine, version, profile.user_id)[0]
        found = found["ecf_enrolments"][0] if version == "v3" else found
        assert (found["eligible_for_funding"], found["teacher_reference_number_validated"]) == (False, False)


def test_a_move_to_another_provider_shows_to_both_providers(
    api: TestClient, store: Store, mine, theirs
) -> None:
    profile = at_school(store, mine)
    joining = partnership_of(store, theirs, avoid_school=school_of(store, profile))
    # The new provider may trigger it: the move reaches it.
    data = event(
        api,
        "POST",
        f"/ecf-participants/{profile.id}/transfer",
        {"to_partnership_id": joining.id, "leaving_date": "2026-12-20", "joining_date": "2027-01-04"},
        headers=bearer(theirs),
    ).json()["data"]
    assert [r["induction_status"] for r in data["induction_records"]] == ["leaving", "active"]
    assert sorted(data["lead_provider_ids"]) == sorted([mine.id, theirs.id])
    for provider in (mine, theirs):
        listed = read(
            api, provider, "v3", "/participants/ecf/transfers", **{"filter[updated_since]": STAMP}
        ).json()
        (item,) = [i for i in listed["data"] if i["id"] == profile.user_id]
        (transfer,) = item["attributes"]["transfers"]
        assert (transfer["transfer_type"], transfer["status"]) == ("new_provider", "incomplete")
        assert (transfer["leaving"]["provider"], transfer["leaving"]["date"]) == (mine.name, "2026-12-20")
        assert (transfer["joining"]["provider"], transfer["joining"]["date"]) == (theirs.name, "2027-01-04")
        assert read(api, provider, "v3", f"/participants/ecf/{profile.user_id}/transfers").status_code == 200
    # The old provider keeps them, leaving (v1/v2 show `active`); the new one lists them, joining.
    for version in ("v1", "v2"):
        assert [r["status"] for r in rows(api, mine, version, profile.user_id)] == ["active"]
        assert [r["status"] for r in rows(api, theirs, version, profile.user_id)] == ["active"]
    assert enrolment(api, mine, profile.user_id)["participant_status"] == "leaving"
    assert enrolment(api, theirs, profile.user_id)["participant_status"] == "joining"


def test_a_school_withdrawal_shows_as_withdrawn_and_left(api: TestClient, store: Store, mine) -> None:
    profile = at_school(store, mine)
    data = event(
        api, "PUT", f"/ecf-participants/{profile.id}/induction-status", {"induction_status": "withdrawn"}
    ).json()
    assert data["data"]["induction_records"][0]["end_date"] == TEST_NOW.date().isoformat()
    for version in ("v1", "v2"):
        (row,) = rows(api, mine, version, profile.user_id, **{"filter[updated_since]": STAMP})
        assert (row["status"], row["training_status"]) == ("withdrawn", "active")
    found = enrolment(api, mine, profile.user_id)
    assert (found["participant_status"], found["training_status"]) == ("left", "active")


def test_a_mentor_from_another_provider_shows_on_the_ect_and_as_unfunded(
    api: TestClient, store: Store, mine, theirs
) -> None:
    profile = at_school(store, mine)
    mentor = at_school(store, theirs, kind="mentor")
    data = event(api, "PUT", f"/ecf-participants/{profile.id}/mentor", {"mentor_id": mentor.user_id}).json()[
        "data"
    ]
    assert data["touched_participant_ids"] == [mentor.user_id]
    for version in ("v1", "v2"):
        assert [r["mentor_id"] for r in rows(api, mine, version, profile.user_id)] == [mentor.user_id]
    assert enrolment(api, mine, profile.user_id)["mentor_id"] == mentor.user_id
    unfunded = read(api, mine, "v3", "/unfunded-mentors/ecf", **{"filter[updated_since]": STAMP}).json()[
        "data"
    ]
    assert [m["id"] for m in unfunded] == [mentor.user_id]


def test_a_merged_duplicate_is_shown_in_participant_id_changes_and_its_old_id_still_writes(
    api: TestClient, store: Store, mine, theirs
) -> None:
    # The profile moves to the survivor: keep the duplicate's id before the merge.
    old_id = at_school(store, mine).user_id
    survivor = at_school(store, theirs, kind="mentor")
    data = event(
        api, "POST", f"/participants/{old_id}/merge", {"into_participant_id": survivor.user_id}
    ).json()
    assert data["data"]["participant_id"] == survivor.user_id
    listed = read(api, mine, "v3", "/participants/ecf", **{"filter[from_participant_id]": old_id}).json()
    (item,) = listed["data"]
    assert item["id"] == survivor.user_id
    assert [c["from_participant_id"] for c in item["attributes"]["participant_id_changes"]] == [old_id]
    for version in VERSIONS:
        assert read(api, mine, version, f"/participants/ecf/{old_id}").status_code == 404
    deferred = api.put(
        f"/api/v3/participants/ecf/{old_id}/defer",
        json={
            "data": {
                "type": "participant-defer",
                "attributes": {"course_identifier": "ecf-induction", "reason": "other"},
            }
        },
        headers=bearer(mine),
    )
    assert deferred.status_code == 200, deferred.text
    assert deferred.json()["data"]["id"] == survivor.user_id


def test_an_induction_end_date_shows_in_v3(api: TestClient, store: Store, mine) -> None:
    profile = at_school(store, mine)
    event(
        api, "PUT", f"/ecf-participants/{profile.id}/induction-end-date", {"induction_end_date": "2026-07-18"}
    )
    (v3,) = rows(api, mine, "v3", profile.user_id, **{"filter[updated_since]": STAMP})
    assert v3["ecf_enrolments"][0]["induction_end_date"] == "2026-07-18"


def test_an_admin_event_happens_on_the_involved_providers_clock(api: TestClient, store: Store, mine) -> None:
    moved = api.put(
        f"/sandbox/providers/{mine.id}/clock", json={"instant": "2027-02-01T09:00:00Z"}, headers=ADMIN
    )
    assert moved.status_code == 200
    profile = at_school(store, mine)
    data = event(
        api, "PUT", f"/ecf-participants/{profile.id}/induction-status", {"induction_status": "leaving"}
    ).json()
    assert data["data"]["updated_at"] == "2027-02-01T09:00:00Z"
    assert data["data"]["induction_records"][0]["end_date"] == "2027-02-01"


# -- who may trigger what -------------------------------------------------------------------------


def test_a_provider_cannot_trigger_an_event_for_another_providers_participant(
    api: TestClient, store: Store, mine, theirs
) -> None:
    profile = at_school(store, mine)
    before = read(api, mine, "v3", f"/participants/ecf/{profile.user_id}").json()
    refusals = [
        ("PUT", f"/ecf-participants/{profile.id}/eligibility", {"eligibility": "ineligible"}),
        ("PUT", f"/ecf-participants/{profile.id}/induction-status", {"induction_status": "withdrawn"}),
        ("PUT", f"/ecf-participants/{profile.id}/mentor", {"mentor_id": None}),
        ("PUT", f"/ecf-participants/{profile.id}/induction-end-date", {"induction_end_date": "2026-01-01"}),
        ("POST", f"/ecf-participants/{profile.id}/transfer", {}),
        (
            "POST",
            f"/participants/{profile.user_id}/merge",
            {"into_participant_id": at_school(store, mine, skip=1).user_id},
        ),
        (
            "POST",
            "/ecf-participants",
            {"partnership_id": partnership_of(store, mine).id, "participant_type": "ect"},
        ),
    ]
    for method, path, body in refusals:
        response = event(api, method, path, body, headers=bearer(theirs))
        assert response.status_code == 403, path
        assert response.json()["errors"][0]["title"] == "Forbidden"
    assert read(api, mine, "v3", f"/participants/ecf/{profile.user_id}").json() == before
    assert changes(api) == 0
    # The participant's own provider may, and so may the admin.
    assert (
        event(
            api, "PUT", f"/ecf-participants/{profile.id}/eligibility", {"sparsity_uplift": True}, bearer(mine)
        ).status_code
        == 200
    )
    assert (
        event(
            api, "PUT", f"/ecf-participants/{profile.id}/eligibility", {"sparsity_uplift": False}
        ).status_code
        == 200
    )
    assert (
        api.put(f"{EVENTS}/ecf-participants/{profile.id}/eligibility", json={"eligibility": None}).status_code
        == 401
    )


# -- refusals -------------------------------------------------------------------------------------


def test_refused_events_answer_clearly_and_change_nothing(api: TestClient, store: Store, mine) -> None:
    profile = at_school(store, mine)
    before = read(api, mine, "v3", "/participants/ecf").json()
    response = event(
        api,
        "POST",
        f"/ecf-participants/{profile.id}/transfer",
        {"to_partnership_id": "nope", "leaving_date": "soon"},
    )
    assert response.status_code == 422
    assert response.json() == {
        "errors": [
            {
                "title": "to_partnership_id",
                "detail": "No partnership has the '#/to_partnership_id' you gave.",
            },
            {"title": "leaving_date", "detail": "Give '#/leaving_date' as a date: YYYY-MM-DD."},
        ]
    }
    missing = event(api, "PUT", "/ecf-participants/nope/mentor", {"mentor_id": None})
    assert (missing.status_code, missing.json()) == (404, {"error": "Resource not Found"})
    assert (
        event(api, "POST", "/participants/nope/merge", {"into_participant_id": profile.user_id}).status_code
        == 404
    )
    unknown_field = event(
        api, "PUT", f"/ecf-participants/{profile.id}/induction-status", {"status": "withdrawn"}
    )
    assert unknown_field.status_code == 400 and unknown_field.json()["errors"][0]["title"] == "Bad request"
    assert event(api, "POST", "/ecf-participants", None).status_code == 400
    assert read(api, mine, "v3", "/participants/ecf").json() == before
    assert changes(api) == 0


# -- resets ---------------------------------------------------------------------------------------


def test_a_providers_reset_undoes_its_own_events_and_keeps_the_others(
    api: TestClient, store: Store, mine, theirs
) -> None:
    def register(provider: LeadProvider, name: str, headers: dict[str, str]) -> str:
        body = {
            "partnership_id": partnership_of(store, provider).id,
            "participant_type": "ect",
            "full_name": name,
            "email": f"{name.lower()}@example.com",
        }
        return event(api, "POST", "/ecf-participants", body, headers).json()["data"]["participant_id"]

    own = register(mine, "Own", bearer(mine))
    other = register(theirs, "Other", bearer(theirs))
    by_admin = register(mine, "Admin", ADMIN)
    reset = api.post(f"/sandbox/providers/{mine.id}/reset", headers=bearer(mine))
    assert reset.json()["data"] == {"lead_provider_id": mine.id, "dropped": 0}
    listed = {
        i["id"]
        for i in read(api, mine, "v3", "/participants/ecf", **{"filter[updated_since]": STAMP}).json()["data"]
    }
    assert listed == {by_admin}
    assert own not in listed
    assert [r["full_name"] for r in rows(api, theirs, "v1", other)] == ["Other"]
