"""The ECF participant actions through the ASGI app, in every version and at the v1 alias paths: each
response (success or refusal) is checked against our spec, a refusal changes nothing, and a change is
seen by the readers.

The module shares one seeded world; every test that changes something arranges participants of its own
with the DfE-side registration functions, so the tests do not depend on each other.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

import pytest
from starlette.testclient import TestClient

from sandbox.app import create_app
from sandbox.domain import messages
from sandbox.domain.finance.ledger import record_declaration
from sandbox.domain.world.entities import ECFProfile, LeadProvider, Partnership
from sandbox.domain.world.registration import create_user, record_registration
from sandbox.seed.context import WORLD_NOW
from sandbox.state import SandboxState
from tests.conftest import TEST_NOW, bearer, make_state
from tests.domain.ecf_world import snapshot
from tests.support.openapi import validate_exchange

# (version, the collection the action paths hang off)
ROUTES = [
    ("v1", "participants/ecf"),
    ("v1", "participants"),
    ("v2", "participants/ecf"),
    ("v3", "participants/ecf"),
]
ROUTE_IDS = ["v1", "v1-alias", "v2", "v3"]
SERVER_DATE = "2025-01-10T10:42:00Z"
REASON_MISSING = ["The property '#/reason' must be present", "The property '#/reason' must be a valid reason"]
_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def sandbox() -> SandboxState:
    return make_state()


@pytest.fixture(scope="module")
def api(sandbox: SandboxState) -> TestClient:
    with TestClient(create_app(state=sandbox), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def provider(sandbox: SandboxState) -> LeadProvider:
    return list(sandbox.store.lead_providers.values())[0]


@pytest.fixture(scope="module")
def other(sandbox: SandboxState) -> LeadProvider:
    return list(sandbox.store.lead_providers.values())[1]


@pytest.fixture(params=ROUTES, ids=ROUTE_IDS)
def route(request: pytest.FixtureRequest) -> tuple[str, str]:
    return request.param


def home(sandbox: SandboxState, provider: LeadProvider, cohort: int) -> Partnership:
    """The provider's default partnership, in `cohort`, at a school it partners in every cohort."""
    mine = [
        p
        for p in sandbox.store.partnerships.values()
        if p.lead_provider_id == provider.id and not p.relationship and not p.challenged
    ]
    years: dict[str, set[int]] = {}
    for p in mine:
        years.setdefault(p.school_id, set()).add(p.cohort)
    return next(p for p in mine if p.cohort == cohort and years[p.school_id] >= {2021, 2022, 2023, 2024})


def arrange(
    sandbox: SandboxState,
    provider: LeadProvider,
    cohort: int = 2024,
    schedule: str = "ecf-standard-september",
    claims: tuple[tuple[str, str, str], ...] = (),
) -> tuple[str, ECFProfile]:
    """A new ECT of the provider's, registered on the world date, with the given claims."""
    store = sandbox.store
    n = next(_numbers)
    user = create_user(
        store,
        full_name=f"Arranged Teacher {n}",
        email=f"arranged{n}@example.com",
        teacher_reference_number=None,
        now=WORLD_NOW,
    )
    profile, _ = record_registration(
        store,
        user_id=user.id,
        participant_type="ect",
        partnership_id=home(sandbox, provider, cohort).id,
        schedule_identifier=schedule,
        start_date=WORLD_NOW,
        now=WORLD_NOW,
    )
    for declaration_type, when, state in claims:
        moment = datetime.fromisoformat(when).replace(tzinfo=UTC)
        record_declaration(
            store,
            profile_id=profile.id,
            lead_provider_id=provider.id,
            declaration_type=declaration_type,
            declaration_date=moment,
            state=state,
            now=moment.replace(hour=23),
        )
    return user.id, profile


def put(
    api: TestClient,
    route: tuple[str, str],
    provider: LeadProvider,
    user_id: str,
    action: str,
    body: Any,
    server_date: str | None = None,
) -> Any:
    version, base = route
    headers = bearer(provider) | ({"X-With-Server-Date": server_date} if server_date else {})
    response = api.put(f"/api/{version}/{base}/{user_id}/{action}", headers=headers, json=body)
    validate_exchange(version, response)
    return response


def attrs(**values: Any) -> dict[str, Any]:
    return {"data": {"type": "participant", "attributes": values}}


