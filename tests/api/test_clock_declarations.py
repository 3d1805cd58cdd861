"""A provider's clock moves its declarations' date checks: inside a milestone window a declaration
dated "now" is accepted; once the clock has moved past the window the same kind of claim is refused."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from sandbox.app import create_app
from tests.conftest import bearer, make_state

BILLABLE_OR_CHANGEABLE = ("submitted", "eligible", "payable", "paid")


@pytest.fixture
def sandbox():
    state = make_state()
    state.admin_token = "admin-token"
    return state, TestClient(create_app(state=state), raise_server_exceptions=False)


def _ects_without(state, provider, declaration_type: str) -> list[str]:
    """Active, fundable 2024 ECTs of the provider on ecf-standard-september with no such claim yet."""
    from sandbox.domain.participants.ecf import ParticipantFilter, list_participants

    found = []
    for participant in list_participants(state.store, provider, ParticipantFilter(), state.clock.now()):
        for enrolment in participant.enrolments:
            profile, record = enrolment.profile, enrolment.record
            claimed = {
                d.declaration_type
                for d in state.store.declarations_of(participant.user.id)
                if d.course_identifier == "ecf-induction" and d.state in BILLABLE_OR_CHANGEABLE
            }
            if (
                profile.participant_type == "ect"
                and profile.schedule_identifier == "ecf-standard-september"
                and profile.cohort == 2024
                and record.training_status == "active"
                and declaration_type not in claimed
            ):
                found.append(participant.user.id)
    return found


def _declare(client, provider, participant_id: str, when: str):
    body = {
        "data": {
            "type": "participant-declaration",
            "attributes": {
                "participant_id": participant_id,
                "declaration_type": "retained-4",
                "declaration_date": when,
                "course_identifier": "ecf-induction",
                "evidence_held": "training-event-attended",
            },
        }
    }
    return client.post("/api/v3/participant-declarations", json=body, headers=bearer(provider))


def test_the_window_is_open_while_the_clock_is_in_it_and_closes_after(sandbox):
    state, client = sandbox
    provider = next(iter(state.store.lead_providers.values()))
    candidates = _ects_without(state, provider, "retained-4")
    assert len(candidates) >= 2, "the seeded world has 2024 ECTs still to claim retained-4 for"
    clock = f"/sandbox/providers/{provider.id}/clock"

    # retained-4 of ecf-standard-september 2024 runs from 2026-01-01 to 2026-03-31.
    assert (
        client.put(clock, headers=bearer(provider), json={"instant": "2026-02-16T10:00:00Z"}).status_code
        == 200
    )
    accepted = _declare(client, provider, candidates[0], "2026-02-16T09:00:00Z")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["data"]["attributes"]["created_at"].startswith("2026-02-16")

    assert client.put(clock, headers=bearer(provider), json={"advance": {"days": 60}}).status_code == 200
    refused = _declare(client, provider, candidates[1], "2026-04-17T09:00:00Z")
    assert refused.status_code == 422
    assert refused.json() == {
        "errors": [
            {
                "title": "declaration_date",
                "detail": "Enter a '#/declaration_date' that's before the milestone end date.",
            }
        ]
    }

    # A claim dated in the future of the provider's clock is refused as the real service refuses it.
    future = _declare(client, provider, candidates[1], "2026-05-01T09:00:00Z")
    assert "cannot be a future date" in future.json()["errors"][0]["detail"]
