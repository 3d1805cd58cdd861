"""Withdrawal reasons across the ECF contracts: a reason one contract records and another's spec does not
list is shown in that contract's closest word (RECT's `switched-to-school-led` is the old service's
`school-left-fip`; `changed-lead-provider` is its `other`), and every read validates against its spec."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from sandbox.app import create_app
from sandbox.domain.world.entities import LeadProvider
from sandbox.state import SandboxState
from tests.api.test_ecf_actions import arrange
from tests.conftest import VERSIONS, bearer, make_state
from tests.support.openapi import validate_exchange

RECT = "/rect/api/v3"
SHOWN_BY_MANAGE_CPD = {"switched-to-school-led": "school-left-fip", "changed-lead-provider": "other"}


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


@pytest.mark.parametrize("reason", sorted(SHOWN_BY_MANAGE_CPD))
def test_a_rect_only_reason_reads_in_each_contracts_words(api, sandbox, provider, reason):
    user_id, _ = arrange(sandbox, provider)
    attributes = {"reason": reason, "course_identifier": "ecf-induction"}
    body = {"data": {"type": "participant", "attributes": attributes}}
    withdrawn = api.put(f"{RECT}/participants/{user_id}/withdraw", headers=bearer(provider), json=body)
    validate_exchange("rect", withdrawn)
    assert withdrawn.status_code == 200
    rect = api.get(f"{RECT}/participants/{user_id}", headers=bearer(provider))
    validate_exchange("rect", rect)
    assert rect.json()["data"]["attributes"]["ecf_enrolments"][0]["withdrawal"]["reason"] == reason

    for version in VERSIONS:
        shown = api.get(f"/api/{version}/participants/ecf/{user_id}", headers=bearer(provider))
        validate_exchange(version, shown)
        assert shown.status_code == 200
        attributes = shown.json()["data"]["attributes"]
        assert attributes.get("training_status", "withdrawn") == "withdrawn"
        if version == "v3":
            (enrolment,) = attributes["ecf_enrolments"]
            assert enrolment["training_status"] == "withdrawn"
            assert enrolment["withdrawal"]["reason"] == SHOWN_BY_MANAGE_CPD[reason]


def reasons(response) -> set[str]:
    enrolments = response.json()["data"]["attributes"]["ecf_enrolments"]
    return {e["withdrawal"]["reason"] for e in enrolments if e["withdrawal"]}


@pytest.fixture(scope="module")
def larger() -> SandboxState:
    """A world large enough for the seed's rarer withdrawal reason (40 participants draw none)."""
    return make_state(participants=300)


def test_a_seeded_school_left_fip_withdrawal_reads_as_switched_to_school_led(larger):
    sandbox = larger
    api = TestClient(create_app(state=sandbox), raise_server_exceptions=False)
    found = [
        (provider, profile.user_id)
        for provider in sandbox.store.lead_providers.values()
        if provider.has_ecf
        for profile in sandbox.store.ecf_profiles.values()
        if profile.training_status == "withdrawn"
        and any(
            s.state == "withdrawn" and s.reason == "school-left-fip" and s.lead_provider_id == provider.id
            for s in profile.states
        )
    ]
    assert found, "the seed withdraws some ECF participants with school-left-fip"
    read = 0
    for provider, user_id in found:
        v3 = api.get(f"/api/v3/participants/ecf/{user_id}", headers=bearer(provider))
        rect = api.get(f"{RECT}/participants/{user_id}", headers=bearer(provider))
        if v3.status_code != 200 or rect.status_code != 200:
            continue  # not this provider's participant any more
        validate_exchange("v3", v3)
        validate_exchange("rect", rect)
        old, new = reasons(v3), reasons(rect)
        if "school-left-fip" in old:
            assert "switched-to-school-led" in new and "school-left-fip" not in new
            read += 1
    assert read, "a seeded school-left-fip withdrawal is read through both contracts"