def enrolment(route: tuple[str, str], response: Any, profile: ECFProfile) -> dict[str, Any]:
    """The acted-on profile in the answer: the item itself in v1/v2, its enrolment in v3."""
    data = response.json()["data"]
    assert data["type"] == "participant" and data["id"] == profile.user_id
    if route[0] != "v3":
        assert data["attributes"]["training_record_id"] == profile.id
        return data["attributes"]
    return next(e for e in data["attributes"]["ecf_enrolments"] if e["training_record_id"] == profile.id)


def listed_since(api: TestClient, version: str, provider: LeadProvider, since: str) -> set[str]:
    response = api.get(
        f"/api/{version}/participants/ecf", headers=bearer(provider), params={"filter[updated_since]": since}
    )
    validate_exchange(version, response)
    return {item["id"] for item in response.json()["data"]}


def errors(response: Any) -> list[tuple[str, str]]:
    assert response.status_code == 422, response.text
    return [(e["title"], e["detail"]) for e in response.json()["errors"]]


# -- withdraw, defer, resume ----------------------------------------------------------------------


def test_withdraw_records_the_providers_withdrawal_at_the_server_date(api, sandbox, provider, route) -> None:
    user_id, profile = arrange(sandbox, provider)
    body = attrs(course_identifier="ecf-induction", reason="moved-school")
    response = put(api, route, provider, user_id, "withdraw", body, server_date=SERVER_DATE)
    assert response.status_code == 200, response.text
    shown = enrolment(route, response, profile)
    assert shown["training_status"] == "withdrawn"
    if route[0] == "v3":
        assert shown["withdrawal"] == {"reason": "moved-school", "date": SERVER_DATE}
        assert shown["deferral"] is None
    assert user_id in listed_since(api, route[0], provider, SERVER_DATE)
    again = put(api, route, provider, user_id, "withdraw", body)
    assert errors(again) == [("participant_profile", "The participant is already withdrawn")]


def test_v3_reads_show_the_withdrawal(api, sandbox, provider) -> None:
    user_id, profile = arrange(sandbox, provider)
    put(
        api,
        ("v3", "participants/ecf"),
        provider,
        user_id,
        "withdraw",
        attrs(course_identifier="ecf-induction", reason="other"),
    )
    response = api.get(f"/api/v3/participants/ecf/{user_id}", headers=bearer(provider))
    validate_exchange("v3", response)
    shown = response.json()["data"]["attributes"]["ecf_enrolments"][0]
    stamp = TEST_NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert (shown["training_status"], shown["withdrawal"]) == (
        "withdrawn",
        {"reason": "other", "date": stamp},
    )
    assert user_id in listed_since(api, "v3", provider, stamp)
    listed = api.get(
        "/api/v3/participants/ecf", headers=bearer(provider), params={"filter[training_status]": "withdrawn"}
    )
    assert user_id in {item["id"] for item in listed.json()["data"]}


def test_defer_then_resume(api, sandbox, provider, route) -> None:
    user_id, profile = arrange(sandbox, provider)
    deferred = put(
        api,
        route,
        provider,
        user_id,
        "defer",
        attrs(course_identifier="ecf-induction", reason="career-break"),
    )
    assert deferred.status_code == 200, deferred.text
    shown = enrolment(route, deferred, profile)
    assert shown["training_status"] == "deferred"
    if route[0] == "v3":
        assert shown["deferral"]["reason"] == "career-break" and shown["withdrawal"] is None
    resumed = put(api, route, provider, user_id, "resume", attrs(course_identifier="ecf-induction"))
    assert resumed.status_code == 200, resumed.text
    shown = enrolment(route, resumed, profile)
    assert shown["training_status"] == "active"
    if route[0] == "v3":
        assert shown["deferral"] is None
    again = put(api, route, provider, user_id, "resume", attrs(course_identifier="ecf-induction"))
    assert errors(again) == [("participant_profile", "The participant is already active")]


def test_resume_from_withdrawn(api, sandbox, provider, route) -> None:
    user_id, profile = arrange(sandbox, provider)
    put(api, route, provider, user_id, "withdraw", attrs(course_identifier="ecf-induction", reason="other"))
    refused = put(
        api, route, provider, user_id, "defer", attrs(course_identifier="ecf-induction", reason="other")
    )
    assert errors(refused) == [("participant_profile", "The participant is already withdrawn")]
    resumed = put(api, route, provider, user_id, "resume", attrs(course_identifier="ecf-induction"))
    assert resumed.status_code == 200 and enrolment(route, resumed, profile)["training_status"] == "active"


