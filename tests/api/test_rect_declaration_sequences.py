"""RECT's 2025 declaration sequences (README codes 33-36), read through /rect/api/v3 with each provider's
token: every claim on the statement and in the state the calendar gives it, then what RECT answers when
a provider sends the next claim (rect.md §6.2's date order) or voids a paid one (§6.3)."""

from __future__ import annotations

import pytest

from sandbox.seed.rect_scenarios import trn
from tests.conftest import bearer
from tests.support.openapi import validate_exchange

BASE = "/rect/api/v3"
# These tests send and void declarations in the session's world.
pytestmark = pytest.mark.usefixtures("restores_world")

OUT_OF_SEQUENCE = (
    "This '#/declaration_date' is invalid. Check that it is in sequence with existing declaration dates "
    "for this participant."
)
DUPLICATE = "A declaration has already been submitted that will be, or has been, paid for this event."
# code -> the claims (type, state, date, evidence, statement as (month, year, paid) or None), date order
EXPECTED = {
    33: [
        (
            "retained-1",
            "paid",
            "2025-11-03T10:00:00Z",
            "materials-engaged-with-offline",
            ("January", "2026", True),
        ),
    ],
    34: [
        ("started", "paid", "2025-09-15T10:00:00Z", "training-event-attended", ("November", "2025", True)),
        ("retained-2", "submitted", "2026-04-20T10:00:00Z", "75-percent-engagement-met", None),
    ],
    35: [
        ("started", "submitted", "2025-09-22T10:00:00Z", "training-event-attended", None),
        (
            "retained-1",
            "eligible",
            "2026-01-12T10:00:00Z",
            "materials-engaged-with-offline",
            ("January", "2027", False),
        ),
        (
            "retained-2",
            "payable",
            "2026-08-10T10:00:00Z",
            "75-percent-engagement-met",
            ("November", "2026", False),
        ),
        (
            "completed",
            "payable",
            "2026-10-05T10:00:00Z",
            "75-percent-engagement-met",
            ("November", "2026", False),
        ),
    ],
    36: [
        ("started", "submitted", "2025-09-22T10:00:00Z", "training-event-attended", None),
        (
            "completed",
            "payable",
            "2026-10-05T10:00:00Z",
            "75-percent-engagement-met",
            ("November", "2026", False),
        ),
    ],
}


def get(client, provider, path: str, **params) -> dict:
    response = client.get(BASE + path, headers=bearer(provider), params=params)
    validate_exchange("rect", response)
    assert response.status_code == 200, response.text
    return response.json()


def people_2025(client, provider) -> dict[str, dict]:
    """The provider's 2025 participants by TRN."""
    listed = get(client, provider, "/participants", **{"filter[cohort]": "2025", "page[per_page]": 3000})
    return {p["attributes"]["teacher_reference_number"]: p for p in listed["data"]}


def claims(client, provider, person_id: str) -> list[dict]:
    listed = get(client, provider, "/participant-declarations", **{"filter[participant_id]": person_id})
    return sorted(listed["data"], key=lambda d: d["attributes"]["declaration_date"])


def declare(
    client,
    provider,
    person_id: str,
    kind: str,
    when: str,
    evidence: str,
    course="ecf-induction",
    headers=None,
):
    attributes = {
        "participant_id": person_id,
        "declaration_type": kind,
        "declaration_date": when,
        "course_identifier": course,
        "evidence_held": evidence,
    }
    body = {"data": {"type": "participant-declaration", "attributes": attributes}}
    response = client.post(
        f"{BASE}/participant-declarations", headers={**bearer(provider), **(headers or {})}, json=body
    )
    validate_exchange("rect", response)
    return response


def refused(response, detail: str, title: str = "declaration_date") -> None:
    assert (response.status_code, response.json()) == (422, {"errors": [{"title": title, "detail": detail}]})


def void(client, provider, declaration_id: str):
    response = client.put(f"{BASE}/participant-declarations/{declaration_id}/void", headers=bearer(provider))
    validate_exchange("rect", response)
    return response


