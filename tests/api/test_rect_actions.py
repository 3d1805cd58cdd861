"""RECT's participant actions and partnership writes through the ASGI app (/rect/api/v3): every answer
is checked against our RECT spec, a refusal has one entry per message and changes nothing, and an action
ends or starts a training period the reads then show."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from starlette.testclient import TestClient

from sandbox.app import create_app
from sandbox.domain.participants import rect_actions, rect_change_schedule
from sandbox.domain.partnerships import rect_rules, rules
from sandbox.domain.world.entities import LeadProvider
from sandbox.state import SandboxState
from tests.api.test_ecf_actions import arrange
from tests.conftest import bearer, make_state
from tests.domain.ecf_world import snapshot
from tests.support.openapi import validate_exchange

BASE = "/rect/api/v3"
NOT_FOUND = [{"title": "Resource not found", "detail": "Nothing could be found for the provided details"}]


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


def put(api: TestClient, provider: LeadProvider, path: str, server_date: str | None = None, **attributes):
    headers = bearer(provider) | ({"X-With-Server-Date": server_date} if server_date else {})
    body = {"data": {"type": "participant", "attributes": attributes}}
    response = api.put(BASE + path, headers=headers, json=body)
    validate_exchange("rect", response)
    return response


def enrolment(response: Any, role: str = "ect") -> dict[str, Any]:
    data = response.json()["data"]
    return next(e for e in data["attributes"]["ecf_enrolments"] if e["participant_type"] == role)


def unchanged(sandbox: SandboxState, call) -> Any:
    before = snapshot(sandbox.store)
    response = call()
    assert snapshot(sandbox.store) == before
    return response


def test_withdraw_ends_the_training_period_and_the_reads_show_it(api, sandbox, provider):
    user_id, _ = arrange(sandbox, provider)
    response = put(
        api,
        provider,
        f"/participants/{user_id}/withdraw",
        course_identifier="ecf-induction",
        reason="moved-school",
    )
    assert response.status_code == 200
    shown = enrolment(response)
    assert (shown["training_status"], shown["participant_status"]) == ("withdrawn", "left")
    assert shown["withdrawal"] == {"reason": "moved-school", "date": "2026-11-27T12:00:00Z"}
    read = api.get(f"{BASE}/participants/{user_id}", headers=bearer(provider))
    assert enrolment(read) == shown


def test_a_refusal_has_one_entry_per_message_and_changes_nothing(api, sandbox, provider):
    user_id, _ = arrange(sandbox, provider)
    response = unchanged(
        sandbox,
        lambda: put(
            api, provider, f"/participants/{user_id}/withdraw", course_identifier="npq-headship", reason="x"
        ),
    )
    assert (response.status_code, response.json()["errors"]) == (
        422,
        [
            {"title": "course_identifier", "detail": "Enter a '#/course_identifier'."},
            {"title": "reason", "detail": rect_actions.REASON_NOT_RECOGNISED},
        ],
    )


def test_a_participant_the_provider_cannot_see_is_a_404(api, sandbox, provider, other):
    theirs, _ = arrange(sandbox, other)
    for who in (theirs, "00000000-0000-0000-0000-000000000000"):
        response = unchanged(
            sandbox,
            lambda who=who: put(
                api, provider, f"/participants/{who}/defer", course_identifier="ecf-induction"
            ),
        )
        assert (response.status_code, response.json()["errors"]) == (404, NOT_FOUND)


def test_defer_then_resume_the_next_day_starts_a_new_training_period(api, sandbox, provider):
    user_id, profile = arrange(sandbox, provider)
    put(
        api,
        provider,
        f"/participants/{user_id}/defer",
        course_identifier="ecf-induction",
        reason="parental-leave",
    )
    same_day = put(api, provider, f"/participants/{user_id}/resume", course_identifier="ecf-induction")
    assert same_day.json()["errors"] == [{"title": "participant_id", "detail": rect_actions.RESUME_SAME_DAY}]
    tomorrow = "2026-11-28T09:00:00Z"
    resumed = put(
        api, provider, f"/participants/{user_id}/resume", tomorrow, course_identifier="ecf-induction"
    )
    shown = enrolment(resumed)
    assert (shown["training_status"], shown["participant_status"], shown["deferral"]) == (
        "active",
        "active",
        None,
    )
    assert len(sandbox.store.records_of(profile.id)) == 2
    again = put(
        api,
        provider,
        f"/participants/{user_id}/withdraw",
        tomorrow,
        course_identifier="ecf-induction",
        reason="other",
    )
    assert (again.status_code, again.json()["errors"]) == (
        422,
        [{"title": "participant_id", "detail": rect_actions.STARTED_TODAY}],
    )


def test_change_schedule_starts_a_new_period_and_refuses_in_rects_words(api, sandbox, provider):
    user_id, profile = arrange(sandbox, provider)
    path = f"/participants/{user_id}/change-schedule"
    refused = unchanged(
        sandbox,
        lambda: put(
            api,
            provider,
            path,
            course_identifier="ecf-induction",
            schedule_identifier="ecf-replacement-april",
        ),
    )
    assert refused.json()["errors"] == [
        {"title": "schedule_identifier", "detail": rect_change_schedule.SCHEDULE_NOT_FOR_COURSE}
    ]
    done = put(
        api, provider, path, course_identifier="ecf-induction", schedule_identifier="ecf-extended-april"
    )
    assert done.status_code == 200
    assert enrolment(done)["schedule_identifier"] == "ecf-extended-april"
    assert len(sandbox.store.records_of(profile.id)) == 2


# -- partnerships ----------------------------------------------------------------------------------


def _open_school(sandbox: SandboxState, provider: LeadProvider, cohort: int) -> tuple[str, str]:
    """An eligible school the provider has no partnership with in the cohort, and a delivery partner
    working with the provider in it."""
    store = sandbox.store
    taken = {p.school_id for p in store.partnerships_of(provider.id) if p.cohort == cohort}
    school = next(
        s
        for s in store.schools.values()
        if s.eligible and s.id not in taken and (s.id, cohort) not in store.school_cohorts
    )
    partner = next(
        r.delivery_partner_id
        for r in sorted(store.provider_relationships, key=lambda r: r.delivery_partner_id)
        if r.lead_provider_id == provider.id and r.cohort == cohort
    )
    return school.id, partner


def post_partnership(api: TestClient, provider: LeadProvider, **attributes):
    body = {"data": {"type": "partnership", "attributes": attributes}}
    response = api.post(f"{BASE}/partnerships", headers=bearer(provider), json=body)
    validate_exchange("rect", response)
    return response


def test_a_partnership_is_created_once_per_school_and_cohort(api, sandbox, provider):
    school_id, partner = _open_school(sandbox, provider, 2024)
    made = post_partnership(api, provider, cohort="2024", school_id=school_id, delivery_partner_id=partner)
    assert made.status_code == 200
    assert made.json()["data"]["attributes"]["school_id"] == school_id
    before = copy.deepcopy(sandbox.store.partnerships)
    again = post_partnership(api, provider, cohort="2024", school_id=school_id, delivery_partner_id=partner)
    assert sandbox.store.partnerships == before
    assert (again.status_code, again.json()["errors"]) == (
        422,
        [{"title": "school_id", "detail": rules.SCHOOL_ALREADY_CONFIRMED}],
    )


def test_a_refused_partnership_names_each_problem(api, sandbox, provider):
    before = copy.deepcopy(sandbox.store.partnerships)
    response = post_partnership(api, provider, cohort="2021", school_id="nope", delivery_partner_id="nope")
    assert sandbox.store.partnerships == before
    assert (response.status_code, response.json()["errors"]) == (
        422,
        [
            {"title": "cohort", "detail": rect_rules.COHORT_CLOSED},
            {"title": "school_id", "detail": rules.SCHOOL_INVALID},
            {"title": "delivery_partner_id", "detail": rules.DELIVERY_PARTNER_INVALID},
        ],
    )


def test_a_withdrawal_through_the_manage_cpd_api_reads_as_left_in_rect(api, sandbox, provider):
    user_id, _ = arrange(sandbox, provider)
    body = {
        "data": {
            "type": "participant",
            "attributes": {"course_identifier": "ecf-induction", "reason": "other"},
        }
    }
    done = api.put(f"/api/v3/participants/ecf/{user_id}/withdraw", headers=bearer(provider), json=body)
    validate_exchange("v3", done)
    v3 = done.json()["data"]["attributes"]["ecf_enrolments"][0]
    assert (v3["training_status"], v3["participant_status"]) == ("withdrawn", "active")
    read = api.get(f"{BASE}/participants/{user_id}", headers=bearer(provider))
    validate_exchange("rect", read)
    shown = enrolment(read)
    assert (shown["training_status"], shown["participant_status"]) == ("withdrawn", "left")