def test_merged_participant_id_still_resolves(api, sandbox, provider, route) -> None:
    store = sandbox.store
    retired, survivor = next(
        (old, new)
        for old, new in store.retired_user_ids.items()
        if any(
            p.participant_type == "ect"
            and any(
                store.partnerships[r.partnership_id].lead_provider_id == provider.id
                for r in store.records_of(p.id)
            )
            for p in store.ecf_profiles_of(new)
        )
    )
    body = attrs(course_identifier="ecf-induction", reason="bereavement")
    deferred = put(api, route, provider, retired, "defer", body)
    assert deferred.status_code == 200, deferred.text
    data = deferred.json()["data"]
    assert data["id"] == survivor
    if route[0] == "v3":
        changes = data["attributes"]["participant_id_changes"]
        assert retired in {c["from_participant_id"] for c in changes}
    assert (
        put(api, route, provider, retired, "resume", attrs(course_identifier="ecf-induction")).status_code
        == 200
    )


# -- change-schedule ------------------------------------------------------------------------------


def test_change_schedule_within_the_cohort(api, sandbox, provider, route) -> None:
    user_id, profile = arrange(sandbox, provider)
    body = attrs(course_identifier="ecf-induction", schedule_identifier="ecf-reduced-september")
    response = put(api, route, provider, user_id, "change-schedule", body)
    assert response.status_code == 200, response.text
    shown = enrolment(route, response, profile)
    assert (shown["schedule_identifier"], shown["cohort"]) == ("ecf-reduced-september", "2024")
    again = put(api, route, provider, user_id, "change-schedule", body)
    assert errors(again) == [("schedule_identifier", messages.SCHEDULE_ALREADY_ON_PROFILE)]


def test_change_schedule_moves_cohort(api, sandbox, provider, route) -> None:
    user_id, profile = arrange(sandbox, provider)
    body = attrs(course_identifier="ecf-induction", schedule_identifier="ecf-standard-january", cohort="2023")
    response = put(api, route, provider, user_id, "change-schedule", body)
    assert response.status_code == 200, response.text
    shown = enrolment(route, response, profile)
    assert (shown["schedule_identifier"], shown["cohort"]) == ("ecf-standard-january", "2023")
    if route[0] == "v3":
        expected = home(sandbox, provider, 2023).delivery_partner_id
        assert shown["delivery_partner_id"] == expected and shown["participant_status"] == "active"


def test_2021_payments_frozen_participant_moves_to_2024_and_back(api, sandbox, provider, route) -> None:
    claims = (("started", "2021-10-01T10:00:00", "paid"), ("retained-1", "2022-01-10T10:00:00", "paid"))
    user_id, profile = arrange(sandbox, provider, cohort=2021, claims=claims)
    forward = attrs(
        course_identifier="ecf-induction", schedule_identifier="ecf-extended-september", cohort=2024
    )
    response = put(api, route, provider, user_id, "change-schedule", forward)
    assert response.status_code == 200, response.text
    shown = enrolment(route, response, profile)
    assert shown["cohort"] == "2024"
    if route[0] == "v3":
        assert shown["cohort_changed_after_payments_frozen"] is True
    back = attrs(course_identifier="ecf-induction", schedule_identifier="ecf-standard-september", cohort=2021)
    response = put(api, route, provider, user_id, "change-schedule", back)
    assert response.status_code == 200, response.text
    shown = enrolment(route, response, profile)
    assert shown["cohort"] == "2021"
    if route[0] == "v3":
        assert shown["cohort_changed_after_payments_frozen"] is False


def test_change_schedule_refusals(api, sandbox, provider, route) -> None:
    user_id, _ = arrange(sandbox, provider, claims=(("started", "2024-10-01T10:00:00", "submitted"),))
    cases = [
        (attrs(course_identifier="ecf-induction"), [("schedule_identifier", messages.INVALID_SCHEDULE)]),
        (
            attrs(course_identifier="ecf-induction", schedule_identifier="ecf-replacement-september"),
            [("schedule_identifier", messages.SCHEDULE_INVALID_FOR_COURSE)],
        ),
        (
            attrs(course_identifier="ecf-induction", schedule_identifier="ecf-standard-january"),
            [("schedule_identifier", messages.SCHEDULE_INVALIDATES_DECLARATIONS)],
        ),
        (
            attrs(
                course_identifier="ecf-induction", schedule_identifier="ecf-reduced-september", cohort="2023"
            ),
            [("cohort", messages.CANNOT_CHANGE_COHORT)],
        ),
    ]
    before = snapshot(sandbox.store)
    for body, expected in cases:
        assert errors(put(api, route, provider, user_id, "change-schedule", body)) == expected
    assert snapshot(sandbox.store) == before