def statement(client, provider, statement_id: str) -> tuple[str, str, bool]:
    shown = get(client, provider, f"/statements/{statement_id}")["data"]["attributes"]
    return shown["month"], shown["year"], shown["paid"]


def person(client, provider, index: int, code: int, number: int) -> dict:
    return people_2025(client, provider)[trn(index, code, number)]


def test_every_provider_sees_its_sequences_on_the_statements_the_calendar_gives(client, providers):
    ecf = [p for p in providers if p.has_ecf]
    for index, provider in enumerate(ecf):
        found = people_2025(client, provider)
        seen: dict[str, tuple[str, str, bool]] = {}
        for code, expected in EXPECTED.items():
            for number in (1, 2, 3):
                who = found[trn(index, code, number)]
                (enrolment,) = who["attributes"]["ecf_enrolments"]
                assert (enrolment["cohort"], enrolment["schedule_identifier"]) == (
                    "2025",
                    "ecf-standard-september",
                )
                shown = []
                for d in claims(client, provider, who["id"]):
                    a = d["attributes"]
                    line = a["statement_id"]
                    if line is not None and line not in seen:
                        seen[line] = statement(client, provider, line)
                    shown.append(
                        (
                            a["declaration_type"],
                            a["state"],
                            a["declaration_date"],
                            a["evidence_held"],
                            seen.get(line),
                        )
                    )
                    assert a["delivery_partner_id"] == enrolment["delivery_partner_id"]
                    assert a["lead_provider_name"] == provider.name and a["clawback_statement_id"] is None
                assert shown == expected, (provider.name, code, number)


def test_a_mentors_completed_claim_ends_their_funding_and_voiding_it_restores_it(client, first):
    who = person(client, first, 0, 36, 1)
    (enrolment,) = who["attributes"]["ecf_enrolments"]
    assert (enrolment["participant_type"], enrolment["participant_status"]) == ("mentor", "active")
    assert (enrolment["mentor_funding_end_date"], enrolment["mentor_ineligible_for_funding_reason"]) == (
        "2026-10-05",
        "completed_declaration_received",
    )
    # 2025 mentors claim `started` and `completed` only.
    retained = declare(
        client,
        first,
        who["id"],
        "retained-1",
        "2026-01-12T10:00:00Z",
        "training-event-attended",
        "ecf-mentor",
    )
    refused(
        retained,
        "You cannot send retained or extended declarations for participants who began their mentor training "
        "after June 2025. Resubmit this declaration with either a started or completed declaration.",
        "declaration_type",
    )
    completed = claims(client, first, who["id"])[-1]
    done = void(client, first, completed["id"])
    assert done.status_code == 200, done.text
    assert (
        done.json()["data"]["attributes"]["state"],
        done.json()["data"]["attributes"]["statement_id"],
    ) == (
        "voided",
        None,
    )
    (after,) = get(client, first, f"/participants/{who['id']}")["data"]["attributes"]["ecf_enrolments"]
    assert (after["mentor_funding_end_date"], after["mentor_ineligible_for_funding_reason"]) == (None, None)
    assert after["participant_status"] == "active"


def test_started_must_not_postdate_a_paid_retained_1_and_the_paid_claim_is_clawed_back(client, first):
    who = person(client, first, 0, 33, 1)
    before = claims(client, first, who["id"])
    late = declare(client, first, who["id"], "started", "2025-11-04T10:00:00Z", "training-event-attended")
    refused(late, OUT_OF_SEQUENCE)
    assert claims(client, first, who["id"]) == before
    on_time = declare(client, first, who["id"], "started", "2025-11-03T10:00:00Z", "training-event-attended")
    assert on_time.status_code == 200, on_time.text
    shown = on_time.json()["data"]["attributes"]
    assert shown["state"] == "eligible"
    assert statement(client, first, shown["statement_id"]) == ("January", "2027", False)

    (paid,) = before
    clawed = void(client, first, paid["id"])
    assert clawed.status_code == 200, clawed.text
    attributes = clawed.json()["data"]["attributes"]
    assert attributes["state"] == "awaiting-clawback"
    assert attributes["statement_id"] == paid["attributes"]["statement_id"]  # RECT keeps the paid line
    assert statement(client, first, attributes["clawback_statement_id"]) == ("January", "2027", False)
    refused(
        void(client, first, paid["id"]),
        "The declaration will or has been refunded",
        "participant_declaration_id",
    )


