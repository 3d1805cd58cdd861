"""Every NPQ write through the ASGI app, in every version: accept, reject and change-funded-place on
applications, the four participant actions, and outcomes. Each response (success or refusal) is checked
against our spec, a refusal changes nothing, and a change is seen by the readers (another provider's too).

The module shares one seeded world; every test arranges people and applications of its own with the
DfE-side registration functions, so the tests do not depend on each other.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from sandbox.api.body import DATA_STRUCTURE_MESSAGE
from sandbox.app import create_app
from sandbox.domain import messages
from sandbox.domain.applications import decisions
from sandbox.domain.declarations import outcomes as outcome_rules
from sandbox.domain.messages import CONTRACT_DATA_ISSUE, COURSE_NOT_RECOGNISED, PARTICIPANT_NOT_RECOGNISED
from sandbox.domain.participants import npq_actions
from sandbox.domain.world.entities import LeadProvider, NPQProfile
from sandbox.domain.world.npq_registration import accept_npq_application, create_npq_application
from sandbox.state import SandboxState
from tests.conftest import VERSIONS, bearer, make_state
from tests.domain.npq_world import accept, apply, declare, fingerprint, person
from tests.support.openapi import validate_exchange

NOW_TEXT = "2026-11-27T12:00:00Z"  # tests.conftest.TEST_NOW as the API renders it


@pytest.fixture(scope="module")
def sandbox() -> SandboxState:
    return make_state()


@pytest.fixture(scope="module")
def api(sandbox: SandboxState) -> TestClient:
    with TestClient(create_app(state=sandbox), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def mine(sandbox: SandboxState) -> LeadProvider:
    return list(sandbox.store.lead_providers.values())[0]


@pytest.fixture(scope="module")
def theirs(sandbox: SandboxState) -> LeadProvider:
    return list(sandbox.store.lead_providers.values())[1]


@pytest.fixture(scope="module")
def ecf_side_only(sandbox: SandboxState) -> LeadProvider:
    return next(p for p in sandbox.store.lead_providers.values() if p.has_ecf and not p.has_npq)


def call(
    api: TestClient,
    version: str,
    method: str,
    path: str,
    provider: LeadProvider,
    body: Any = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    response = api.request(
        method, f"/api/{version}/{path}", headers={**bearer(provider), **(headers or {})}, json=body
    )
    validate_exchange(version, response)
    return response


def attributes(**attrs: Any) -> dict[str, Any]:
    return {"data": {"type": "any", "attributes": attrs}}


def errors_of(response: httpx.Response) -> list[tuple[str, str]]:
    return [(e["title"], e["detail"]) for e in response.json()["errors"]]


# -- accept ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_accept_without_a_body(
    api: TestClient, sandbox: SandboxState, mine: LeadProvider, version: str
) -> None:
    store = sandbox.store
    application = apply(store, mine, person(store), "npq-headship", 2023)
    response = call(api, version, "POST", f"npq-applications/{application.id}/accept", mine)
    assert response.status_code == 200, response.text
    attrs = response.json()["data"]["attributes"]
    assert (attrs["status"], attrs["funded_place"], attrs["updated_at"]) == ("accepted", None, NOW_TEXT)
    assert attrs.get("schedule_identifier", "npq-leadership-autumn") == "npq-leadership-autumn"
    assert ("schedule_identifier" in attrs) == (version == "v3")
    participant = call(api, version, "GET", f"participants/npq/{application.user_id}", mine)
    assert participant.status_code == 200


@pytest.mark.parametrize("version", VERSIONS)
def test_accept_a_capped_application_with_a_funded_place(
    api: TestClient, sandbox: SandboxState, mine: LeadProvider, version: str
) -> None:
    store = sandbox.store
    application = apply(store, mine, person(store), "npq-senco", 2024)
    path = f"npq-applications/{application.id}/accept"
    missing = call(api, version, "POST", path, mine)
    assert (missing.status_code, errors_of(missing)) == (
        422,
        [("funded_place", decisions.FUNDED_PLACE_REQUIRED)],
    )
    response = call(api, version, "POST", path, mine, attributes(funded_place=True))
    assert response.status_code == 200
    assert response.json()["data"]["attributes"]["funded_place"] is True


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    "body",
    [{"data": {"type": "x"}}, attributes(), attributes(unknown=1), attributes(funded_place={"yes": True})],
    ids=["no-attributes", "empty", "unknown-only", "object-value"],
)
def test_accept_with_data_but_no_attribute_it_reads_is_a_bad_request(
    api: TestClient, sandbox: SandboxState, mine: LeadProvider, version: str, body: Any
) -> None:
    store = sandbox.store
    application = apply(store, mine, person(store), "npq-headship", 2023)
    response = call(api, version, "POST", f"npq-applications/{application.id}/accept", mine, body)
    assert (response.status_code, errors_of(response)) == (400, [("Bad request", DATA_STRUCTURE_MESSAGE)])
    assert application.status == "pending"


@pytest.mark.parametrize("version", VERSIONS)
def test_a_body_without_data_is_no_input(
    api: TestClient, sandbox: SandboxState, mine: LeadProvider, version: str
) -> None:
    application = apply(sandbox.store, mine, person(sandbox.store), "npq-headship", 2023)
    response = call(api, version, "POST", f"npq-applications/{application.id}/accept", mine, {"meta": 1})
    assert response.status_code == 200


@pytest.mark.parametrize("version", VERSIONS)
def test_a_schedule_is_read_in_v3_only(
    api: TestClient, sandbox: SandboxState, mine: LeadProvider, version: str
) -> None:
    application = apply(sandbox.store, mine, person(sandbox.store), "npq-headship", 2023)
    body = attributes(schedule_identifier="npq-leadership-spring")
    response = call(api, version, "POST", f"npq-applications/{application.id}/accept", mine, body)
    if version == "v3":
        assert response.status_code == 200
        assert response.json()["data"]["attributes"]["schedule_identifier"] == "npq-leadership-spring"
    else:
        assert (response.status_code, errors_of(response)) == (400, [("Bad request", DATA_STRUCTURE_MESSAGE)])


def test_a_v3_schedule_of_another_family(api: TestClient, sandbox: SandboxState, mine: LeadProvider) -> None:
    application = apply(sandbox.store, mine, person(sandbox.store), "npq-headship", 2023)
    body = attributes(schedule_identifier="npq-specialist-spring")
    response = call(api, "v3", "POST", f"npq-applications/{application.id}/accept", mine, body)
    assert (response.status_code, errors_of(response)) == (
        422,
        [("schedule_identifier", "Selected schedule is not valid for the course")],
    )


@pytest.mark.parametrize("version", VERSIONS)
def test_the_default_schedule_follows_x_with_server_date(
    api: TestClient, sandbox: SandboxState, mine: LeadProvider, version: str
) -> None:
    application = apply(sandbox.store, mine, person(sandbox.store), "npq-headship", 2023)
    headers = {"X-With-Server-Date": "2027-01-10T10:00:00Z"}
    response = call(api, version, "POST", f"npq-applications/{application.id}/accept", mine, headers=headers)
    assert response.status_code == 200
    assert sandbox.store.npq_profiles[application.id].schedule_identifier == "npq-leadership-spring"
    assert response.json()["data"]["attributes"]["updated_at"] == "2027-01-10T10:00:00Z"


@pytest.mark.parametrize("version", VERSIONS)
def test_accepting_rejects_the_other_providers_application(
    api: TestClient, sandbox: SandboxState, mine: LeadProvider, theirs: LeadProvider, version: str
) -> None:
    store = sandbox.store
    user = person(store)
    application = apply(store, mine, user, "npq-leading-literacy", 2023)
    elsewhere = apply(store, theirs, user, "npq-leading-literacy", 2023)
    assert call(api, version, "POST", f"npq-applications/{application.id}/accept", mine).status_code == 200
    seen = call(api, version, "GET", f"npq-applications/{elsewhere.id}", theirs)
    assert seen.status_code == 200
    assert (seen.json()["data"]["attributes"]["status"], seen.json()["data"]["attributes"]["updated_at"]) == (
        "rejected",
        NOW_TEXT,
    )
    # And that provider can no longer accept it: the person is taken for the course.
    refused = call(api, version, "POST", f"npq-applications/{elsewhere.id}/accept", theirs)
    assert errors_of(refused) == [
        ("npq_application", f"{decisions.CANNOT_CHANGE_FROM_REJECTED}, {decisions.ACCEPTED_ELSEWHERE}")
    ]


@pytest.mark.parametrize("version", VERSIONS)
def test_a_refused_accept_changes_nothing(
    api: TestClient, sandbox: SandboxState, mine: LeadProvider, version: str
) -> None:
    application = apply(sandbox.store, mine, person(sandbox.store), "npq-headship", 2023)
    accept(sandbox.store, application)
    before = fingerprint(sandbox.store)
    response = call(api, version, "POST", f"npq-applications/{application.id}/accept", mine)
    assert (response.status_code, errors_of(response)) == (
        422,
        [("npq_application", decisions.ALREADY_ACCEPTED)],
    )
    assert fingerprint(sandbox.store) == before


@pytest.mark.parametrize("version", VERSIONS)
def test_no_open_statement_is_an_unprocessable_request(
    api: TestClient, sandbox: SandboxState, mine: LeadProvider, version: str
) -> None:
    application = apply(sandbox.store, mine, person(sandbox.store), "npq-headship", 2021)
    response = call(api, version, "POST", f"npq-applications/{application.id}/accept", mine)
    assert (response.status_code, errors_of(response)) == (
        422,
        [("Unprocessable request", CONTRACT_DATA_ISSUE)],
    )


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("action", ["accept", "reject"])
def test_not_the_providers_application(
    api: TestClient,
    sandbox: SandboxState,
    mine: LeadProvider,
    theirs: LeadProvider,
    ecf_side_only: LeadProvider,
    version: str,
    action: str,
) -> None:
    application = apply(sandbox.store, theirs, person(sandbox.store), "npq-headship", 2023)
    response = call(api, version, "POST", f"npq-applications/{application.id}/{action}", mine)
    assert (response.status_code, response.json()) == (404, {"error": "Resource not Found"})
    forbidden = call(api, version, "POST", f"npq-applications/{application.id}/{action}", ecf_side_only)
    assert (forbidden.status_code, forbidden.content) == (403, b"")
    assert application.status == "pending"


# -- reject and change-funded-place ---------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_reject(api: TestClient, sandbox: SandboxState, mine: LeadProvider, version: str) -> None:
    application = apply(sandbox.store, mine, person(sandbox.store), "npq-headship", 2024)
    path = f"npq-applications/{application.id}/reject"
    response = call(api, version, "POST", path, mine)
    assert response.status_code == 200
    assert response.json()["data"]["attributes"]["status"] == "rejected"
    again = call(api, version, "POST", path, mine, {"anything": "ignored"})
    assert (again.status_code, errors_of(again)) == (422, [("npq_application", decisions.ALREADY_REJECTED)])


@pytest.mark.parametrize("version", VERSIONS)
def test_change_funded_place(
    api: TestClient, sandbox: SandboxState, mine: LeadProvider, version: str
) -> None:
    store = sandbox.store
    application = apply(store, mine, person(store), "npq-headship", 2024)
    path = f"npq-applications/{application.id}/change-funded-place"
    pending = call(api, version, "PUT", path, mine, attributes(funded_place=True))
    assert (pending.status_code, errors_of(pending)) == (
        422,
        [("npq_application", decisions.ACCEPT_BEFORE_CHANGING)],
    )
    accept(store, application, funded_place=True)
    response = call(api, version, "PUT", path, mine, attributes(funded_place=False))
    assert response.status_code == 200
    assert response.json()["data"]["attributes"]["funded_place"] is False
    missing = call(api, version, "PUT", path, mine, attributes(funded_place=None))
    assert errors_of(missing) == [
        ("npq_application", decisions.FUNDED_PLACE_MISSING),
        ("funded_place", decisions.FUNDED_PLACE_REQUIRED),
    ]


# -- participant actions --------------------------------------------------------------------------


def _participant(sandbox: SandboxState, provider: LeadProvider, *declared: str) -> NPQProfile:
    store = sandbox.store
    profile = accept(store, apply(store, provider, person(store), "npq-headship", 2023))
    for kind in declared:
        declare(store, profile, kind)
    return profile


def _enrolment(response: httpx.Response, version: str, profile: NPQProfile) -> dict[str, Any]:
    attrs = response.json()["data"]["attributes"]
    if version == "v1":
        assert profile.course_identifier in attrs["npq_courses"]
        return {}
    return next(e for e in attrs["npq_enrolments"] if e["npq_application_id"] == profile.id)


@pytest.mark.parametrize("version", VERSIONS)
def test_withdraw_defer_resume(
    api: TestClient, sandbox: SandboxState, mine: LeadProvider, version: str
) -> None:
    profile = _participant(sandbox, mine, "started")
    base = f"participants/npq/{profile.user_id}"
    course = {"course_identifier": "npq-headship"}
    deferred = call(api, version, "PUT", f"{base}/defer", mine, attributes(**course, reason="career-break"))
    assert deferred.status_code == 200, deferred.text
    assert profile.training_status == "deferred"
    if version != "v1":
        assert _enrolment(deferred, version, profile)["training_status"] == "deferred"
    withdrawn = call(api, version, "PUT", f"{base}/withdraw", mine, attributes(**course, reason="other"))
    assert withdrawn.status_code == 200 and profile.training_status == "withdrawn"
    if version == "v3":
        assert _enrolment(withdrawn, version, profile)["withdrawal"] == {"reason": "other", "date": NOW_TEXT}
    resumed = call(api, version, "PUT", f"{base}/resume", mine, attributes(**course))
    assert resumed.status_code == 200 and profile.training_status == "active"


@pytest.mark.parametrize("version", VERSIONS)
def test_action_refusals(
    api: TestClient, sandbox: SandboxState, mine: LeadProvider, theirs: LeadProvider, version: str
) -> None:
    profile = _participant(sandbox, mine)
    base = f"participants/npq/{profile.user_id}"
    before = fingerprint(sandbox.store)
    withdraw = call(
        api, version, "PUT", f"{base}/withdraw", mine, attributes(course_identifier="npq-headship")
    )
    assert (withdraw.status_code, errors_of(withdraw)) == (
        422,
        [
            (
                "reason",
                "The property '#/reason' must be present, The property '#/reason' must be a valid reason",
            ),
            (
                "participant_profile",
                "An NPQ participant who has not got a started declaration cannot be withdrawn. "
                "Please contact support for assistance",
            ),
        ],
    )
    defer = call(
        api,
        version,
        "PUT",
        f"{base}/defer",
        mine,
        attributes(course_identifier="npq-headship", reason="other"),
    )
    assert errors_of(defer) == [
        ("participant_profile", "You cannot defer an NPQ participant that has no declarations")
    ]
    resume = call(api, version, "PUT", f"{base}/resume", theirs, attributes(course_identifier="npq-headship"))
    assert errors_of(resume) == [("participant_id", PARTICIPANT_NOT_RECOGNISED)]
    no_data = call(api, version, "PUT", f"{base}/resume", mine, {"attributes": {}})
    assert (no_data.status_code, errors_of(no_data)) == (400, [("Bad request", DATA_STRUCTURE_MESSAGE)])
    assert fingerprint(sandbox.store) == before


@pytest.mark.parametrize("version", VERSIONS)
def test_change_schedule(api: TestClient, sandbox: SandboxState, mine: LeadProvider, version: str) -> None:
    profile = _participant(sandbox, mine)
    path = f"participants/npq/{profile.user_id}/change-schedule"
    body = attributes(
        course_identifier="npq-headship", schedule_identifier="npq-leadership-spring", cohort="2023"
    )
    response = call(api, version, "PUT", path, mine, body)
    assert response.status_code == 200, response.text
    if version != "v1":
        assert _enrolment(response, version, profile)["schedule_identifier"] == "npq-leadership-spring"
    again = call(api, version, "PUT", path, mine, body)
    assert (again.status_code, errors_of(again)) == (
        422,
        [("schedule_identifier", "Selected schedule is already on the profile")],
    )


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("attrs", "expected"),
    [
        ({"schedule_identifier": None}, [("schedule_identifier", messages.INVALID_SCHEDULE)]),
        (
            {"schedule_identifier": "npq-specialist-spring"},
            [("schedule_identifier", messages.SCHEDULE_INVALID_FOR_COURSE)],
        ),
        ({"cohort": "2099"}, [("cohort", npq_actions.NO_CONTRACT_FOR_COHORT)]),
        (
            {"course_identifier": None},
            [("course_identifier", f"{COURSE_NOT_RECOGNISED}, {messages.COURSE_MISSING}")],
        ),
    ],
    ids=["no-schedule", "other-family", "no-contract", "no-course"],
)
def test_change_schedule_refusals(
    api: TestClient, sandbox: SandboxState, mine: LeadProvider, version: str, attrs: dict, expected: list
) -> None:
    profile = _participant(sandbox, mine)
    values = {"course_identifier": "npq-headship", "schedule_identifier": "npq-leadership-spring", **attrs}
    before = fingerprint(sandbox.store)
    path = f"participants/npq/{profile.user_id}/change-schedule"
    response = call(api, version, "PUT", path, mine, attributes(**values))
    assert (response.status_code, errors_of(response)) == (422, expected)
    assert fingerprint(sandbox.store) == before


def test_change_schedule_by_year_takes_the_years_latest_intake_with_the_schedule(
    api: TestClient, sandbox: SandboxState, mine: LeadProvider
) -> None:
    """/api/v3 names a year; a 2025b participant moves to 2025a's spring schedule (2025b has none) and
    back to 2025b's autumn one, the application's exact cohort following, as the NPQ API shows."""
    store = sandbox.store
    application = create_npq_application(
        store,
        user_id=person(store).id,
        lead_provider_id=mine.id,
        course_identifier="npq-headship",
        cohort=2025,
        cohort_suffix="b",
        now=datetime(2025, 9, 1, 9, tzinfo=UTC),
        details={"eligible_for_funding": True},
    )
    profile = accept_npq_application(
        store,
        application_id=application.id,
        schedule_identifier="npq-leadership-autumn",
        now=datetime(2025, 9, 2, 9, tzinfo=UTC),
        funded_place=True,
    )
    path = f"participants/npq/{profile.user_id}/change-schedule"

    def move(schedule: str) -> httpx.Response:
        body = attributes(course_identifier="npq-headship", schedule_identifier=schedule, cohort="2025")
        return call(api, "v3", "PUT", path, mine, body)

    def shown() -> tuple[str, str, str]:
        response = api.get(f"/npq/api/v3/npq-applications/{application.id}", headers=bearer(mine))
        attrs = response.json()["data"]["attributes"]
        return attrs["cohort"], attrs["cohort_suffix"], attrs["schedule_identifier"]

    assert move("npq-leadership-spring").status_code == 200
    assert shown() == ("2025", "a", "npq-leadership-spring")
    assert move("npq-leadership-autumn").status_code == 200
    assert shown() == ("2025", "b", "npq-leadership-autumn")
    again = move("npq-leadership-autumn")
    assert (again.status_code, errors_of(again)) == (
        422,
        [("schedule_identifier", "Selected schedule is already on the profile")],
    )


@pytest.mark.parametrize("version", VERSIONS)
def test_actions_need_the_npq_side(
    api: TestClient, sandbox: SandboxState, mine: LeadProvider, ecf_side_only: LeadProvider, version: str
) -> None:
    profile = _participant(sandbox, mine)
    for action in ("withdraw", "defer", "resume", "change-schedule"):
        path = f"participants/npq/{profile.user_id}/{action}"
        response = call(
            api, version, "PUT", path, ecf_side_only, attributes(course_identifier="npq-headship")
        )
        assert (response.status_code, response.content) == (403, b"")


# -- outcomes -------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_report_an_outcome(api: TestClient, sandbox: SandboxState, mine: LeadProvider, version: str) -> None:
    profile = _participant(sandbox, mine, "started", "retained-1", "retained-2", "completed")
    path = f"participants/npq/{profile.user_id}/outcomes"
    body = attributes(course_identifier="npq-headship", state="passed", completion_date="2024-07-15")
    response = call(api, version, "POST", path, mine, body)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["type"] == "participant-outcome"
    assert (data["attributes"]["state"], data["attributes"]["completion_date"]) == (
        "passed",
        "2024-07-15T00:00:00+00:00",
    )
    again = call(api, version, "POST", path, mine, body)
    assert again.json()["data"]["id"] == data["id"]
    listed = call(api, version, "GET", path, mine)
    assert [o["id"] for o in listed.json()["data"]] == [data["id"]]


@pytest.mark.parametrize("version", VERSIONS)
def test_outcome_refusals(
    api: TestClient, sandbox: SandboxState, mine: LeadProvider, ecf_side_only: LeadProvider, version: str
) -> None:
    profile = _participant(sandbox, mine, "started")
    path = f"participants/npq/{profile.user_id}/outcomes"
    before = fingerprint(sandbox.store)
    bad = call(api, version, "POST", path, mine, attributes(course_identifier="npq-headship", state="voided"))
    assert (bad.status_code, errors_of(bad)) == (
        422,
        [
            ("completion_date", f"{outcome_rules.DATE_MISSING}, {outcome_rules.DATE_FORMAT}"),
            ("state", outcome_rules.STATE_INVALID),
            ("base", outcome_rules.NO_COMPLETED_DECLARATION),
        ],
    )
    # Any provider may call; for one that does not train the person the outcome has nothing to go on.
    body = attributes(course_identifier="npq-headship", state="passed", completion_date="2024-07-15")
    stranger = call(api, version, "POST", path, ecf_side_only, body)
    assert (stranger.status_code, errors_of(stranger)) == (
        422,
        [("Invalid action", "Validation failed: " + outcome_rules.NO_DECLARATION)],
    )
    unknown = call(api, version, "POST", "participants/npq/nobody/outcomes", mine, body)
    assert errors_of(unknown) == [("course_identifier", COURSE_NOT_RECOGNISED)]
    assert fingerprint(sandbox.store) == before


@pytest.mark.parametrize("version", VERSIONS)
def test_a_future_completion_date(
    api: TestClient, sandbox: SandboxState, mine: LeadProvider, version: str
) -> None:
    profile = _participant(sandbox, mine, "started", "completed")
    path = f"participants/npq/{profile.user_id}/outcomes"
    body = attributes(
        course_identifier="npq-headship", state="failed", completion_date=date(2026, 11, 28).isoformat()
    )
    response = call(api, version, "POST", path, mine, body)
    assert (response.status_code, errors_of(response)) == (
        422,
        [("Invalid action", "Validation failed: " + outcome_rules.FUTURE_DATE)],
    )
