"""What the default world holds for RECT: every ECF provider's 2025 and 2026 participants and statements,
RECT's seeded scenarios findable by the URN or TRN the README gives, and a 2025 participant who is the
same person through /api/v3 and /rect/api/v3, with RECT's own fields filled."""

from __future__ import annotations

import pytest

from sandbox.seed.rect_scenarios import DECLARATION_SHAPES, SHAPES, trn, urn
from tests.conftest import bearer
from tests.support.openapi import validate_exchange

BASE = "/rect/api/v3"
# One test voids a seeded declaration of the session's world.
pytestmark = pytest.mark.usefixtures("restores_world")


def rect(client, provider, path: str, **params) -> dict:
    response = client.get(BASE + path, headers=bearer(provider), params=params)
    validate_exchange("rect", response)
    assert response.status_code == 200, response.text
    return response.json()


def ecf_providers(providers) -> list:
    return [p for p in providers if p.has_ecf]


def people(client, provider, year: int) -> list[dict]:
    return rect(client, provider, "/participants", **{"filter[cohort]": str(year), "page[per_page]": 3000})[
        "data"
    ]


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_ecf_provider_has_people_training_in_rects_years_and_statements_for_them(
    client, providers, year
):
    for provider in ecf_providers(providers):
        enrolments = [
            e
            for p in people(client, provider, year)
            for e in p["attributes"]["ecf_enrolments"]
            if e["cohort"] == str(year)
        ]
        active = [e for e in enrolments if e["training_status"] == "active"]
        assert len(active) >= 8, (provider.name, year)
        assert {"ect", "mentor"} <= {e["participant_type"] for e in active}
        statements = rect(client, provider, "/statements", **{"filter[cohort]": str(year)})["data"]
        assert [(s["attributes"]["month"], s["attributes"]["year"]) for s in statements][0] == (
            "November",
            str(year),
        )
        assert len(statements) == 12


def test_every_scenario_is_findable_by_its_urn_or_trn(client, providers):
    for index, provider in enumerate(ecf_providers(providers)):
        trns = {
            p["attributes"]["teacher_reference_number"]
            for year in (2023, 2024, 2025, 2026)
            for p in people(client, provider, year)
        }
        for shape in SHAPES + DECLARATION_SHAPES:
            for number in (1, 2, 3):
                if shape.code >= 20:
                    assert trn(index, shape.code, number) in trns, (provider.name, shape.title)
                    continue
                year = "2026" if shape.code == 16 else "2025"
                key = urn(index, shape.code, number)
                found = rect(client, provider, "/schools", **{"filter[cohort]": year, "filter[urn]": key})
                assert [s["attributes"]["urn"] for s in found["data"]] == [key], shape.title


def test_school_shapes_show_what_they_say(client, first):
    def school(code: int, year: str = "2025") -> dict:
        key = urn(0, code, 1)
        return rect(client, first, "/schools", **{"filter[cohort]": year, "filter[urn]": key})["data"][0]

    assert school(10)["attributes"]["in_partnership"] is True
    assert school(10)["attributes"]["expression_of_interest"] is True
    assert school(11)["attributes"]["expression_of_interest"] is False  # a partnership with nobody
    assert school(12)["attributes"]["in_partnership"] is False
    assert school(12)["attributes"]["expression_of_interest"] is False
    chosen = school(17)["attributes"]
    assert (chosen["in_partnership"], chosen["expression_of_interest"]) == (False, True)
    assert school(13)["attributes"]["induction_programme_choice"] == "school_led"
    assert school(16, "2026")["attributes"]["induction_programme_choice"] == "provider_led"
    partnerships = rect(client, first, "/partnerships", **{"filter[cohort]": "2025", "page[per_page]": 3000})
    by_urn: dict[str, int] = {}
    for p in partnerships["data"]:
        by_urn[p["attributes"]["urn"]] = by_urn.get(p["attributes"]["urn"], 0) + 1
    assert by_urn[urn(0, 14, 1)] == 2
    assert by_urn[urn(0, 15, 1)] == 1 and by_urn.get(urn(0, 11, 1)) == 1
    # Who trains under each partnership today: two ECTs and a mentor; nobody; one ECT on each of two.
    training = {}
    for p in partnerships["data"]:
        key = p["attributes"]["urn"]
        training[key] = training.get(key, ()) + (p["attributes"]["participants_currently_training"],)
    assert training[urn(0, 10, 1)] == (3,)
    assert training[urn(0, 11, 1)] == (0,)
    assert training[urn(0, 14, 1)] == (1, 1)


