"""RECT's participant-history scenarios (codes 50-59, seed/rect_histories_participants.py) read through
/rect/api/v3 with each ECF provider's token: every one is found by its TRN and shows the statuses,
mentors and enrolments rect.md §5.1 derives; the action each exists for gets RECT's exact answer."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox.seed.rect_histories_participants import SHAPES
from sandbox.seed.rect_scenarios import trn
from tests.conftest import bearer
from tests.support.openapi import validate_exchange

BASE = "/rect/api/v3"
YEARS = (2022, 2023, 2024, 2025)
# One module-scoped world: the actions below write to it.
pytestmark = pytest.mark.usefixtures("restores_world")


@pytest.fixture(scope="module")
def ecf(providers) -> list:
    return [p for p in providers if p.has_ecf]


@pytest.fixture(scope="module")
def seen(client, ecf) -> dict[str, list[dict]]:
    """Every participant each ECF provider lists in 2022-2025, read once, by provider id."""
    listed = {}
    for provider in ecf:
        people: dict[str, dict] = {}
        for year in YEARS:
            query = {"filter[cohort]": str(year), "page[per_page]": 3000}
            response = client.get(BASE + "/participants", headers=bearer(provider), params=query)
            validate_exchange("rect", response)
            people.update({p["id"]: p for p in response.json()["data"]})
        listed[provider.id] = list(people.values())
    return listed


def person(seen, provider, index: int, code: int, number: int) -> dict:
    wanted = trn(index, code, number)
    (found,) = [p for p in seen[provider.id] if p["attributes"]["teacher_reference_number"] == wanted]
    return found


def enrolments(who: dict) -> list[tuple[str, str, str, str]]:
    return [
        (e["participant_type"], e["cohort"], e["training_status"], e["participant_status"])
        for e in who["attributes"]["ecf_enrolments"]
    ]


def put(client, provider, path: str, **attributes: Any):
    body = {"data": {"type": "participant", "attributes": attributes}}
    response = client.put(BASE + path, headers=bearer(provider), json=body)
    validate_exchange("rect", response)
    return response


ROLE = {1: "ect", 2: "mentor", 3: "ect"}
STATUSES = {
    50: lambda n: [(ROLE[n], "2025", "active", "leaving")],
    51: lambda n: [(ROLE[n], "2025", "active", "joining")],
    52: lambda n: [(ROLE[n], "2024", "withdrawn", "left")],
    53: lambda n: [(ROLE[n], "2024", "active", "left")],
    54: lambda n: [("ect", "2024", "withdrawn", "left")],
    55: lambda n: [("ect", "2023", "active", "active")],
    56: lambda n: [("ect", "2025", "active", "active")],
    57: lambda n: [("ect", "2025", "active", "active")],
    58: lambda n: [("mentor", "2024" if n == 2 else "2025", "active", "active")],
    # A passed induction keeps the ECT enrolment `active` (rect.md §5.1); the mentor one is 2025's.
    59: lambda n: [
        ("ect", "2023" if n == 2 else "2022", "active", "active"),
        ("mentor", "2025", "active", "active"),
    ],
}


def test_every_history_is_found_by_its_trn_with_the_statuses_rect_derives(seen, ecf):
    assert {s.code for s in SHAPES} == set(STATUSES) == set(range(50, 60))
    for index, provider in enumerate(ecf):
        for code, expected in STATUSES.items():
            for number in (1, 2, 3):
                who = person(seen, provider, index, code, number)
                assert enrolments(who) == expected(number), (provider.name, code, number)


def test_leaving_and_joining_dates_lie_one_to_six_months_after_the_sandboxs_first_day(client, seen, first):
    leaving = person(seen, first, 0, 50, 1)
    transfers = client.get(f"{BASE}/participants/{leaving['id']}/transfers", headers=bearer(first))
    validate_exchange("rect", transfers)
    (move,) = transfers.json()["data"]["attributes"]["transfers"]
    assert (move["transfer_type"], move["status"], move["leaving"]["date"]) == (
        "unknown",
        "incomplete",
        "2027-01-08",
    )
    joining = person(seen, first, 0, 51, 2)
    refused = put(
        client,
        first,
        f"/participants/{joining['id']}/withdraw",
        course_identifier="ecf-mentor",
        reason="other",
    )
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {
            "title": "participant_id",
            "detail": "You cannot withdraw #/participant_id. This is because they have not been training "
            "with you for at least one day.",
        }
    ]


def test_a_withdrawn_participant_gone_from_the_school_cannot_be_resumed(client, seen, first):
    who = person(seen, first, 0, 52, 1)
    refused = put(client, first, f"/participants/{who['id']}/resume", course_identifier="ecf-induction")
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {
            "title": "participant_id",
            "detail": "The participant is no longer at the school. "
            "Please contact the induction tutor to resolve.",
        }
    ]


def test_resume_after_another_provider_took_over_at_the_school_is_refused(client, seen, ecf):
    for index, provider in enumerate(ecf):
        who = person(seen, provider, index, 54, 1)
        refused = put(
            client, provider, f"/participants/{who['id']}/resume", course_identifier="ecf-induction"
        )
        assert refused.status_code == 422, provider.name
        assert refused.json()["errors"] == [
            {
                "title": "participant_id",
                "detail": "This participant cannot be resumed because they are already active with another "
                "provider.",
            }
        ]
    # The other provider trains them now, at the same school.
    taker = ecf[1]
    who = person(seen, ecf[0], 0, 54, 1)
    theirs = client.get(f"{BASE}/participants/{who['id']}", headers=bearer(taker))
    validate_exchange("rect", theirs)
    (enrolment,) = theirs.json()["data"]["attributes"]["ecf_enrolments"]
    mine = who["attributes"]["ecf_enrolments"][0]
    assert (enrolment["training_status"], enrolment["participant_status"]) == ("active", "active")
    assert enrolment["school_urn"] == mine["school_urn"]


def test_a_paid_started_does_not_stop_a_cohort_change_in_rect(client, seen, first):
    who = person(seen, first, 0, 55, 1)
    declarations = client.get(
        f"{BASE}/participant-declarations",
        headers=bearer(first),
        params={"filter[participant_id]": who["id"]},
    )
    shown = [
        (d["attributes"]["declaration_type"], d["attributes"]["state"]) for d in declarations.json()["data"]
    ]
    assert shown == [("started", "paid")]
    # The older API refuses to move a participant with billable declarations to another cohort.
    older = client.put(
        f"/api/v3/participants/ecf/{who['id']}/change-schedule",
        headers=bearer(first),
        json={
            "data": {
                "type": "participant-change-schedule",
                "attributes": {
                    "schedule_identifier": "ecf-standard-september",
                    "course_identifier": "ecf-induction",
                    "cohort": "2024",
                },
            }
        },
    )
    assert older.status_code == 422
    assert {"title": "cohort", "detail": "You cannot change the '#/cohort' field"} in older.json()["errors"]
    moved = put(
        client,
        first,
        f"/participants/{who['id']}/change-schedule",
        schedule_identifier="ecf-extended-september",
        course_identifier="ecf-induction",
        cohort="2025",
    )
    assert moved.status_code == 200, moved.text
    (enrolment,) = moved.json()["data"]["attributes"]["ecf_enrolments"]
    assert (enrolment["cohort"], enrolment["schedule_identifier"], enrolment["participant_status"]) == (
        "2025",
        "ecf-extended-september",
        "active",
    )
    after = client.get(
        f"{BASE}/participant-declarations",
        headers=bearer(first),
        params={"filter[participant_id]": who["id"]},
    )
    # The paid declaration stays where it was, in its own cohort.
    assert [(d["attributes"]["state"], d["id"]) for d in after.json()["data"]] == [
        ("paid", declarations.json()["data"][0]["id"])
    ]


def mentored(seen, provider, mentor_id: str) -> list[tuple[str, str]]:
    return sorted(
        (e["cohort"], e["school_urn"])
        for p in seen[provider.id]
        for e in p["attributes"]["ecf_enrolments"]
        if e["mentor_id"] == mentor_id
    )


def test_ects_of_2025_show_their_earlier_years_mentors(seen, ecf):
    for index, provider in enumerate(ecf):
        for code, year in ((56, "2024"), (57, "2023")):
            ect = person(seen, provider, index, code, 1)
            mentor_id = ect["attributes"]["ecf_enrolments"][0]["mentor_id"]
            (mentor,) = [p for p in seen[provider.id] if p["id"] == mentor_id]
            assert enrolments(mentor) == [("mentor", year, "active", "active")], (provider.name, code)
            assert mentored(seen, provider, mentor_id) == [
                ("2025", mentor["attributes"]["ecf_enrolments"][0]["school_urn"])
            ]


def test_a_mentor_of_several_ects_at_two_schools(seen, ecf):
    for index, provider in enumerate(ecf):
        for number, year, count in ((1, "2025", 3), (2, "2024", 2)):
            mentor = person(seen, provider, index, 58, number)
            ects = mentored(seen, provider, mentor["id"])
            assert len(ects) == count and {c for c, _ in ects} == {year}, (provider.name, number)
            home = mentor["attributes"]["ecf_enrolments"][0]["school_urn"]
            assert len({urn for _, urn in ects}) == 2 and home in {urn for _, urn in ects}


def test_an_ect_who_passed_induction_mentors_under_the_same_participant_id(client, seen, first):
    who = person(seen, first, 0, 59, 2)
    ect, mentor = who["attributes"]["ecf_enrolments"]
    assert (ect["induction_end_date"], mentor["induction_end_date"]) == ("2024-07-19", None)
    assert ect["training_record_id"] != mentor["training_record_id"]
    # The same person through the older API: two training records of one participant.
    older = client.get(f"/api/v3/participants/ecf/{who['id']}", headers=bearer(first))
    assert older.status_code == 200
    assert sorted(e["cohort"] for e in older.json()["data"]["attributes"]["ecf_enrolments"]) == [
        "2023",
        "2025",
    ]


def test_every_provider_has_ten_unfunded_mentors_in_rects_terms(client, ecf):
    for provider in ecf:
        listed = client.get(
            f"{BASE}/unfunded-mentors", headers=bearer(provider), params={"page[per_page]": 3000}
        )
        validate_exchange("rect", listed)
        mentors = {m["id"]: m["attributes"] for m in listed.json()["data"]}
        assert len(mentors) >= 10, provider.name
        older = client.get(
            "/api/v3/unfunded-mentors/ecf", headers=bearer(provider), params={"page[per_page]": 3000}
        ).json()["data"]
        stamps = {m["id"]: m["attributes"]["updated_at"] for m in older}
        assert set(stamps) == set(mentors)
        # Registering a mentee later moved the person's stamp, not RECT's.
        assert all(mentors[i]["updated_at"] <= stamps[i] for i in mentors)
        assert any(mentors[i]["updated_at"] < stamps[i] for i in mentors), provider.name
        for mentor_id in mentors:
            own = client.get(f"{BASE}/participants/{mentor_id}", headers=bearer(provider))
            assert own.status_code == 404  # not the provider's own participant
        newest = max(m["updated_at"] for m in mentors.values())
        since = client.get(
            f"{BASE}/unfunded-mentors", headers=bearer(provider), params={"filter[updated_since]": newest}
        )
        assert [m["attributes"]["updated_at"] for m in since.json()["data"]] == [
            newest for m in mentors.values() if m["updated_at"] == newest
        ]