def test_retained_1_must_fall_between_a_paid_started_and_a_submitted_retained_2(client, first):
    who = person(client, first, 0, 34, 1)
    started, retained_2 = claims(client, first, who["id"])
    evidence = "materials-engaged-with-offline"
    refused(
        declare(client, first, who["id"], "retained-1", "2025-09-15T09:59:59Z", evidence), OUT_OF_SEQUENCE
    )
    refused(
        declare(client, first, who["id"], "retained-1", "2026-04-20T10:00:01Z", evidence), OUT_OF_SEQUENCE
    )
    refused(
        declare(client, first, who["id"], "retained-3", "2026-04-19T10:00:00Z", evidence), OUT_OF_SEQUENCE
    )
    refused(
        declare(client, first, who["id"], "started", "2025-09-15T10:00:00Z", "training-event-attended"),
        DUPLICATE,
        "declaration_type",
    )
    # Equal dates are in sequence.
    between = declare(client, first, who["id"], "retained-1", "2026-04-20T10:00:00Z", evidence)
    assert between.status_code == 200, between.text
    assert between.json()["data"]["attributes"]["state"] == "eligible"
    # The submitted claim is voided outright; the paid one goes to clawback.
    assert void(client, first, retained_2["id"]).json()["data"]["attributes"]["state"] == "voided"
    assert void(client, first, started["id"]).json()["data"]["attributes"]["state"] == "awaiting-clawback"


def test_the_next_claim_after_a_payable_completed_must_fit_the_dates_already_claimed(client, first):
    who = person(client, first, 0, 35, 1)
    evidence = "training-event-attended"
    refused(
        declare(client, first, who["id"], "retained-3", "2026-08-09T10:00:00Z", evidence), OUT_OF_SEQUENCE
    )
    refused(
        declare(client, first, who["id"], "retained-3", "2026-10-06T10:00:00Z", evidence), OUT_OF_SEQUENCE
    )
    refused(
        declare(client, first, who["id"], "completed", "2026-10-06T10:00:00Z", "75-percent-engagement-met"),
        DUPLICATE,
        "declaration_type",
    )
    refused(
        declare(client, first, who["id"], "extended-1", "2026-10-06T10:00:00Z", evidence),
        "The property '#/declaration_type' does not exist for this schedule.",
        "declaration_type",
    )
    fits = declare(client, first, who["id"], "retained-3", "2026-09-01T10:00:00Z", evidence)
    assert fits.status_code == 200, fits.text
    assert fits.json()["data"]["attributes"]["state"] == "eligible"


def test_a_claim_sent_back_in_2026_passes_over_the_statements_paid_since(client, first):
    # A 2025 ECT with no claim; the provider's clock in June 2026, before DfE paid August 2026's statement
    # (paid in this world, which is as of 15 November 2026 for 2025's statements): the first one not yet
    # paid takes the claim, as RECT's next open output statement would.
    who = person(client, first, 0, 22, 1)
    assert claims(client, first, who["id"]) == []
    sent = declare(
        client,
        first,
        who["id"],
        "started",
        "2026-05-01T10:00:00Z",
        "training-event-attended",
        headers={"X-With-Server-Date": "2026-06-01T10:00:00Z"},
    )
    assert sent.status_code == 200, sent.text
    assert sent.json()["data"]["attributes"]["state"] == "eligible"
    assert statement(client, first, sent.json()["data"]["attributes"]["statement_id"]) == (
        "November",
        "2026",
        False,
    )