def test_an_expression_of_interest_is_the_chosen_providers_only(client, first, second):
    key = urn(0, 17, 1)
    theirs = rect(client, second, "/schools", **{"filter[cohort]": "2025", "filter[urn]": key})["data"][0]
    assert theirs["attributes"]["expression_of_interest"] is False
    other_year = rect(client, first, "/schools", **{"filter[cohort]": "2024", "filter[urn]": key})["data"][0]
    assert other_year["attributes"]["expression_of_interest"] is False


def test_a_2025_ect_is_the_same_person_through_both_ecf_contracts(client, first):
    person = next(
        p for p in people(client, first, 2025) if p["attributes"]["teacher_reference_number"] == trn(0, 22, 1)
    )
    old = client.get(f"/api/v3/participants/ecf/{person['id']}", headers=bearer(first))
    validate_exchange("v3", old)
    was, now = old.json()["data"]["attributes"], person["attributes"]
    assert (was["full_name"], was["teacher_reference_number"]) == (
        now["full_name"],
        now["teacher_reference_number"],
    )
    [old_ect], [new_ect] = was["ecf_enrolments"], now["ecf_enrolments"]
    for key in ("training_record_id", "cohort", "school_urn", "schedule_identifier", "training_status"):
        assert old_ect[key] == new_ect[key]
    assert new_ect["cohort"] == "2025"
    # RECT's own fields, which the older API does not have.
    assert (new_ect["working_pattern"], new_ect["overall_induction_start_date"]) == (
        "part_time",
        "2025-09-01",
    )
    assert "working_pattern" not in old_ect and "overall_induction_start_date" not in old_ect
    unrecorded = next(
        p for p in people(client, first, 2025) if p["attributes"]["teacher_reference_number"] == trn(0, 21, 1)
    )
    assert unrecorded["attributes"]["ecf_enrolments"][0]["overall_induction_start_date"] is None


def test_ects_have_working_patterns_and_induction_starts_and_mentors_none(client, first):
    enrolments = [e for p in people(client, first, 2024) for e in p["attributes"]["ecf_enrolments"]]
    ects = [e for e in enrolments if e["participant_type"] == "ect"]
    mentors = [e for e in enrolments if e["participant_type"] == "mentor"]
    assert {e["working_pattern"] for e in ects} >= {"full_time", "part_time"}
    assert sum(e["overall_induction_start_date"] is not None for e in ects) > len(ects) / 2
    assert all(e["working_pattern"] is None and e["overall_induction_start_date"] is None for e in mentors)


# code -> the participant's year and its declarations through RECT, (type, state, date) in date order
DECLARED = {
    30: (2024, [("started", "eligible", "2024-09-16T10:00:00Z")]),
    31: (2024, [("started", "eligible", "2024-09-16T10:00:00Z")]),
    32: (2023, [("started", "paid", "2023-09-18T10:00:00Z"), ("retained-1", "paid", "2024-01-15T10:00:00Z")]),
}


def test_declaration_sequences_show_through_rect_and_a_paid_one_is_clawed_back(client, providers):
    assert {s.code for s in DECLARATION_SHAPES} == set(DECLARED)
    for index, provider in enumerate(ecf_providers(providers)):
        for code, (year, expected) in DECLARED.items():
            wanted = trn(index, code, 1)
            (person,) = [
                p
                for p in people(client, provider, year)
                if p["attributes"]["teacher_reference_number"] == wanted
            ]
            listed = rect(
                client, provider, "/participant-declarations", **{"filter[participant_id]": person["id"]}
            )
            shown = sorted(
                (
                    d["attributes"]["declaration_type"],
                    d["attributes"]["state"],
                    d["attributes"]["declaration_date"],
                )
                for d in listed["data"]
            )
            assert shown == sorted(expected), (provider.name, code)
    # Voiding a paid declaration of the first provider's shape 32 through RECT claws it back.
    first = ecf_providers(providers)[0]
    (person,) = [
        p for p in people(client, first, 2023) if p["attributes"]["teacher_reference_number"] == trn(0, 32, 3)
    ]
    listed = rect(client, first, "/participant-declarations", **{"filter[participant_id]": person["id"]})[
        "data"
    ]
    started = next(d for d in listed if d["attributes"]["declaration_type"] == "started")
    voided = client.put(f"{BASE}/participant-declarations/{started['id']}/void", headers=bearer(first))
    validate_exchange("rect", voided)
    assert voided.status_code == 200, voided.text
    assert voided.json()["data"]["attributes"]["state"] == "awaiting-clawback"