def test_change_schedule_of_a_withdrawn_participant(api, sandbox, provider, route) -> None:
    user_id, _ = arrange(sandbox, provider)
    put(api, route, provider, user_id, "withdraw", attrs(course_identifier="ecf-induction", reason="other"))
    body = attrs(course_identifier="ecf-induction", schedule_identifier="ecf-reduced-september")
    response = put(api, route, provider, user_id, "change-schedule", body)
    assert errors(response) == [("participant_id", messages.WITHDRAWN_PARTICIPANT)]


def test_change_schedule_to_one_without_a_declared_milestone_is_a_404(api, sandbox, provider, route) -> None:
    claims = (
        ("started", "2024-09-10T10:00:00", "submitted"),
        ("extended-1", "2024-10-01T10:00:00", "submitted"),
    )
    user_id, _ = arrange(sandbox, provider, schedule="ecf-extended-september", claims=claims)
    before = snapshot(sandbox.store)
    body = attrs(course_identifier="ecf-induction", schedule_identifier="ecf-reduced-september")
    response = put(api, route, provider, user_id, "change-schedule", body)
    assert (response.status_code, response.json()) == (404, {"error": "Resource not Found"})
    assert snapshot(sandbox.store) == before


# -- refusals every action shares -----------------------------------------------------------------

ACTIONS = {
    "withdraw": {"reason": "other"},
    "defer": {"reason": "other"},
    "resume": {},
    "change-schedule": {"schedule_identifier": "ecf-reduced-september"},
}


@pytest.mark.parametrize("action", ACTIONS)
def test_unknown_and_other_providers_participants_are_not_recognised(
    api, sandbox, provider, other, route, action
) -> None:
    theirs, _ = arrange(sandbox, other)
    before = snapshot(sandbox.store)
    for user_id in ("not-a-participant", theirs):
        response = put(
            api, route, provider, user_id, action, attrs(course_identifier="ecf-induction", **ACTIONS[action])
        )
        assert errors(response) == [("participant_id", messages.PARTICIPANT_NOT_RECOGNISED)]
    assert snapshot(sandbox.store) == before


@pytest.mark.parametrize("action", ACTIONS)
def test_missing_course_identifier(api, sandbox, provider, route, action) -> None:
    user_id, _ = arrange(sandbox, provider)
    response = put(api, route, provider, user_id, action, attrs(**ACTIONS[action]))
    detail = f"{messages.COURSE_NOT_RECOGNISED}, {messages.COURSE_MISSING}"
    assert errors(response) == [("course_identifier", detail)]


@pytest.mark.parametrize(
    ("action", "reason"), [("withdraw", None), ("defer", None), ("withdraw", "bereavement")]
)
def test_reason_errors(api, sandbox, provider, route, action, reason) -> None:
    user_id, _ = arrange(sandbox, provider)
    before = snapshot(sandbox.store)
    response = put(
        api, route, provider, user_id, action, attrs(course_identifier="ecf-induction", reason=reason)
    )
    expected = REASON_MISSING if reason is None else REASON_MISSING[1:]
    assert errors(response) == [("reason", ", ".join(expected))]
    assert snapshot(sandbox.store) == before


@pytest.mark.parametrize("action", ACTIONS)
def test_a_body_without_data_is_a_400(api, sandbox, provider, route, action) -> None:
    user_id, _ = arrange(sandbox, provider)
    response = put(
        api, route, provider, user_id, action, {"attributes": {"course_identifier": "ecf-induction"}}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["title"] == "Bad request"


@pytest.mark.parametrize("action", ACTIONS)
def test_a_provider_without_ecf_is_forbidden(api, sandbox, provider, route, action) -> None:
    npq_only = next(p for p in sandbox.store.lead_providers.values() if not p.has_ecf)
    user_id, _ = arrange(sandbox, provider)
    response = put(
        api, route, npq_only, user_id, action, attrs(course_identifier="ecf-induction", **ACTIONS[action])
    )
    assert (response.status_code, response.content) == (403, b"")
